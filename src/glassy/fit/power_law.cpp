// Power-law MLE, x_min by KS minimisation and the bootstrap goodness of fit (Clauset et al. 2009).
#include <glassy/fit/power_law.hpp>

#include <glassy/fit/hurwitz_zeta.hpp>
#include <glassy/fit/tail_likelihood.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace glassy::fit {
namespace {

using detail::kInf;
using detail::Tail;

constexpr double kAlphaMin = 1.0, kAlphaMax = 20.0;

// Tail log-likelihood of the power law; sum_log = sum of ln x over the tail's observations.
double pl_log_likelihood(double alpha, const Tail& t, double sum_log) {
  const double n = static_cast<double>(t.obs.size());
  double l;
  if (!t.discrete) {
    const double lx = std::log(t.xmin);
    l = n * (std::log(alpha - 1) - lx) - alpha * (sum_log - n * lx);
  } else {
    l = -alpha * sum_log - n * std::log(hurwitz_zeta(alpha, t.xmin));
  }
  if (t.cens.empty() && !std::isfinite(t.xmax)) return l;
  const auto d = detail::power_law_distribution(alpha, t.xmin, t.discrete);
  const double lu = std::isfinite(t.xmax) ? d.log_gt(t.xmax) : -kInf;
  const double log_z = detail::log1m_exp(lu);
  l -= n * log_z;
  // Censored values are sorted and, for waiting times, mostly repeats of a few run lengths:
  // one evaluation (a Hurwitz zeta when discrete) per distinct value.
  for (std::size_t i = 0; i < t.cens.size();) {
    std::size_t j = i + 1;
    while (j < t.cens.size() && t.cens[j] == t.cens[i]) ++j;
    const double g = d.log_gt(t.cens[i]);
    l += static_cast<double>(j - i) * (g + detail::log1m_exp(lu - g) - log_z);
    i = j;
  }
  return l;
}

struct AlphaFit {
  bool ok = false;
  std::string reason;
  double alpha = 0, error = 0, log_likelihood = 0;
};

AlphaFit fit_alpha(const Tail& t, double sum_log) {
  AlphaFit a;
  const double n = static_cast<double>(t.obs.size());
  if (t.obs.size() < 2) {
    a.reason = fmt::format("only {} value(s) at or above x_min = {}", t.obs.size(), t.xmin);
    return a;
  }
  if (!t.discrete && !std::isfinite(t.xmax)) {
    // Closed form, censored values included: d/dalpha [n ln(alpha-1) - alpha S_x - (alpha-1) S_c] =
    // 0.
    double s = sum_log - n * std::log(t.xmin);
    for (double c : t.cens) s += std::log(c / t.xmin);
    a.alpha = s > 0 ? 1 + n / s : kInf;
    a.error = (a.alpha - 1) / std::sqrt(n);
  } else {
    auto f = [&](double alpha) { return -pl_log_likelihood(alpha, t, sum_log); };
    a.alpha = detail::minimize_1d(f, kAlphaMin + 1e-6, kAlphaMax);
    const double h = std::min(1e-4 * a.alpha, 0.5 * (a.alpha - kAlphaMin));
    const double curvature = (f(a.alpha + h) - 2 * f(a.alpha) + f(a.alpha - h)) / (h * h);
    a.error = curvature > 0 ? 1 / std::sqrt(curvature) : kInf;
  }
  if (!(a.alpha > kAlphaMin + 1e-4 && a.alpha < kAlphaMax - 1e-3) || !std::isfinite(a.error)) {
    a.reason = fmt::format(
        "the exponent is not determined inside (1, 20] (x_min = {}): the tail "
        "is too flat or too steep for a power law",
        t.xmin);
    return a;
  }
  a.log_likelihood = pl_log_likelihood(a.alpha, t, sum_log);
  a.ok = std::isfinite(a.log_likelihood);
  if (!a.ok) a.reason = "the likelihood is not finite at the estimate";
  return a;
}

std::string check_sample(std::span<const double> x, const PowerLawOptions& o) {
  if (x.empty()) return "no values to fit";
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(std::isfinite(x[i]) && x[i] > 0)) {
      return fmt::format("value {} is {}: a power law needs positive finite values", i + 1, x[i]);
    }
    if (o.discrete && x[i] != std::floor(x[i])) {
      return fmt::format("value {} is {}: discrete data must be integers >= 1", i + 1, x[i]);
    }
    if (o.xmax && x[i] > *o.xmax) {
      return fmt::format("value {} = {} exceeds x_max = {}", i + 1, x[i], *o.xmax);
    }
  }
  for (double c : o.censored) {
    if (!(std::isfinite(c) && c > 0)) return fmt::format("censored value {} is not positive", c);
    if (o.xmax && c >= *o.xmax) {
      return fmt::format("censored value {} is not below x_max = {}", c, *o.xmax);
    }
  }
  if (o.xmax && !(std::isfinite(*o.xmax) && *o.xmax > 0))
    return "x_max must be positive and finite";
  if (o.xmin && !(std::isfinite(*o.xmin) && *o.xmin > 0 &&
                  (!o.discrete || (*o.xmin == std::floor(*o.xmin))))) {
    return fmt::format("x_min = {} must be positive (an integer for discrete data)", *o.xmin);
  }
  if (o.xmin && o.xmax && !(*o.xmin < *o.xmax)) return "x_min must be below x_max";
  return "";
}

