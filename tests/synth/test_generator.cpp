// The speckle generator against theory: mean counts, contrast from photon statistics, and the
// decorrelation of generated frames (brute-force correlation here) against KWW, Mittag-Leffler,
// the CTRW's Mittag-Leffler at age 0, aging clocks, events and gaps.
#include "synth/synth_run.hpp"

#include <glassy/core/error.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/special/mittag_leffler.hpp>
#include <glassy/synth/speckle_field.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>

namespace glassy {
namespace {

using test::Estimate;
using test::ScratchDir;

synth::SynthParams small(std::size_t frames, std::size_t side, double rate, double contrast) {
  auto p = synth::preset("tiny");
  p.frames = frames;
  p.height = p.width = side;
  p.rate = rate;
  p.contrast = contrast;
  p.output.compression = h5::Compression::None;
  return p;
}

// Compares measured and expected g2 - 1 at each lag; returns chi^2 per lag.
double check_decorrelation(const test::SynthRun& run, const std::vector<std::size_t>& lags,
                           std::size_t first, std::size_t last, double sigmas = 4.5) {
  double chi2 = 0;
  for (std::size_t lag : lags) {
    const Estimate m = test::measured_g2_minus_1(run, lag, first, last);
    const double e = test::expected_g2_minus_1(run, lag, first, last);
    EXPECT_NEAR(m.value, e, sigmas * m.error) << "lag " << lag << " frames";
    chi2 += (m.value - e) * (m.value - e) / (m.error * m.error);
  }
  return chi2 / static_cast<double>(lags.size());
}

TEST(SynthGenerator, MeanCountsFollowTheStaticProfile) {
  ScratchDir dir;
  auto p = small(400, 40, 1.5, 0.2);
  p.drift = 0.1;
  p.jitter = 0.02;
  const auto run = test::make_run(p, dir / "m.h5");
  double total = 0, expected = 0;
  for (std::size_t f = 0; f < run.frames; ++f)
    for (std::size_t px = 0; px < run.pixels; ++px) {
      total += run.n(f, px);
      expected += run.mean_rate[px] * run.i0[f];
    }
  // Poisson plus speckle noise: the relative SE of the total is below 1e-3 here.
  EXPECT_NEAR(total / expected, 1.0, 5e-3);
  double mean_rate = 0;
  for (double r : run.mean_rate) mean_rate += r;
  EXPECT_NEAR(mean_rate / static_cast<double>(run.pixels), 1.5, 1e-12);
  // The halo profile really varies across the detector.
  auto [lo, hi] = std::minmax_element(run.mean_rate.begin(), run.mean_rate.end());
  EXPECT_GT(*hi / *lo, 1.1);
}

TEST(SynthGenerator, ContrastFromPhotonStatistics) {
  ScratchDir dir;
  struct Case {
    double contrast;
    int modes;
    double rate;
  };
  for (const Case c :
       {Case{0.3, 1, 2.0}, Case{1.0 / 3, 3, 2.0}, Case{0.5, 2, 0.5}, Case{0.01, 1, 20.0}}) {
    auto p = small(300, 48, c.rate, c.contrast);
    p.modes = c.modes;
    p.tau0 = 3.0;  // many independent speckle realisations in the run
    const auto run = test::make_run(p, dir / "c.h5");
    const Estimate m = test::measured_contrast(run);
    EXPECT_NEAR(m.value, c.contrast, 4.5 * m.error)
        << "contrast " << c.contrast << " M " << c.modes;
    EXPECT_LT(m.error, 0.1 * c.contrast + 2e-3);
  }
}

// A process faster than a frame blurs the fraction a of the speckle: the contrast the frames show
// is contrast (1 - a)^2, in both sampling modes.
TEST(SynthGenerator, FastProcessLowersTheContrastByOneMinusASquared) {
  ScratchDir dir;
  for (const double rate : {2.0, 0.05}) {  // dense sampling, then thinning
    auto p = small(300, 48, rate, 0.3);
    p.tau0 = 3.0;
    p.fast_amplitude = 0.3;
    const auto run = test::make_run(p, dir / "f.h5");
    const Estimate m = test::measured_contrast(run);
    EXPECT_NEAR(m.value, 0.3 * 0.7 * 0.7, 4.5 * m.error) << run.sampling;
  }
}

TEST(SynthGenerator, KwwDecorrelation) {
  ScratchDir dir;
  auto p = small(1500, 48, 2.0, 0.3);
  p.tau0 = 12.0;
  p.beta = 0.6;
  const auto run = test::make_run(p, dir / "k.h5");
  EXPECT_EQ(run.sampling, "dense");
  const double chi2 = check_decorrelation(run, {1, 2, 4, 8, 12, 20, 35, 60, 100}, 0, run.frames);
  EXPECT_LT(chi2, 4.0);
  // And the truth is what it claims: g2 - 1 = c exp(-2 (t/tau)^beta).
  EXPECT_NEAR(test::expected_g2_minus_1(run, 12, 0, 100), 0.3 * std::exp(-2.0), 2e-3);
}

TEST(SynthGenerator, MittagLefflerDecorrelation) {
  ScratchDir dir;
  auto p = small(1500, 48, 2.0, 0.3);
  p.dynamics = synth::Dynamics::MittagLeffler;
  p.tau0 = 8.0;
  p.beta = 0.5;
  const auto run = test::make_run(p, dir / "ml.h5");
  const double chi2 = check_decorrelation(run, {1, 3, 8, 20, 50, 120, 300}, 0, run.frames);
  EXPECT_LT(chi2, 4.0);
  const double f = mittag_leffler(0.5, 1.0, -std::sqrt(50.0 / 8.0));
  EXPECT_NEAR(test::expected_g2_minus_1(run, 50, 0, 10), 0.3 * f * f, 1e-3);
}

TEST(SynthGenerator, CtrwWaitingTimesAreMittagLefflerDistributed) {
  // Kolmogorov-Smirnov distance between sampled waiting times and the survival E_beta(-t^beta).
  for (double beta : {0.45, 0.8}) {
    Xoshiro256 rng(7, 0);
    std::vector<double> w(20000);
    for (auto& x : w) x = synth::CtrwSpeckle::sample_waiting_time(beta, 1.0, rng);
    std::sort(w.begin(), w.end());
    double d = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      const double cdf = 1 - mittag_leffler(beta, 1.0, -std::pow(w[i], beta));
      d = std::max({d, std::abs(cdf - static_cast<double>(i) / w.size()),
                    std::abs(cdf - static_cast<double>(i + 1) / w.size())});
    }
    // KS critical value at 0.1% for n = 20000 is 1.95 / sqrt(n) = 0.0138.
    EXPECT_LT(d, 0.0138) << "beta " << beta;
  }
}

TEST(SynthGenerator, CtrwDecaysAsMittagLefflerAtAgeZeroAndAges) {
  ScratchDir dir;
  auto p = small(400, 96, 20.0, 0.5);
  p.modes = 2;
  p.dynamics = synth::Dynamics::Ctrw;
  p.tau0 = 10.0;
  p.beta = 0.6;
  const auto run = test::make_run(p, dir / "w.h5");
  // Age 0: correlations with frame 0 only (pixels are the ensemble).
  for (std::size_t lag : {2, 5, 10, 25, 60}) {
    const Estimate m = test::measured_g2_minus_1(run, lag, 0, 1);
    const double f = mittag_leffler(0.6, 1.0, -std::pow(lag / 10.0, 0.6));
    EXPECT_NEAR(m.value, 0.5 * f * f, 4.5 * m.error) << "lag " << lag;
  }
  // Aging: at age 200 frames the same lag has decorrelated clearly less than at age 0.
  const Estimate young = test::measured_g2_minus_1(run, 10, 0, 1);
  const Estimate old = test::measured_g2_minus_1(run, 10, 200, 201);
  EXPECT_GT(old.value - young.value, 4 * std::hypot(old.error, young.error));
}

TEST(SynthGenerator, AgingClockEventAndGap) {
  ScratchDir dir;
  auto p = small(1600, 48, 2.0, 0.3);
  p.tau0 = 5.0;
  p.beta = 0.8;
  p.clock = {{0, 1600, synth::ClockSegment::Aging, 500}};  // tau: 5 s -> 125 s
  p.events = {{1000, 0.5, 2.0}};
  p.gaps = {{600, 700}};
  const auto run = test::make_run(p, dir / "a.h5");
  EXPECT_EQ(run.frames, 1500u);
  for (double t : run.time) EXPECT_FALSE(t >= 600 && t < 700) << t;
  // Young and old windows decorrelate at their own pace (lags in frames; windows avoid the gap
  // and the event).
  const double young_chi2 = check_decorrelation(run, {1, 3, 6, 12, 25}, 0, 250);
  const double old_chi2 = check_decorrelation(run, {1, 5, 20, 60, 120}, 700, 850);
  EXPECT_LT(young_chi2, 4.0);
  EXPECT_LT(old_chi2, 4.0);
  EXPECT_GT(test::expected_g2_minus_1(run, 12, 700, 850),
            2 * test::expected_g2_minus_1(run, 12, 0, 250));
  // Across the event (frames 890..899 -> 900..909 in recorded order) correlation drops by (1-f)^2.
  const std::size_t before = static_cast<std::size_t>(
      std::find(run.time.begin(), run.time.end(), 995.0) - run.time.begin());
  const Estimate across = test::measured_g2_minus_1(run, 10, before - 5, before);
  const double e_across = test::expected_g2_minus_1(run, 10, before - 5, before);
  EXPECT_NEAR(across.value, e_across, 4.5 * across.error);
  EXPECT_LT(e_across, 0.3 * 0.25 + 1e-12);
  // Across the gap the clock ran on: pairs straddling it are less correlated than the lag in
  // frames alone suggests.
  EXPECT_LT(test::expected_g2_minus_1(run, 5, 597, 600),
            test::expected_g2_minus_1(run, 5, 590, 591));
}

TEST(SynthGenerator, ThinningForPhotonStarvedRuns) {
  ScratchDir dir;
  auto p = small(3000, 128, 0.008, 0.3);
  p.tau0 = 10.0;
  p.beta = 0.7;
  p.output.layout = FrameLayout::Sparse;
  const auto run = test::make_run(p, dir / "t.h5");
  ASSERT_EQ(run.sampling, "thinning");
  const Estimate c = test::measured_contrast(run);
  EXPECT_NEAR(c.value, 0.3, 4.5 * c.error);
  const double chi2 = check_decorrelation(run, {1, 5, 10, 30, 100}, 0, run.frames);
  EXPECT_LT(chi2, 4.0);
  double photons = 0;
  for (float v : run.counts) photons += v;
  EXPECT_NEAR(photons / (3000.0 * 128 * 128), 0.008, 0.008 * 0.01);
}

TEST(SynthGenerator, DeterministicForSeedWhateverTheThreads) {
  ScratchDir dir;
  auto p = small(200, 32, 1.0, 0.2);
  p.seed = 42;
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto a = test::make_run(p, dir / "a.h5");
  omp_set_num_threads(std::max(2, threads));
  const auto b = test::make_run(p, dir / "b.h5");
  omp_set_num_threads(threads);
  EXPECT_EQ(a.counts, b.counts);
  p.seed = 43;
  const auto c = test::make_run(p, dir / "c.h5");
  EXPECT_NE(a.counts, c.counts);
}

TEST(SynthGenerator, TruthIsWritten) {
  ScratchDir dir;
  auto p = synth::preset("tiny");
  p.events = {{300, 0.4, 1.5}};
  p.gaps = {{100, 120}};
  synth::generate(p, dir / "t.h5");
  auto f = h5::File::open(dir / "t.h5");
  auto t = f.group("truth");
  EXPECT_EQ(t.attrs().get_string("dynamics"), "kww");
  EXPECT_DOUBLE_EQ(t.attrs().get_double("beta"), 0.7);
  EXPECT_EQ(t.read<double>("events/time"), std::vector<double>{300});
  EXPECT_EQ(t.read<double>("gaps/start"), std::vector<double>{100});
  EXPECT_EQ(t.read<double>("tau").size(), 580u);
  EXPECT_EQ(f.read<double>("entry/data/timestamp").size(), 580u);
  EXPECT_LT(t.group("isf").attrs().get_double("max_abs_error"), 3e-3);
  EXPECT_NE(t.attrs().get_string("parameters").find("\"preset\":\"tiny\""), std::string::npos);
}

TEST(SynthGenerator, ImpossibleParametersAreRefused) {
  ScratchDir dir;
  auto expect_error = [&](synth::SynthParams p, const std::string& fragment) {
    try {
      synth::generate(p, dir / "bad.h5");
      ADD_FAILURE() << "accepted: " << fragment;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "bad.h5"));
  };
  auto p = synth::preset("tiny");
  auto q = p;
  q.beta = 1.5;
  expect_error(q, "--beta");
  q = p;
  q.contrast = 0.6;
  q.modes = 2;
  expect_error(q, "above 1/M");
  q = p;
  q.rate = -1;
  expect_error(q, "--rate");
  q = p;
  q.gaps = {{50, 10}};
  expect_error(q, "gap");
  q = p;
  q.events = {{1e9, 0.5, 2}};
  expect_error(q, "outside the run");
  q = p;
  q.gaps = {{0, 1e9}};
  expect_error(q, "every frame falls inside a gap");
  EXPECT_THROW(synth::preset("huge"), Error);
}

}  // namespace
}  // namespace glassy
