#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/md/ensemble.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace glassy::md {
namespace {

constexpr const char* kStudyGroup = "glassy/md/study";
constexpr const char* kEnsembleGroup = "glassy/md/ensemble";

// Indices of the points of each label, labels in order of first appearance.
std::vector<std::pair<std::string, std::vector<std::size_t>>> by_label(
    const std::vector<EnsemblePoint>& points) {
  std::vector<std::pair<std::string, std::vector<std::size_t>>> groups;
  for (std::size_t i = 0; i < points.size(); ++i) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == points[i].label; });
    if (it == groups.end()) {
      groups.push_back({points[i].label, {}});
      it = std::prev(groups.end());
    }
    it->second.push_back(i);
  }
  return groups;
}

struct StudyRows {
  std::string glass, compared;
  std::optional<double> xmin_intervals;  // fixed x_min of the study's fits; absent: by KS
  std::vector<std::string> labels;
  std::vector<EnsemblePoint> stated, fitted;
};

StudyRows read_study(const std::filesystem::path& path, std::size_t index) {
  const std::string where = path.string();
  require(std::filesystem::is_regular_file(path), where + ": no such file");
  require(h5::File::is_hdf5(path), where +
                                       " is not an HDF5 file: give studies written by "
                                       "`glassy md study`");
  const auto f = h5::File::open(path);
  require(f.is_group(kStudyGroup), where +
                                       " holds no /glassy/md/study: give the files `glassy md "
                                       "study --out` wrote, one per glass");
  const auto g = f.group(kStudyGroup);
  StudyRows s;
  s.glass = g.attrs().has("glass") ? g.attrs().get_string("glass") : "";
  const auto summary = nlohmann::json::parse(
      g.attrs().has("summary") ? g.attrs().get_string("summary") : "", nullptr, false);
  require(summary.is_object() && summary.contains("compared") && summary["compared"].is_string(),
          where + ": /glassy/md/study lacks its summary: write it again with `glassy md study`");
  s.compared = summary["compared"].get<std::string>();
  // Studies before stop 29 chose x_min by KS and did not say so.
  if (summary.contains("xmin_intervals") && summary["xmin_intervals"].is_number())
    s.xmin_intervals = summary["xmin_intervals"].get<double>();
  s.labels = g.read_strings("label");
  const auto t = g.read<double>("temperature"), alpha = g.read<double>("alpha"),
             err = g.read<double>("alpha_err"), stated = g.read<double>("stated");
  const std::size_t n = s.labels.size();
  require(t.size() == n && alpha.size() == n && err.size() == n && stated.size() == n,
          where +
              ": /glassy/md/study's label, temperature, alpha, alpha_err and stated differ in "
              "length");
  for (std::size_t i = 0; i < n; ++i) {
    if (stated[i] != 1) continue;
    require(std::isfinite(alpha[i]) && std::isfinite(err[i]) && err[i] > 0 && std::isfinite(t[i]) &&
                t[i] > 0,
            fmt::format("{}: the stated exponent at {} is not a number with a positive error",
                        where, s.labels[i]));
    s.stated.push_back({index, s.labels[i], t[i], alpha[i], err[i]});
  }
  // The maximum-likelihood exponent wherever a fit ran (NaN where none; absent before stop 24).
  if (g.is_dataset("alpha_mle") && g.is_dataset("alpha_mle_err")) {
    const auto mle = g.read<double>("alpha_mle"), mle_err = g.read<double>("alpha_mle_err");
    require(mle.size() == n && mle_err.size() == n,
            where +
                ": /glassy/md/study's alpha_mle and alpha_mle_err differ in length from its "
                "labels");
    for (std::size_t i = 0; i < n; ++i)
      if (std::isfinite(mle[i]) && std::isfinite(mle_err[i]) && mle_err[i] > 0 &&
          std::isfinite(t[i]) && t[i] > 0)
        s.fitted.push_back({index, s.labels[i], t[i], mle[i], mle_err[i]});
  }
  return s;
}

// One group of exponents: study index, label, temperature, 1 + beta' and its fit error.
h5::Group write_exponents(const h5::Group& parent, const std::string& name,
                          const std::vector<EnsemblePoint>& points) {
  const std::size_t n = points.size();
  std::vector<double> study(n), t(n), alpha(n), err(n);
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = points[i];
    study[i] = static_cast<double>(p.study), t[i] = p.temperature, alpha[i] = p.alpha,
    err[i] = p.alpha_err;
    labels.push_back(p.label);
  }
  auto g = parent.require_group(name);
  g.write<double>("study", study).attrs().set("definition", "index into /studies");
  g.write_strings("label", labels);
  g.write<double>("temperature", t).attrs().set("units", "LJ epsilon/k_B");
  g.write<double>("alpha", alpha).attrs().set("definition", "1 + beta' of one glass");
  g.write<double>("alpha_err", err).attrs().set("definition", "its fit error");
  return g;
}

