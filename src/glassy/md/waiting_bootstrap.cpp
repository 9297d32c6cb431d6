// The goodness of fit of a waiting-time power law with the run's censoring simulated (see
// md/waiting_sample.hpp). The plain semi-parametric bootstrap of fit/power_law cannot be used:
// it resamples a fixed sample size with no horizon, while in a run the long waits are exactly
// the ones the horizon cuts, so its replicates would look unlike the data for every law.
#include <glassy/md/waiting_sample.hpp>

#include <glassy/core/random.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>

namespace glassy::md::detail {
namespace {

// Kaplan-Meier P(X >= x) from sorted observed and censored values (censored: true value > c).
double km_survival_at(const std::vector<double>& obs, const std::vector<double>& cens, double x) {
  double s = 1;
  std::size_t i = 0;
  while (i < obs.size() && obs[i] < x) {
    const double v = obs[i];
    std::size_t d = 0;
    while (i + d < obs.size() && obs[i + d] == v) ++d;
    const auto at_risk = static_cast<double>(
        (obs.size() - i) + (cens.end() - std::lower_bound(cens.begin(), cens.end(), v)));
    s *= 1 - static_cast<double>(d) / at_risk;
    i += d;
  }
  return s;
}

}  // namespace

BootstrapP censored_bootstrap(const WaitingTimes& t, const WaitingFitOptions& o,
                              const FitSample& sample, const fit::PowerLawFit& f) {
  BootstrapP out;
  if (!f.ok || o.n_boot == 0 || t.atoms == 0) return out;
  FitSample data = sample;  // sorted here for the Kaplan-Meier estimate
  std::sort(data.obs.begin(), data.obs.end());
  std::sort(data.cens.begin(), data.cens.end());
  const double q = km_survival_at(data.obs, data.cens, f.xmin);
  const double unit = o.unit_intervals;

  // Observed waits below x_min (snapshot intervals), of the kind being fitted.
  const bool exchange = o.kind != WaitingKind::kPersistence;
  const bool persistence = o.kind != WaitingKind::kExchange;
  std::vector<std::int64_t> below;
  auto gather = [&](const WaitingSample& s) {
    for (std::size_t k = 0; k < s.size(); ++k) {
      if (o.species >= 0 && t.species[s.atom[k]] != o.species) continue;
      if (std::ceil(static_cast<double>(s.intervals[k]) / unit - 1e-9) < f.xmin)
        below.push_back(s.intervals[k]);
    }
  };
  if (exchange) gather(t.exchange);
  if (persistence) gather(t.persistence);

  // Where each atom's simulated renewal starts; atoms of other species are not simulated.
  std::vector<std::int64_t> start(t.atoms, -1);
  for (std::size_t i = 0; i < t.atoms; ++i) {
    if (o.species >= 0 && t.species[i] != o.species) continue;
    if (o.kind == WaitingKind::kExchange) {
      if (!t.events[i].empty()) start[i] = t.events[i].front();
    } else {
      start[i] = 0;
    }
  }
  const std::vector<int> species(t.species.begin(), t.species.end());
  const auto horizon = static_cast<double>(t.horizon);
  WaitingFitOptions ro = o;
  ro.n_boot = 0;
  const fit::PowerLawOptions po_template = power_law_options(o, data);

  long worse = 0, valid = 0;
  const long n_boot = static_cast<long>(o.n_boot);
#pragma omp parallel for schedule(dynamic) reduction(+ : worse, valid)
  for (long b = 0; b < n_boot; ++b) {
    try {
      Xoshiro256 rng(o.seed, static_cast<std::uint64_t>(b) + 1);
      auto draw = [&]() -> double {  // one wait in snapshot intervals
        if (below.empty() || rng.uniform() < q)
          return unit * fit::sample_power_law(f.alpha, f.xmin, true, rng);
        return static_cast<double>(below[std::min(
            below.size() - 1, static_cast<std::size_t>(rng.uniform() * below.size()))]);
      };
      std::vector<std::vector<std::int64_t>> events(t.atoms);
      for (std::size_t i = 0; i < t.atoms; ++i) {
        if (start[i] < 0) continue;
        double at = static_cast<double>(start[i]);
        if (o.kind == WaitingKind::kExchange) events[i].push_back(start[i]);
        const bool once = o.kind == WaitingKind::kPersistence;
        while (true) {
          at += draw();
          if (at > horizon) break;
          events[i].push_back(static_cast<std::int64_t>(at));
          if (once) break;
        }
      }
      const WaitingTimes sim =
          waiting_times_from_events(events, t.snapshot_time, species, t.window);
      const FitSample s = fit_sample(sim, ro);
      fit::PowerLawOptions po = po_template;
      po.censored = s.cens;
      po.n_boot = 0;
      const auto g = fit::fit_power_law(s.obs, po);
      if (g.ok) {
        ++valid;
        worse += g.ks_distance >= f.ks_distance;
      }
    } catch (const std::exception&) {
      // A replicate that cannot be drawn or fitted does not count.
    }
  }
  if (valid > 0) {
    out.p = static_cast<double>(worse) / static_cast<double>(valid);
    out.replicates = static_cast<std::size_t>(valid);
  }
  return out;
}

}  // namespace glassy::md::detail
