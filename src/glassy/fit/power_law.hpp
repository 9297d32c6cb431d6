// fit/power_law: heavy-tailed distributions, e.g. the MD waiting times p(t) ~ (tau/t)^(1+beta')
// (paper: 1 + beta' = 1.45), following Clauset, Shalizi & Newman, SIAM Review 51, 661 (2009):
//   - maximum-likelihood exponent alpha of p(x) ~ x^-alpha for x >= x_min: continuous
//     (alpha = 1 + n / sum ln(x / x_min), standard error (alpha - 1) / sqrt(n)) or discrete
//     (p(x) = x^-alpha / zeta(alpha, x_min), maximised numerically, error from the observed Fisher
//     information);
//   - x_min chosen by minimising the Kolmogorov-Smirnov distance between data and fit;
//   - goodness of fit: the semi-parametric bootstrap p value (seeded, n_boot replicates);
//   - the observation window: a right-truncated law on [x_min, x_max] (likelihood normalised over
//     the window) and right-censored values (known only to exceed c, e.g. atoms still waiting at
//     the end of a run) that contribute log P(X > c);
//   - Vuong's likelihood-ratio test against exponential and log-normal alternatives.
// Exponents are restricted to 1 < alpha <= 20 (normalisable without a window).
//
// Do not fit a straight line to a log-binned histogram instead: least squares on log counts
// weights the sparse tail bins wrongly and is biased (a true alpha = 2.5 typically comes out near
// 2.3-2.4), and its error bars mean nothing. The estimators here are consistent and come with
// standard errors.
#pragma once

#include <glassy/core/random.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace glassy::fit {

struct PowerLawOptions {
  bool discrete = false;             // integer data (x >= 1); else continuous (x > 0)
  std::optional<double> xmin;        // fixed x_min; empty: the KS-minimising one
  std::optional<double> xmax;        // right truncation: the law lives on [x_min, x_max]
  std::vector<double> censored;      // right-censored values: each true value exceeds its entry
  std::size_t min_tail = 10;         // fewest observations >= a candidate x_min
  std::size_t max_candidates = 100;  // x_min candidates tried (spread over the distinct values)
  std::size_t n_boot = 200;          // bootstrap replicates for the p value; 0: none
  std::uint64_t seed = 1;            // bootstrap seed (same seed, same p value)
};

struct PowerLawFit {
  bool ok = false;
  std::string reason;  // why ok is false; empty when ok
  bool discrete = false;
  double alpha = 0, alpha_error = 0;
  double xmin = 0;
  std::optional<double> xmax;
  std::size_t n = 0;           // observations in the sample (censored ones not counted)
  std::size_t n_tail = 0;      // observations in [x_min, x_max]
  std::size_t n_censored = 0;  // censored values >= x_min used (those below x_min are dropped)
  double log_likelihood = 0;   // of the tail and the censored values at alpha
  double ks_distance = 0;      // sup |F_data - F_fit| on the tail (Kaplan-Meier with censoring)
  // Bootstrap p value: the fraction of synthetic power-law samples fitting worse (larger KS
  // distance) than the data; p < 0.1 rules the power law out. Absent when n_boot = 0 or when there
  // are censored values (their censoring mechanism cannot be resampled).
  std::optional<double> p_value;
  std::size_t n_boot = 0;  // replicates that went into p_value
};

// Fits a power law to the positive values x (integers when discrete). Never throws on data:
// problems (too few values, non-positive or non-finite values, values beyond x_max) give ok =
// false with a reason; every number is then finite.
PowerLawFit fit_power_law(std::span<const double> x, const PowerLawOptions& options = {});

enum class Alternative { Exponential, LogNormal };

struct LikelihoodRatio {
  bool ok = false;
  std::string reason;
  Alternative alternative = Alternative::Exponential;
  // The alternative fitted to the same tail (same x_min, window and censored values):
  // exponential {lambda}, p(x) ~ exp(-lambda x); log-normal {mu, sigma} of ln x.
  std::vector<double> parameters;
  double log_ratio =
      0;  // R = sum_i (ln p_powerlaw(x_i) - ln p_alt(x_i)); > 0 favours the power law
  double normalized = 0;  // R / (s sqrt(n)), s the standard deviation of the pointwise terms
  double p_value = 1;     // erfc(|R| / (s sqrt(2n))): small means the sign of R is significant
};

// Vuong's test of the fitted power law against an alternative on the fit's tail. x and censored
// must be the data the fit saw (and `censored` the options' censored values).
LikelihoodRatio compare_power_law(std::span<const double> x, const PowerLawFit& fit,
                                  Alternative alternative, std::span<const double> censored = {});

// One draw from the power law on [x_min, x_max] (x_max empty: no truncation); discrete draws are
// exact (inverse CDF with the Hurwitz zeta).
double sample_power_law(double alpha, double xmin, bool discrete, Xoshiro256& rng,
                        std::optional<double> xmax = {});

}  // namespace glassy::fit
