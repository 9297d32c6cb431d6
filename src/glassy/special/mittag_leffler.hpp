// special/mittag_leffler: the two-parameter Mittag-Leffler function
//   E_{alpha,beta}(z) = sum_{k>=0} z^k / Gamma(alpha k + beta)
// to full double precision (relative error near 1e-14), including the far tails where E is tiny.
//
// Supported parameters: 1e-6 <= alpha <= 2, any finite real beta; anything else throws
// glassy::Error. Methods (chosen per argument, thresholds computed once per (alpha, beta) and
// cached per thread):
//   - closed forms: alpha = 1 (beta = 1, 2) and alpha = 2 (beta = 1, 2);
//   - power series for small |z|, used only where the sum of |terms| stays within 8x of |E|;
//   - asymptotic expansion (exponential residues + algebraic series) for large |z|, used only
//     where its optimally truncated remainder is below 1e-17 |E|;
//   - in between, the Hankel-contour integral collapsed onto the branch cut (a real-line integral
//     with a non-negative integrand for real x < 0, 0 < alpha < 1, alpha <= beta <= 1) discretised
//     by a trapezoidal rule in log variables with per-(alpha, beta) precomputed nodes and exact
//     corrections for the poles near the line; beta > 1 + alpha/2 goes through the recurrence
//     E_{a,b} = (E_{a,b-a} - 1/Gamma(b-a)) / z.
// Relative accuracy is relative to |E| wherever E is well conditioned. Near zeros of E (alpha > 1
// on the negative axis, or some beta) only absolute accuracy ~1e-16 max|terms| is possible, and
// where E ~ exp(|z|^(1/alpha)) the condition number |z|^(1/alpha)/alpha of the input limits it.
// Known soft spot: alpha below ~0.01 with beta > 1 + 500 alpha, within ~0.1% of |z| = 1, is best
// effort (the Hankel part is not used there).
#pragma once

#include <complex>
#include <span>

namespace glassy {

// E_{alpha,beta}(x) for real x. Overflows to +inf for large positive x like exp(x^(1/alpha)).
double mittag_leffler(double alpha, double beta, double x);

// E_{alpha,beta}(z) for complex z.
std::complex<double> mittag_leffler(double alpha, double beta, std::complex<double> z);

// out[i] = E_{alpha,beta}(x[i]), sharing the per-(alpha, beta) setup; results equal the scalar
// call. x and out must have the same size.
void mittag_leffler(double alpha, double beta, std::span<const double> x, std::span<double> out);

// Mittag-Leffler relaxation F(t) = E_beta(-(t/tau)^beta) = E_{beta,1}(-(t/tau)^beta), t/tau >= 0.
// Its derivative with respect to x of E_a(-x) is -E_{a,a}(-x)/a, i.e. -mittag_leffler(a, a, -x)/a.
double mittag_leffler_relaxation(double beta, double t_over_tau);

namespace detail {

// Test hooks: evaluate with one method only, bypassing closed forms and fallbacks. Series and
// asymptotic return NaN where they cannot deliver full accuracy at z.
enum class MittagLefflerMethod { kSeries, kAsymptotic, kHankel };
std::complex<double> mittag_leffler_by(MittagLefflerMethod method, double alpha, double beta,
                                       std::complex<double> z);

// |z| thresholds of the method switches for (alpha, beta): the power series is tried for
// |z| <= series_max and the asymptotic expansion for |z| >= asymptotic_min.
struct MittagLefflerSwitches {
  double series_max;
  double asymptotic_min;
};
MittagLefflerSwitches mittag_leffler_switches(double alpha, double beta);

}  // namespace detail
}  // namespace glassy
