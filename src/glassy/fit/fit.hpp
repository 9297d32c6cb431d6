// fit: nonlinear least squares (Ceres Solver) of relaxation curves and aging laws with bounds,
// fixed parameters, weights 1/sigma, parameter covariance and standard errors, reduced chi^2 and
// information criteria (AIC, AICc, BIC), starting values found from the data alone, and the
// derived mean relaxation time <t>. Heavy-tailed distributions (power-law MLE) live in
// <glassy/fit/power_law.hpp>.
//
// A fit never throws on bad data and never returns NaN: too few points, non-finite data, flat
// data, a solver failure, a singular covariance or a parameter ending on a bound give ok = false
// with a one-line reason, and every number in the result is then finite (0 where unknown).
// Programming errors (unknown parameter names in options, sigma of the wrong size, a free form
// for a model without one) throw glassy::Error.
#pragma once

#include <glassy/fit/models.hpp>

#include <Eigen/Core>

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace glassy::fit {

struct FitOptions {
  // One standard error per point (weights 1/sigma, errors from the covariance as they are).
  // Empty: unweighted, and the covariance is scaled by the reduced chi^2 (the residual variance).
  std::vector<double> sigma;
  // Parameters held at the given value (names as parameter_names gives them).
  std::map<std::string, double> fixed;
  // Bounds [lower, upper] per parameter (either may be +-infinity); they replace the defaults:
  // tau in [1e-3 t_min, 1e3 t_max], beta in [0.05, 5] (KWW) or [0.05, 2] (Mittag-Leffler),
  // contrast >= 0; the others are unbounded. A free parameter that ends on a bound fails the fit.
  std::map<std::string, std::pair<double, double>> bounds;
  // Relaxation models: fit g2 = baseline + contrast * R(t) instead of R(t).
  bool free_contrast_baseline = false;
};

struct FitResult {
  bool ok = false;
  std::string reason;   // why ok is false; empty when ok
  std::string model;    // model_name()
  std::string formula;  // the fitted formula, e.g. "R = E_beta(-(t/tau)^beta)^2"
  bool free_contrast_baseline = false;
  std::vector<std::string> names;    // parameter_names(model, free_contrast_baseline)
  std::vector<double> value, error;  // per name; error 0 for fixed parameters
  std::vector<bool> fixed;           // per name
  Eigen::MatrixXd covariance;        // all parameters (rows/columns of fixed ones are 0)
  // chi2 = sum ((y - model) / sigma)^2, or the residual sum of squares when unweighted.
  double chi2 = 0, chi2_red = 0;
  // Gaussian likelihood, constants common to all models on the same data dropped:
  // weighted AIC = chi2 + 2k; unweighted AIC = n ln(chi2 / n) + 2k; AICc = AIC + 2k(k+1)/(n-k-1);
  // BIC = AIC - 2k + k ln n. k = n_free.
  double aic = 0, aicc = 0, bic = 0;
  std::size_t n_points = 0, n_free = 0;
  std::vector<double> residual;        // data - model, per point (empty when the fit never ran)
  bool errors_scaled_by_chi2 = false;  // true when sigma was empty
  // <t> = (tau / beta) Gamma(1 / beta) for KWW, tau for exp, with its propagated error. Absent for
  // Mittag-Leffler (beta < 1: the first moment diverges) and for power / tas.
  std::optional<double> mean_time, mean_time_error;
  // Mittag-Leffler only: R ~ t^-tail_exponent for t >> tau (2 beta squared, beta unsquared).
  std::optional<double> tail_exponent, tail_exponent_error;
  int iterations = 0;  // solver iterations of the kept start

  // Value / standard error of the named parameter; an unknown name throws glassy::Error.
  double param(const std::string& name) const;
  double error_of(const std::string& name) const;
};

// Fits the model to (t, y). t: lag times in s (> 0) for the relaxation and power models, ages for
// tas. y: R (or g2 in the free form), y of the power law, or tau for tas (> 0 for power and tas).
FitResult fit(Model model, std::span<const double> t, std::span<const double> y,
              const FitOptions& options = {});

// The fitted curve at t (the model with the result's parameter values).
double evaluate(Model model, const FitResult& result, double t);

// <t> = (tau / beta) Gamma(1 / beta) and its gradient (d/dtau, d/dbeta).
double kww_mean_time(double tau, double beta, double* d_tau = nullptr, double* d_beta = nullptr);

}  // namespace glassy::fit
