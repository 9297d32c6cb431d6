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
// 2 pi i R / (1 - q) (Im u_p < 0). Combined with the residue sum, a pole image contributes an
// expression analytic in its position (pole_terms), so the result is smooth as poles cross the
// line. The nodes are precomputed on a lattice of step h/2; each evaluation uses the half of it
// whose nodes are farthest from Re u_p = ln|z|, which keeps 1/(1 - q) bounded when a pole sits on
// the line.
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

// Supported alpha. Above 2, E_alpha(-x) grows exponentially and the method is not validated; the
// lower limit only keeps exponents like 1/alpha far from overflow (validated down to 1e-6).
constexpr double kAlphaMin = 1e-6;
constexpr double kAlphaMax = 2.0;
// Below this alpha the Hankel lattice lives in t ~ ln r through a smooth map u(t) (see
// Plan::map_u), so that its size does not grow like 1/alpha.
constexpr double kMapAlpha = 0.1;
// max of 1/Gamma(x) over x > 0 (at x = 1.4616...): bounds every coefficient with a positive
// argument, for tail estimates that hold whatever alpha.
constexpr double kMaxRgamma = 1.1293;
constexpr double kGammaMinimum = 1.4616321449683623;

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
// Strip half-width d as a fraction of the edge beyond which omega grows: alpha pi / 2 in u, pi / 2
// in the mapped variable t.
constexpr double kStripFraction = 0.9;
// Caps on expansion lengths; beyond them the next method takes over. Where the Hankel part needs
// the beta recurrence (which cancels for |z| < 1) or is unavailable (kMaxShift), the expansions
// may run 10 times longer, to |z| within ~0.1% of 1.
constexpr std::size_t kMaxSeriesTerms = 4000;
constexpr std::size_t kMaxAsymptoticTerms = 2000;
constexpr std::size_t kLongExpansionFactor = 10;
// At most this many steps of the beta recurrence in the Hankel part (it needs ~(beta - 1)/alpha).
// Beyond (alpha below ~0.01 with beta > 1 + 500 alpha) the middle range, a few percent around
// |z| = 1, falls back on the better of the two expansions.
constexpr int kMaxShift = 500;
// Below this |z| the power series is exact to rounding whatever its cancellation estimate says.
constexpr double kSeriesAlwaysBelow = 1e-12;

// sin(pi x), cos(pi x) in double: exact argument reduction, without Boost's default promotion to
// long double (whose trigonometric argument reduction dominated the setup time).
using NoPromotion = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
double sin_pi(double x) { return boost::math::sin_pi(x, NoPromotion()); }
double cos_pi(double x) { return boost::math::cos_pi(x, NoPromotion()); }

