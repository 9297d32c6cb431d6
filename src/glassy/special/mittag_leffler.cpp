// special/mittag_leffler: E_{alpha,beta}(z) to full double precision. See the header for the
// overview; this file holds the three numerical methods and the per-(alpha, beta) plan.
//
// The Hankel representation used in the middle range. Inverting the Laplace transform
// s^(alpha-beta) / (s^alpha - z) of t^(beta-1) E_{alpha,beta}(z t^alpha) at t = 1 along a Hankel
// contour around the negative real s axis gives
//   E_{alpha,beta}(z) = sum_{poles s_k, |theta_k| < pi} s_k^(1-beta) e^(s_k) / alpha  +  H(z),
// with poles s_k = |z|^(1/alpha) e^(i theta_k), theta_k = (arg z + 2 pi k) / alpha, and the two
// rays s = r e^(+-i pi) collapsed into one real integral. With r = e^(u/alpha):
//   H(z) = Int_R F(u) du,
//   F(u) = omega(u) / (alpha pi) * (1/2i) [e^(i beta pi) / (e^u - a) - e^(-i beta pi) / (e^u - b)],
//   omega(u) = exp(-e^(u/alpha) + rho u),  rho = (1 + alpha - beta) / alpha,
//   a = z e^(i alpha pi) (lower ray), b = z e^(-i alpha pi) (upper ray).
// For real z the bracket is 2i Im(...) and F = omega (w sin(beta pi) + z sin((alpha - beta) pi)) /
// (alpha pi |w - a|^2), w = e^u; for z < 0, 0 < alpha < 1, alpha <= beta <= 1 it is >= 0, so the
// integral has no cancellation, unlike Bromwich contours whose error is relative to 1 + |E|.
//
// F is analytic in the strip |Im u| < alpha pi / 2 (where omega decays) except for simple poles
// at e^u = a, b. The trapezoidal rule with step h then converges like exp(-2 pi d / h) once the
// poles inside the strip are corrected for exactly: for a pole u_p with residue R and
// q = exp(2 pi i (u_p - u_node) / h), h sum F(u_j) - Int F = 2 pi i R q / (1 - q) (Im u_p > 0) or
// -2 pi i R / (1 - q) (Im u_p < 0). Combined with the residue sum, a pole image contributes an
// expression analytic in its position (below), so the result is smooth as poles cross the line.
// The nodes are precomputed on a lattice of step h/2; each evaluation uses the half of it whose
// nodes are farthest from Re u_p = ln|z|, which keeps 1/(1 - q) bounded when a pole sits on the line.
#include <glassy/special/mittag_leffler.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <boost/math/special_functions/cos_pi.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/sin_pi.hpp>

#include <glassy/core/error.hpp>