void write_ensemble(const std::filesystem::path& out, const Ensemble& e) {
  AtomicOutput result(out, e.studies);
  {
    const auto file = h5::File::create(result.temp_path());
    write_provenance(file);
    const auto g = file.require_group(kEnsembleGroup);
    std::vector<std::string> studies, labels;
    for (const auto& s : e.studies) studies.push_back(s.string());
    g.write_strings("studies", studies);
    g.write_strings("glasses", e.glasses);
    write_exponents(g, "fitted", e.fitted)
        .attrs()
        .set("definition",
             "every fitted 1 + beta' (the studies' alpha_mle), stated or not: shown, and used for "
             "the spread only with --spread-from-fitted");
    const auto pg = write_exponents(g, "points", e.points);
    pg.attrs().set("definition", "the stated exponents");
    std::vector<double> total;
    for (const auto& p : e.points) total.push_back(std::hypot(p.alpha_err, e.spread.value_or(0)));
    pg.write<double>("alpha_err_total", total)
        .attrs()
        .set("definition",
             "sqrt(fit error^2 + spread^2): the error the trap model was fitted with");
    const std::size_t m = e.temperatures.size();
    std::vector<double> studies_n(m), stated_n(m), mt(m), mean(m), sd(m), se(m);
    for (std::size_t i = 0; i < m; ++i) {
      const auto& r = e.temperatures[i];
      labels.push_back(r.label);
      studies_n[i] = static_cast<double>(r.studies);
      stated_n[i] = static_cast<double>(r.stated);
      mt[i] = r.mean_temperature;
      mean[i] = r.mean_alpha;
      sd[i] = r.sd_alpha;
      se[i] = r.se_alpha;
    }
    const auto tg = g.require_group("temperatures");
    tg.write_strings("label", labels);
    tg.write<double>("studies", studies_n);
    tg.write<double>("stated", stated_n);
    tg.write<double>("mean_temperature", mt).attrs().set("units", "LJ epsilon/k_B");
    tg.write<double>("mean_alpha", mean);
    tg.write<double>("sd_alpha", sd).attrs().set("definition", "between glasses (NaN below 2)");
    tg.write<double>("se_alpha", se)
        .attrs()
        .set("definition", "sqrt(sum of (fit error^2 + spread^2)) / stated");
    const auto opt = [](const std::optional<double>& v) {
      return v ? nlohmann::json(*v) : nlohmann::json();
    };
    nlohmann::json summary{{"compared", e.compared},
                           {"spread", opt(e.spread)},
                           {"spread_from", e.spread_from},
                           {"spread_estimate",
                            {{"ok", e.estimated.ok},
                             {"reason", e.estimated.reason},
                             {"spread", e.estimated.spread},
                             {"dof", e.estimated.dof},
                             {"rms_fit_error", e.estimated.rms_fit_error}}},
                           {"trap_model",
                            {{"ok", e.trap.ok},
                             {"reason", e.trap.reason},
                             {"points", e.trap.points},
                             {"t0", e.trap.t0},
                             {"t0_err", e.trap.t0_err},
                             {"chi2", e.trap.chi2},
                             {"dof", e.trap.dof},
                             {"p_value", opt(e.trap.p_value)}}},
                           {"warnings", e.warnings}};
    g.attrs().set("summary", summary.dump());
  }
  result.commit();
}

}  // namespace

SampleSpread estimate_sample_spread(const std::vector<EnsemblePoint>& points) {
  SampleSpread s;
  double q = 0, expected = 0, e2 = 0;
  std::size_t entered = 0;
  for (const auto& [label, idx] : by_label(points)) {
    const std::size_t k = idx.size();
    if (k < 2) continue;
    double mean = 0, sum_e2 = 0;
    for (const auto i : idx) mean += points[i].alpha / static_cast<double>(k);
    for (const auto i : idx) {
      q += (points[i].alpha - mean) * (points[i].alpha - mean);
      sum_e2 += points[i].alpha_err * points[i].alpha_err;
    }
    expected += static_cast<double>(k - 1) / static_cast<double>(k) * sum_e2;
    e2 += sum_e2;
    entered += k;
    s.dof += k - 1;
  }
  if (s.dof == 0) {
    s.reason =
        "no temperature has exponents from two glasses to compare: the spread between glasses "
        "is not measured";
    return s;
  }
  s.ok = true;
  s.spread = std::sqrt(std::max(0.0, (q - expected) / static_cast<double>(s.dof)));
  s.rms_fit_error = std::sqrt(e2 / static_cast<double>(entered));
  return s;
}

