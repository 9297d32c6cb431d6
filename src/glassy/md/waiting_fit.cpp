// Waiting-time fit: picks the sample, converts it to integer fit units and hands it to the
// power-law MLE of fit/power_law (the one power-law fitter of glassy); then the fractional-
// diffusion prediction beta = alpha - 1 (see waiting.hpp for the derivation).
#include <glassy/md/waiting.hpp>

#include <glassy/core/error.hpp>
#include <glassy/special/mittag_leffler.hpp>

#include <fmt/format.h>

#include <cmath>

namespace glassy::md {
namespace {

void append(const WaitingTimes& t, const WaitingSample& s, int species, double unit, bool censored,
            std::vector<double>& out) {
  for (std::size_t k = 0; k < s.size(); ++k) {
    if (species >= 0 && t.species[s.atom[k]] != species) continue;
    const double v = static_cast<double>(s.intervals[k]) / unit;
    // Observed: rounded up to whole units (>= 1). Censored: the true value exceeds v, so it
    // exceeds floor(v) in whole units; floor(v) = 0 says nothing and is left out.
    const double x = censored ? std::floor(v + 1e-9) : std::ceil(v - 1e-9);
    if (x >= 1) out.push_back(x);
  }
}

}  // namespace

WaitingFit fit_waiting_times(const WaitingTimes& t, const WaitingFitOptions& o) {
  require(std::isfinite(o.unit_intervals) && o.unit_intervals > 0,
          "waiting-time fit: unit_intervals must be positive (1: snapshot intervals)");
  WaitingFit r;
  std::vector<double> x, cens;
  const bool exchange = o.kind != WaitingKind::kPersistence;
  const bool persistence = o.kind != WaitingKind::kExchange;
  if (exchange) append(t, t.exchange, o.species, o.unit_intervals, false, x);
  if (persistence) append(t, t.persistence, o.species, o.unit_intervals, false, x);
  if (o.use_censored) {
    if (exchange) append(t, t.censored_exchange, o.species, o.unit_intervals, true, cens);
    if (persistence) append(t, t.censored_persistence, o.species, o.unit_intervals, true, cens);
  }
  fit::PowerLawOptions po;
  po.discrete = true;
  po.xmin = o.xmin;
  po.censored = cens;
  po.max_candidates = o.max_candidates;
  po.n_boot = o.n_boot;
  po.seed = o.seed;
  r.power_law = fit::fit_power_law(x, po);
  const auto& f = r.power_law;
  r.n = f.n;
  if (!f.ok) {
    r.reason = f.reason;
    return r;
  }
  r.ok = true;
  r.alpha = f.alpha;
  r.alpha_error = f.alpha_error;
  r.beta_prime = f.alpha - 1;
  r.beta_prime_error = f.alpha_error;
  r.xmin_intervals = f.xmin * o.unit_intervals;
  // LJ time of x_min: through the mean snapshot spacing (exact for evenly spaced snapshots).
  if (t.snapshot_time.size() > 1) {
    const double dt = (t.snapshot_time.back() - t.snapshot_time.front()) /
                      static_cast<double>(t.snapshot_time.size() - 1);
    r.xmin_tau = r.xmin_intervals * dt;
  }
  r.ks_distance = f.ks_distance;
  r.p_value = f.p_value;
  r.n_tail = f.n_tail;
  r.n_censored = f.n_censored;
  r.vs_exponential = fit::compare_power_law(x, f, fit::Alternative::Exponential, cens);
  r.vs_lognormal = fit::compare_power_law(x, f, fit::Alternative::LogNormal, cens);
  r.predicted_beta = r.beta_prime;
  r.fractional_diffusion = r.beta_prime > 0 && r.beta_prime < 1;
  return r;
}

double predicted_relaxation(const WaitingFit& fit, double t, double tau) {
  require(fit.ok, "predicted relaxation: the waiting-time fit failed (" + fit.reason + ")");
  require(fit.beta_prime > 0 && fit.beta_prime <= 1,
          fmt::format("predicted relaxation: beta' = {:.3g} is outside (0, 1]: the mean waiting "
                      "time is finite and the long-time relaxation is a plain exponential",
                      fit.beta_prime));
  require(std::isfinite(tau) && tau > 0, "predicted relaxation: tau must be positive");
  require(std::isfinite(t) && t >= 0, "predicted relaxation: t must be >= 0");
  return mittag_leffler_relaxation(fit.beta_prime, t / tau);
}

std::vector<double> predicted_relaxation(const WaitingFit& fit, std::span<const double> t,
                                         double tau) {
  std::vector<double> out;
  out.reserve(t.size());
  for (double v : t) out.push_back(predicted_relaxation(fit, v, tau));
  return out;
}

}  // namespace glassy::md
