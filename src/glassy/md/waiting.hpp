// md/waiting: the MD waiting times of the paper ("the waiting time for an atom to be displaced by
// a characteristic bond-length distance", Fig. 1c inset: p(t) ~ (tau/t)^(1+beta') with 1 + beta' =
// 1.45) and what they predict for the relaxation (temporal fractional diffusion, Mittag-Leffler).
//
// Tracking (WaitingTimeTracker, streaming, memory O(N * window)):
//   - Vibrations: each atom's position is averaged over the last `window` snapshots (a trailing
//     mean). Thermal rattling (rms ~0.1 sigma at 0.8 T_g) averages down by sqrt(window) while a
//     hop of a bond length survives, so a rattle cannot cross the threshold (no false events) and
//     an atom sitting near the threshold does not flicker across it.
//   - Reference: the settled position, first the mean of snapshots 0 .. window-1.
//   - Event: when |averaged position - reference| exceeds the threshold (default 1.0 sigma_SS for
//     every species; optionally one value per species, e.g. sigma_aa), the atom has moved a bond
//     length. The event is placed at the first snapshot e of that averaging window at which the
//     instantaneous position is more than half the threshold from the reference: the moment the
//     atom got half way, which for an abrupt hop is the hop itself and for a gradual one its
//     midpoint (the detection itself lags the hop by up to `window` snapshots).
//   - Re-settling: the new reference is the mean position over snapshots e .. e + window - 1;
//     detection resumes after it. Two events closer than `window` snapshots are therefore not
//     resolved (the second is found against a reference blurred by the first, or missed if it
//     returns); choose the snapshot spacing so that this is rare.
//   - Horizon: an event at e is certain to be seen only once snapshots e .. e + window - 1 exist,
//     so the observation window for events is snapshots 0 .. H, H = last - (window - 1). Events
//     after H are dropped and right-censored values run to H, so detected and censored times
//     describe the same window (otherwise the tail would be biased low near the end).
// Outputs (WaitingTimes), in snapshot intervals and in LJ time:
//   persistence times: start (snapshot 0) -> first event, per atom with an event;
//   exchange times: between successive events of an atom;
//   censored persistence: atoms with no event by H, value H - 0 (true value exceeds it);
//   censored exchange: atoms with events, H - last event (true value exceeds it).
//
// Fitting (fit_waiting_times): the discrete power-law MLE of fit/power_law (Clauset et al.) on
// one sample, with its right-censored values, x_min by KS unless fixed, Vuong tests against the
// exponential and log-normal, and a parametric bootstrap p value that simulates the censoring
// (md/waiting_bootstrap). The exponent is stated only when the evidence holds (WaitingEvidence).
//
// From alpha to the relaxation. The fitted law is p(t) ~ t^-alpha, and the paper writes it as
// p(t) ~ (tau/t)^(1 + beta'), so alpha = 1 + beta', beta' = alpha - 1. For 0 < beta' < 1 the mean
// waiting time diverges and a continuous-time random walk with such waits (Montroll-Weiss) has,
// in Laplace space, psi(s) ~ 1 - (s tau)^beta'; its self-intermediate scattering function at q is
// then F(q, s) = s^(beta'-1) / (s^beta' + K q^2), whose inverse is the Mittag-Leffler relaxation
//   F(q, t) = E_beta'(-(t/tau_q)^beta'),  tau_q = (K q^2)^(-1/beta'),  K = <|dr|^2> / (6 tau^beta')
// (paper: g2 ~ E_beta'[-|q|^2 K t^beta'], sub-diffusive MSD ~ t^beta'). Its short-time form is
// the stretched exponential exp(-(t/tau_q)^beta' / Gamma(1 + beta')): a KWW beta equal to beta'
// (the paper's "physical interpretation of the KWW beta") and a power-law tail t^-beta' beyond
// tau_q. XPCS measures g2 - 1 ~ F^2 (design.md: R = F^2).
#pragma once

#include <glassy/fit/power_law.hpp>
#include <glassy/md/system.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace glassy::md {

struct WaitingOptions {
  int window = 5;  // snapshots averaged to remove vibrations (>= 1; 1: none)
  // Displacement that counts as a move (sigma_SS): one value for every species, or one per
  // species (e.g. {1.0, 1.2}, sigma_aa). Must be positive.
  std::vector<double> threshold{1.0};
};

// One kind of waiting time; entry k of each vector belongs together.
struct WaitingSample {
  std::vector<std::int64_t> intervals;  // snapshot intervals
  std::vector<double> tau;              // LJ time units
  std::vector<int> atom;                // the atom it belongs to
  std::size_t size() const { return intervals.size(); }
};

struct WaitingTimes {
  std::size_t atoms = 0;
  std::size_t snapshots = 0;
  int window = 0;
  std::int64_t horizon = 0;           // last snapshot index at which events are counted (see above)
  std::vector<double> snapshot_time;  // LJ time of every snapshot
  std::vector<int> species;           // per atom
  std::vector<std::vector<std::int64_t>> events;  // per atom: snapshot indices of its events
  std::vector<std::vector<double>> event_time;    // per atom: LJ times of its events
  WaitingSample persistence, exchange;            // observed
  WaitingSample censored_persistence,
      censored_exchange;  // right-censored (values are lower bounds)
  std::size_t event_count() const;
};

