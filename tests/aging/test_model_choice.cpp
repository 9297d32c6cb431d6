// The long-time KWW-vs-ML choice by AIC (issue 12, item 5): its false-preference rate over seeds,
// on runs whose truth is each model. The weights are the batch-means errors of the one-time g2.
#include "synth/synth_run.hpp"
#include "test_support.hpp"

#include <glassy/aging/analysis.hpp>
#include <glassy/synth/generator.hpp>

#include <cstdio>

namespace glassy {
namespace {

using test::ScratchDir;

int wrong_choices(synth::Dynamics truth, double beta, int seeds, std::vector<double>& aic_gap,
                  int& undecided) {
  ScratchDir dir;
  int wrong = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    auto p = test::speckle_params(3000, 40, 1.5, 0.3, 6, beta,
                                  static_cast<std::uint64_t>(seed) * 104729);
    p.dynamics = truth;
    synth::generate(p, dir / "m.h5");
    auto src = open_frames(dir / "m.h5");
    aging::AgingOptions o;
    o.corr.window_s = 500;
    o.corr.multitau = false;
    o.corr.map_size = 64;
    o.events.threshold_sigma = 1e9;
    const auto r = aging::analyse_aging(*src, o);
    const std::string want = truth == synth::Dynamics::Kww ? "kww" : "ml";
    // Wrong: the other model named (undecided is not a wrong call, only an honest one).
    wrong += r.onetime.preferred != want && r.onetime.preferred != "undecided";
    undecided += r.onetime.preferred == "undecided";
    // AIC of the wrong model minus the right one: positive when the choice is right.
    aic_gap.push_back(want == "kww" ? r.onetime.ml.aic - r.onetime.kww.aic
                                    : r.onetime.kww.aic - r.onetime.ml.aic);
  }
  return wrong;
}

TEST(ModelChoice, FalsePreferenceRateOverSeeds) {
  std::vector<double> kww_gap, ml_gap;
  const int seeds = 4;
  int undecided = 0;
  const int wrong_kww = wrong_choices(synth::Dynamics::Kww, 0.5, seeds, kww_gap, undecided);
  const int wrong_ml = wrong_choices(synth::Dynamics::MittagLeffler, 0.5, seeds, ml_gap, undecided);
  for (double g : kww_gap) std::printf("KWW truth: AIC(ML) - AIC(KWW) = %.1f\n", g);
  for (double g : ml_gap) std::printf("ML truth: AIC(KWW) - AIC(ML) = %.1f\n", g);
  // At beta 0.5 over 2.7 decades of lag the two shapes differ by far more than the errors: no
  // seed may prefer the wrong model, and none may be left undecided.
  EXPECT_EQ(wrong_kww, 0);
  EXPECT_EQ(wrong_ml, 0);
  EXPECT_EQ(undecided, 0);
  for (double g : kww_gap) EXPECT_GT(g, aging::kDecisiveAicGap);
  for (double g : ml_gap) EXPECT_GT(g, aging::kDecisiveAicGap);
}

// Near beta = 1 both models tend to the same exponential: the choice is close. Before the
// "undecided" label KWW truth was called ML in 3 of 4 seeds, always with a gap under 4; now such a
// close call is stated as undecided and no seed names the wrong model.
TEST(ModelChoice, CloseCallsHaveSmallGaps) {
  std::vector<double> kww_gap, ml_gap;
  const int seeds = 4;
  int undecided = 0;
  const int wrong_kww = wrong_choices(synth::Dynamics::Kww, 0.9, seeds, kww_gap, undecided);
  const int wrong_ml = wrong_choices(synth::Dynamics::MittagLeffler, 0.9, seeds, ml_gap, undecided);
  for (double g : kww_gap) std::printf("beta 0.9, KWW truth: AIC(ML) - AIC(KWW) = %.1f\n", g);
  for (double g : ml_gap) std::printf("beta 0.9, ML truth: AIC(KWW) - AIC(ML) = %.1f\n", g);
  std::printf("at beta 0.9: wrong %d of %d (KWW truth), %d of %d (ML truth), undecided %d\n",
              wrong_kww, seeds, wrong_ml, seeds, undecided);
  EXPECT_EQ(wrong_kww, 0);
  EXPECT_EQ(wrong_ml, 0);
  for (double g : kww_gap) EXPECT_GT(g, -aging::kDecisiveAicGap);
  for (double g : ml_gap) EXPECT_GT(g, -aging::kDecisiveAicGap);
}

}  // namespace
}  // namespace glassy
