#include <glassy/fit/tail_likelihood.hpp>

#include <glassy/fit/hurwitz_zeta.hpp>

#include <boost/math/tools/minima.hpp>

#include <algorithm>
#include <cstdint>
#include <numeric>

namespace glassy::fit::detail {
namespace {

double log_window(const TailDistribution& d, const Tail& t) {
  return std::isfinite(t.xmax) ? log1m_exp(d.log_gt(t.xmax)) : 0.0;
}

// log P(Z > z) for a standard normal Z, without underflow far out.
double log_normal_sf(double z) {
  if (z < 25) return std::log(0.5 * std::erfc(z / std::sqrt(2.0)));
  const double z2 = z * z;
  return -0.5 * z2 - std::log(z) - 0.5 * std::log(2 * M_PI) + std::log1p(-1 / z2 + 3 / (z2 * z2));
}

}  // namespace

TailDistribution power_law_distribution(double alpha, double xmin, bool discrete) {
  if (!discrete) {
    const double lx = std::log(xmin), la = std::log(alpha - 1);
    return {[=](double x) { return la - lx - alpha * (std::log(x) - lx); },
            [=](double x) { return x <= xmin ? 0.0 : (1 - alpha) * (std::log(x) - lx); }};
  }
  const double lz = std::log(hurwitz_zeta(alpha, xmin));
  return {[=](double x) { return -alpha * std::log(x) - lz; },
          [=](double x) {
            const double k = std::floor(x) + 1;
            return k <= xmin ? 0.0 : std::log(hurwitz_zeta(alpha, k)) - lz;
          }};
}

TailDistribution exponential_distribution(double lambda, double xmin, bool discrete) {
  if (!discrete) {
    const double ll = std::log(lambda);
    return {[=](double x) { return ll - lambda * (x - xmin); },
            [=](double x) { return x <= xmin ? 0.0 : -lambda * (x - xmin); }};
  }
  const double lnorm = std::log(-std::expm1(-lambda));
  return {[=](double x) { return lnorm - lambda * (x - xmin); },
          [=](double x) {
            const double k = std::floor(x) + 1;
            return k <= xmin ? 0.0 : -lambda * (k - xmin);
          }};
}

TailDistribution lognormal_distribution(double mu, double sigma, double xmin, bool discrete) {
  auto z = [=](double x) { return (std::log(x) - mu) / sigma; };
  if (!discrete) {
    const double lq = log_normal_sf(z(xmin));
    const double c = -std::log(sigma) - 0.5 * std::log(2 * M_PI) - lq;
    return {[=](double x) { return c - std::log(x) - 0.5 * z(x) * z(x); },
            [=](double x) { return x <= xmin ? 0.0 : log_normal_sf(z(x)) - lq; }};
  }
  const double lq = log_normal_sf(z(xmin - 0.5));
  return {[=](double x) {
            const double a = log_normal_sf(z(x - 0.5)), b = log_normal_sf(z(x + 0.5));
            return a + log1m_exp(b - a) - lq;
          },
          [=](double x) {
            const double k = std::floor(x) + 1;
            return k <= xmin ? 0.0 : log_normal_sf(z(k - 0.5)) - lq;
          }};
}

std::vector<double> pointwise_log_likelihood(const TailDistribution& d, const Tail& t) {
  const double lu = std::isfinite(t.xmax) ? d.log_gt(t.xmax) : -kInf;
  const double log_z = log1m_exp(lu);
  std::vector<double> out;
  out.reserve(t.obs.size() + t.cens.size());
  for (double x : t.obs) out.push_back(d.log_pdf(x) - log_z);
  for (double c : t.cens) {
    const double g = d.log_gt(c);
    out.push_back(g + log1m_exp(lu - g) - log_z);
  }
  return out;
}

double log_likelihood(const TailDistribution& d, const Tail& t) {
  const auto l = pointwise_log_likelihood(d, t);
  const double s = std::accumulate(l.begin(), l.end(), 0.0);
  return std::isnan(s) ? -kInf : s;
}

double ks_distance(const TailDistribution& d, const Tail& t) {
  const std::size_t n = t.obs.size(), m = t.cens.size();
  if (n == 0) return 1.0;
  const double window = std::exp(log_window(d, t));
  auto cdf = [&](double x) { return -std::expm1(d.log_gt(x)) / window; };
  double at_risk = static_cast<double>(n + m), survival = 1.0, previous = 0.0, distance = 0.0;
  std::size_t ic = 0;
  for (std::size_t i = 0; i < n;) {
    const double v = t.obs[i];
    // Censored values below v have left the risk set (censored at v: still at risk at v).
    while (ic < m && t.cens[ic] < v) --at_risk, ++ic;
    std::size_t j = i;
    while (j < n && t.obs[j] == v) ++j;
    const double deaths = static_cast<double>(j - i);
    survival *= 1.0 - deaths / at_risk;
    at_risk -= deaths;
    const double empirical = 1.0 - survival;
    const double model_at = cdf(v);
    // The model's CDF just below v: the same for continuous data, at v - 1 for integers.
    const double model_below = t.discrete ? cdf(v - 1) : model_at;
    distance =
        std::max({distance, std::abs(empirical - model_at), std::abs(previous - model_below)});
    previous = empirical;
    i = j;
  }
  return distance;
}

double minimize_1d(const std::function<double(double)>& f, double a, double b) {
  std::uintmax_t iterations = 200;
  return boost::math::tools::brent_find_minima(f, a, b, 40, iterations).first;
}

std::vector<double> minimize_nm(const std::function<double(const std::vector<double>&)>& f,
                                std::vector<double> x0, const std::vector<double>& step,
                                int max_iterations) {
  const std::size_t n = x0.size();
  std::vector<std::vector<double>> s(n + 1, x0);
  std::vector<double> fs(n + 1);
  for (std::size_t k = 0; k < n; ++k) s[k + 1][k] += step[k];
  auto value = [&](const std::vector<double>& x) {
    const double v = f(x);
    return std::isnan(v) ? kInf : v;
  };
  for (std::size_t k = 0; k <= n; ++k) fs[k] = value(s[k]);
  std::vector<std::size_t> order(n + 1);
  for (int it = 0; it < max_iterations; ++it) {
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return fs[a] < fs[b]; });
    const std::size_t best = order.front(), worst = order.back(), second = order[n - 1];
    if (std::abs(fs[worst] - fs[best]) <= 1e-12 * (1 + std::abs(fs[best]))) break;
    std::vector<double> centre(n, 0.0);
    for (std::size_t k = 0; k <= n; ++k) {
      if (k == worst) continue;
      for (std::size_t q = 0; q < n; ++q) centre[q] += s[k][q] / n;
    }
    auto along = [&](double t) {
      std::vector<double> x(n);
      for (std::size_t q = 0; q < n; ++q) x[q] = centre[q] + t * (s[worst][q] - centre[q]);
      return x;
    };
    const auto xr = along(-1.0);
    const double fr = value(xr);
    if (fr < fs[best]) {
      const auto xe = along(-2.0);
      const double fe = value(xe);
      if (fe < fr)
        s[worst] = xe, fs[worst] = fe;
      else
        s[worst] = xr, fs[worst] = fr;
    } else if (fr < fs[second]) {
      s[worst] = xr, fs[worst] = fr;
    } else {
      const auto xc = fr < fs[worst] ? along(-0.5) : along(0.5);
      const double fc = value(xc);
      if (fc < std::min(fr, fs[worst])) {
        s[worst] = xc, fs[worst] = fc;
      } else {  // shrink towards the best
        for (std::size_t k = 0; k <= n; ++k) {
          if (k == best) continue;
          for (std::size_t q = 0; q < n; ++q) s[k][q] = s[best][q] + 0.5 * (s[k][q] - s[best][q]);
          fs[k] = value(s[k]);
        }
      }
    }
  }
  const auto it = std::min_element(fs.begin(), fs.end());
  return s[static_cast<std::size_t>(it - fs.begin())];
}

}  // namespace glassy::fit::detail