namespace glassy {
namespace {

using Complex = std::complex<double>;

constexpr double kPi = 3.141592653589793238462643383279502884;
constexpr long double kPiL = 3.141592653589793238462643383279502884L;
constexpr long double kTwoPiL = 2.0L * kPiL;
constexpr double kTwoPi = 2.0 * kPi;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Supported alpha. Below 0.01 the Hankel lattice (step proportional to alpha) grows past ~10^5
// nodes; above 2 the function is no longer of the damped type this code is tuned for.
constexpr double kAlphaMin = 0.01;
constexpr double kAlphaMax = 2.0;

// Truncation target of the series and the asymptotic expansion, relative to |E|.
constexpr double kTruncation = 1e-17;
// The power series is accepted while sum |terms| <= 8 |sum|: its rounding error then stays near
// 1e-15 relative. Beyond that the cancellation grows like exp(2 |z|^(1/alpha)).
constexpr double kSeriesCancellation = 8.0;
// Beyond the negative-axis switch the series is still tried (with the same cancellation check) out
// to |z|^(1/alpha) = 1.5, where it is cheap and, off the negative axis, usually accurate.
constexpr double kSeriesReachT = 1.5;
// Hankel integrand tails are cut where they fall below e^-46 (1e-20) of their bulk.
constexpr double kTailEfolds = 46.0;
// The trapezoidal aliasing error exp(-2 pi d / h) is set to e^-44 (8e-20) times the growth of
// |omega| on the strip edge.
constexpr double kTrapezoidEfolds = 44.0;
// Strip half-width d as a fraction of alpha pi / 2, the edge beyond which omega grows.
constexpr double kStripFraction = 0.9;
// Hard caps on expansion lengths; beyond them the next method takes over.
constexpr std::size_t kMaxSeriesTerms = 4000;
constexpr std::size_t kMaxAsymptoticTerms = 2000;
// Below this |z| the power series is exact to rounding whatever its cancellation estimate says.
constexpr double kSeriesAlwaysBelow = 1e-12;

std::string format_double(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

void validate(double alpha, double beta) {
  require(alpha >= kAlphaMin && alpha <= kAlphaMax,
          "mittag_leffler: alpha must lie in [0.01, 2], got " + format_double(alpha));
  require(std::isfinite(beta), "mittag_leffler: beta must be finite, got " + format_double(beta));
}

// 1/Gamma(x): zero at the poles of Gamma, no spurious overflow for large |x|.
double rgamma(double x) {
  if (x <= 0.0 && x == std::floor(x)) return 0.0;
  if (x > 170.0) return std::exp(-boost::math::lgamma(x));
  if (x < -169.0) {
    // Reflection: 1/Gamma(x) = sin(pi x) Gamma(1 - x) / pi.
    return boost::math::sin_pi(x) * std::exp(boost::math::lgamma(1.0 - x)) / kPi;
  }
  return 1.0 / boost::math::tgamma(x);
}

double magnitude(double v) { return std::abs(v); }
double magnitude(const Complex& v) { return std::abs(v); }

// ln|z| and arg z in long double: pole exponents s_k = |z|^(1/alpha) e^(i theta_k) reach |s| ~ 10^2
// and more, where a double exponent would cost |s| eps of relative accuracy. Real negative z is
// put on the upper side of the cut; the pole set is symmetric anyway.
struct LogPolar {
  long double log_abs;
  long double arg;
};
LogPolar log_polar(double x) {
  return {std::log(std::abs(static_cast<long double>(x))), x < 0.0 ? kPiL : 0.0L};
}
LogPolar log_polar(const Complex& z) {
  const long double re = z.real();
  const long double im = z.imag();
  return {std::log(std::hypot(re, im)), std::atan2(im, re)};
}

// e^(s + c (log_abs + i im)) / alpha with s = -e^((log_abs + i im) / alpha): the residue-type factor
// of a pole of 1/(s^alpha - z) seen at u = log_abs + i im in the Hankel variable u = alpha ln r.
Complex pole_factor(long double log_abs, long double im, double alpha, double c) {
  const long double big_t = std::exp(log_abs / alpha);
  const long double angle = im / alpha;
  const long double re_e = -big_t * std::cos(angle) + c * log_abs;
  if (re_e < -11400.0L) return 0.0;
  const long double im_e = -big_t * std::sin(angle) + c * im;
  const long double magnitude = std::exp(re_e) / alpha;
  return Complex(static_cast<double>(magnitude * std::cos(im_e)),
                 static_cast<double>(magnitude * std::sin(im_e)));
}

// Keeps the result type: real inputs give real outputs (the imaginary parts cancel exactly).
template <class T>
T from_complex(const Complex& v);
template <>
double from_complex<double>(const Complex& v) {
  return v.real();
}
template <>
Complex from_complex<Complex>(const Complex& v) {
  return v;
}

// Everything that depends only on (alpha, beta): expansion coefficients, method switch points and
// the Hankel trapezoidal lattice. Built once per (alpha, beta) and cached per thread.
class Plan {
 public:
  Plan(double alpha, double beta);

  double alpha() const { return alpha_; }
  double beta() const { return beta_; }
  double series_max() const { return series_max_; }
  double series_reach() const { return series_reach_; }
  double asymptotic_min() const { return asymptotic_min_; }
  double at_zero() const { return series_coef_[0]; }

  // Power series; false when it needs too many terms or cancels too much. value is set either
  // way and cancellation receives sum |terms| / |sum| (inf if the series did not converge).
  template <class T>
  bool series(T z, T& value, double& cancellation);
  template <class T>
  bool series(T z, T& value) {
    double cancellation = 0.0;
    return series(z, value, cancellation);
  }
  // Asymptotic expansion; false when its remainder is not below 1e-17 |E|.
  template <class T>
  bool asymptotic(T z, T& value);
  // Hankel integral, accurate everywhere but costlier than the expansions. cancellation receives
  // the loss factor of the beta recurrence (1 when beta <= 1 + alpha/2).
  double hankel(double x, double& cancellation);
  Complex hankel(const Complex& z, double& cancellation);
  bool shifted() const { return shift_ > 0; }

 private:
  bool ensure_series_coefficient(std::size_t k);
  bool ensure_asymptotic_coefficient(std::size_t k);
  void find_switches();
  void init_hankel();
  void ensure_lattice(double u_min);
  // Lattice node u = i h + parity h/2; the one expression used for nodes and pole phases alike.
  double node(long i, int parity) const {
    return static_cast<double>(i) * step_ + parity * half_step_;
  }

  struct LatticeSlice {
    int parity;
    std::size_t first;  // index into the parity arrays
    double offset;      // (ln|z| - nearest node of this parity) / h, in [-1/2, 1/2]
  };
  LatticeSlice slice(long double log_az);
  // alpha theta_k = arg z + 2 pi k, the pole angle in the Hankel variable u.
  static long double pole_phi(long double arg, long k) {
    return arg + kTwoPiL * static_cast<long double>(k);
  }
  Complex pole_terms(const LogPolar& z, double offset) const;
  template <class T>
  T unshift(T value, T z, double& cancellation) const;

  double alpha_;
  double beta_;

  std::vector<double> series_coef_;  // 1/Gamma(alpha k + beta)
  std::size_t series_kmin_;          // from here on alpha k + beta >= 2 and |coef| decreases
  std::vector<double> asym_coef_;    // [k] = 1/Gamma(beta - alpha k), k >= 1
  std::vector<double> asym_bound_;   // [k] >= |asym_coef_[k]|, growing like Gamma(alpha k)
  std::size_t asym_kmin_;            // from here on asym_bound_ increases monotonically
  double series_max_ = 0.0;
  double series_reach_ = 0.0;
  double asymptotic_min_ = kInf;

  // Hankel part. For beta > 1 + alpha / 2 the integrand decays too slowly at u -> -inf, so it
  // is evaluated for beta_h = beta - shift alpha and mapped back with the recurrence
  // E_{a,b}(z) = (E_{a,b-a}(z) - 1/Gamma(b-a)) / z.
  int shift_ = 0;
  double beta_h_ = 0.0;
  double rho_ = 0.0;
  bool hankel_ready_ = false;
  double strip_ = 0.0;      // strip half-width d
  double step_ = 0.0;       // trapezoidal step h
  double half_step_ = 0.0;  // lattice spacing h/2
  double u_peak_ = 0.0;     // maximum of omega
  double u_hi_ = 0.0;       // omega negligible beyond
  double sin_beta_ = 0.0;        // S1 = sin(pi beta_h)
  double sin_alpha_beta_ = 0.0;  // S2 = sin(pi (alpha - beta_h))
  // S1 - S2 and S1 + S2 from product formulas: the numerator w S1 + z S2 vanishes near the pole
  // for alpha near 1 and is formed as S1 (w - |z|) + |z| (S1 -+ S2) without cancellation.
  double sin_diff_ = 0.0;
  double sin_sum_ = 0.0;
  double kappa_neg_ = 0.0;  // |w - a|^2 = (w - |z|)^2 + kappa w |z| for real z < 0 ...
  double kappa_pos_ = 0.0;  // ... and for real z > 0, without cancellation near w = |z|
  Complex e_beta_;          // e^(i pi beta_h)
  long i_lo_ = 0;           // lattice nodes i in [i_lo_, i_lo_ + size) for both parities
  std::array<std::vector<double>, 2> w_;       // e^u
  std::array<std::vector<double>, 2> weight_;  // h omega(u) / (alpha pi)
};

Plan::Plan(double alpha, double beta) : alpha_(alpha), beta_(beta) {
  series_kmin_ = static_cast<std::size_t>(std::max(1.0, std::ceil((2.0 - beta) / alpha)));
  asym_kmin_ = static_cast<std::size_t>(std::max(1.0, std::ceil((1.0 + beta) / alpha)));
  const double rho = (1.0 + alpha - beta) / alpha;
  shift_ = rho >= 0.5 ? 0 : static_cast<int>(std::ceil(0.5 - rho));
  beta_h_ = beta - shift_ * alpha;
  rho_ = (1.0 + alpha - beta_h_) / alpha;
  series_coef_.push_back(rgamma(beta));
  asym_coef_.push_back(0.0);
  asym_bound_.push_back(0.0);
  find_switches();
}

bool Plan::ensure_series_coefficient(std::size_t k) {
  while (series_coef_.size() <= k) {
    if (series_coef_.size() >= kMaxSeriesTerms) return false;
    series_coef_.push_back(rgamma(alpha_ * static_cast<double>(series_coef_.size()) + beta_));
  }
  return true;
}

bool Plan::ensure_asymptotic_coefficient(std::size_t k) {
  while (asym_coef_.size() <= k) {
    const double y = beta_ - alpha_ * static_cast<double>(asym_coef_.size());
    // Gamma(1 - y) overflows beyond 170; such terms are never needed before divergence.
    if (asym_coef_.size() >= kMaxAsymptoticTerms || 1.0 - y > 170.0) return false;
    const double c = rgamma(y);
    asym_coef_.push_back(c);
    // For y <= 0, |1/Gamma(y)| = |sin(pi y)| Gamma(1 - y) / pi <= Gamma(1 - y) / pi: a bound that
    // does not vanish where 1/Gamma(y) happens to, so stopping tests are not fooled by zeros.
    asym_bound_.push_back(y > 0.0 ? std::abs(c) : boost::math::tgamma(1.0 - y) / kPi);
  }
  return true;
}

template <class T>
bool Plan::series(T z, T& value, double& cancellation) {
  const double az = magnitude(z);
  T sum = series_coef_[0];
  T power = 1.0;
  double abs_power = 1.0;
  double abs_sum = std::abs(series_coef_[0]);
  bool converged = false;
  for (std::size_t k = 1;; ++k) {
    if (k >= series_coef_.size() && !ensure_series_coefficient(k)) break;
    power *= z;
    abs_power *= az;
    const double c = series_coef_[k];
    sum += c * power;
    const double abs_term = std::abs(c) * abs_power;
    abs_sum += abs_term;
    // Past series_kmin_ the terms decrease at least geometrically (ratio <= ~0.8 where the series
    // is used), so a term 4x below the target bounds the tail.
    if (k >= series_kmin_ && abs_term <= 0.25 * kTruncation * magnitude(sum)) {
      converged = true;
      break;
    }
  }
  value = sum;
  cancellation = converged ? abs_sum / magnitude(sum) : kInf;
  return cancellation <= kSeriesCancellation;
}

template <class T>
bool Plan::asymptotic(T z, T& value) {
  const LogPolar lp = log_polar(z);
  const double az = magnitude(z);
  const double log_az = static_cast<double>(lp.log_abs);
  const double big_t = std::exp(log_az / alpha_);  // |s_k| = |z|^(1/alpha)
  // Exponential part: residues of the poles on the principal sheet. Poles near the cut
  // (|theta| ~ pi) make the algebraic remainder of size ~ e^-T T^(1-beta) / (alpha Delta), Delta
  // their distance from the cut in u = alpha ln r; that must be negligible too.
  Complex exponential = 0.0;
  double residue_scale = 0.0;
  double delta_min = kInf;
  const long double reach = 1.5L * alpha_ * kPiL;
  const long k_lo = static_cast<long>(std::ceil((-reach - lp.arg) / kTwoPiL));
  const long k_hi = static_cast<long>(std::floor((reach - lp.arg) / kTwoPiL));
  for (long k = k_lo; k <= k_hi; ++k) {
    const long double phi = pole_phi(lp.arg, k);  // alpha theta_k
    delta_min = std::min(delta_min, static_cast<double>(std::abs(std::abs(phi) - alpha_ * kPiL)));
    if (std::abs(phi) >= alpha_ * kPiL) continue;
    // Residue s^(1-beta) e^s / alpha: the pole factor seen from the upper ray, u = ln|z| + i
    // (phi - alpha pi), times e^(i pi (1 - beta)) (s = -e^(u/alpha) there).
    const Complex residue =
        pole_factor(lp.log_abs, phi - alpha_ * kPiL, alpha_, (1.0 - beta_) / alpha_) *
        std::polar(1.0, kPi * (1.0 - beta_));
    exponential += residue;
    residue_scale += std::abs(residue);
  }
  // Algebraic part: -sum_k z^-k / Gamma(beta - alpha k), truncated at its smallest term.
  const T y = T(1.0) / z;
  const double ay = 1.0 / az;
  T algebraic = 0.0;
  T power = 1.0;
  double abs_power = 1.0;
  double previous_bound = kInf;
  bool converged = false;
  for (std::size_t k = 1;; ++k) {
    if (!ensure_asymptotic_coefficient(k)) break;
    power *= y;
    abs_power *= ay;
    algebraic -= asym_coef_[k] * power;
    const double bound = asym_bound_[k] * abs_power;
    const double scale =
        std::max(magnitude(algebraic + from_complex<T>(exponential)), residue_scale);
    if (k >= asym_kmin_ && bound <= 0.25 * kTruncation * scale) {
      converged = true;
      break;
    }
    if (k > asym_kmin_ && bound > previous_bound) break;  // diverging before reaching the target
    previous_bound = bound;
  }
  value = algebraic + from_complex<T>(exponential);
  if (!converged) return false;
  const double scale = std::max(magnitude(value), residue_scale);
  const double cut_factor = 1.0 + 1.0 / std::max(delta_min, 1e-3);
  const double log_cut_remainder =
      -big_t + (1.0 - beta_) * log_az / alpha_ - std::log(alpha_) + std::log(cut_factor);
  return log_cut_remainder <= std::log(kTruncation * scale);
}

void Plan::find_switches() {
  // Scan the negative real axis (the hardest direction for the series) on a 2^(1/8) grid.
  const double ratio = std::exp2(0.125);
  double x = std::exp2(-12.0);
  double value = 0.0;
  while (x < 1e4 && series(-x, value)) {
    series_max_ = x;
    x *= ratio;
  }
  series_reach_ = std::max(series_max_, std::pow(kSeriesReachT, alpha_));
  x = 1e8;
  while (x > series_max_ && asymptotic(-x, value)) {
    asymptotic_min_ = x;
    x /= ratio;
  }
}

void Plan::init_hankel() {
  ensure_asymptotic_coefficient(static_cast<std::size_t>(shift_));
  // omega = e^-r r^m with m = rho alpha > 0.
  const double m = rho_ * alpha_;
  strip_ = kStripFraction * alpha_ * kPi / 2.0;
  // On the strip edge |omega| reaches (1/cos(d/alpha))^m times its real-line maximum.
  const double edge_growth = m * std::log(1.0 / std::cos(kStripFraction * kPi / 2.0));
  step_ = kTwoPi * strip_ / (kTrapezoidEfolds + edge_growth);
  half_step_ = 0.5 * step_;
  u_peak_ = alpha_ * std::log(m);
  const double log_peak = m * std::log(m) - m;
  double r = std::max(m, 1.0);
  while (-r + m * std::log(r) > log_peak - kTailEfolds) r *= 1.02;
  u_hi_ = alpha_ * std::log(r);
  sin_beta_ = boost::math::sin_pi(beta_h_);
  sin_alpha_beta_ = boost::math::sin_pi(alpha_ - beta_h_);
  sin_diff_ = 2.0 * boost::math::cos_pi(alpha_ / 2.0) * boost::math::sin_pi(beta_h_ - alpha_ / 2.0);
  sin_sum_ = 2.0 * boost::math::sin_pi(alpha_ / 2.0) * boost::math::cos_pi(beta_h_ - alpha_ / 2.0);
  const double c = boost::math::cos_pi(alpha_ / 2.0);
  const double s = boost::math::sin_pi(alpha_ / 2.0);
  kappa_neg_ = 4.0 * c * c;
  kappa_pos_ = 4.0 * s * s;
  e_beta_ = Complex(boost::math::cos_pi(beta_h_), boost::math::sin_pi(beta_h_));
  hankel_ready_ = true;
  // Cover the whole middle range from the start; smaller |z| extend the lattice on demand.
  const double log_low = std::log(std::max(series_max_, 1e-3)) - 1.0;
  ensure_lattice(std::min(log_low, u_peak_) - kTailEfolds / rho_);
}

void Plan::ensure_lattice(double u_min) {
  if (!w_[0].empty() && node(i_lo_, 0) <= u_min) return;
  const long i_lo = static_cast<long>(std::floor(u_min / step_)) - 1;
  const long i_hi = static_cast<long>(std::ceil(u_hi_ / step_)) + 1;
  const double scale = step_ / (alpha_ * kPi);
  for (int parity = 0; parity < 2; ++parity) {
    std::vector<double> w;
    std::vector<double> weight;
    w.reserve(static_cast<std::size_t>(i_hi - i_lo + 1));
    weight.reserve(static_cast<std::size_t>(i_hi - i_lo + 1));
    for (long i = i_lo; i <= i_hi; ++i) {
      const double u = node(i, parity);
      w.push_back(std::exp(u));
      weight.push_back(scale * std::exp(-std::exp(u / alpha_) + rho_ * u));
    }
    w_[parity] = std::move(w);
    weight_[parity] = std::move(weight);
  }
  i_lo_ = i_lo;
}

Plan::LatticeSlice Plan::slice(long double log_az) {
  const double log_d = static_cast<double>(log_az);
  // The integrand's bulk lies below min(ln|z|, u_peak); below that it decays like e^(rho u).
  const double u_min = std::min(log_d, u_peak_) - kTailEfolds / rho_;
  ensure_lattice(u_min);
  // Parity-0 nodes sit at multiples of h, parity-1 nodes halfway between: take the half whose
  // nearest node is at least h/4 away from the poles' real part ln|z|.
  const double f = log_d / step_;
  const double frac = f - std::floor(f);
  const int parity = (frac >= 0.25 && frac < 0.75) ? 0 : 1;
  const long nearest = static_cast<long>(std::nearbyint((log_d - parity * half_step_) / step_));
  const double offset = static_cast<double>((log_az - node(nearest, parity)) / step_);
  const long first = std::max(
      static_cast<long>(std::ceil((u_min - parity * half_step_) / step_)), i_lo_);
  return {parity, static_cast<std::size_t>(first - i_lo_), offset};
}

Complex Plan::pole_terms(const LogPolar& z, double offset) const {
  // Poles with alpha theta_k within alpha pi + d of 0 have an image in the strip or a plain residue.
  const long double reach = alpha_ * kPiL + strip_;
  const long k_lo = static_cast<long>(std::ceil((-reach - z.arg) / kTwoPiL));
  const long k_hi = static_cast<long>(std::floor((reach - z.arg) / kTwoPiL));
  const Complex phase = std::polar(1.0, kTwoPi * offset);
  const double c = (1.0 - beta_h_) / alpha_;
  Complex total = 0.0;
  for (long k = k_lo; k <= k_hi; ++k) {
    const long double phi = pole_phi(z.arg, k);
    if (phi > alpha_ * kPiL - strip_ || phi < -alpha_ * kPiL + strip_) {
      // Image at u_p = ln|z| + i im of the pole on the upper ray (phi near alpha pi) or the lower
      // ray (phi near -alpha pi). The residue of F there is -+ e^(-+i beta pi) factor /
      // (2 i pi); adding the trapezoidal correction and, when the pole lies below (upper ray) or
      // above (lower ray) the line, the plain residue 2 pi i R, gives in either case
      //   upper: e^(-i beta pi) factor q / (1 - q),   lower: -e^(i beta pi) factor / (1 - q).
      const bool upper = phi > 0.0L;
      const long double im = upper ? phi - alpha_ * kPiL : phi + alpha_ * kPiL;
      const Complex factor = pole_factor(z.log_abs, im, alpha_, c);
      const Complex q = std::exp(-kTwoPi * static_cast<double>(im) / step_) * phase;
      if (upper) {
        total += std::conj(e_beta_) * factor * q / (1.0 - q);
      } else {
        total -= e_beta_ * factor / (1.0 - q);
      }
    } else if (std::abs(phi) < alpha_ * kPiL) {
      // Pole well inside the principal sheet: its residue s^(1-beta) e^s / alpha.
      total += pole_factor(z.log_abs, phi - alpha_ * kPiL, alpha_, c) *
               std::polar(1.0, kPi * (1.0 - beta_h_));
    }
  }
  return total;
}

template <class T>
T Plan::unshift(T value, T z, double& cancellation) const {
  // E_{a,b} = z^-m E_{a,b-ma} - sum_{k=1..m} z^-k / Gamma(b - a k), in Horner form, tracking the
  // same sum with absolute values to report how much it cancels.
  const T y = T(1.0) / z;
  const double ay = magnitude(y);
  double abs_value = magnitude(value);
  for (int k = shift_; k >= 1; --k) {
    const double g = asym_coef_[static_cast<std::size_t>(k)];
    value = y * (value - g);
    abs_value = ay * (abs_value + std::abs(g));
  }
  cancellation = abs_value / magnitude(value);
  return value;
}

double Plan::hankel(double x, double& cancellation) {
  if (!hankel_ready_) init_hankel();
  const LogPolar lp = log_polar(x);
  const LatticeSlice sl = slice(lp.log_abs);
  const double* w = w_[sl.parity].data();
  const double* weight = weight_[sl.parity].data();
  const std::size_t n = w_[sl.parity].size();
  const double ax = std::abs(x);
  const double kappa = (x < 0.0 ? kappa_neg_ : kappa_pos_) * ax;
  // w S1 + x S2 = S1 (w - |x|) + |x| (S1 -+ S2) for x <> 0.
  const double numerator_shift = ax * (x < 0.0 ? sin_diff_ : sin_sum_);
  // Two accumulators: independent divisions pipeline, and the sum is pairwise-ish.
  double acc0 = 0.0;
  double acc1 = 0.0;
  std::size_t j = sl.first;
  for (; j + 1 < n; j += 2) {
    const double d0 = w[j] - ax;
    const double d1 = w[j + 1] - ax;
    acc0 += weight[j] * (d0 * sin_beta_ + numerator_shift) / (d0 * d0 + kappa * w[j]);
    acc1 += weight[j + 1] * (d1 * sin_beta_ + numerator_shift) / (d1 * d1 + kappa * w[j + 1]);
  }
  if (j < n) {
    const double d0 = w[j] - ax;
    acc0 += weight[j] * (d0 * sin_beta_ + numerator_shift) / (d0 * d0 + kappa * w[j]);
  }
  const double value = acc0 + acc1 + pole_terms(lp, sl.offset).real();
  cancellation = 1.0;
  return shift_ > 0 ? unshift(value, x, cancellation) : value;
}

Complex Plan::hankel(const Complex& z, double& cancellation) {
  if (!hankel_ready_) init_hankel();
  const LogPolar lp = log_polar(z);
  const LatticeSlice sl = slice(lp.log_abs);
  const double* w = w_[sl.parity].data();
  const double* weight = weight_[sl.parity].data();
  const std::size_t n = w_[sl.parity].size();
  // With v = w / |z|: (w - a)(w - b) = |z|^2 (v - e^(i im_a)) (v - e^(i im_b)) and the numerator
  // w sin(beta pi) + z sin((alpha - beta) pi) = |z| (v sin(beta pi) + e^(i arg z) sin(...)), the
  // two rays combined so that small sines do not cancel between them. im_a, im_b are the pole
  // angles reduced towards 0, computed exactly as in pole_terms.
  const long k_a = std::lround(static_cast<double>((-alpha_ * kPiL - lp.arg) / kTwoPiL));
  const long k_b = std::lround(static_cast<double>((alpha_ * kPiL - lp.arg) / kTwoPiL));
  const long double im_a = pole_phi(lp.arg, k_a) + alpha_ * kPiL;
  const long double im_b = pole_phi(lp.arg, k_b) - alpha_ * kPiL;
  const double sa = static_cast<double>(std::sin(im_a));
  const double sb = static_cast<double>(std::sin(im_b));
  const double ca = static_cast<double>(2.0L * std::pow(std::sin(im_a / 2.0L), 2));  // 1 - cos
  const double cb = static_cast<double>(2.0L * std::pow(std::sin(im_b / 2.0L), 2));
  // Numerator / |z| = S1 (v - 1) + c0 with c0 = S1 + S2 e^(i arg z), whose real part
  // S1 + S2 cos(arg) is formed from S1 -+ S2 and sin^2 of the angle to the nearer real half-axis.
  const bool left = std::abs(lp.arg) > kPiL / 2.0L;
  const long double tilt = left ? lp.arg - std::copysign(kPiL, lp.arg) : lp.arg;
  const double tilt_sin2 = static_cast<double>(2.0L * std::pow(std::sin(tilt / 2.0L), 2));
  const Complex c0(left ? sin_diff_ + sin_alpha_beta_ * tilt_sin2
                        : sin_sum_ - sin_alpha_beta_ * tilt_sin2,
                   sin_alpha_beta_ * static_cast<double>(std::sin(lp.arg)));
  // A pole close to the line makes v - e^(i im) ill-conditioned at nodes near it (~eps 4/h):
  // there v - 1 = expm1(u - ln|z|) is formed from the node itself, consistent with the pole.
  const bool near_pole = std::abs(im_a) < strip_ || std::abs(im_b) < strip_;
  const double inv_az = static_cast<double>(std::exp(-lp.log_abs));
  double sum_re = 0.0;
  double sum_im = 0.0;
  for (std::size_t j = sl.first; j < n; ++j) {
    const double v1 =
        near_pole
            ? std::expm1(static_cast<double>(node(static_cast<long>(j) + i_lo_, sl.parity) -
                                             lp.log_abs))
            : w[j] * inv_az - 1.0;
    // (v - e^(i im)) = (v - 1) + (1 - cos im) - i sin im
    const double ar = v1 + ca;
    const double br = v1 + cb;
    const double d_re = ar * br - sa * sb;
    const double d_im = -(ar * sb + br * sa);
    const double n_re = v1 * sin_beta_ + c0.real();
    const double n_im = c0.imag();
    const double f = weight[j] / (d_re * d_re + d_im * d_im);
    sum_re += f * (n_re * d_re + n_im * d_im);
    sum_im += f * (n_im * d_re - n_re * d_im);
  }
  const Complex value = Complex(sum_re, sum_im) * inv_az + pole_terms(lp, sl.offset);
  cancellation = 1.0;
  return shift_ > 0 ? unshift(value, z, cancellation) : value;
}

// Plans for the most recently used (alpha, beta), per thread (OpenMP callers need no locking).
Plan& plan_for(double alpha, double beta) {
  constexpr std::size_t kSlots = 4;
  thread_local std::array<std::unique_ptr<Plan>, kSlots> cache;
  thread_local std::size_t next = 0;
  for (auto& plan : cache) {
    if (plan && plan->alpha() == alpha && plan->beta() == beta) return *plan;
  }
  validate(alpha, beta);
  auto& slot = cache[next];
  next = (next + 1) % kSlots;
  slot = std::make_unique<Plan>(alpha, beta);
  return *slot;
}

// Elementary closed forms: exact and faster than any expansion.
bool closed_form(double alpha, double beta, double x, double& value) {
  if (alpha == 1.0 && beta == 1.0) {
    value = std::exp(x);
  } else if (alpha == 1.0 && beta == 2.0) {
    value = x == 0.0 ? 1.0 : std::expm1(x) / x;
  } else if (alpha == 2.0 && beta == 1.0) {
    value = x >= 0.0 ? std::cosh(std::sqrt(x)) : std::cos(std::sqrt(-x));
  } else if (alpha == 2.0 && beta == 2.0) {
    const double r = std::sqrt(std::abs(x));
    value = x == 0.0 ? 1.0 : (x > 0.0 ? std::sinh(r) / r : std::sin(r) / r);
  } else {
    return false;
  }
  return true;
}

double evaluate(Plan& plan, double x) {
  if (std::isnan(x)) return x;
  double value = 0.0;
  if (closed_form(plan.alpha(), plan.beta(), x, value)) return value;
  if (x == 0.0) return plan.at_zero();
  if (std::isinf(x)) {
    if (x > 0.0) return kInf;
    return (plan.alpha() < 2.0 || plan.beta() > 1.0) ? 0.0 : kNaN;
  }
  const double ax = std::abs(x);
  // Positive x: no cancellation, so the series serves out to its reach. Shifted plans also try it
  // throughout the middle range, where the recurrence in the Hankel part may cancel more.
  const double series_limit = plan.shifted() ? plan.asymptotic_min()
                              : x < 0.0      ? plan.series_max()
                                             : plan.series_reach();
  double series_cancellation = kInf;
  double series_value = 0.0;
  if (ax <= series_limit || ax < kSeriesAlwaysBelow) {
    if (plan.series(x, series_value, series_cancellation) || ax < kSeriesAlwaysBelow) {
      return series_value;
    }
  }
  if (ax >= plan.asymptotic_min() && plan.asymptotic(x, value)) return value;
  double hankel_cancellation = 1.0;
  value = plan.hankel(x, hankel_cancellation);
  return series_cancellation < hankel_cancellation ? series_value : value;
}

Complex evaluate(Plan& plan, Complex z) {
  if (z.imag() == 0.0) return evaluate(plan, z.real());
  if (!std::isfinite(z.real()) || !std::isfinite(z.imag())) return Complex(kNaN, kNaN);
  if (plan.alpha() == 1.0 && plan.beta() == 1.0) return std::exp(z);
  if (plan.alpha() == 2.0 && plan.beta() == 1.0) return std::cosh(std::sqrt(z));
  const double az = std::abs(z);
  const double series_limit = plan.shifted() ? plan.asymptotic_min() : plan.series_reach();
  double series_cancellation = kInf;
  Complex series_value;
  if (az <= series_limit || az < kSeriesAlwaysBelow) {
    if (plan.series(z, series_value, series_cancellation) || az < kSeriesAlwaysBelow) {
      return series_value;
    }
  }
  Complex value;
  if (az >= plan.asymptotic_min() && plan.asymptotic(z, value)) return value;
  double hankel_cancellation = 1.0;
  value = plan.hankel(z, hankel_cancellation);
  return series_cancellation < hankel_cancellation ? series_value : value;
}

}  // namespace

double mittag_leffler(double alpha, double beta, double x) {
  return evaluate(plan_for(alpha, beta), x);
}

std::complex<double> mittag_leffler(double alpha, double beta, std::complex<double> z) {
  return evaluate(plan_for(alpha, beta), z);
}

void mittag_leffler(double alpha, double beta, std::span<const double> x, std::span<double> out) {
  require(x.size() == out.size(), "mittag_leffler: input has " + std::to_string(x.size()) +
                                      " values but output has room for " +
                                      std::to_string(out.size()));
  Plan& plan = plan_for(alpha, beta);
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = evaluate(plan, x[i]);
}

double mittag_leffler_relaxation(double beta, double t_over_tau) {
  require(!(t_over_tau < 0.0),
          "mittag_leffler_relaxation: t/tau must be >= 0, got " + format_double(t_over_tau));
  return mittag_leffler(beta, 1.0, -std::pow(t_over_tau, beta));
}

namespace detail {

std::complex<double> mittag_leffler_by(MittagLefflerMethod method, double alpha, double beta,
                                       std::complex<double> z) {
  Plan& plan = plan_for(alpha, beta);
  const bool real = z.imag() == 0.0;
  switch (method) {
    case MittagLefflerMethod::kSeries: {
      if (real) {
        double v = 0.0;
        return plan.series(z.real(), v) ? Complex(v, 0.0) : Complex(kNaN, kNaN);
      }
      Complex v;
      return plan.series(z, v) ? v : Complex(kNaN, kNaN);
    }
    case MittagLefflerMethod::kAsymptotic: {
      if (real) {
        double v = 0.0;
        return plan.asymptotic(z.real(), v) ? Complex(v, 0.0) : Complex(kNaN, kNaN);
      }
      Complex v;
      return plan.asymptotic(z, v) ? v : Complex(kNaN, kNaN);
    }
    case MittagLefflerMethod::kHankel: {
      double cancellation = 0.0;
      return real ? Complex(plan.hankel(z.real(), cancellation), 0.0) : plan.hankel(z, cancellation);
    }
  }
  return Complex(kNaN, kNaN);
}

MittagLefflerSwitches mittag_leffler_switches(double alpha, double beta) {
  const Plan& plan = plan_for(alpha, beta);
  return {plan.series_max(), plan.asymptotic_min()};
}

}  // namespace detail
}  // namespace glassy
