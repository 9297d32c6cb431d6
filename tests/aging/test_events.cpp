// Intermittent events on synthetic near-diagonal bands built here, independent of the correlator:
// C(t1, t2) = 1 + c F(t1, t2) + noise with F = exp(-|t1 - t2| / tau(t_a)), tau aging linearly, and
// F multiplied by (1 - f) for pairs straddling an event frame. The score's mean and noise are
// checked against the closed form of the lag-matched kernel, events are found where they were put,
// pure noise gives no false alarms over many seeds, and a gap in time is not an event.
#include <glassy/aging/events.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/random.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace glassy::aging {
namespace {

constexpr double kDt = 2.5;  // s per frame, as in the paper

struct Band {
  std::vector<float> band;
  std::vector<double> times;
  std::vector<std::uint8_t> valid;
};

struct Model {
  std::size_t frames = 1500;
  std::size_t K = 20;
  double contrast = 0.03;  // c
  double noise = 0.01;     // per-pair standard deviation of C
  double tau0 = 100.0;     // s at t = 0 (40 frames) ...
  double t_age = 2000.0;   // ... growing as tau0 (1 + t / t_age): x2.9 over the run
  std::vector<std::pair<std::size_t, double>> events;  // (first frame after, drop f)
  std::size_t gap_at = 0;                              // first frame after a gap; 0: none
  double gap_s = 0;                                    // extra seconds before gap_at

  double tau(double t) const { return tau0 * (1.0 + t / t_age); }
};

Band make_band(const Model& m, std::uint64_t seed) {
  Band b;
  b.times.resize(m.frames);
  for (std::size_t f = 0; f < m.frames; ++f)
    b.times[f] = kDt * static_cast<double>(f) + (m.gap_at && f >= m.gap_at ? m.gap_s : 0.0);
  b.valid.assign(m.frames, 1);
  b.band.assign(m.frames * m.K, std::numeric_limits<float>::quiet_NaN());
  Xoshiro256 rng(seed, 0);
  std::normal_distribution<double> gauss(0.0, m.noise);
  for (std::size_t j = 0; j < m.frames; ++j) {
    for (std::size_t k = 1; k <= m.K && k <= j; ++k) {
      const std::size_t i = j - k;
      double F = std::exp(-(b.times[j] - b.times[i]) / m.tau(b.times[i]));
      for (const auto& [e, f] : m.events)
        if (i < e && e <= j) F *= 1.0 - f;
      b.band[j * m.K + k - 1] = static_cast<float>(1.0 + m.contrast * F + gauss(rng));
    }
  }
  return b;
}

// Closed form of the lag-matched kernel at an event frame e with drop f: pairs across e lost a
// fraction f of c F(k), so the score is c f sum_k w_k F(k) / sum_k w_k, w_k = nw nx / (nw + nx)
// with nw = 2 (h - k), nx = k; its noise is sigma / sqrt(sum_k w_k).
struct Expected {
  double score, noise;
};
Expected expected_score(const Model& m, std::size_t h, double t, double f) {
  double num = 0, den = 0;
  for (std::size_t k = 1; k <= std::min(h - 1, m.K); ++k) {
    const double nw = 2.0 * static_cast<double>(h - k), nx = static_cast<double>(k);
    const double w = nw * nx / (nw + nx);
    num += w * m.contrast * f * std::exp(-kDt * static_cast<double>(k) / m.tau(t));
    den += w;
  }
  return {num / den, m.noise / std::sqrt(den)};
}

std::vector<Event> detect(const Band& b, const Model& m, NoveltyOptions options = {}) {
  return detect_events(b.band, m.K, b.times, b.valid, options);
}

TEST(AgingEvents, ScoreIsUnbiasedWithClosedFormNoiseUnderAging) {
  // No event, tau nearly tripling over the run: the lag-matched score has mean 0 and the standard
  // deviation of the closed form (30 seeds pooled).
  const Model m;
  const std::size_t h = default_half_width(m.K);
  const double noise = expected_score(m, h, 0, 0).noise;
  double sum = 0, sum2 = 0, n = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const Band b = make_band(m, seed);
    const std::vector<double> s = novelty_score(b.band, m.K, m.frames, 0);
    ASSERT_EQ(s.size(), m.frames);
    EXPECT_TRUE(std::isnan(s[h - 1]) && std::isnan(s[m.frames - h + 1]));
    for (double v : s) {
      if (!std::isfinite(v)) continue;
      sum += v, sum2 += v * v, n += 1;
    }
  }
  EXPECT_EQ(n, 30.0 * static_cast<double>(m.frames - 2 * h + 1));
  const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  EXPECT_LT(std::abs(mean), 0.2 * noise);  // the signal of an f = 0.5 event is ~12 noise
  EXPECT_NEAR(sd, noise, 0.1 * noise);
}

