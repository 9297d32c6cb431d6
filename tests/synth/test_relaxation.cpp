// Prony series of the target relaxations and the NNLS solver under them.
#include <gtest/gtest.h>

#include <glassy/special/mittag_leffler.hpp>
#include <glassy/synth/relaxation.hpp>

#include <cmath>

namespace glassy::synth {
namespace {

TEST(Relaxation, TargetsAreTheDefinitions) {
  EXPECT_DOUBLE_EQ(target_isf(Dynamics::Kww, 0.5, 4.0), std::exp(-2.0));
  // E_{1/2}(-x^{1/2}) = exp(x) erfc(sqrt x)
  EXPECT_NEAR(target_isf(Dynamics::MittagLeffler, 0.5, 4.0), std::exp(4.0) * std::erfc(2.0), 1e-14);
  EXPECT_NEAR(target_isf(Dynamics::MittagLeffler, 1.0, 3.0), std::exp(-3.0), 1e-15);
  EXPECT_EQ(target_isf(Dynamics::Kww, 0.7, 0.0), 1.0);
}

TEST(Relaxation, NnlsMatchesKnownSolution) {
  // min |A w - b| with w >= 0 where the unconstrained optimum has a negative entry:
  // A = I (3x3), b = (1, -2, 3) -> w = (1, 0, 3).
  const std::vector<double> A{1, 0, 0, 0, 1, 0, 0, 0, 1};
  const auto w = nnls(A, 3, 3, {1, -2, 3});
  EXPECT_NEAR(w[0], 1, 1e-12);
  EXPECT_EQ(w[1], 0);
  EXPECT_NEAR(w[2], 3, 1e-12);
  // Overdetermined, exactly solvable with positive weights.
  const std::vector<double> B{1, 2, 3, 4, 5, 6, 7, 8};  // 4 x 2
  const auto v =
      nnls(B, 4, 2, {1 * 2 + 2 * 0.5, 3 * 2 + 4 * 0.5, 5 * 2 + 6 * 0.5, 7 * 2 + 8 * 0.5});
  EXPECT_NEAR(v[0], 2, 1e-10);
  EXPECT_NEAR(v[1], 0.5, 1e-10);
}

// The series approximates the target to a level far below any measurable correlation error.
TEST(Relaxation, PronySeriesFollowTheTargets) {
  struct Case {
    Dynamics d;
    double beta;
  };
  for (const Case c : {Case{Dynamics::Kww, 1.0}, Case{Dynamics::Kww, 0.7}, Case{Dynamics::Kww, 0.4},
                       Case{Dynamics::MittagLeffler, 0.6}, Case{Dynamics::MittagLeffler, 0.3}}) {
    const auto s = fit_prony(c.d, c.beta, 1e-3, 1e3, 4);
    double total = 0;
    for (double w : s.weight) {
      EXPECT_GE(w, 0);
      total += w;
    }
    EXPECT_NEAR(total, 1.0, 1e-12);
    EXPECT_LT(s.max_abs_error, 3e-3) << to_string(c.d) << " beta " << c.beta;
    for (double x : {1e-3, 0.01, 0.1, 1.0, 3.0, 10.0, 100.0, 1000.0}) {
      const double target = target_isf(c.d, c.beta, x);
      EXPECT_NEAR(s.eval(x), target, 3e-3 + 0.03 * target) << to_string(c.d) << " x " << x;
    }
  }
}

}  // namespace
}  // namespace glassy::synth