std::string format_double(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

// Messages are only built on failure: these checks sit on hot paths.
void validate(double alpha, double beta) {
  if (!(alpha >= kAlphaMin && alpha <= kAlphaMax)) {
    throw Error("mittag_leffler: alpha must lie in [1e-6, 2], got " + format_double(alpha));
  }
  if (!std::isfinite(beta)) {
    throw Error("mittag_leffler: beta must be finite, got " + format_double(beta));
  }
}

// Gamma(x) for x > 0. The leading expansion coefficients get Boost's correctly rounded tgamma (it
// works in long double, ~0.5 us); the rest use the libm tgamma (a few ulp, ~50 ns), which keeps
// the per-(alpha, beta) setup near 20-60 us. Measured against 100-digit references this changes
// no error statistic of E: the sums are bounded by their leading terms.
double gamma_positive(double x, std::size_t index) {
  constexpr std::size_t kAccurateTerms = 8;
  return index < kAccurateTerms ? boost::math::tgamma(x) : std::tgamma(x);
}

// 1/Gamma(x): zero at the poles of Gamma, no spurious overflow for large |x|.
double rgamma(double x, std::size_t index = 0) {
  if (x <= 0.0 && x == std::floor(x)) return 0.0;
  if (x > 170.0) return std::exp(-boost::math::lgamma(x));
  if (x < -169.0) {
    // Reflection: 1/Gamma(x) = sin(pi x) Gamma(1 - x) / pi.
    return sin_pi(x) * std::exp(boost::math::lgamma(1.0 - x)) / kPi;
  }
  return x > 0.0 ? 1.0 / gamma_positive(x, index) : 1.0 / boost::math::tgamma(x);
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
long double argument(double x) { return x < 0.0 ? kPiL : 0.0L; }
long double argument(const Complex& z) {
  return std::atan2(static_cast<long double>(z.imag()), static_cast<long double>(z.real()));
}
long double log_abs(double x) { return std::log(std::abs(static_cast<long double>(x))); }
long double log_abs(const Complex& z) {
  return std::log(
      std::hypot(static_cast<long double>(z.real()), static_cast<long double>(z.imag())));
}
template <class T>
LogPolar log_polar(const T& z) {
  return {log_abs(z), argument(z)};
}

// e^(s + c (log_abs + i im)) / alpha with s = -e^((log_abs + i im) / alpha): the residue-type
// factor of a pole of 1/(s^alpha - z) seen at u = log_abs + i im, u = alpha ln r.
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

// log(1 + e^x) without overflow.
double softplus(double x) {
  return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
Complex softplus(const Complex& x) {
  return x.real() > 0.0 ? x + std::log(1.0 + std::exp(-x)) : std::log(1.0 + std::exp(x));
}

// e^z - 1 and log(1 + z), for complex z too, accurate for small |z|.
double expm1_any(double x) { return std::expm1(x); }
double log1p_any(double x) { return std::log1p(x); }
Complex expm1_any(const Complex& z) {
  const double half_sin = std::sin(0.5 * z.imag());
  return {std::expm1(z.real()) * std::cos(z.imag()) - 2.0 * half_sin * half_sin,
          std::exp(z.real()) * std::sin(z.imag())};
}
Complex log1p_any(const Complex& z) {
  return {0.5 * std::log1p(2.0 * z.real() + std::norm(z)), std::atan2(z.imag(), 1.0 + z.real())};
}

// Keeps the result type: for real z the exponential part is real up to rounding.
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
  bool has_hankel() const { return shift_ <= kMaxShift; }

 private:
  bool ensure_series_coefficient(std::size_t k);
  bool ensure_asymptotic_coefficient(std::size_t k);
  void find_switches();
  void init_hankel();
  void ensure_lattice(double t_min);
  // Lattice node t = i h + parity h/2; the one expression used for nodes and pole phases alike.
  double node(long i, std::size_t parity) const {
    return static_cast<double>(i) * step_ + static_cast<double>(parity) * half_step_;
  }
  // The lattice variable t and the Hankel variable u. For alpha >= kMapAlpha, u = t. Below, the
  // trapezoidal step in u would have to shrink with alpha (omega(u) varies on the scale alpha
  // near u = 0) while the e^(rho u) tail below needs ~46 units of u. The map
  //   u(t) = alpha t - (1 - alpha) softplus(t_s - t)
  // has u' = alpha (t ~ ln r, omega smooth) for t >> t_s and u' = 1 for t << t_s, and is analytic
  // and univalent (Re u' > 0) for |Im t| < pi/2. t_s sits where e^(u/alpha) is negligible even
  // across the strip, so the trapezoidal rule in t keeps its strip pi/2 for any alpha.
  double map_u(double t) const {
    return mapped_ ? alpha_ * t - (1.0 - alpha_) * softplus(t_s_ - t) : t;
  }
  double map_du(double t) const {
    return mapped_ ? alpha_ + (1.0 - alpha_) / (1.0 + std::exp(t - t_s_)) : 1.0;
  }
  Complex map_u(const Complex& t) const {
    return mapped_ ? alpha_ * t - (1.0 - alpha_) * softplus(t_s_ - t) : t;
  }
  Complex map_du(const Complex& t) const {
    return mapped_ ? alpha_ + (1.0 - alpha_) / (1.0 + std::exp(t - t_s_)) : Complex(1.0);
  }
  double t_of_u(double u) const;
  // u(t_ref + delta) - u(t_ref), without the cancellation of subtracting two values of u (whose
  // rounding, eps |u|, is amplified by 1/u' = 1/alpha in t): near-pole nodes and pole images are
  // placed relative to t_ref = t(ln|z|) through it.
  template <class T>
  T map_diff(double t_ref, T delta) const;
  // delta with u(t_ref + delta) - u(t_ref) = target, by Newton's method; false if it leaves the
  // map's strip of univalence.
  bool map_offset(double t_ref, const Complex& target, Complex& delta) const;

  struct LatticeSlice {
    std::size_t parity;
    std::size_t first;     // index into the parity arrays
    double node_ref;       // the node of this parity nearest to t(ln|z|)
    long double t_center;  // t(ln|z|), the real part of images of poles near the line
  };
  LatticeSlice slice(long double log_az);
  // alpha theta_k = arg z + 2 pi k, the pole angle in the Hankel variable u.
  static long double pole_phi(long double arg, long k) {
    return arg + kTwoPiL * static_cast<long double>(k);
  }
  // Residues and trapezoidal pole corrections. For real z the pole set is symmetric under
  // conjugation, so only phi >= 0 is visited and the result is real.
  Complex pole_terms(const LogPolar& z, const LatticeSlice& sl, bool real_z) const;
  template <class T>
  T unshift(T value, T z, double& cancellation) const;

  double alpha_;
  double beta_;

  std::size_t max_series_terms_;  // kMaxSeriesTerms, longer without a Hankel fallback
  std::size_t max_asymptotic_terms_;
  std::vector<double> series_coef_;  // 1/Gamma(alpha k + beta)
  std::size_t series_kmin_;          // from here on alpha k + beta >= 2 and |coef| decreases
  std::vector<double> asym_coef_;    // [k] = 1/Gamma(beta - alpha k), k >= 1
  std::vector<double> asym_bound_;   // [k] >= |asym_coef_[k]|, non-decreasing in k
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
  bool mapped_ = false;          // u = u(t) rather than u = t
  double t_s_ = 0.0;             // centre of the map's transition
  double strip_ = 0.0;           // strip half-width d, in t
  double step_ = 0.0;            // trapezoidal step h, in t
  double half_step_ = 0.0;       // lattice spacing h/2
  double t_hi_ = 0.0;            // t(u_hi_)
  double u_peak_ = 0.0;          // maximum of omega
  double u_hi_ = 0.0;            // omega negligible beyond
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
  std::array<std::vector<double>, 2> u_;       // u(t)
  std::array<std::vector<double>, 2> w_;       // e^u
  std::array<std::vector<double>, 2> weight_;  // h u'(t) omega(u) / (alpha pi)
};

Plan::Plan(double alpha, double beta) : alpha_(alpha), beta_(beta) {
  series_kmin_ = static_cast<std::size_t>(std::clamp(std::ceil((2.0 - beta) / alpha), 1.0, 1e9));
  // rho = (1 + alpha - beta) / alpha, written so that beta = 1 gives exactly 1 for any alpha
  // (1 + alpha - 1 would carry a rounding error eps / alpha relative into e^(rho u)).
  const double rho = 1.0 + (1.0 - beta) / alpha;
  shift_ = rho >= 0.5 ? 0 : static_cast<int>(std::min(std::ceil(0.5 - rho), kMaxShift + 1.0));
  beta_h_ = beta - shift_ * alpha;
  const std::size_t length_factor = shift_ > 0 ? kLongExpansionFactor : 1;
  max_series_terms_ = kMaxSeriesTerms * length_factor;
  max_asymptotic_terms_ = kMaxAsymptoticTerms * length_factor;
  rho_ = 1.0 + (1.0 - beta_h_) / alpha;
  series_coef_.push_back(rgamma(beta));
  asym_coef_.push_back(0.0);
  asym_bound_.push_back(0.0);
  find_switches();
}

bool Plan::ensure_series_coefficient(std::size_t k) {
  while (series_coef_.size() <= k) {
    const std::size_t next = series_coef_.size();
    if (next >= max_series_terms_) return false;
    series_coef_.push_back(rgamma(alpha_ * static_cast<double>(next) + beta_, next));
  }
  return true;
}

bool Plan::ensure_asymptotic_coefficient(std::size_t k) {
  while (asym_coef_.size() <= k) {
    const std::size_t n = asym_coef_.size();
    const double y = beta_ - alpha_ * static_cast<double>(n);
    // Gamma(1 - y) overflows beyond 170; such terms are never needed before divergence.
    if (n >= max_asymptotic_terms_ || 1.0 - y > 170.0) return false;
    // The bound B(y) >= |1/Gamma(y)| is non-increasing in y (so non-decreasing in k) and does not
    // vanish where 1/Gamma(y) happens to, so the stopping tests are not fooled by zeros or by
    // small leading coefficients: 1/Gamma(y) itself past the minimum of Gamma, max 1/Gamma below
    // it, and Gamma(1 - y) / pi >= |sin(pi y)| Gamma(1 - y) / pi = |1/Gamma(y)| for y <= 0.
    if (y > 0.0) {
      asym_coef_.push_back(rgamma(y, n));
      asym_bound_.push_back(y >= kGammaMinimum ? std::abs(asym_coef_.back()) : kMaxRgamma);
    } else {
      const double reflected = gamma_positive(1.0 - y, n) / kPi;
      asym_coef_.push_back(sin_pi(y) * reflected);
      asym_bound_.push_back(std::max(reflected, kMaxRgamma));
    }
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
    // is used), so a term 4x below the target bounds the tail. Before it (tiny alpha: slowly
    // varying coefficients), for |z| < 1 and positive arguments ahead, 1/Gamma <= kMaxRgamma
    // bounds the tail by a geometric series.
    const double target = 0.25 * kTruncation * magnitude(sum);
    if (abs_term <= target &&
        (k >= series_kmin_ || (az < 1.0 && alpha_ * static_cast<double>(k + 1) + beta_ > 0.0 &&
                               kMaxRgamma * abs_power * az / (1.0 - az) <= target))) {
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
  const double az = magnitude(z);
  const long double arg = argument(z);
  const double log_az = std::log(az);
  const double big_t = std::exp(log_az / alpha_);  // |s_k| = |z|^(1/alpha)
  // Exponential part: residues of the poles on the principal sheet. Poles near the cut
  // (|theta| ~ pi) make the algebraic remainder of size ~ e^-T T^(1-beta) / (alpha Delta), Delta
  // their distance from the cut in u = alpha ln r; that must be negligible too.
  Complex exponential = 0.0;
  double residue_scale = 0.0;
  double delta_min = kInf;
  long double log_abs_z = 0.0L;  // in long double, only when a residue needs it
  const long double reach = 1.5L * alpha_ * kPiL;
  const long k_lo = static_cast<long>(std::ceil((-reach - arg) / kTwoPiL));
  const long k_hi = static_cast<long>(std::floor((reach - arg) / kTwoPiL));
  for (long k = k_lo; k <= k_hi; ++k) {
    const long double phi = pole_phi(arg, k);  // alpha theta_k
    delta_min = std::min(delta_min, static_cast<double>(std::abs(std::abs(phi) - alpha_ * kPiL)));
    if (std::abs(phi) >= alpha_ * kPiL) continue;
    if (residue_scale == 0.0) log_abs_z = log_abs(z);
    // Residue s^(1-beta) e^s / alpha: the pole factor seen from the upper ray, u = ln|z| + i
    // (phi - alpha pi), times e^(i pi (1 - beta)) (s = -e^(u/alpha) there).
    const Complex residue =
        pole_factor(log_abs_z, phi - alpha_ * kPiL, alpha_, (1.0 - beta_) / alpha_) *
        std::polar(1.0, kPi * (1.0 - beta_));
    exponential += residue;
    residue_scale += std::abs(residue) + std::numeric_limits<double>::min();
  }
  // Algebraic part: -sum_k z^-k / Gamma(beta - alpha k), truncated at its smallest term.
  const T y = T(1.0) / z;
  const double ay = 1.0 / az;
  const T exponential_t = from_complex<T>(exponential);
  T algebraic = 0.0;
  T power = 1.0;
  double abs_power = 1.0;
  double previous_bound = kInf;
  bool converged = false;
  for (std::size_t k = 1;; ++k) {
    if (k >= asym_coef_.size() && !ensure_asymptotic_coefficient(k)) break;
    power *= y;
    abs_power *= ay;
    algebraic -= asym_coef_[k] * power;
    const double bound = asym_bound_[k] * abs_power;
    if (bound <=
        0.25 * kTruncation * std::max(magnitude(algebraic + exponential_t), residue_scale)) {
      converged = true;
      break;
    }
    if (bound > previous_bound) break;  // diverging before reaching the target
    previous_bound = bound;
  }
  value = algebraic + exponential_t;
  if (!converged) return false;
  const double cut_factor = 1.0 + 1.0 / std::max(delta_min, 1e-3);
  const double cut_remainder =
      std::exp(-big_t + (1.0 - beta_) * log_az / alpha_) * cut_factor / alpha_;
  return cut_remainder <= kTruncation * std::max(magnitude(value), residue_scale);
}

void Plan::find_switches() {
  // Scan the negative real axis (the hardest direction for both expansions): coarse steps of 2,
  // then bisection in log x down to a factor 2^(1/8).
  double value = 0.0;
  const auto series_ok = [&](double x) { return series(-x, value); };
  const auto asymptotic_ok = [&](double x) { return asymptotic(-x, value); };
  double good = 0.0;
  double bad = std::exp2(-12.0);
  while (bad < 1e4 && series_ok(bad)) {
    good = bad;
    bad *= 2.0;
  }
  if (good > 0.0) {
    for (int i = 0; i < 3; ++i) {
      const double mid = std::sqrt(good * bad);
      (series_ok(mid) ? good : bad) = mid;
    }
  }
  series_max_ = good;
  series_reach_ = std::max(series_max_, std::pow(kSeriesReachT, alpha_));
  // Start where |z|^(1/alpha) = 200 + 2|beta|, far enough for any beta.
  good = kInf;
  bad = std::max(1e3, std::pow(200.0 + 2.0 * std::abs(beta_), alpha_));
  for (int i = 0; i < 4 && !asymptotic_ok(bad); ++i) bad *= 16.0;
  while (bad > series_max_ && asymptotic_ok(bad)) {
    good = bad;
    bad *= 0.5;
  }
  if (std::isfinite(good)) {
    for (int i = 0; i < 3; ++i) {
      const double mid = std::sqrt(good * bad);
      (asymptotic_ok(mid) ? good : bad) = mid;
    }
  }
  asymptotic_min_ = good;
}

void Plan::init_hankel() {
  ensure_asymptotic_coefficient(static_cast<std::size_t>(shift_));
  // omega = e^-r r^m with m = rho alpha > 0.
  const double m = rho_ * alpha_;
  mapped_ = alpha_ < kMapAlpha;
  t_s_ = -8.0 + std::log(alpha_);
  // omega's strip is alpha pi / 2 in u, pi / 2 in t ~ u / alpha.
  strip_ = kStripFraction * (mapped_ ? 1.0 : alpha_) * kPi / 2.0;
  // On the strip edge |omega| reaches (1/cos(d/alpha))^m times its real-line maximum.
  const double edge_growth = m * std::log(1.0 / std::cos(kStripFraction * kPi / 2.0));
  step_ = kTwoPi * strip_ / (kTrapezoidEfolds + edge_growth);
  half_step_ = 0.5 * step_;
  u_peak_ = alpha_ * std::log(m);
  // Upper cut: the rational factor can add up to w = r^alpha to the decay of omega, so the tail
  // e^-r r^(m + alpha) is cut e^-46 below its peak.
  const double m_tail = m + alpha_;
  const double log_peak = m_tail * std::log(m_tail) - m_tail;
  double r = std::max(m_tail, 1.0);
  while (-r + m_tail * std::log(r) > log_peak - kTailEfolds) r *= 1.02;
  u_hi_ = alpha_ * std::log(r);
  t_hi_ = t_of_u(u_hi_);
  // Sines of differences by angle addition on the exact alpha and beta: rounding alpha - beta
  // first would cost eps / |sin| relative where the difference is near an integer (beta = 1 and
  // small alpha: sin(pi (alpha - 1)) = -sin(pi alpha)).
  const double sb = sin_pi(beta_h_);
  const double cb = cos_pi(beta_h_);
  const double sa = sin_pi(alpha_);
  const double ca = cos_pi(alpha_);
  const double sh = sin_pi(alpha_ / 2.0);
  const double ch = cos_pi(alpha_ / 2.0);
  sin_beta_ = sb;
  sin_alpha_beta_ = sa * cb - ca * sb;
  // S1 - S2 = 2 cos(pi alpha/2) sin(pi (beta - alpha/2)), S1 + S2 = 2 sin(pi alpha/2) cos(...).
  sin_diff_ = 2.0 * ch * (sb * ch - cb * sh);
  sin_sum_ = 2.0 * sh * (cb * ch + sb * sh);
  kappa_neg_ = 4.0 * ch * ch;
  kappa_pos_ = 4.0 * sh * sh;
  e_beta_ = Complex(cb, sb);
  hankel_ready_ = true;
  // Cover the whole middle range from the start; smaller |z| extend the lattice on demand.
  const double log_low = std::log(std::max(series_max_, 1e-3)) - 1.0;
  ensure_lattice(t_of_u(std::min(log_low, u_peak_) - kTailEfolds / rho_));
}

double Plan::t_of_u(double u) const {
  if (!mapped_) return u;
  // u(t) <= alpha t and u(t) <= t - (1 - alpha) t_s, so this start lies below the root; u is
  // concave and increasing, so Newton's iterates then increase monotonically to it.
  double t = std::max(u / alpha_, u + (1.0 - alpha_) * t_s_);
  for (int i = 0; i < 100; ++i) {
    const double step = (u - map_u(t)) / map_du(t);
    t += step;
    if (!(std::abs(step) > 1e-15 * (1.0 + std::abs(t)))) break;
  }
  return t;
}

template <class T>
T Plan::map_diff(double t_ref, T delta) const {
  // Far from t_ref the plain difference has no cancellation to fear (and e^-delta may overflow).
  if (std::abs(delta) > 1.0) return map_u(t_ref + delta) - map_u(t_ref);
  // softplus(a - delta) - softplus(a) = log1p(sigma(a) (e^-delta - 1)), a = t_s - t_ref.
  const double sigma = 1.0 / (1.0 + std::exp(t_ref - t_s_));
  return alpha_ * delta - (1.0 - alpha_) * log1p_any(sigma * expm1_any(-delta));
}

bool Plan::map_offset(double t_ref, const Complex& target, Complex& delta) const {
  delta = target / map_du(t_ref);
  for (int i = 0; i < 60; ++i) {
    const Complex step = (target - map_diff(t_ref, delta)) / map_du(t_ref + delta);
    delta += step;
    if (!std::isfinite(std::abs(delta)) || std::abs(delta.imag()) > kPi / 2.0) return false;
    if (std::abs(step) <= 1e-16 * std::abs(delta)) return true;
  }
  return std::abs(target - map_diff(t_ref, delta)) <= 1e-14 * std::abs(target);
}

void Plan::ensure_lattice(double t_min) {
  if (!w_[0].empty() && node(i_lo_, 0) <= t_min) return;
  const long i_lo = static_cast<long>(std::floor(t_min / step_)) - 1;
  const long i_hi = static_cast<long>(std::ceil(t_hi_ / step_)) + 1;
  const double scale = step_ / (alpha_ * kPi);
  const auto count = static_cast<std::size_t>(i_hi - i_lo + 1);
  for (std::size_t parity = 0; parity < 2; ++parity) {
    std::vector<double> u_nodes;
    std::vector<double> w;
    std::vector<double> weight;
    u_nodes.reserve(count);
    w.reserve(count);
    weight.reserve(count);
    for (long i = i_lo; i <= i_hi; ++i) {
      const double t = node(i, parity);
      const double u = map_u(t);
      u_nodes.push_back(u);
      w.push_back(std::exp(u));
      weight.push_back(scale * map_du(t) * std::exp(-std::exp(u / alpha_) + rho_ * u));
    }
    u_[parity] = std::move(u_nodes);
    w_[parity] = std::move(w);
    weight_[parity] = std::move(weight);
  }
  i_lo_ = i_lo;
}

Plan::LatticeSlice Plan::slice(long double log_az) {
  const double log_d = static_cast<double>(log_az);
  // The integrand's bulk lies below min(ln|z|, u_peak); below that it decays like e^(rho u).
  const double t_min = t_of_u(std::min(log_d, u_peak_) - kTailEfolds / rho_);
  ensure_lattice(t_min);
  // Parity-0 nodes sit at multiples of h, parity-1 nodes halfway between: take the half whose
  // nearest node is at least h/4 away from the poles' real part t(ln|z|).
  // Mapped, the poles are placed at u(t_center) + i im, i.e. at ln|z| up to t_of_u's rounding
  // (a relative change of |z| by ~eps), consistently for nodes and pole terms.
  const long double t_center = mapped_ ? static_cast<long double>(t_of_u(log_d)) : log_az;
  const double f = static_cast<double>(t_center) / step_;
  const double frac = f - std::floor(f);
  const std::size_t parity = (frac >= 0.25 && frac < 0.75) ? 0 : 1;
  const double parity_shift = static_cast<double>(parity) * half_step_;
  const long nearest =
      static_cast<long>(std::nearbyint((static_cast<double>(t_center) - parity_shift) / step_));
  const long first = std::max(static_cast<long>(std::ceil((t_min - parity_shift) / step_)), i_lo_);
  return {parity, static_cast<std::size_t>(first - i_lo_), node(nearest, parity), t_center};
}

Complex Plan::pole_terms(const LogPolar& z, const LatticeSlice& sl, bool real_z) const {
  // Poles with alpha theta_k within alpha pi + d of 0 may have an image in the strip (|Im u| < d
  // is necessary: |Im u| <= |Im t| under the map); the others inside the principal sheet
  // contribute their plain residue.
  const long double reach = alpha_ * kPiL + strip_;
  const long k_lo = static_cast<long>(std::ceil((-reach - z.arg) / kTwoPiL));
  const long k_hi = static_cast<long>(std::floor((reach - z.arg) / kTwoPiL));
  const double c = (1.0 - beta_h_) / alpha_;
  Complex total = 0.0;
  for (long k = k_lo; k <= k_hi; ++k) {
    const long double phi = pole_phi(z.arg, k);
    if (real_z && phi < 0.0L) continue;
    const Complex before = total;
    bool imaged = false;
    if (phi > alpha_ * kPiL - strip_ || phi < -alpha_ * kPiL + strip_) {
      // Image at u_p = ln|z| + i im of the pole on the upper ray (phi near alpha pi) or the lower
      // ray (phi near -alpha pi), at t_p in the lattice variable (F(u(t)) u'(t) has the same
      // residue there as F at u_p). The residue is -+ e^(-+i beta pi) factor / (2 i pi); adding
      // the trapezoidal correction and, when the pole lies below (upper ray) or above (lower
      // ray) the line, the plain residue 2 pi i R, gives in either case
      //   upper: e^(-i beta pi) factor q / (1 - q),   lower: -e^(i beta pi) factor / (1 - q).
      const bool upper = phi > 0.0L;
      const long double im = upper ? phi - alpha_ * kPiL : phi + alpha_ * kPiL;
      // t_p = t_center + delta with u(t_p) - u(t_center) = i im.
      const Complex target(0.0, static_cast<double>(im));
      Complex delta = target;
      imaged = !mapped_ || (map_offset(static_cast<double>(sl.t_center), target, delta) &&
                            std::abs(delta.imag()) < strip_);
      if (imaged) {
        const Complex factor = pole_factor(z.log_abs, im, alpha_, c);
        const double phase =
            static_cast<double>((sl.t_center - sl.node_ref) / step_) + delta.real() / step_;
        const Complex q =
            std::exp(-kTwoPi * delta.imag() / step_) * std::polar(1.0, kTwoPi * phase);
        if (upper) {
          total += std::conj(e_beta_) * factor * q / (1.0 - q);
        } else {
          total -= e_beta_ * factor / (1.0 - q);
        }
      }
    }
    if (!imaged && std::abs(phi) < alpha_ * kPiL) {
      // Pole well inside the principal sheet: its residue s^(1-beta) e^s / alpha.
      total += pole_factor(z.log_abs, phi - alpha_ * kPiL, alpha_, c) *
               std::polar(1.0, kPi * (1.0 - beta_h_));
    }
    // The mirror pole -phi contributes the complex conjugate.
    if (real_z && phi > 0.0L) total += std::conj(total - before);
  }
  return real_z ? Complex(total.real(), 0.0) : total;
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
  // Numerator w S1 + x S2: directly away from w = |x|, and as S1 (w - |x|) + |x| (S1 -+ S2) near
  // it, where for alpha near 1 the direct form cancels (each form is exact where the other is not).
  const double direct_shift = x * sin_alpha_beta_;
  const double split_shift = ax * (x < 0.0 ? sin_diff_ : sin_sum_);
  const double near = 0.5 * ax;
  const auto term = [&](std::size_t i) {
    const double d = w[i] - ax;
    const double numerator =
        std::abs(d) < near ? d * sin_beta_ + split_shift : w[i] * sin_beta_ + direct_shift;
    return weight[i] * numerator / (d * d + kappa * w[i]);
  };
  // Two accumulators: independent divisions pipeline, and the sum is pairwise-ish.
  double acc0 = 0.0;
  double acc1 = 0.0;
  std::size_t j = sl.first;
  for (; j + 1 < n; j += 2) {
    acc0 += term(j);
    acc1 += term(j + 1);
  }
  if (j < n) acc0 += term(j);
  const double value = acc0 + acc1 + pole_terms(lp, sl, true).real();
  cancellation = 1.0;
  return shift_ > 0 ? unshift(value, x, cancellation) : value;
}

Complex Plan::hankel(const Complex& z, double& cancellation) {
  if (!hankel_ready_) init_hankel();
  const LogPolar lp = log_polar(z);
  const LatticeSlice sl = slice(lp.log_abs);
  const double* u = u_[sl.parity].data();
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
  // Numerator / |z| = v S1 + S2 e^(i arg z); near v = 1 (the poles' modulus) it is formed as
  // S1 (v - 1) + c0 with c0 = S1 + S2 e^(i arg z), whose real part S1 + S2 cos(arg) comes from
  // S1 -+ S2 and sin^2 of the angle to the nearer real half-axis, so that it does not cancel.
  const bool left = std::abs(lp.arg) > kPiL / 2.0L;
  const long double tilt = left ? lp.arg - std::copysign(kPiL, lp.arg) : lp.arg;
  const double tilt_sin2 = static_cast<double>(2.0L * std::pow(std::sin(tilt / 2.0L), 2));
  const Complex c0(
      left ? sin_diff_ + sin_alpha_beta_ * tilt_sin2 : sin_sum_ - sin_alpha_beta_ * tilt_sin2,
      sin_alpha_beta_ * static_cast<double>(std::sin(lp.arg)));
  const double direct_re = sin_alpha_beta_ * static_cast<double>(std::cos(lp.arg));
  // A pole close to the line makes v - e^(i im) ill-conditioned at nodes near it (~eps 4/h):
  // there v - 1 = expm1(u - ln|z|) is formed from the node itself, consistent with the pole.
  const bool near_pole = std::abs(im_a) < strip_ || std::abs(im_b) < strip_;
  const double inv_az = static_cast<double>(std::exp(-lp.log_abs));
  const double t_center = static_cast<double>(sl.t_center);
  const double u_center = map_u(t_center);
  double sum_re = 0.0;
  double sum_im = 0.0;
  for (std::size_t j = sl.first; j < n; ++j) {
    double v1 = w[j] * inv_az - 1.0;
    if (near_pole) {
      double offset_u = static_cast<double>(u[j] - lp.log_abs);
      if (mapped_) {
        // Within one unit of t(ln|z|) relative to it; farther (t_center may be ~ln|z|/alpha,
        // huge) from the stored u, where there is no cancellation to avoid.
        const double delta = node(static_cast<long>(j) + i_lo_, sl.parity) - t_center;
        offset_u = std::abs(delta) <= 1.0 ? map_diff(t_center, delta) : u[j] - u_center;
      }
      v1 = std::expm1(offset_u);
    }
    // (v - e^(i im)) = (v - 1) + (1 - cos im) - i sin im
    const double ar = v1 + ca;
    const double br = v1 + cb;
    const double d_re = ar * br - sa * sb;
    const double d_im = -(ar * sb + br * sa);
    const double n_re =
        std::abs(v1) < 0.5 ? v1 * sin_beta_ + c0.real() : (1.0 + v1) * sin_beta_ + direct_re;
    const double n_im = c0.imag();
    const double f = weight[j] / (d_re * d_re + d_im * d_im);
    sum_re += f * (n_re * d_re + n_im * d_im);
    sum_im += f * (n_im * d_re - n_re * d_im);
  }
  const Complex value = Complex(sum_re, sum_im) * inv_az + pole_terms(lp, sl, false);
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

// Series, then asymptotic expansion, then the Hankel integral; series_limit is the |z| up to
// which the series is worth trying.
template <class T>
T evaluate_methods(Plan& plan, T z, double series_limit) {
  const double az = magnitude(z);
  T series_value = 0.0;
  double series_cancellation = kInf;
  if (az <= series_limit || az < kSeriesAlwaysBelow) {
    if (plan.series(z, series_value, series_cancellation) || az < kSeriesAlwaysBelow) {
      return series_value;
    }
  }
  T value = 0.0;
  if (az >= plan.asymptotic_min() && plan.asymptotic(z, value)) return value;
  if (!plan.has_hankel()) {
    // Best effort: the series while it converges (|z| < 1), else the truncated expansion.
    if (series_cancellation == kInf) plan.series(z, series_value, series_cancellation);
    if (series_cancellation < kInf) return series_value;
    plan.asymptotic(z, value);
    return value;
  }
  double hankel_cancellation = 1.0;
  value = plan.hankel(z, hankel_cancellation);
  return series_cancellation < hankel_cancellation ? series_value : value;
}

double evaluate(Plan& plan, double x) {
  if (std::isnan(x)) return x;
  if (std::isinf(x)) {
    // E grows like exp(x^(1/alpha)) and decays to 0 on the negative axis, except for alpha = 2
    // with beta <= 1, where it keeps oscillating (cos sqrt(-x) for beta = 1).
    if (x > 0.0) return kInf;
    return (plan.alpha() < 2.0 || plan.beta() > 1.0) ? 0.0 : kNaN;
  }
  double value = 0.0;
  if (closed_form(plan.alpha(), plan.beta(), x, value)) return value;
  if (x == 0.0) return plan.at_zero();
  // Positive x: no cancellation, so the series serves out to its reach. Shifted plans also try it
  // throughout the middle range, where the recurrence in the Hankel part may cancel more.
  const double series_limit = plan.shifted() ? plan.asymptotic_min()
                              : x < 0.0      ? plan.series_max()
                                             : plan.series_reach();
  return evaluate_methods(plan, x, series_limit);
}

Complex evaluate(Plan& plan, Complex z) {
  if (z.imag() == 0.0) return evaluate(plan, z.real());
  if (!std::isfinite(z.real()) || !std::isfinite(z.imag())) return Complex(kNaN, kNaN);
  if (plan.alpha() == 1.0 && plan.beta() == 1.0) return std::exp(z);
  if (plan.alpha() == 2.0 && plan.beta() == 1.0) return std::cosh(std::sqrt(z));
  return evaluate_methods(plan, z, plan.shifted() ? plan.asymptotic_min() : plan.series_reach());
}

}  // namespace

double mittag_leffler(double alpha, double beta, double x) {
  return evaluate(plan_for(alpha, beta), x);
}

std::complex<double> mittag_leffler(double alpha, double beta, std::complex<double> z) {
  return evaluate(plan_for(alpha, beta), z);
}

void mittag_leffler(double alpha, double beta, std::span<const double> x, std::span<double> out) {
  if (x.size() != out.size()) {
    throw Error("mittag_leffler: input has " + std::to_string(x.size()) +
                " values but output has room for " + std::to_string(out.size()));
  }
  Plan& plan = plan_for(alpha, beta);
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = evaluate(plan, x[i]);
}

double mittag_leffler_relaxation(double beta, double t_over_tau) {
  if (t_over_tau < 0.0) {
    throw Error("mittag_leffler_relaxation: t/tau must be >= 0, got " + format_double(t_over_tau));
  }
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
      if (!plan.has_hankel()) return Complex(kNaN, kNaN);
      double cancellation = 0.0;
      return real ? Complex(plan.hankel(z.real(), cancellation), 0.0)
                  : plan.hankel(z, cancellation);
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