void combine_points(Ensemble& e, const EnsembleOptions& o) {
  require(!o.sample_spread || (std::isfinite(*o.sample_spread) && *o.sample_spread >= 0),
          "md ensemble: the sample spread must be a standard deviation >= 0");
  for (const auto& [label, idx] : by_label(e.points))  // labels no study listed: points alone
    if (std::none_of(e.temperatures.begin(), e.temperatures.end(),
                     [&](const auto& r) { return r.label == label; })) {
      e.temperatures.push_back({});
      e.temperatures.back().label = label;
      e.temperatures.back().studies = idx.size();
    }
  e.estimated = estimate_sample_spread(o.spread_from_fitted ? e.fitted : e.points);
  e.spread_from = o.spread_from_fitted ? "every fitted exponent" : "stated exponents";
  e.spread = o.sample_spread  ? o.sample_spread
             : e.estimated.ok ? std::optional<double>(e.estimated.spread)
                              : std::nullopt;
  const double spread = e.spread.value_or(0);
  for (auto& r : e.temperatures) {
    std::vector<const EnsemblePoint*> in;
    for (const auto& p : e.points)
      if (p.label == r.label) in.push_back(&p);
    r.stated = in.size();
    const double nan = std::nan("");
    r.mean_temperature = r.mean_alpha = r.sd_alpha = r.se_alpha = nan;
    if (in.empty()) continue;
    const double k = static_cast<double>(in.size());
    double t = 0, mean = 0, var = 0;
    for (const auto* p : in) t += p->temperature / k, mean += p->alpha / k;
    for (const auto* p : in) var += p->alpha_err * p->alpha_err + spread * spread;
    r.mean_temperature = t;
    r.mean_alpha = mean;
    r.se_alpha = std::sqrt(var) / k;
    if (in.size() >= 2) {
      double ss = 0;
      for (const auto* p : in) ss += (p->alpha - mean) * (p->alpha - mean);
      r.sd_alpha = std::sqrt(ss / (k - 1));
    }
  }
  std::vector<double> t, beta, err;
  for (const auto& p : e.points) {
    t.push_back(p.temperature);
    beta.push_back(p.alpha - 1);
    err.push_back(std::hypot(p.alpha_err, spread));
  }
  e.trap = fit_trap_model(t, beta, err);
  if (e.trap.ok && !e.spread) {
    // T0 from the fit errors is still the best estimate, but its chi2 would test errors known
    // to be too small (they leave out how glasses differ).
    e.trap.p_value.reset();
    e.trap.reason =
        "no goodness of fit: the spread between glasses is not known (" + e.estimated.reason +
        "), so the errors are the fits' alone, which are known to be too small; give studies of "
        "more glasses or --sample-spread";
  }
}

Ensemble combine_studies(const std::vector<std::filesystem::path>& studies,
                         const std::filesystem::path& out, const EnsembleOptions& o) {
  require(!studies.empty(), "md ensemble: give the study files, one per glass");
  check_output(out, studies);
  Ensemble e;
  std::map<std::string, std::size_t> by_glass;
  for (std::size_t i = 0; i < studies.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j)
      require(std::filesystem::weakly_canonical(studies[i]) !=
                  std::filesystem::weakly_canonical(studies[j]),
              "md ensemble: " + studies[i].string() +
                  " is given twice: each glass's study enters once");
    auto s = read_study(studies[i], i);
    if (i == 0) e.compared = s.compared;
    require(s.compared == e.compared,
            fmt::format("md ensemble: {} compared {} waiting times, {} compared {}: make the "
                        "studies with one --compared",
                        studies[0].string(), e.compared, studies[i].string(), s.compared));
    if (i == 0) e.xmin_intervals = s.xmin_intervals;
    const auto xmin_text = [](const std::optional<double>& x) {
      return x ? fmt::format("fixed x_min at {:g} snapshot intervals", *x)
               : std::string("chose x_min by KS");
    };
    require(s.xmin_intervals == e.xmin_intervals,
            fmt::format("md ensemble: {} {}, {} {}: make the studies with one --xmin (or none), "
                        "so that every glass's exponent describes the same tail",
                        studies[0].string(), xmin_text(e.xmin_intervals), studies[i].string(),
                        xmin_text(s.xmin_intervals)));
    if (!s.glass.empty()) {
      const auto [it, fresh] = by_glass.emplace(s.glass, i);
      if (!fresh)
        e.warnings.push_back(fmt::format(
            "{} and {} name the same glass file ({}): if they are one glass, they are not "
            "independent samples and the spread is underestimated",
            studies[it->second].string(), studies[i].string(), s.glass));
    }
    for (const auto& label : s.labels) {
      auto it = std::find_if(e.temperatures.begin(), e.temperatures.end(),
                             [&](const auto& r) { return r.label == label; });
      if (it == e.temperatures.end()) {
        e.temperatures.push_back({});
        it = std::prev(e.temperatures.end());
        it->label = label;
      }
      ++it->studies;
    }
    e.points.insert(e.points.end(), s.stated.begin(), s.stated.end());
    e.fitted.insert(e.fitted.end(), s.fitted.begin(), s.fitted.end());
    e.glasses.push_back(s.glass);
    e.studies.push_back(studies[i]);
  }
  combine_points(e, o);
  write_ensemble(out, e);
  return e;
}

}  // namespace glassy::md
