// Vuong's likelihood-ratio test of a fitted power law against exponential and log-normal tails
// (Clauset et al. 2009, section 5), with the fit's window and censored values.
#include <glassy/fit/power_law.hpp>

#include <glassy/fit/tail_likelihood.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace glassy::fit {
namespace {

using detail::kInf;
using detail::Tail;

// The alternative's maximum-likelihood parameters on the tail.
std::vector<double> fit_alternative(Alternative alt, const Tail& t) {
  if (alt == Alternative::Exponential) {
    double excess = 0;
    for (double x : t.obs) excess += (x - t.xmin) / t.obs.size();
    const double u0 =
        -std::log(std::max(excess, 1e-300 + 1e-12 * t.xmin) + (t.discrete ? 0.5 : 0.0));
    auto f = [&](double u) {
      return -detail::log_likelihood(
          detail::exponential_distribution(std::exp(u), t.xmin, t.discrete), t);
    };
    return {std::exp(detail::minimize_1d(f, u0 - 12, u0 + 12))};
  }
  double m = 0, v = 0;
  for (double x : t.obs) m += std::log(x) / t.obs.size();
  for (double x : t.obs) v += std::pow(std::log(x) - m, 2) / t.obs.size();
  const double s0 = std::max(std::sqrt(v), 0.1);
  auto f = [&](const std::vector<double>& p) {
    const double sigma = std::exp(p[1]);
    return -detail::log_likelihood(detail::lognormal_distribution(p[0], sigma, t.xmin, t.discrete),
                                   t);
  };
  const auto p = detail::minimize_nm(f, {m, std::log(s0)}, {0.5 * s0, 0.3});
  return {p[0], std::exp(p[1])};
}

}  // namespace

LikelihoodRatio compare_power_law(std::span<const double> x, const PowerLawFit& fit,
                                  Alternative alternative, std::span<const double> censored) {
  LikelihoodRatio r;
  r.alternative = alternative;
  if (!fit.ok) {
    r.reason = "the power-law fit failed: " + fit.reason;
    return r;
  }
  const double xmax = fit.xmax ? *fit.xmax : kInf;
  std::vector<double> obs, cens;
  for (double v : x) {
    if (v >= fit.xmin && v <= xmax) obs.push_back(v);
  }
  for (double c : censored) {
    if (c >= fit.xmin && c < xmax) cens.push_back(c);
  }
  std::sort(obs.begin(), obs.end());
  std::sort(cens.begin(), cens.end());
  if (obs.size() < 2) {
    r.reason = "fewer than two values in the tail";
    return r;
  }
  const Tail t{obs, cens, fit.xmin, xmax, fit.discrete};
  try {
    r.parameters = fit_alternative(alternative, t);
    const auto alt =
        alternative == Alternative::Exponential
            ? detail::exponential_distribution(r.parameters[0], t.xmin, t.discrete)
            : detail::lognormal_distribution(r.parameters[0], r.parameters[1], t.xmin, t.discrete);
    const auto lp = detail::pointwise_log_likelihood(
        detail::power_law_distribution(fit.alpha, fit.xmin, fit.discrete), t);
    const auto la = detail::pointwise_log_likelihood(alt, t);
    const double n = static_cast<double>(lp.size());
    std::vector<double> l(lp.size());
    for (std::size_t i = 0; i < l.size(); ++i) l[i] = lp[i] - la[i];
    r.log_ratio = std::accumulate(l.begin(), l.end(), 0.0);
    const double mean = r.log_ratio / n;
    double var = 0;
    for (double v : l) var += (v - mean) * (v - mean) / n;
    const double s = std::sqrt(var);
    if (!std::isfinite(r.log_ratio) || !std::isfinite(s)) {
      r.reason = "the alternative's likelihood is not finite on the tail";
      r.log_ratio = 0;
      return r;
    }
    r.normalized = s > 0 ? r.log_ratio / (s * std::sqrt(n)) : 0.0;
    r.p_value = s > 0 ? std::erfc(std::abs(r.log_ratio) / (s * std::sqrt(2 * n))) : 1.0;
    r.ok = true;
  } catch (const std::exception& e) {
    r = LikelihoodRatio{};
    r.alternative = alternative;
    r.reason = std::string("likelihood-ratio test failed: ") + e.what();
  }
  return r;
}

}  // namespace glassy::fit
