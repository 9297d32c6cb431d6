// Waiting-time fit: picks the sample, converts it to integer fit units and hands it to the
// power-law MLE of fit/power_law (the one power-law fitter of glassy); weighs the evidence
// (span, count, goodness of fit with the censoring simulated, Vuong); then the fractional-
// diffusion prediction beta = alpha - 1 (see waiting.hpp for the derivation).
#include <glassy/md/waiting.hpp>
#include <glassy/md/waiting_sample.hpp>

#include <glassy/core/error.hpp>
#include <glassy/special/mittag_leffler.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace glassy::md {
namespace detail {
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

FitSample fit_sample(const WaitingTimes& t, const WaitingFitOptions& o) {
  FitSample s;
  const bool exchange = o.kind != WaitingKind::kPersistence;
  const bool persistence = o.kind != WaitingKind::kExchange;
  if (exchange) append(t, t.exchange, o.species, o.unit_intervals, false, s.obs);
  if (persistence) append(t, t.persistence, o.species, o.unit_intervals, false, s.obs);
  if (o.use_censored) {
    if (exchange) append(t, t.censored_exchange, o.species, o.unit_intervals, true, s.cens);
    if (persistence) append(t, t.censored_persistence, o.species, o.unit_intervals, true, s.cens);
  }
  return s;
}

fit::PowerLawOptions power_law_options(const WaitingFitOptions& o, const FitSample& sample) {
  fit::PowerLawOptions po;
  po.discrete = true;
  po.xmin = o.xmin;
  po.censored = sample.cens;
  po.max_candidates = o.max_candidates;
  // The KS scan only tries x_min with at least min_tail_events uncensored waits above it when the
  // sample has that many. On tails of a few hundred waits the KS distance is often smallest on
  // the last handful of values (at 0.85 Tf over 26,350 tau: the last 10 waits, 0.17 decades),
  // which fits noise, refuses the exponent for want of waits and asks for a run ~7x longer; the
  // evidence needs that many waits anyway. Smaller samples keep the fitter's own minimum (the
  // count condition then refuses the exponent and says how much longer a run would need).
  if (!o.xmin && sample.obs.size() >= o.evidence.min_tail_events)
    po.min_tail = std::max(po.min_tail, o.evidence.min_tail_events);
  po.n_boot = 0;  // the bootstrap that simulates the censoring is md's (waiting_bootstrap)
  po.seed = o.seed;
  return po;
}

}  // namespace detail

namespace {

// The evidence conditions of WaitingEvidence, in words, and the run factor that meets the span
// and count conditions.
void weigh_evidence(const WaitingFitOptions& o, const std::vector<double>& obs, WaitingFit& r) {
  const auto& e = o.evidence;
  double longest = r.power_law.xmin;
  for (double v : obs) longest = std::max(longest, v);
  r.tail_decades = std::log10(longest / r.power_law.xmin);
  double factor = 1;
  if (r.tail_decades < e.min_decades) {
    r.refusals.push_back(fmt::format(
        "the uncensored tail spans {:.2f} decades (x_min {:.4g} to {:.4g} tau); at least {:g} "
        "{} needed",
        r.tail_decades, r.xmin_tau, r.xmin_tau * longest / r.power_law.xmin, e.min_decades,
        e.min_decades == 1 ? "decade is" : "decades are"));
    factor = std::max(factor, std::pow(10.0, e.min_decades - r.tail_decades));
  }
  if (r.n_tail < e.min_tail_events) {
    r.refusals.push_back(fmt::format("{} uncensored waits in the tail; at least {} are needed",
                                     r.n_tail, e.min_tail_events));
    factor = std::max(factor, static_cast<double>(e.min_tail_events) /
                                  static_cast<double>(std::max<std::size_t>(r.n_tail, 1)));
  }
  if (!r.p_value) {
    r.refusals.push_back("no goodness-of-fit test was run (n_boot = 0)");
  } else if (*r.p_value < e.min_p_value) {
    r.refusals.push_back(
        fmt::format("the power law fails its goodness-of-fit test (bootstrap p = {:.3f} < {:g})",
                    *r.p_value, e.min_p_value));
  }
  for (const auto* lr : {&r.vs_exponential, &r.vs_lognormal}) {
    if (lr->ok && lr->log_ratio < 0 && lr->p_value < e.alternative_p_value) {
      r.refusals.push_back(fmt::format(
          "{} fits significantly better (Vuong R = {:.3g}, p = {:.2g} < {:g})",
          lr->alternative == fit::Alternative::Exponential ? "an exponential" : "a log-normal",
          lr->log_ratio, lr->p_value, e.alternative_p_value));
    }
  }
  r.stated = r.refusals.empty();
  r.run_factor_needed = factor > 1 ? factor : 0;
}

}  // namespace

WaitingFit fit_waiting_times(const WaitingTimes& t, const WaitingFitOptions& o) {
  require(std::isfinite(o.unit_intervals) && o.unit_intervals > 0,
          "waiting-time fit: unit_intervals must be positive (1: snapshot intervals)");
  WaitingFit r;
  const detail::FitSample sample = detail::fit_sample(t, o);
  const auto& x = sample.obs;
  const auto& cens = sample.cens;
  r.power_law = fit::fit_power_law(x, detail::power_law_options(o, sample));
  const auto& f = r.power_law;
  r.n = f.n;
  if (!f.ok) {
    r.reason = f.reason;
    // Too few waits for any fit: the run that would hold the waits the evidence asks for, at the
    // measured rate of moves (none measured: cannot say).
    if (!x.empty() && x.size() < o.evidence.min_tail_events)
      r.run_factor_needed =
          static_cast<double>(o.evidence.min_tail_events) / static_cast<double>(x.size());
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
  r.n_tail = f.n_tail;
  r.n_censored = f.n_censored;
  r.vs_exponential = fit::compare_power_law(x, f, fit::Alternative::Exponential, cens);
  r.vs_lognormal = fit::compare_power_law(x, f, fit::Alternative::LogNormal, cens);
  const auto boot = detail::censored_bootstrap(t, o, sample, f);
  r.p_value = boot.p;
  r.n_boot = boot.replicates;
  weigh_evidence(o, x, r);
  r.predicted_beta = r.beta_prime;
  r.fractional_diffusion = r.stated && r.beta_prime > 0 && r.beta_prime < 1;
  return r;
}

double predicted_relaxation(const WaitingFit& fit, double t, double tau) {
  require(fit.ok, "predicted relaxation: the waiting-time fit failed (" + fit.reason + ")");
  require(fit.stated, "predicted relaxation: the evidence does not support the exponent (" +
                          (fit.refusals.empty() ? std::string("not weighed") : fit.refusals[0]) +
                          ")");
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
