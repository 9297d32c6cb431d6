#include <glassy/fit/hurwitz_zeta.hpp>

#include <glassy/core/error.hpp>

#include <cmath>
#include <string>

namespace glassy::fit {
namespace {

// B_2j / (2j)! for j = 1..12.
constexpr double kBernoulliOverFactorial[] = {
    1.0 / 12.0,
    -1.0 / 720.0,
    1.0 / 30240.0,
    -1.0 / 1209600.0,
    1.0 / 47900160.0,
    -691.0 / 1307674368000.0,
    1.0 / 74724249600.0,
    -3617.0 / 10670622842880000.0,
    43867.0 / 5109094217170944000.0,
    -174611.0 / 802857662698291200000.0,
    77683.0 / 14101100039391805440000.0,
    -236364091.0 / 1693824136731743669452800000.0,
};

}  // namespace

double hurwitz_zeta(double s, double q) {
  // The message is built only on failure: this is called millions of times by the fits.
  require(s > 1 && std::isfinite(s) && q > 0 && std::isfinite(q), [&] {
    return "hurwitz_zeta(s, q) needs s > 1 and q > 0, got s = " + std::to_string(s) +
           ", q = " + std::to_string(q);
  });
  // Sum directly until a = q + N is large enough that the Euler-Maclaurin terms, whose ratio is
  // about ((s + 2j) / (2 pi a))^2, fall below 1e-17 within the twelve available.
  const double a_min = 10.0 + s;
  double sum = 0.0, a = q;
  while (a < a_min) {
    sum += std::pow(a, -s);
    a += 1.0;
  }
  // sum_{k>=0} f(a + k) = int_a^inf f + f(a)/2 - sum_j B_2j/(2j)! f^(2j-1)(a), f(x) = x^-s, and
  // -f^(2j-1)(a) = s (s+1) ... (s+2j-2) a^(-s-2j+1).
  const double a_s = std::pow(a, -s);
  double tail = a * a_s / (s - 1.0) + 0.5 * a_s;
  double rising = s;       // s (s+1) ... (s+2j-2)
  double power = a_s / a;  // a^(-s-2j+1)
  const double inv_a2 = 1.0 / (a * a);
  for (int j = 1; j <= 12; ++j) {
    const double term = kBernoulliOverFactorial[j - 1] * rising * power;
    tail += term;
    if (std::abs(term) < 1e-17 * (sum + tail)) break;
    rising *= (s + 2 * j - 1) * (s + 2 * j);
    power *= inv_a2;
  }
  return sum + tail;
}

}  // namespace glassy::fit