// Candidate x_min: distinct values with at least min_tail observations at or above them, spread
// evenly over the distinct values when there are more than max_candidates.
std::vector<double> candidates(const std::vector<double>& obs, const PowerLawOptions& o) {
  if (o.xmin) return {*o.xmin};
  std::vector<double> distinct;
  for (std::size_t i = 0; i < obs.size(); ++i) {
    if ((i == 0 || obs[i] != obs[i - 1]) &&
        obs.size() - i >= std::max<std::size_t>(o.min_tail, 2)) {
      distinct.push_back(obs[i]);
    }
  }
  const std::size_t keep = std::max<std::size_t>(o.max_candidates, 1);
  if (distinct.size() <= keep) return distinct;
  if (keep == 1) return {distinct.front()};
  std::vector<double> out;
  for (std::size_t k = 0; k < keep; ++k)
    out.push_back(distinct[k * (distinct.size() - 1) / (keep - 1)]);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

PowerLawFit fit_sorted(const std::vector<double>& obs, const std::vector<double>& cens,
                       const PowerLawOptions& o) {
  PowerLawFit r;
  r.discrete = o.discrete;
  r.xmax = o.xmax;
  r.n = obs.size();
  // suffix[i] = sum_{k >= i} ln obs[k]
  std::vector<double> suffix(obs.size() + 1, 0.0);
  for (std::size_t i = obs.size(); i-- > 0;) suffix[i] = suffix[i + 1] + std::log(obs[i]);
  const double xmax = o.xmax ? *o.xmax : kInf;
  const auto cands = candidates(obs, o);
  if (cands.empty()) {
    r.reason =
        fmt::format("too few values: {} (need at least min_tail = {})", obs.size(), o.min_tail);
    return r;
  }
  double best_d = kInf;
  std::string last_reason;
  for (const double xmin : cands) {
    const std::size_t i0 = std::lower_bound(obs.begin(), obs.end(), xmin) - obs.begin();
    const std::size_t c0 = std::lower_bound(cens.begin(), cens.end(), xmin) - cens.begin();
    Tail t{std::span(obs).subspan(i0), std::span(cens).subspan(c0), xmin, xmax, o.discrete};
    const auto a = fit_alpha(t, suffix[i0]);
    if (!a.ok) {
      last_reason = a.reason;
      continue;
    }
    const double d =
        detail::ks_distance(detail::power_law_distribution(a.alpha, xmin, o.discrete), t);
    if (d < best_d) {
      best_d = d;
      r.alpha = a.alpha;
      r.alpha_error = a.error;
      r.xmin = xmin;
      r.n_tail = t.obs.size();
      r.n_censored = t.cens.size();
      r.log_likelihood = a.log_likelihood;
      r.ks_distance = d;
      r.ok = true;
    }
  }
  if (!r.ok) r.reason = last_reason;
  return r;
}

// Clauset et al.'s semi-parametric bootstrap: synthetic samples of the same size, drawn from the
// fitted power law with probability n_tail / n and otherwise from the observed values below x_min,
// are fitted the same way (x_min scan included); p is the fraction with a larger KS distance.
void bootstrap(const std::vector<double>& obs, const PowerLawOptions& o, PowerLawFit& r) {
  const std::size_t below = std::lower_bound(obs.begin(), obs.end(), r.xmin) - obs.begin();
  const double p_tail = static_cast<double>(r.n_tail) / static_cast<double>(obs.size());
  PowerLawOptions ob = o;
  ob.n_boot = 0;
  long worse = 0, valid = 0;
  const long n_boot = static_cast<long>(o.n_boot);
#pragma omp parallel for schedule(dynamic) reduction(+ : worse, valid)
  for (long b = 0; b < n_boot; ++b) {
    try {
      Xoshiro256 rng(o.seed, static_cast<std::uint64_t>(b));
      std::vector<double> s(obs.size());
      for (auto& v : s) {
        if (below == 0 || rng.uniform() < p_tail) {
          v = sample_power_law(r.alpha, r.xmin, o.discrete, rng, o.xmax);
        } else {
          v = obs[std::min(below - 1, static_cast<std::size_t>(rng.uniform() * below))];
        }
      }
      std::sort(s.begin(), s.end());
      const auto f = fit_sorted(s, {}, ob);
      if (f.ok) {
        ++valid;
        worse += f.ks_distance >= r.ks_distance;
      }
    } catch (const std::exception&) {
      // A replicate that cannot be drawn or fitted does not count.
    }
  }
  if (valid > 0) {
    r.p_value = static_cast<double>(worse) / static_cast<double>(valid);
    r.n_boot = static_cast<std::size_t>(valid);
  }
}

}  // namespace

