// Events and gaps cut the windows they cross (issue 12, item 2): the pairs removed are exactly
// those with t2 < cut <= t1 (counted by brute force per window and lag bin), and on an easy run
// (stationary, one event that renews most of the speckle, tau unchanged) the windows before the
// event keep the true tau, which they lose when the straddling pairs are kept.
#include "synth/synth_run.hpp"
#include "test_support.hpp"

#include <glassy/aging/analysis.hpp>
#include <glassy/corr/lag_bins.hpp>
#include <glassy/corr/straddle.hpp>
#include <glassy/synth/generator.hpp>

#include <cmath>

namespace glassy {
namespace {

using test::ScratchDir;

synth::SynthParams event_run(std::uint64_t seed) {
  auto p = test::speckle_params(3000, 40, 1.5, 0.3, 60, 0.8, seed);
  p.events = {{1500, 0.85, 1.0}};  // renews 85 % of the speckle, tau unchanged
  return p;
}

// 250 s age windows, two-time only, a small map: what these tests correlate with.
CorrelateOptions band_options() {
  CorrelateOptions o;
  o.window_s = 250;
  o.multitau = false;
  o.map_size = 64;
  return o;
}

// Dense frames and photon events (the paper preset's layout) alike.
class Straddle : public ::testing::TestWithParam<FrameLayout> {};

TEST_P(Straddle, RemovedPairsAreExactlyThoseAcrossTheCut) {
  ScratchDir dir;
  auto p = event_run(3);
  p.output.layout = GetParam();
  synth::generate(p, dir / "e.h5");
  auto src = open_frames(dir / "e.h5");
  auto o = band_options();
  o.path = GetParam() == FrameLayout::Sparse ? CorrPath::Sparse : CorrPath::Dense;
  auto c = correlate(*src, o);
  ASSERT_EQ(c.twotime_report.path, o.path);
  const auto& before = *c.band;
  std::vector<double> n_before;
  for (std::size_t w = 0; w < before.windows(); ++w)
    for (std::size_t l = 0; l < before.lags(); ++l) n_before.push_back(before.g2(0, w, l).n);
  const std::size_t cut = 1500;
  // Dense: the whole band's lags; sparse: a reach of 700 frames (pairs beyond it stay).
  const std::size_t reach = GetParam() == FrameLayout::Sparse ? 700 : 0;
  const std::size_t longest = reach ? reach : before.max_lag_frames();
  const auto removal = remove_straddling_pairs(*src, c, {cut, 2900, cut}, o.budget, reach);
  ASSERT_EQ(removal.cut_frames.size(), 2u);
  EXPECT_EQ(removal.reach_frames, longest);
  // Brute force: pairs (f1, f2) with f2 < cut <= f1 (either cut, counted once) per window of f2
  // and lag bin of f1 - f2, within the reach (uniform 1 s frames from 0 s).
  const LagBins bins(1.0, before.max_lag_frames(), 5);
  std::vector<double> straddling(n_before.size(), 0.0);
  double total = 0;
  for (std::size_t f2 = 0; f2 < 3000; ++f2)
    for (std::size_t f1 = f2 + 1; f1 < 3000 && f1 - f2 <= longest; ++f1) {
      if (!((f2 < cut && cut <= f1) || (f2 < 2900 && 2900 <= f1))) continue;
      const std::size_t l = bins.bin_of_frames(f1 - f2);
      if (l >= before.lags()) continue;
      const std::size_t w = std::min(before.windows() - 1, static_cast<std::size_t>(f2 / 250.0));
      straddling[w * before.lags() + l] += 1;
      total += 1;
    }
  EXPECT_EQ(removal.pairs_removed, total);
  for (std::size_t w = 0; w < c.band->windows(); ++w)
    for (std::size_t l = 0; l < c.band->lags(); ++l) {
      const std::size_t k = w * c.band->lags() + l;
      EXPECT_EQ(static_cast<double>(c.band->g2(0, w, l).n), n_before[k] - straddling[k])
          << "window " << w << " lag bin " << l;
    }
}

INSTANTIATE_TEST_SUITE_P(Layouts, Straddle,
                         ::testing::Values(FrameLayout::Dense, FrameLayout::Sparse));

// A gap is a cut too: its end frame is found from the frame statistics.
TEST(StraddleGaps, GapEndIsACut) {
  ScratchDir dir;
  auto p = event_run(4);
  p.events.clear();
  p.gaps = {{1000, 1100}};
  synth::generate(p, dir / "g.h5");
  auto src = open_frames(dir / "g.h5");
  auto o = band_options();
  const auto c = correlate(*src, o);
  const auto cuts = frames_after_gaps(c);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_GE(c.clock->time(cuts[0]), 1100);
  EXPECT_LT(c.clock->time(cuts[0] - 1), 1000);
}

TEST(StraddleEffect, WindowsBeforeAnEventKeepTheirTau) {
  ScratchDir dir;
  double cut_bias = 0;
  int windows = 0;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    synth::generate(event_run(seed), dir / "e.h5");
    aging::AgingOptions o;
    o.corr.window_s = 250;
    o.corr.multitau = false;
    o.corr.map_size = 64;
    auto src = open_frames(dir / "e.h5");
    const auto cut = aging::analyse_aging(*src, o);
    o.keep_straddling_pairs = true;
    auto src2 = open_frames(dir / "e.h5");
    const auto kept = aging::analyse_aging(*src2, o);
    ASSERT_EQ(cut.events.size(), 1u) << "seed " << seed;
    EXPECT_NE(cut.straddling.find("1500"), std::string::npos) << cut.straddling;
    EXPECT_NE(kept.straddling.find("kept"), std::string::npos) << kept.straddling;
    // The window just before the event (1250-1500 s): its long-lag pairs reach across it.
    const std::size_t w = 5;
    ASSERT_TRUE(cut.kww[w].ok && kept.kww[w].ok) << cut.kww[w].reason << kept.kww[w].reason;
    cut_bias += (cut.kww[w].tau - 60) / cut.kww[w].tau_err;
    ++windows;
    // Same pairs but the straddling ones: those alone make tau ~15 % short.
    EXPECT_LT(kept.kww[w].tau, 0.93 * cut.kww[w].tau) << "seed " << seed;
  }
  // Cut, the window is unbiased within the spread of the mean of n normalised deviations.
  EXPECT_LT(std::abs(cut_bias / windows), 3.0 / std::sqrt(windows)) << cut_bias / windows;
}

}  // namespace
}  // namespace glassy
