// Tests of glassy::mittag_leffler against a 25-digit reference table, closed-form identities,
// a 100-digit brute-force power series (independent of every method in the implementation), the
// recurrence in beta, and the continuity of the method switches.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/multiprecision/cpp_bin_float.hpp>

#include <glassy/core/error.hpp>
#include <glassy/special/mittag_leffler.hpp>

namespace {

using Complex = std::complex<double>;
using Mp50 = boost::multiprecision::cpp_bin_float_50;
using Mp = boost::multiprecision::cpp_bin_float_100;
using glassy::mittag_leffler;
using glassy::detail::mittag_leffler_by;
using glassy::detail::MittagLefflerMethod;

constexpr double kPi = 3.141592653589793238462643383279502884;
constexpr double kEps = std::numeric_limits<double>::epsilon();

// Log-uniform grid of n points over [lo, hi].
std::vector<double> log_grid(double lo, double hi, int n) {
  std::vector<double> x(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    x[static_cast<std::size_t>(i)] = lo * std::pow(hi / lo, i / (n - 1.0));
  return x;
}

double relative_error(Complex value, Complex reference) {
  return std::abs(value - reference) / std::abs(reference);
}

// E_{alpha,beta}(z) summed term by term in multiprecision, for |z|^(1/alpha) <= ~60: the
// cancellation, up to e^(2|z|^(1/alpha)) ~ 1e52 (for E_1(-60) = e^-60), still leaves 45 of 100
// digits. Also returns |z E'(z)|, the scale of the function's sensitivity to a relative change of
// z.
template <class Mp>
class MpSeriesT {
 public:
  MpSeriesT(double alpha, double beta, double max_abs_z) : alpha_(alpha), beta_(beta) {
    const double t_max = std::pow(max_abs_z, 1.0 / alpha);
    const int n = static_cast<int>((std::exp(1.0) * t_max + 80.0) / alpha) + 40;
    for (int k = 0; k < n; ++k) {
      const Mp x = Mp(alpha) * k + Mp(beta);
      const bool pole = x <= 0 && x == boost::multiprecision::floor(x);
      coef_.push_back(pole ? Mp(0) : Mp(1) / boost::math::tgamma(x));
      log_coef_.push_back(pole ? -1e300 : -std::lgamma(static_cast<double>(x)));
    }
  }

  Complex operator()(Complex z, double* derivative_scale = nullptr) const {
    const Mp zr = z.real();
    const Mp zi = z.imag();
    Mp pr = 1, pi = 0, sr = 0, si = 0, dr = 0, di = 0;
    // Terms are summed until they fall 1e-70 below the largest one (|z| ~ e^(log|term|/k)).
    const double log_z = std::log(std::abs(z));
    double log_max = -1e300;
    for (std::size_t k = 0; k < coef_.size(); ++k) {
      const double log_term = log_coef_[k] + static_cast<double>(k) * log_z;
      log_max = std::max(log_max, log_term);
      if (k > 8 && log_term < log_max - 160.0 && alpha_k_above(k, log_z)) break;
      const Mp tr = coef_[k] * pr;
      const Mp ti = coef_[k] * pi;
      sr += tr;
      si += ti;
      dr += tr * static_cast<int>(k);
      di += ti * static_cast<int>(k);
      const Mp next_r = pr * zr - pi * zi;
      pi = pr * zi + pi * zr;
      pr = next_r;
    }
    if (derivative_scale != nullptr) {
      *derivative_scale = static_cast<double>(boost::multiprecision::sqrt(dr * dr + di * di));
    }
    return {static_cast<double>(sr), static_cast<double>(si)};
  }

 private:
  // Past the largest term the terms only decrease: Gamma(alpha k + beta) outgrows |z|^k once
  // (alpha k + beta)^alpha > |z|, i.e. alpha ln(alpha k + beta) > ln|z|.
  bool alpha_k_above(std::size_t k, double log_z) const {
    const double arg = alpha_ * static_cast<double>(k) + beta_;
    return arg > 2.0 && alpha_ * std::log(arg) > log_z + 1.0;
  }

  double alpha_ = 0.0;
  double beta_ = 0.0;
  std::vector<Mp> coef_;
  std::vector<double> log_coef_;  // ln |coef|
};

// 100 digits where E can be exponentially small (alpha >= 0.9: E_1(-x) = e^-x); 50 digits, much
// faster to set up, where E(-x) decays like a power (alpha < 0.9: cancellation <= e^60 ~ 1e26).
class MpSeries {
 public:
  MpSeries(double alpha, double beta, double max_abs_z) {
    if (alpha < 0.9) {
      fast_.emplace_back(alpha, beta, max_abs_z);
    } else {
      precise_.emplace_back(alpha, beta, max_abs_z);
    }
  }
  Complex operator()(Complex z, double* derivative_scale = nullptr) const {
    return fast_.empty() ? precise_[0](z, derivative_scale) : fast_[0](z, derivative_scale);
  }

 private:
  std::vector<MpSeriesT<Mp50>> fast_;
  std::vector<MpSeriesT<Mp>> precise_;
};

// Condition-aware error: relative where E is well conditioned (|z E'| <= 20 |E|), otherwise
// relative to |E| + |z E'| (near zeros of E only absolute accuracy is meaningful).
double scaled_error(Complex value, Complex reference, double derivative_scale) {
  const double magnitude = std::abs(reference);
  const double scale =
      derivative_scale <= 20.0 * magnitude ? magnitude : magnitude + derivative_scale;
  return std::abs(value - reference) / scale;
}

// exp(x^2) erfc(x) for x >= 0 to ~1e-19: 100-digit erfc below 30, the asymptotic series above.
double erfcx_reference(double x) {
  if (x < 30.0) {
    const Mp m = x;
    return static_cast<double>(boost::multiprecision::exp(m * m) * boost::math::erfc(m));
  }
  const long double y = 1.0L / (2.0L * x * x);
  long double term = 1.0L;
  long double sum = 1.0L;
  for (int k = 1; k < 12; ++k) {
    term *= -(2.0L * k - 1.0L) * y;
    sum += term;
  }
  return static_cast<double>(sum / (x * std::sqrt(3.141592653589793238462643383279502884L)));
}

std::string shared_dir() {
  if (const char* env = std::getenv("GLASSY_SHARED_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
#ifdef GLASSY_SHARED_DIR
  return GLASSY_SHARED_DIR;
#else
  return "";
#endif
}

TEST(MittagLeffler, ReferenceTable) {
  const std::string path = shared_dir() + "/reference/mittag_leffler.csv";
  std::ifstream file(path);
  if (shared_dir().empty() || !file) {
    GTEST_SKIP() << "../shared/reference/mittag_leffler.csv absent: looked for '" << path
                 << "' (set GLASSY_SHARED_DIR)";
  }
  std::string line;
  std::getline(file, line);  // header alpha,beta,re_z,im_z,re_E,im_E
  int rows = 0;
  double worst = 0.0;
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    std::stringstream fields(line);
    std::string f[6];
    for (auto& field : f) std::getline(fields, field, ',');
    const double alpha = std::stod(f[0]);
    const double beta = std::stod(f[1]);
    const Complex z(std::stod(f[2]), std::stod(f[3]));
    // long double: one reference value (E_1(-10000) = 1.1e-4343) is below the double range.
    const long double ref_re = std::strtold(f[4].c_str(), nullptr);
    const long double ref_im = std::strtold(f[5].c_str(), nullptr);
    ++rows;
    const Complex value = z.imag() == 0.0 ? Complex(mittag_leffler(alpha, beta, z.real()), 0.0)
                                          : mittag_leffler(alpha, beta, z);
    const long double ref_abs = std::hypot(ref_re, ref_im);
    if (ref_abs < std::numeric_limits<double>::denorm_min()) {
      // Not representable in double: the correctly rounded result is zero.
      EXPECT_EQ(std::abs(value), 0.0) << line;
      continue;
    }
    const Complex reference(static_cast<double>(ref_re), static_cast<double>(ref_im));
    const double error = relative_error(value, reference);
    worst = std::max(worst, error);
    EXPECT_LT(error, 1e-13) << line << " -> " << value;
  }
  EXPECT_EQ(rows, 67);
  RecordProperty("worst_relative_error", std::to_string(worst));
  std::cout << "[ reference table: " << rows << " rows, worst relative error " << worst << " ]\n";
}

TEST(MittagLeffler, ExponentialIdentity) {
  // Closed form E_1 = exp, and the general methods at alpha = 1 (no closed form there).
  double worst = 0.0;
  for (double x : log_grid(1e-6, 700.0, 301)) {
    for (double v : {x, -x}) {
      EXPECT_EQ(mittag_leffler(1.0, 1.0, v), std::exp(v));
      const double hankel = mittag_leffler_by(MittagLefflerMethod::kHankel, 1.0, 1.0, v).real();
      if (std::abs(v) <= 60.0) worst = std::max(worst, std::abs(hankel / std::exp(v) - 1.0));
    }
  }
  EXPECT_LT(worst, 2e-14);
  // E_{1,2}(z) = (e^z - 1) / z, here through the general methods just off alpha = 1.
  const double alpha = std::nextafter(1.0, 2.0);
  for (double x : log_grid(1e-3, 50.0, 101)) {
    for (double v : {x, -x}) {
      const double expected = std::expm1(v) / v;
      EXPECT_LT(std::abs(mittag_leffler(alpha, 2.0, v) / expected - 1.0), 1e-14 * (1.0 + x)) << v;
    }
  }
  // Complex: E_1(z) = e^z.
  for (double r : log_grid(1e-3, 50.0, 41)) {
    for (double angle : {0.3, 1.5, 2.5, 3.1}) {
      const Complex z = std::polar(r, angle);
      EXPECT_LT(relative_error(mittag_leffler(1.0, 1.0, z), std::exp(z)), 1e-15);
      const Complex general = mittag_leffler_by(MittagLefflerMethod::kHankel, 1.0, 1.0, z);
      EXPECT_LT(relative_error(general, std::exp(z)), 1e-14 * (1.0 + r)) << z;
    }
  }
}

TEST(MittagLeffler, ErfcxIdentity) {
  // E_{1/2}(-x) = exp(x^2) erfc(x): over the whole range, power-law tail included.
  double worst = 0.0;
  for (double x : log_grid(1e-6, 1e6, 601)) {
    const double error = std::abs(mittag_leffler(0.5, 1.0, -x) / erfcx_reference(x) - 1.0);
    worst = std::max(worst, error);
    EXPECT_LT(error, 1e-14) << "x = " << x;
  }
  // E_{1/2}(x) = exp(x^2) erfc(-x); the condition number 2 x^2 of exp(x^2) allows ~x^2 eps.
  for (double x : log_grid(1e-6, 20.0, 201)) {
    const Mp m = x;
    const double expected =
        static_cast<double>(boost::multiprecision::exp(m * m) * boost::math::erfc(-m));
    EXPECT_LT(std::abs(mittag_leffler(0.5, 1.0, x) / expected - 1.0), 1e-14 + 2.0 * x * x * kEps)
        << "x = " << x;
  }
  std::cout << "[ E_1/2(-x) vs exp(x^2) erfc(x), 1e-6..1e6: worst relative error " << worst
            << " ]\n";
}

TEST(MittagLeffler, CosineIdentity) {
  // E_2(-x^2) = cos x and E_{2,2}(-x^2) = sin(x)/x; x on a dyadic grid so that x^2 is exact.
  // Near zeros of cos only absolute accuracy is meaningful: errors are scaled by max(|cos|, 1e-3).
  double worst = 0.0;
  const double alpha = std::nextafter(2.0, 0.0);
  for (int i = 1; i <= 4000; ++i) {
    const double x = i / 64.0;
    const double c = std::cos(x);
    const double s = std::sin(x) / x;
    EXPECT_LT(std::abs(mittag_leffler(2.0, 1.0, -x * x) - c), 1e-15 * std::max(std::abs(c), 1e-3));
    // The Hankel method itself at alpha = 2 (where its integral vanishes: residues only).
    const double hankel = mittag_leffler_by(MittagLefflerMethod::kHankel, 2.0, 1.0, -x * x).real();
    const double error = std::abs(hankel - c) / std::max(std::abs(c), 1e-3);
    worst = std::max(worst, error);
    EXPECT_LT(error, 1e-13) << "x = " << x;
    // All general methods one ulp below alpha = 2. That ulp (2.2e-16) itself moves E by
    // |dE/dalpha| delta <= delta (x (pi/4 + ln x / 2) + 1) / 2 (phase and decay of the residues).
    const double slack = (2.0 - alpha) * (x * (1.0 + std::abs(std::log(x))) + 1.0);
    const double general = mittag_leffler(alpha, 1.0, -x * x);
    const double general2 = mittag_leffler(alpha, 2.0, -x * x);
    EXPECT_LT(std::abs(general - c), 1e-13 * std::max(std::abs(c), 1e-3) + slack) << "x = " << x;
    EXPECT_LT(std::abs(general2 - s), 1e-13 * std::max(std::abs(s), 1e-3 / x) + slack / x)
        << "x = " << x;
  }
  // Complex: E_2(z) = cosh(sqrt z).
  for (double r : log_grid(1e-3, 400.0, 41)) {
    for (double angle : {0.5, 1.7, 2.9}) {
      const Complex z = std::polar(r, angle);
      const Complex expected = std::cosh(std::sqrt(z));
      EXPECT_LT(relative_error(mittag_leffler(2.0, 1.0, z), expected), 1e-14);
      const Complex general = mittag_leffler(std::nextafter(2.0, 0.0), 1.0, z);
      EXPECT_LT(relative_error(general, expected), 1e-14 * (1.0 + std::sqrt(r))) << z;
    }
  }
  std::cout << "[ E_2(-x^2) vs cos x (Hankel method), x <= 62.5: worst scaled error " << worst
            << " ]\n";
}

// Real arguments against the 50-digit series, up to |x|^(1/alpha) = 60 on both half-axes.
TEST(MittagLeffler, RealArgumentsAgainstMultiprecision) {
  double worst = 0.0;
  for (double alpha : {0.05, 0.2, 0.35, 0.5, 0.7, 0.85, 0.95, 0.999, 1.2, 1.6, 1.95}) {
    for (double beta : {1.0, alpha, 0.4, 1.8, 3.0, -1.3}) {
      const double x_max = std::min(std::pow(60.0, alpha), 1e3);
      const MpSeries reference(alpha, beta, x_max);
      for (double x : log_grid(1e-4, x_max, 61)) {
        for (double v : {-x, x}) {
          double derivative_scale = 0.0;
          const Complex expected = reference(v, &derivative_scale);
          const double value = mittag_leffler(alpha, beta, v);
          // E grows like exp(x^(1/alpha)) on the positive axis: the condition number
          // x^(1/alpha)/alpha of that growth limits any double computation to ~(x^(1/alpha)/alpha)
          // eps.
          const double allowed = v > 0.0 ? 1e-14 + std::pow(x, 1.0 / alpha) / alpha * kEps : 1e-14;
          const double error = scaled_error(value, expected, derivative_scale) / allowed;
          worst = std::max(worst, error * 1e-14);
          EXPECT_LT(error, 2.0) << "alpha=" << alpha << " beta=" << beta << " x=" << v
                                << " E=" << value << " ref=" << expected;
        }
      }
    }
  }
  std::cout << "[ real x vs 100-digit series: worst (scaled) error " << worst << " ]\n";
}

TEST(MittagLeffler, ComplexArgumentsAgainstMultiprecision) {
  double worst = 0.0;
  for (double alpha : {0.1, 0.4, 0.6, 0.8, 0.97, 1.0, 1.3, 1.7}) {
    for (double beta : {1.0, alpha, 0.3, 2.2}) {
      const double r_max = std::min(std::pow(50.0, alpha), 500.0);
      const MpSeries reference(alpha, beta, r_max);
      // Rays through every regime: the Stokes/anti-Stokes lines alpha pi/2, alpha pi, the axes.
      const std::vector<double> angles = {
          0.3,
          kPi / 2.0,
          0.75 * kPi,
          0.99 * kPi,
          std::min(alpha * kPi, kPi) * 0.999,
          std::min(alpha * kPi, kPi) * 1.001 - (alpha >= 1.0 ? 0.01 : 0.0),
          alpha * kPi / 2.0};
      for (double r : log_grid(1e-3, r_max, 31)) {
        for (double angle : angles) {
          const Complex z = std::polar(r, angle);
          double derivative_scale = 0.0;
          const Complex expected = reference(z, &derivative_scale);
          const Complex value = mittag_leffler(alpha, beta, z);
          // exp(z^(1/alpha)) growth: condition number |z|^(1/alpha)/alpha, as for real x.
          const double allowed = 1e-14 + std::pow(r, 1.0 / alpha) / alpha * kEps;
          const double error = scaled_error(value, expected, derivative_scale) / allowed;
          worst = std::max(worst, error * 1e-14);
          EXPECT_LT(error, 2.0) << "alpha=" << alpha << " beta=" << beta << " z=" << z
                                << " E=" << value << " ref=" << expected;
          // Conjugate symmetry holds exactly up to rounding.
          const Complex mirrored = mittag_leffler(alpha, beta, std::conj(z));
          EXPECT_LT(std::abs(mirrored - std::conj(value)),
                    4.0 * allowed * std::abs(value) + 1e-300);
        }
      }
    }
  }
  std::cout << "[ complex z vs 100-digit series: worst (scaled) error " << worst << " ]\n";
}

// Small alpha, where E_{a,b}(z) tends to (1/Gamma(b)) / (1 - z) and the middle range shrinks to a
// neighbourhood of |z| = 1. References: the 50-digit power series for |z| < 1, and for |z| > 1
// the algebraic expansion -sum z^-k / Gamma(b - a k), which for these alpha converges like a
// geometric series long before it diverges (and its exponential remainder ~exp(-|z|^(1/a)) is 0).
TEST(MittagLeffler, SmallAlphaAgainstMultiprecision) {
  constexpr int kTerms = 1600;  // enough for |z| <= 0.97 and |z| >= 1.03 to 1e-20
  for (double alpha : {2e-3, 1e-5}) {
    for (double beta : {1.0, alpha, 0.5, 2.0}) {
      std::vector<Mp50> series(kTerms), expansion(kTerms);
      for (int k = 0; k < kTerms; ++k) {
        const Mp50 a = Mp50(alpha) * k + Mp50(beta);
        const Mp50 b = Mp50(beta) - Mp50(alpha) * k;
        series[static_cast<std::size_t>(k)] = 1 / boost::math::tgamma(a);
        const bool pole = b <= 0 && b == boost::multiprecision::floor(b);
        // -sum_{k >= 1}: no k = 0 term.
        expansion[static_cast<std::size_t>(k)] =
            (pole || k == 0) ? Mp50(0) : Mp50(1) / boost::math::tgamma(b);
      }
      for (double r : {0.2, 0.6, 0.8, 0.9, 0.97, 1.03, 1.1, 1.5, 4.0, 100.0}) {
        for (double angle : {kPi, 2.5, 1.0, 0.2}) {
          if (angle < 1.5 * alpha * kPi) continue;  // exponential residues not in the reference
          const Complex z = angle == kPi ? Complex(-r, 0.0) : std::polar(r, angle);
          const Complex w = r < 1.0 ? z : 1.0 / z;
          const auto& c = r < 1.0 ? series : expansion;
          Mp50 sr = 0, si = 0, pr = 1, pi = 0;
          for (std::size_t k = 0; k < c.size(); ++k) {
            sr += c[k] * pr;
            si += c[k] * pi;
            const Mp50 next = pr * w.real() - pi * w.imag();
            pi = pr * w.imag() + pi * w.real();
            pr = next;
          }
          const Complex expected = r < 1.0
                                       ? Complex(static_cast<double>(sr), static_cast<double>(si))
                                       : -Complex(static_cast<double>(sr), static_cast<double>(si));
          const Complex value = angle == kPi ? Complex(mittag_leffler(alpha, beta, -r), 0.0)
                                             : mittag_leffler(alpha, beta, z);
          EXPECT_LT(relative_error(value, expected), 2e-14)
              << "alpha=" << alpha << " beta=" << beta << " z=" << z;
        }
      }
    }
  }
}

TEST(MittagLeffler, ComplexOverloadOnRealAxisMatchesReal) {
  for (double x : log_grid(1e-5, 1e5, 41)) {
    for (double v : {x, -x}) {
      const Complex c = mittag_leffler(0.6, 1.0, Complex(v, 0.0));
      EXPECT_EQ(c.real(), mittag_leffler(0.6, 1.0, v));
      EXPECT_EQ(c.imag(), 0.0);
    }
  }
}

TEST(MittagLeffler, RecurrenceInBeta) {
  // E_{a,b}(z) = 1/Gamma(b) + z E_{a,a+b}(z), checked where the right side does not cancel.
  int checked = 0;
  for (double alpha : {0.25, 0.5, 0.8, 0.99, 1.4}) {
    for (double beta : {0.5, 1.0, 1.7, 2.6}) {
      for (double r : log_grid(1e-3, 1e5, 81)) {
        for (double angle : {kPi, 0.8 * kPi, 0.5 * kPi}) {
          const Complex z = angle == kPi ? Complex(-r, 0.0) : std::polar(r, angle);
          const Complex lhs = mittag_leffler(alpha, beta, z);
          const Complex shifted = z * mittag_leffler(alpha, alpha + beta, z);
          const double g = 1.0 / boost::math::tgamma(beta);
          const double size = std::abs(g) + std::abs(shifted);
          if (!std::isfinite(size) || std::abs(lhs) < 0.1 * size) continue;  // ill-conditioned
          ++checked;
          EXPECT_LT(std::abs(lhs - (g + shifted)) / std::abs(lhs), 1e-13)
              << "alpha=" << alpha << " beta=" << beta << " z=" << z;
        }
      }
    }
  }
  EXPECT_GT(checked, 2000);
}

TEST(MittagLeffler, PowerLawTail) {
  // For alpha < 1, E_{a,b}(-x) -> x^-1 / Gamma(b - a) - x^-2 / Gamma(b - 2a) + ...
  for (double alpha : {0.1, 0.5, 0.9, 0.999}) {
    for (double x : {1e20, 1e50, 1e150, 1e300}) {
      const double leading = 1.0 / (x * boost::math::tgamma(1.0 - alpha));
      EXPECT_LT(std::abs(mittag_leffler(alpha, 1.0, -x) / leading - 1.0), 4e-16);
    }
  }
  // In the overlap of the asymptotic expansion and the Hankel integral both are accurate.
  for (double alpha : {0.3, 0.6, 0.9, 1.5}) {
    const double start = glassy::detail::mittag_leffler_switches(alpha, 1.0).asymptotic_min;
    for (double x : log_grid(start, 4.0 * start, 20)) {
      const Complex a = mittag_leffler_by(MittagLefflerMethod::kAsymptotic, alpha, 1.0, -x);
      const Complex h = mittag_leffler_by(MittagLefflerMethod::kHankel, alpha, 1.0, -x);
      EXPECT_LT(relative_error(h, a), 1e-14) << "alpha=" << alpha << " x=" << x;
    }
  }
}

TEST(MittagLeffler, MethodSwitchesAreContinuous) {
  // Just below and just above every switch point the value must not jump.
  for (double alpha : {0.02, 0.1, 0.3, 0.5, 0.69, 0.7, 0.9, 0.99, 1.0, 1.01, 1.5, 1.99}) {
    for (double beta : {1.0, alpha, 0.5, 2.0, 3.5}) {
      const auto sw = glassy::detail::mittag_leffler_switches(alpha, beta);
      const double reach = std::max(sw.series_max, std::pow(1.5, alpha));
      for (double point : {sw.series_max, sw.asymptotic_min, reach}) {
        if (!(point > 0.0) || !std::isfinite(point)) continue;
        for (double sign : {-1.0, 1.0}) {
          const double below = mittag_leffler(alpha, beta, sign * std::nextafter(point, 0.0));
          const double above = mittag_leffler(alpha, beta, sign * std::nextafter(point, 1e300));
          if (!std::isfinite(below) || !std::isfinite(above)) continue;  // beyond overflow
          const double scale = std::max(std::abs(below), std::abs(above));
          // On the positive axis E ~ exp(x^(1/alpha)) changes by ~x^(1/alpha)/alpha eps per ulp.
          const double slack = sign > 0.0 ? std::pow(point, 1.0 / alpha) / alpha * 4.0 * kEps : 0.0;
          EXPECT_LE(std::abs(below - above), (1e-13 + slack) * scale)
              << "alpha=" << alpha << " beta=" << beta << " at " << sign * point;
        }
        const Complex z_below = std::polar(std::nextafter(point, 0.0), 2.0);
        const Complex z_above = std::polar(std::nextafter(point, 1e300), 2.0);
        const Complex below = mittag_leffler(alpha, beta, z_below);
        const Complex above = mittag_leffler(alpha, beta, z_above);
        if (!std::isfinite(std::abs(below)) || !std::isfinite(std::abs(above))) continue;
        EXPECT_LE(std::abs(below - above),
                  1e-13 * std::abs(below) * (1.0 + std::pow(point, 1.0 / alpha)))
            << "alpha=" << alpha << " beta=" << beta << " complex at |z| = " << point;
      }
    }
  }
  // The closed form at alpha = 1 agrees with the general methods one ulp below, up to what that
  // ulp delta changes: a power tail sum_k (-1)^(k+1) x^-k / Gamma(1 - alpha k) ~ delta (1/x +
  // 2/x^2 + ...) appears, and e^-x becomes e^(-x^(1/alpha)) / alpha.
  // And the Hankel recurrence switching on at beta = 1 + alpha/2 does not jump either.
  for (double x : log_grid(1e-3, 300.0, 61)) {
    const double alpha1 = std::nextafter(1.0, 0.0);
    const double e1 = mittag_leffler(1.0, 1.0, -x);
    const double e1_near = mittag_leffler(alpha1, 1.0, -x);
    const double slack =
        (1.0 - alpha1) * (2.0 / x + 4.0 / (x * x) + (1.0 + x * std::abs(std::log(x))) * e1);
    EXPECT_LE(std::abs(e1 - e1_near), 1e-13 * e1 + slack) << "x=" << x;
    for (double alpha : {0.4, 0.8}) {
      const double b = 1.0 + alpha / 2.0;
      const double lo = mittag_leffler(alpha, std::nextafter(b, 0.0), -x);
      const double hi = mittag_leffler(alpha, std::nextafter(b, 2.0), -x);
      EXPECT_LE(std::abs(lo - hi), 1e-13 * std::abs(lo)) << "alpha=" << alpha << " x=" << x;
    }
  }
}

TEST(MittagLeffler, VectorisedMatchesScalar) {
  std::vector<double> x = log_grid(1e-8, 1e8, 500);
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i) x.push_back(-x[i]);
  for (double special :
       {0.0, -0.0, 1e-300, -1e300, std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    x.push_back(special);
  }
  for (double alpha : {0.3, 0.75, 1.0, 1.5}) {
    for (double beta : {1.0, alpha}) {
      std::vector<double> out(x.size());
      mittag_leffler(alpha, beta, x, out);
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double scalar = mittag_leffler(alpha, beta, x[i]);
        if (std::isnan(scalar)) {
          EXPECT_TRUE(std::isnan(out[i]));
        } else {
          EXPECT_EQ(out[i], scalar) << "x=" << x[i];
        }
      }
    }
  }
  std::vector<double> out(3);
  EXPECT_THROW(mittag_leffler(0.5, 1.0, x, out), glassy::Error);
}

TEST(MittagLeffler, SpecialValues) {
  EXPECT_EQ(mittag_leffler(0.7, 1.0, 0.0), 1.0);
  EXPECT_EQ(mittag_leffler(0.7, 0.0, 0.0), 0.0);
  EXPECT_EQ(mittag_leffler(0.7, -2.0, 0.0), 0.0);
  EXPECT_NEAR(mittag_leffler(0.7, 0.5, 0.0), 1.0 / std::sqrt(kPi), 1e-16);
  EXPECT_EQ(mittag_leffler(0.7, 1.0, -std::numeric_limits<double>::infinity()), 0.0);
  EXPECT_EQ(mittag_leffler(0.7, 1.0, std::numeric_limits<double>::infinity()),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(mittag_leffler(0.7, 1.0, 800.0), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(mittag_leffler(0.7, 1.0, std::numeric_limits<double>::quiet_NaN())));
  EXPECT_TRUE(std::isnan(std::abs(mittag_leffler(0.7, 1.0, Complex(1.0, kPi / 0.0)))));
}

TEST(MittagLeffler, RelaxationAndDerivative) {
  for (double beta : {0.3, 0.6, 0.95}) {
    for (double t : log_grid(1e-6, 1e6, 37)) {
      EXPECT_EQ(glassy::mittag_leffler_relaxation(beta, t),
                mittag_leffler(beta, 1.0, -std::pow(t, beta)));
      // d/dx E_a(-x) = -E_{a,a}(-x) / a against a fourth-order central difference.
      const double x = std::pow(t, beta);
      const double h = 1e-3 * std::max(x, 0.01);
      const auto f = [&](double v) { return mittag_leffler(beta, 1.0, -v); };
      const double derivative =
          (8.0 * (f(x + h) - f(x - h)) - (f(x + 2 * h) - f(x - 2 * h))) / (12 * h);
      const double expected = -mittag_leffler(beta, beta, -x) / beta;
      EXPECT_LT(std::abs(derivative / expected - 1.0), 1e-8) << "beta=" << beta << " x=" << x;
    }
  }
  for (double t : {0.0, 0.5, 3.0, 40.0}) {
    EXPECT_EQ(glassy::mittag_leffler_relaxation(1.0, t), std::exp(-t));
  }
  EXPECT_THROW(glassy::mittag_leffler_relaxation(0.5, -1.0), glassy::Error);
}

TEST(MittagLeffler, InvalidParametersThrow) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double alpha : {0.0, -0.5, 1e-7, 2.0000001, 3.0, nan}) {
    EXPECT_THROW(mittag_leffler(alpha, 1.0, -1.0), glassy::Error) << alpha;
    EXPECT_THROW(mittag_leffler(alpha, 1.0, Complex(-1.0, 1.0)), glassy::Error) << alpha;
  }
  for (double beta : {nan, std::numeric_limits<double>::infinity()}) {
    EXPECT_THROW(mittag_leffler(0.5, beta, -1.0), glassy::Error);
  }
  try {
    mittag_leffler(2.5, 1.0, -1.0);
    FAIL() << "no exception";
  } catch (const glassy::Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_NE(message.find("alpha"), std::string::npos);
  }
}

}  // namespace
