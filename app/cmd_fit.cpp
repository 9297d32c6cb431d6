// glassy fit --model kww|ml|ml-unsquared|exp --in G2.csv [--json] [--normalised] [--baseline B]:
// or --in RESULT.h5 [--q-index K | --q Q] [--lag-range A:B] (g2 straight from an APS or glassy
// result file, corr/result_g2): fits one correlation function and prints the parameters with
// errors, reduced chi^2, AIC, AICc, BIC and <t> where it is defined (one JSON object with --json).
#include "commands.hpp"

#include <glassy/core/error.hpp>
#include <glassy/core/parse.hpp>
#include <glassy/corr/result_g2.hpp>
#include <glassy/fit/curve_csv.hpp>
#include <glassy/fit/fit.hpp>
#include <glassy/io/hdf5.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace glassy::cli {
namespace {

using fit::Curve;

Curve read_curve(const std::string& path) { return fit::read_curve_csv(path); }

void print_text(const fit::FitResult& r, const Curve& c) {
  std::printf("model %s: %s\n", r.model.c_str(), r.formula.c_str());
  std::size_t width = 0;
  for (const auto& n : r.names) width = std::max(width, n.size());
  for (std::size_t k = 0; k < r.names.size(); ++k) {
    const bool is_time = r.names[k] == "tau";
    const std::string unit = is_time ? " s" : "";
    if (r.fixed[k]) {
      std::printf("  %-*s = %.6g%s (fixed)\n", static_cast<int>(width), r.names[k].c_str(),
                  r.value[k], unit.c_str());
    } else {
      std::printf("  %-*s = %.6g +- %.3g%s\n", static_cast<int>(width), r.names[k].c_str(),
                  r.value[k], r.error[k], unit.c_str());
    }
  }
  std::printf(
      "points %zu, free parameters %zu, chi2_red %.4g (%s)\n", r.n_points, r.n_free, r.chi2_red,
      r.errors_scaled_by_chi2
          ? fmt::format("no {}_err column: errors scaled by sqrt(chi2_red)", c.value_column).c_str()
          : fmt::format("errors from {}_err", c.value_column).c_str());
  std::printf("AIC %.6g  AICc %.6g  BIC %.6g\n", r.aic, r.aicc, r.bic);
  if (r.mean_time) {
    std::printf("<t> = %.6g +- %.3g s\n", *r.mean_time, *r.mean_time_error);
  } else if (r.tail_exponent) {
    std::printf("tail R ~ t^-%.4g +- %.2g for t >> tau (beta < 1: the first moment <t> diverges)\n",
                *r.tail_exponent, *r.tail_exponent_error);
  }
}

void print_json(const fit::FitResult& r) {
  nlohmann::ordered_json j;
  j["model"] = r.model;
  j["formula"] = r.formula;
  j["ok"] = r.ok;
  auto& p = j["parameters"];
  p = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < r.names.size(); ++k) {
    p[r.names[k]] = {
        {"value", r.value[k]}, {"error", r.error[k]}, {"fixed", static_cast<bool>(r.fixed[k])}};
  }
  j["chi2"] = r.chi2;
  j["chi2_red"] = r.chi2_red;
  j["aic"] = r.aic;
  j["aicc"] = r.aicc;
  j["bic"] = r.bic;
  j["n_points"] = r.n_points;
  j["n_free"] = r.n_free;
  j["errors_scaled_by_chi2"] = r.errors_scaled_by_chi2;
  j["mean_time"] = nullptr;
  if (r.mean_time) j["mean_time"] = {{"value", *r.mean_time}, {"error", *r.mean_time_error}};
  j["tail_exponent"] = nullptr;
  if (r.tail_exponent)
    j["tail_exponent"] = {{"value", *r.tail_exponent}, {"error", *r.tail_exponent_error}};
  std::printf("%s\n", j.dump().c_str());
}

}  // namespace

void register_fit(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("fit", "Fit a KWW, Mittag-Leffler or exponential decay to a g2 curve");
  struct Args {
    std::string model, in;
    bool json = false, normalised = false, free_baseline = false;
    std::optional<double> baseline, q, frame_time;
    std::optional<int> q_index;
    std::string lag_range;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--model", a->model, "kww, ml (R = E_beta^2), ml-unsquared (R = E_beta) or exp")
      ->required();
  cmd->add_option("--in", a->in,
                  "CSV with header lag_s,g2[,g2_err] (# comments allowed), or an APS / glassy "
                  "result HDF5 (/xpcs/multitau or /xpcs/twotime normalized_g2)")
      ->required();
  cmd->add_option("--q-index", a->q_index, "Result file: the g2 column, counted from 0");
  cmd->add_option("--q", a->q, "Result file: the column of the q (1/A) nearest this");
  cmd->add_option("--lag-range", a->lag_range, "A:B, fit only lags in [A, B] s");
  cmd->add_option("--frame-time", a->frame_time,
                  "Result file: seconds per frame when delay_list counts frames");
  cmd->add_flag("--json", a->json, "Print one JSON object instead of text");
  cmd->add_flag("--normalised", a->normalised,
                "The value column is R (already normalised): fit R(t) itself");
  cmd->add_flag("--free-baseline", a->free_baseline,
                "Fit g2 = baseline + contrast * R(t) with the baseline free (the default)");
  cmd->add_option("--baseline", a->baseline, "Hold the baseline g2(inf) at this value");
  cmd->callback([a] {
    const auto model = fit::parse_model(a->model);
    require(fit::is_relaxation(model),
            "--model must be kww, ml, ml-unsquared or exp (got '" + a->model + "')");
    require(!(a->normalised && (a->baseline || a->free_baseline)),
            "--normalised fits R(t) without baseline: drop --baseline / --free-baseline");
    require(!(a->baseline && a->free_baseline),
            "--baseline fixes the baseline; drop --free-baseline");
    require(!(a->q_index && a->q), "--q-index and --q both choose the column: give one");
    std::optional<std::pair<double, double>> lag_range;
    if (!a->lag_range.empty()) lag_range = parse_span(a->lag_range, "--lag-range");
    Curve c;
    if (h5::File::is_hdf5(a->in)) {
      const auto r = read_result_g2(a->in, {a->q_index, a->q, lag_range, a->frame_time});
      c = {r.t, r.g2, r.err, "g2"};
      if (!a->json) std::printf("g2 from %s: %zu lags\n", r.description.c_str(), r.t.size());
    } else {
      require(!a->q_index && !a->q && !a->frame_time,
              "--q-index, --q and --frame-time apply to a result file; " + a->in + " is a CSV");
      c = read_curve(a->in);
      if (lag_range) {
        Curve kept{{}, {}, {}, c.value_column};
        for (std::size_t i = 0; i < c.t.size(); ++i)
          if (c.t[i] >= lag_range->first && c.t[i] <= lag_range->second) {
            kept.t.push_back(c.t[i]), kept.y.push_back(c.y[i]);
            if (!c.err.empty()) kept.err.push_back(c.err[i]);
          }
        require(!kept.t.empty(), a->in + " has no lag inside --lag-range " + a->lag_range);
        c = kept;
      }
    }
    fit::FitOptions o;
    o.sigma = c.err;
    o.free_contrast_baseline = !a->normalised;
    if (a->baseline) o.fixed["baseline"] = *a->baseline;
    const auto r = fit::fit(model, c.t, c.y, o);
    require(r.ok, fmt::format("fit of {} to {} failed: {}", r.model, a->in, r.reason));
    if (a->json) {
      print_json(r);
    } else {
      print_text(r, c);
    }
  });
}

}  // namespace glassy::cli
