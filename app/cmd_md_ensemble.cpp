// glassy md ensemble STUDY... --out ENSEMBLE.h5: the temperature studies of several glasses
// (one `glassy md study` each, made with one protocol) taken together: the spread of 1 + beta'
// between glasses, each temperature's mean with an error that includes it, and the trap model
// 1 + T/T0 fitted to every glass's exponent with those errors (md/ensemble).
#include "commands.hpp"

#include <glassy/core/provenance.hpp>
#include <glassy/md/ensemble.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

namespace glassy::cli {

void register_md_ensemble(CLI::App& md) {
  auto* cmd = md.add_subcommand(
      "ensemble",
      "Studies of several glasses together: the spread between glasses, and the trap model "
      "tested with it");
  struct Args {
    std::vector<std::string> studies;
    std::string out;
    md::EnsembleOptions o;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("STUDY", a->studies,
                  "Study files written by `glassy md study`, one per glass, made alike")
      ->required();
  cmd->add_option("--out", a->out, "Ensemble file (HDF5, /glassy/md/ensemble)")->required();
  cmd->add_option_function<double>(
         "--sample-spread", [a](double v) { a->o.sample_spread = v; },
         "Standard deviation of 1 + beta' between glasses beyond their fit errors, known from a "
         "larger ensemble (default: estimated from these studies' shared temperatures)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--spread-from-fitted", a->o.spread_from_fitted,
                "Estimate the spread from every fitted exponent (stated or not: how much the "
                "estimate varies between glasses), not only the stated ones; the trap model is "
                "fitted to stated exponents either way");
  cmd->callback([a, cmd] {
    std::vector<std::filesystem::path> studies(a->studies.begin(), a->studies.end());
    for (const auto& s : studies) provenance::record_input(s);
    provenance::record_options(given_options(*cmd));
    const auto e = md::combine_studies(studies, a->out, a->o);
    std::printf("%zu studies (%s waiting times, x_min %s), %zu stated exponents, %zu fitted\n",
                e.studies.size(), e.compared.c_str(),
                e.xmin_intervals
                    ? fmt::format("fixed at {:g} snapshot intervals", *e.xmin_intervals).c_str()
                    : "by KS per run",
                e.points.size(), e.fitted.size());
    for (const auto& r : e.temperatures) {
      std::printf("  %s: %zu of %zu glasses stated", r.label.c_str(), r.stated, r.studies);
      if (r.stated > 0)
        std::printf(", T = %.4f, 1 + beta' = %.3f +- %.3f", r.mean_temperature, r.mean_alpha,
                    r.se_alpha);
      if (r.stated >= 2) std::printf(" (between glasses SD %.3f)", r.sd_alpha);
      std::printf("\n");
    }
    const auto& s = e.estimated;
    if (s.ok)
      std::printf(
          "spread between glasses beyond the fit errors: %.3f from %zu degrees of freedom of %s "
          "(rms fit error %.3f)\n",
          s.spread, s.dof, e.spread_from.c_str(), s.rms_fit_error);
    else
      std::printf("spread between glasses: not estimated (%s)\n", s.reason.c_str());
    if (a->o.sample_spread) std::printf("spread used: %.3f, as given\n", *a->o.sample_spread);
    const auto& t = e.trap;
    if (!t.ok)
      std::printf("trap model: not tested (%s)\n", t.reason.c_str());
    else if (t.p_value)
      std::printf(
          "trap model 1 + beta' = 1 + T/T0: T0 = %.4g +- %.2g from %zu exponents, chi2 = %.3g "
          "for %zu dof (p = %.2g)\n",
          t.t0, t.t0_err, t.points, t.chi2, t.dof, *t.p_value);
    else
      std::printf("trap model 1 + beta' = 1 + T/T0: T0 = %.4g +- %.2g from %zu exponents; %s\n",
                  t.t0, t.t0_err, t.points, t.reason.c_str());
    for (const auto& w : e.warnings) std::printf("warning: %s\n", w.c_str());
    std::printf("wrote %s\n", a->out.c_str());
  });
}

}  // namespace glassy::cli
