// Waiting times on synthetic trajectories made here: atoms on a lattice with Gaussian vibrations
// that hop by one lattice spacing after waits drawn from a known discrete power law (alpha =
// 1.45, the paper's 1 + beta', sampled by an inverse CDF built here with Boost's zeta). The
// tracker must return exactly the hop times (no vibrational false events), the censored values
// the run's end implies, and the fit the true exponent within its standard error.
#include "discrete_power_law.hpp"

#include <glassy/core/error.hpp>
#include <glassy/core/random.hpp>
#include <glassy/md/waiting.hpp>
#include <glassy/special/mittag_leffler.hpp>

#include <gtest/gtest.h>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/zeta.hpp>

#include <algorithm>
#include <cmath>
#include <random>

namespace glassy::md {
namespace {

constexpr double kAlpha = 1.45;

const DiscretePowerLaw& law() {
  static const DiscretePowerLaw l(kAlpha);
  return l;
}

struct Trajectory {
  int atoms = 0;
  std::int64_t snapshots = 0;
  std::vector<std::vector<std::int64_t>> hops;  // per atom, snapshot indices
  std::vector<int> species;
};

struct SynthOptions {
  int atoms = 1000;
  int stride = 6;        // hops only at multiples of the stride (waits are stride * n)
  int units = 200;       // run length in strides
  double spacing = 1.2;  // hop length (lattice spacing)
  double vibration = 0.06;
  double dt = 0.5;              // LJ time per snapshot
  bool back_and_forth = false;  // hop +x, -x, +x, ... (never further than one spacing from start)
  std::uint64_t seed = 1;
};

// Draws every atom's hop times and streams the snapshots into `sink`.
template <class Sink>
Trajectory synthesize(const SynthOptions& o, Sink&& sink) {
  Trajectory t;
  t.atoms = o.atoms;
  t.snapshots = static_cast<std::int64_t>(o.stride) * o.units + 1;
  t.hops.resize(o.atoms);
  t.species.resize(o.atoms);
  Xoshiro256 rng(o.seed, 0);
  for (int i = 0; i < o.atoms; ++i) {
    t.species[i] = i % 2;
    std::int64_t h = 0;
    while (true) {
      h += o.stride * law()(rng);
      if (h >= t.snapshots) break;
      t.hops[i].push_back(h);
    }
  }
  std::vector<double> site(3 * o.atoms);
  for (int i = 0; i < o.atoms; ++i) {
    site[3 * i] = 2.0 * (i % 10);
    site[3 * i + 1] = 2.0 * ((i / 10) % 10);
    site[3 * i + 2] = 2.0 * (i / 100);
  }
  std::vector<std::size_t> next(o.atoms, 0);
  std::normal_distribution<double> noise(0.0, o.vibration);
  Snapshot s;
  s.box.hi = {20, 20, 20};
  s.positions.resize(3 * o.atoms);
  for (std::int64_t k = 0; k < t.snapshots; ++k) {
    for (int i = 0; i < o.atoms; ++i) {
      if (next[i] < t.hops[i].size() && t.hops[i][next[i]] == k) {
        ++next[i];
        const auto dir = o.back_and_forth ? next[i] % 2 : rng() % 6;  // +-x, +-y, +-z
        site[3 * i + dir / 2] += (dir % 2 ? 1 : -1) * o.spacing;
      }
      for (int a = 0; a < 3; ++a) s.positions[3 * i + a] = site[3 * i + a] + noise(rng);
    }
    s.step = 100 * k;
    s.time = o.dt * static_cast<double>(k);
    sink(s);
  }
  return t;
}

WaitingTimes track(const SynthOptions& so, const WaitingOptions& wo, Trajectory& t) {
  std::vector<int> species(so.atoms);
  for (int i = 0; i < so.atoms; ++i) species[i] = i % 2;
  WaitingTimeTracker tracker(species, wo);
  t = synthesize(so, [&](const Snapshot& s) { tracker.add(s); });
  return tracker.finish();
}

// The waiting times the hops imply, from the definitions (events up to the horizon).
void expect_exact(const Trajectory& t, const WaitingTimes& w, double dt) {
  ASSERT_EQ(w.atoms, static_cast<std::size_t>(t.atoms));
  ASSERT_EQ(w.snapshots, static_cast<std::size_t>(t.snapshots));
  EXPECT_EQ(w.horizon, t.snapshots - w.window);
  WaitingSample p, e, cp, ce;
  auto push = [](WaitingSample& s, std::int64_t v, int atom) {
    s.intervals.push_back(v);
    s.atom.push_back(atom);
  };
  for (int i = 0; i < t.atoms; ++i) {
    std::vector<std::int64_t> expected;
    for (auto h : t.hops[i]) {
      if (h <= w.horizon) expected.push_back(h);
    }
    ASSERT_EQ(w.events[i], expected) << "atom " << i;
    for (std::size_t k = 0; k < expected.size(); ++k) {
      EXPECT_DOUBLE_EQ(w.event_time[i][k], dt * expected[k]);
      push(k == 0 ? p : e, expected[k] - (k == 0 ? 0 : expected[k - 1]), i);
    }
    const std::int64_t last = expected.empty() ? 0 : expected.back();
    if (w.horizon > last) push(expected.empty() ? cp : ce, w.horizon - last, i);
  }
  EXPECT_EQ(w.persistence.intervals, p.intervals);
  EXPECT_EQ(w.persistence.atom, p.atom);
  EXPECT_EQ(w.exchange.intervals, e.intervals);
  EXPECT_EQ(w.exchange.atom, e.atom);
  EXPECT_EQ(w.censored_persistence.intervals, cp.intervals);
  EXPECT_EQ(w.censored_exchange.intervals, ce.intervals);
  EXPECT_EQ(w.censored_exchange.atom, ce.atom);
  for (std::size_t k = 0; k < w.exchange.size(); ++k) {
    EXPECT_NEAR(w.exchange.tau[k], dt * w.exchange.intervals[k], 1e-9);
  }
}

// Fisher information per observation of the discrete power law on n >= 1: Var(ln X), from sums
// to K plus the integral of the tail.
double fisher_information(double alpha) {
  const double z = boost::math::zeta(alpha);
  double s1 = 0, s2 = 0;
  const int kmax = 1000000;
  for (int k = 2; k <= kmax; ++k) {
    const double l = std::log(k), p = std::pow(k, -alpha) / z;
    s1 += p * l;
    s2 += p * l * l;
  }
  const double lk = std::log(kmax + 0.5), b = alpha - 1, tail = std::pow(kmax + 0.5, -b) / z;
  s1 += tail * (lk / b + 1 / (b * b));
  s2 += tail * (lk * lk / b + 2 * lk / (b * b) + 2 / (b * b * b));
  return s2 - s1 * s1;
}

TEST(MdWaiting, RecoversHopTimesAndExponent) {
  SynthOptions so;
  so.atoms = 1500;
  so.units = 250;
  WaitingOptions wo;
  wo.window = 4;
  Trajectory t;
  const WaitingTimes w = track(so, wo, t);
  expect_exact(t, w, so.dt);
  ASSERT_GT(w.exchange.size(), 5000u);
  ASSERT_GT(w.censored_exchange.size(), 500u);

  WaitingFitOptions fo;
  fo.unit_intervals = so.stride;
  fo.xmin = 1;
  const WaitingFit f = fit_waiting_times(w, fo);
  ASSERT_TRUE(f.ok) << f.reason;
  EXPECT_NEAR(f.alpha, kAlpha, 3 * f.alpha_error);
  // The error is the likelihood's: near 1 / sqrt(n Var(ln X)) (censored values add a little).
  const double expected_error = 1 / std::sqrt(f.n_tail * fisher_information(kAlpha));
  EXPECT_GT(f.alpha_error, 0.6 * expected_error);
  EXPECT_LT(f.alpha_error, 1.2 * expected_error);
  EXPECT_DOUBLE_EQ(f.beta_prime, f.alpha - 1);
  EXPECT_DOUBLE_EQ(f.predicted_beta, f.beta_prime);
  // 250 strides and thousands of waits: the span and count conditions hold; whether the exponent
  // is stated then rests on the bootstrap p (calibrated in test_md_waiting_evidence).
  EXPECT_GT(f.tail_decades, 1.5);
  EXPECT_GT(f.n_tail, 1000u);
  EXPECT_EQ(f.stated, f.refusals.empty());
  EXPECT_EQ(f.fractional_diffusion, f.stated);
  EXPECT_EQ(f.xmin_intervals, so.stride);
  EXPECT_NEAR(f.xmin_tau, so.stride * so.dt, 1e-9);
  EXPECT_EQ(f.n, w.exchange.size());
  EXPECT_LE(f.n_censored, w.censored_exchange.size());  // those under one unit say nothing
  EXPECT_GT(f.n_censored, w.censored_exchange.size() * 3 / 4);
  // The power law beats the exponential clearly.
  ASSERT_TRUE(f.vs_exponential.ok) << f.vs_exponential.reason;
  EXPECT_GT(f.vs_exponential.log_ratio, 0);
  EXPECT_LT(f.vs_exponential.p_value, 1e-3);

  // Persistence times (same law here, the walk starts fresh at 0) and both pooled.
  fo.kind = WaitingKind::kPooled;
  const WaitingFit pooled = fit_waiting_times(w, fo);
  ASSERT_TRUE(pooled.ok) << pooled.reason;
  EXPECT_NEAR(pooled.alpha, kAlpha, 3 * pooled.alpha_error);
  EXPECT_EQ(pooled.n, w.exchange.size() + w.persistence.size());
  // x_min from the KS scan (a pure power law: small) and one species.
  fo.kind = WaitingKind::kExchange;
  fo.xmin.reset();
  fo.species = 1;
  const WaitingFit scanned = fit_waiting_times(w, fo);
  ASSERT_TRUE(scanned.ok) << scanned.reason;
  EXPECT_NEAR(scanned.alpha, kAlpha, 4 * scanned.alpha_error);
  EXPECT_LT(scanned.n, f.n);
}

TEST(MdWaiting, CensoringMattersWhenTheRunIsShort) {
  SynthOptions so;
  so.atoms = 3000;
  so.units = 30;
  so.seed = 2;
  WaitingOptions wo;  // default window 5
  Trajectory t;
  const WaitingTimes w = track(so, wo, t);
  expect_exact(t, w, so.dt);
  EXPECT_GT(w.censored_persistence.size(), 100u);  // atoms that never hopped
  WaitingFitOptions fo;
  fo.unit_intervals = so.stride;
  fo.xmin = 1;
  fo.kind = WaitingKind::kPooled;
  const WaitingFit with = fit_waiting_times(w, fo);
  ASSERT_TRUE(with.ok) << with.reason;
  EXPECT_NEAR(with.alpha, kAlpha, 3 * with.alpha_error);
  // Without the censored values the long waits are missing and the exponent comes out steep.
  fo.use_censored = false;
  const WaitingFit without = fit_waiting_times(w, fo);
  ASSERT_TRUE(without.ok) << without.reason;
  EXPECT_GT(without.alpha, kAlpha + 5 * without.alpha_error);
}

TEST(MdWaiting, AveragingRemovesVibrationalFalseEvents) {
  // Atoms that never hop, rattling with 0.25 per coordinate: single snapshots cross a threshold
  // of 1.0 now and then; a 5-snapshot mean never does.
  SynthOptions so;
  so.atoms = 300;
  so.units = 1;
  so.stride = 400;
  so.spacing = 0;  // any "hop" goes nowhere
  so.vibration = 0.25;
  Trajectory t;
  WaitingOptions raw;
  raw.window = 1;
  const WaitingTimes noisy = track(so, raw, t);
  EXPECT_GT(noisy.event_count(), 100u);
  WaitingOptions avg;
  avg.window = 5;
  const WaitingTimes clean = track(so, avg, t);
  EXPECT_EQ(clean.event_count(), 0u);
  EXPECT_EQ(clean.censored_persistence.size(), 300u);
  EXPECT_EQ(clean.censored_persistence.intervals[0], 401 - 5);
}

TEST(MdWaiting, PerSpeciesThresholds) {
  // Hops of 1.1 back and forth: above a threshold of 0.8 (species 0) but below 1.4 (species 1);
  // margins of 6 sigma of the averaged vibrations.
  SynthOptions so;
  so.atoms = 200;
  so.units = 40;
  so.spacing = 1.1;
  so.back_and_forth = true;
  WaitingOptions wo;
  wo.window = 3;
  wo.threshold = {0.8, 1.4};
  Trajectory t;
  const WaitingTimes w = track(so, wo, t);
  for (int i = 0; i < so.atoms; ++i) {
    if (i % 2 == 1) {
      EXPECT_TRUE(w.events[i].empty()) << i;
    } else {
      std::vector<std::int64_t> expected;
      for (auto h : t.hops[i]) {
        if (h <= w.horizon) expected.push_back(h);
      }
      EXPECT_EQ(w.events[i], expected) << i;
    }
  }
}

TEST(MdWaiting, PredictedRelaxationIsTheMittagLefflerOfBetaPrime) {
  WaitingFit f;
  f.ok = true;
  f.stated = true;
  f.beta_prime = 0.45;
  EXPECT_DOUBLE_EQ(predicted_relaxation(f, 0.0, 3.0), 1.0);
  // Small argument: E_b(-x) = 1 - x / Gamma(1 + b) + x^2 / Gamma(1 + 2b) - ...
  const double tau = 2.0, t = tau * std::pow(1e-3, 1 / 0.45), x = 1e-3;
  const double series = 1 - x / boost::math::tgamma(1.45) + x * x / boost::math::tgamma(1.9) -
                        x * x * x / boost::math::tgamma(2.35);
  EXPECT_NEAR(predicted_relaxation(f, t, tau), series, 1e-12);
  // Large argument: E_b(-x) ~ x^-1 / Gamma(1 - b) (the power-law tail).
  const double big = 1e6;
  EXPECT_NEAR(predicted_relaxation(f, tau * std::pow(big, 1 / 0.45), tau),
              1 / (big * boost::math::tgamma(0.55)), 1e-3 / (big * boost::math::tgamma(0.55)));
  const std::vector<double> ts{0.0, 1.0, 10.0};
  const auto v = predicted_relaxation(f, ts, 5.0);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_GT(v[1], v[2]);
  f.stated = false;  // the evidence does not support the exponent: no prediction
  EXPECT_THROW(predicted_relaxation(f, 1.0, 1.0), Error);
  f.stated = true;
  f.beta_prime = 1.3;  // finite mean wait: no fractional-diffusion prediction
  EXPECT_THROW(predicted_relaxation(f, 1.0, 1.0), Error);
  f.ok = false;
  EXPECT_THROW(predicted_relaxation(f, 1.0, 1.0), Error);
}

TEST(MdWaiting, BadInputIsRejected) {
  const std::vector<int> species{0, 1, 0};
  WaitingOptions o;
  o.threshold = {0.0};
  EXPECT_THROW(WaitingTimeTracker(species, o), Error);
  o.threshold = {1.0, -1.0};
  EXPECT_THROW(WaitingTimeTracker(species, o), Error);
  o.threshold = {1.0, 1.2};
  EXPECT_THROW(WaitingTimeTracker(std::vector<int>{0, 2}, o), Error);  // no threshold for 2
  o = {};
  o.window = 0;
  EXPECT_THROW(WaitingTimeTracker(species, o), Error);
  EXPECT_THROW(WaitingTimeTracker(std::vector<int>{0, -1}), Error);

  WaitingOptions w3;
  w3.window = 3;
  WaitingTimeTracker tracker(species, w3);
  Snapshot s;
  s.box.hi = {5, 5, 5};
  s.positions.assign(9, 1.0);
  tracker.add(s);
  Snapshot more = s;
  more.time = 1;
  more.positions.resize(12, 1.0);  // an atom appears
  EXPECT_THROW(tracker.add(more), Error);
  Snapshot same_time = s;  // time does not increase
  EXPECT_THROW(tracker.add(same_time), Error);
  Snapshot nan = s;
  nan.time = 2;
  nan.positions[4] = std::nan("");
  EXPECT_THROW(tracker.add(nan), Error);
  EXPECT_THROW(tracker.finish(), Error);  // one snapshot, window 3
  try {
    tracker.add(more);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("4 atoms but the tracker has 3"), std::string::npos)
        << e.what();
  }
  WaitingTimes empty;
  WaitingFitOptions fo;
  fo.unit_intervals = 0;
  EXPECT_THROW(fit_waiting_times(empty, fo), Error);
  EXPECT_FALSE(fit_waiting_times(empty).ok);  // no data: a reason, not a throw
}

}  // namespace
}  // namespace glassy::md