TEST(AgingEvents, FindsTheEventAtItsFrame) {
  Model m;
  const std::size_t e = 700;
  m.events = {{e, 0.5}};
  const std::size_t h = default_half_width(m.K);
  const Expected want = expected_score(m, h, kDt * e, 0.5);
  const double lag1 = m.contrast * 0.5 * std::exp(-kDt / m.tau(kDt * e));
  double drop_sum = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const Band b = make_band(m, seed);
    const std::vector<Event> events = detect(b, m);
    ASSERT_EQ(events.size(), 1u) << "seed " << seed;
    const Event& ev = events[0];
    EXPECT_LE(ev.frame > e ? ev.frame - e : e - ev.frame, 1u) << "seed " << seed;
    EXPECT_DOUBLE_EQ(ev.time, b.times[ev.frame]);
    EXPECT_GT(ev.significance, 5.0);
    EXPECT_LT(ev.p_value, 1e-6);
    if (ev.frame == e) EXPECT_NEAR(ev.strength, want.score, 5 * want.noise) << "seed " << seed;
    drop_sum += ev.correlation_drop;
  }
  // One pair per seed with noise 0.01: the mean of 10 seeds is good to ~0.0035.
  EXPECT_NEAR(drop_sum / 10, lag1, 0.012);
}

TEST(AgingEvents, NoFalseAlarmsOnPureNoise) {
  Model m;
  std::size_t false_alarms = 0;
  for (std::uint64_t seed = 100; seed < 130; ++seed)
    false_alarms += detect(make_band(m, seed), m).size();
  EXPECT_LE(false_alarms, 1u) << "false alarms over 30 seeds at 5 sigma";
}

TEST(AgingEvents, GapIsNotAnEvent) {
  // 5000 s missing before frame 900: pairs across it are fully decorrelated (a giant drop in the
  // raw band), yet only the real event at frame 400 is reported.
  Model m;
  m.gap_at = 900;
  m.gap_s = 5000;
  m.events = {{400, 0.5}};
  const std::size_t h = default_half_width(m.K);
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const Band b = make_band(m, seed);
    const std::vector<Event> events = detect(b, m);
    ASSERT_EQ(events.size(), 1u) << "seed " << seed;
    EXPECT_NEAR(static_cast<double>(events[0].frame), 400.0, 1.0);
    // The raw score does see the gap: the test would fail if detection ignored times.
    const std::vector<double> raw = novelty_score(b.band, m.K, m.frames, h);
    EXPECT_GT(raw[900], 1.5 * events[0].strength);
  }
}

TEST(AgingEvents, InvalidFramesAreIgnored) {
  // Frames 1000..1004 flagged invalid carry garbage (uncorrelated C = 1): no event there.
  Model m;
  Band b = make_band(m, 7);
  for (std::size_t j = 1000; j < 1005; ++j) {
    b.valid[j] = 0;
    for (std::size_t k = 1; k <= m.K; ++k) {
      b.band[j * m.K + k - 1] = 1.0f;
      if (j + k < m.frames) b.band[(j + k) * m.K + k - 1] = 1.0f;
    }
  }
  EXPECT_TRUE(detect(b, m).empty());
  b.valid.assign(m.frames, 1);
  EXPECT_FALSE(detect(b, m).empty());  // the same garbage, unflagged, looks like an event
}

TEST(AgingEvents, StrengthGrowsWithTheDrop) {
  double last = 0;
  for (double f : {0.4, 0.6, 0.8, 1.0}) {
    Model m;
    m.events = {{800, f}};
    const std::vector<Event> events = detect(make_band(m, 3), m);
    ASSERT_EQ(events.size(), 1u) << "f = " << f;
    EXPECT_GT(events[0].strength, last) << "f = " << f;
    const Expected want = expected_score(m, default_half_width(m.K), kDt * 800, f);
    EXPECT_NEAR(events[0].strength, want.score, 0.2 * want.score) << "f = " << f;
    last = events[0].strength;
  }
}

TEST(AgingEvents, TwoEventsAndSeparation) {
  Model m;
  m.events = {{500, 0.6}, {530, 0.6}};
  const Band b = make_band(m, 11);
  // 30 frames apart: a half-width of 10 (separation 20) resolves both, a separation of 40 not.
  const std::vector<Event> both = detect(b, m, {.half_width = 10});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_NEAR(static_cast<double>(both[0].frame), 500.0, 1.0);
  EXPECT_NEAR(static_cast<double>(both[1].frame), 530.0, 1.0);
  EXPECT_EQ(detect(b, m, {.half_width = 10, .min_separation = 40}).size(), 1u);
}

TEST(AgingEvents, BadInputThrows) {
  Model m;
  m.frames = 100;
  const Band b = make_band(m, 1);
  std::vector<float> short_band(b.band.begin(), b.band.end() - 1);
  EXPECT_THROW(detect_events(short_band, m.K, b.times, b.valid, {}), Error);
  EXPECT_THROW(detect_events(b.band, 0, b.times, b.valid, {}), Error);
  EXPECT_THROW(novelty_score(b.band, 0, m.frames, 0), Error);
  EXPECT_THROW(novelty_score(short_band, m.K, m.frames, 0), Error);
  EXPECT_THROW(novelty_score(b.band, m.K, m.frames, 1), Error);
  std::vector<std::uint8_t> few(m.frames - 1, 1);
  EXPECT_THROW(detect_events(b.band, m.K, b.times, few, {}), Error);
  std::vector<double> backwards = b.times;
  backwards[50] = backwards[49];
  EXPECT_THROW(detect_events(b.band, m.K, backwards, b.valid, {}), Error);
  EXPECT_THROW(detect_events(b.band, m.K, b.times, b.valid, {.threshold_sigma = 0}), Error);
}

}  // namespace
}  // namespace glassy::aging
