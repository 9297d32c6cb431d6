// fit/tail_likelihood (internal to fit/power_law*): the tail of a sample above x_min inside an
// observation window, and log-likelihoods, KS distances and optimisers of distributions on it.
#pragma once

#include <cmath>
#include <functional>
#include <limits>
#include <span>
#include <vector>

namespace glassy::fit::detail {

constexpr double kInf = std::numeric_limits<double>::infinity();

// log(1 - e^a) for a <= 0, accurate at both ends.
inline double log1m_exp(double a) {
  if (a == -kInf) return 0.0;
  return a > -0.6931471805599453 ? std::log(-std::expm1(a)) : std::log1p(-std::exp(a));
}

// Observations in [x_min, x_max] and censored values in [x_min, x_max), both sorted ascending.
struct Tail {
  std::span<const double> obs, cens;
  double xmin = 0, xmax = kInf;
  bool discrete = false;
};

// A distribution on [x_min, inf), normalised there: log density (pmf when discrete) and
// log P(X > x) (for discrete data P(X >= floor(x) + 1)).
struct TailDistribution {
  std::function<double(double)> log_pdf;
  std::function<double(double)> log_gt;
};

// The candidate laws on [x_min, inf), continuous or on the integers:
//   power law   p(x) ~ x^-alpha (discrete: x^-alpha / zeta(alpha, x_min)), alpha > 1;
//   exponential p(x) ~ exp(-lambda x);
//   log-normal  ln x ~ N(mu, sigma^2) (discrete: the mass of [x - 1/2, x + 1/2]).
TailDistribution power_law_distribution(double alpha, double xmin, bool discrete);
TailDistribution exponential_distribution(double lambda, double xmin, bool discrete);
TailDistribution lognormal_distribution(double mu, double sigma, double xmin, bool discrete);

// Pointwise log-likelihoods conditional on the window [x_min, x_max]: one per observation
// (log p(x) - log P(window)), then one per censored value (log P(c < X <= x_max) - log P(window)).
std::vector<double> pointwise_log_likelihood(const TailDistribution& d, const Tail& tail);
double log_likelihood(const TailDistribution& d, const Tail& tail);

// Kolmogorov-Smirnov distance between the tail's Kaplan-Meier CDF (the empirical CDF when nothing
// is censored) and the distribution's CDF conditional on the window, over the observed values.
double ks_distance(const TailDistribution& d, const Tail& tail);

// Minimum of f on [a, b] (Brent); returns the argument.
double minimize_1d(const std::function<double(double)>& f, double a, double b);

// Nelder-Mead minimum of f from x0 with initial steps `step`; returns the argument.
std::vector<double> minimize_nm(const std::function<double(const std::vector<double>&)>& f,
                                std::vector<double> x0, const std::vector<double>& step,
                                int max_iterations = 600);

}  // namespace glassy::fit::detail