PowerLawFit fit_power_law(std::span<const double> x, const PowerLawOptions& o) {
  PowerLawFit r;
  r.discrete = o.discrete;
  r.xmax = o.xmax;
  r.n = x.size();
  r.reason = check_sample(x, o);
  if (!r.reason.empty()) return r;
  std::vector<double> obs(x.begin(), x.end()), cens(o.censored.begin(), o.censored.end());
  std::sort(obs.begin(), obs.end());
  std::sort(cens.begin(), cens.end());
  try {
    r = fit_sorted(obs, cens, o);
    if (r.ok && o.n_boot > 0 && cens.empty()) bootstrap(obs, o, r);
  } catch (const std::exception& e) {
    r = PowerLawFit{};
    r.discrete = o.discrete;
    r.xmax = o.xmax;
    r.n = x.size();
    r.reason = std::string("power-law fit failed: ") + e.what();
  }
  return r;
}

double sample_power_law(double alpha, double xmin, bool discrete, Xoshiro256& rng,
                        std::optional<double> xmax) {
  const double v = 1.0 - rng.uniform();  // (0, 1]
  if (!discrete) {
    // P(X > x) = (x / xmin)^(1 - alpha), conditioned on X <= xmax.
    const double s_max = xmax ? std::pow(*xmax / xmin, 1 - alpha) : 0.0;
    return xmin * std::pow(s_max + v * (1 - s_max), 1 / (1 - alpha));
  }
  // S(k) = P(X >= k) = zeta(alpha, k) / zeta(alpha, xmin); X = max{k : S(k) >= V}.
  const double z0 = hurwitz_zeta(alpha, xmin);
  auto S = [&](double k) { return k <= xmin ? 1.0 : hurwitz_zeta(alpha, k) / z0; };
  const double kmax = xmax ? std::floor(*xmax) : kInf;
  const double s_max = xmax ? S(kmax + 1) : 0.0;
  const double V = s_max + v * (1 - s_max);
  // Start from the tail's asymptotic form zeta(alpha, k) ~ (k - 1/2)^(1 - alpha) / (alpha - 1),
  // which is exact to O(k^-2) relative (normalised by the exact zeta(alpha, x_min), not by its
  // approximation, which is 15 % off at x_min = 1 and would put the start 10^11 steps away in a
  // heavy tail), then bracket and bisect on the integers: O(log) zeta evaluations per draw.
  double k = std::floor(0.5 + std::pow(V * z0 * (alpha - 1), -1 / (alpha - 1)));
  if (!(k < 1e15)) return std::min(k, kmax);  // beyond exact integers; the form is exact there
  k = std::min(std::max(k, xmin), kmax);
  double lo, hi;  // S(lo) >= V > S(hi); S(kmax + 1) = s_max < V needs no evaluation
  if (S(k) >= V) {
    lo = k;
    for (double step = 1;; step *= 2) {
      hi = std::min(lo + step, kmax + 1);
      if (hi > kmax || S(hi) < V) break;
      lo = hi;
    }
  } else {
    hi = k;
    for (double step = 1;; step *= 2) {
      lo = std::max(hi - step, xmin);
      if (lo <= xmin || S(lo) >= V) break;
      hi = lo;
    }
    if (S(lo) < V) return xmin;  // only reached at lo = x_min, where S = 1 >= V
  }
  while (hi - lo > 1) {
    const double mid = std::floor(0.5 * (lo + hi));
    (S(mid) >= V ? lo : hi) = mid;
  }
  k = lo;
  return k;
}

}  // namespace glassy::fit