// Consumes the snapshots of one trajectory in time order. Throws glassy::Error on bad options,
// a snapshot with a different atom count from `species`, non-finite positions or a time that does
// not increase.
class WaitingTimeTracker {
 public:
  WaitingTimeTracker(std::span<const int> species, WaitingOptions options = {});
  void add(const Snapshot& snapshot);
  // The waiting times so far; needs at least window + 1 snapshots. The tracker stays usable.
  WaitingTimes finish() const;
  std::size_t snapshots() const { return count_; }

 private:
  enum class Phase : std::uint8_t { kTracking, kSettling };
  WaitingOptions options_;
  std::vector<int> species_;
  std::vector<double> threshold_;  // per atom
  std::size_t n_ = 0, count_ = 0;
  std::vector<double> ring_;        // [window][N][3] the last `window` positions
  std::vector<double> reference_;   // [N][3] settled positions
  std::vector<double> settle_sum_;  // [N][3] running sum while settling
  std::vector<Phase> phase_;
  std::vector<std::int64_t> settle_start_;  // event snapshot whose settling is in progress
  std::vector<std::vector<std::int64_t>> events_;
  std::vector<double> times_;
};

// The waiting times implied by each atom's event snapshots (ascending) in a run of
// snapshot_time.size() snapshots, horizon as above: what WaitingTimeTracker::finish returns, and
// how the fit's bootstrap scores its simulated runs. Events after the horizon are dropped.
WaitingTimes waiting_times_from_events(std::span<const std::vector<std::int64_t>> events,
                                       std::span<const double> snapshot_time,
                                       std::span<const int> species, int window);

enum class WaitingKind { kExchange, kPersistence, kPooled };

// When a fitted exponent may be stated. A likelihood dominated by censored atoms over less than
// a factor of 2 in time has a tiny formal error and no meaning, so glassy states 1 + beta' (and
// the fractional-diffusion prediction) only when every condition holds; otherwise it says which
// failed and how much longer a run would need.
struct WaitingEvidence {
  double min_decades = 1.0;          // log10(longest uncensored tail wait / x_min)
  std::size_t min_tail_events = 50;  // uncensored waits >= x_min
  double min_p_value = 0.1;          // bootstrap goodness of fit (censoring simulated)
  double alternative_p_value = 0.1;  // a Vuong test below this, favouring the alternative, rejects
};

struct WaitingFitOptions {
  // Exchange times (between events) are the renewal waits of the random walk and the default;
  // persistence times depend on the age at which the run starts. kPooled fits both together.
  WaitingKind kind = WaitingKind::kExchange;
  int species = -1;          // only atoms of this species; -1: all
  bool use_censored = true;  // right-censored values enter the likelihood as P(X > c)
  // Time unit of the fit in snapshot intervals: a value of v intervals becomes ceil(v / unit)
  // (integers >= 1, as the discrete law needs), a censored c becomes floor(c / unit).
  double unit_intervals = 1;
  // In fit units; empty: KS-minimising, over candidates with at least evidence.min_tail_events
  // uncensored waits above them when the sample has that many (waiting_fit.cpp says why). Waits
  // shorter than about `window` snapshots are not resolved by the tracker, so a fixed x_min
  // should not be below window / unit_intervals.
  std::optional<double> xmin;
  std::size_t max_candidates = 40;  // x_min candidates when scanning
  // Goodness-of-fit replicates: whole runs simulated from the fitted law (below x_min: the
  // observed waits), each atom's renewal cut at the run's horizon exactly as the tracker cuts
  // it, so censored values are censored the same way; then fitted like the data (x_min scan
  // included). 0: no p value (and no stated exponent).
  std::size_t n_boot = 100;
  std::uint64_t seed = 1;
  WaitingEvidence evidence;
};

struct WaitingFit {
  bool ok = false;
  std::string reason;
  fit::PowerLawFit power_law;  // the full fit (fit units)
  double alpha = 0, alpha_error = 0;
  double beta_prime = 0, beta_prime_error = 0;  // alpha - 1, same error
  double xmin_intervals = 0, xmin_tau = 0;      // x_min in snapshot intervals and LJ time
  double ks_distance = 0;
  std::optional<double> p_value;
  std::size_t n = 0, n_tail = 0, n_censored = 0;
  fit::LikelihoodRatio vs_exponential, vs_lognormal;
  std::size_t n_boot = 0;  // replicates behind p_value
  // The evidence (WaitingEvidence): the span of the uncensored tail, whether the exponent is
  // stated, and if not, why (one sentence per failed condition) and the run length factor that
  // would meet the span and count conditions (the longest wait and the number of moves grow at
  // most in proportion to the run; 0 when they hold). When there were too few waits for any fit
  // (ok false), the factor that would give min_tail_events waits.
  double tail_decades = 0;
  bool stated = false;
  std::vector<std::string> refusals;
  double run_factor_needed = 0;
  // The fractional-diffusion prediction: the ML (and short-time KWW) exponent equals beta'. It
  // applies when the exponent is stated and 0 < beta' < 1 (divergent mean wait); otherwise
  // diffusion is normal at long times.
  double predicted_beta = 0;
  bool fractional_diffusion = false;
};

WaitingFit fit_waiting_times(const WaitingTimes& times, const WaitingFitOptions& options = {});

// The predicted intermediate scattering function F(t) = E_beta'(-(t/tau)^beta') for a relaxation
// time tau (same units as t); throws unless the fit is ok, t >= 0 and tau > 0.
double predicted_relaxation(const WaitingFit& fit, double t, double tau);
std::vector<double> predicted_relaxation(const WaitingFit& fit, std::span<const double> t,
                                         double tau);

}  // namespace glassy::md
