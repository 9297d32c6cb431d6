// fit(): bounded nonlinear least squares (fit/solver: Levenberg-Marquardt on Ceres) from a few
// data-driven starts, then covariance, information criteria and derived quantities.
#include <glassy/fit/fit.hpp>

#include <glassy/core/error.hpp>
#include <glassy/fit/solver.hpp>
#include <glassy/fit/start.hpp>

#include <fmt/format.h>

#include <Eigen/SVD>
#include <boost/math/special_functions/digamma.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace glassy::fit {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Starts are solved best first until one converges inside the bounds (the grid of starts guards
// against a local minimum or a bound reached from a poor start); at most this many.
constexpr std::size_t kMaxStarts = 3;
// Smallest singular value, relative to the largest, of the column-scaled Jacobian for which the
// parameters count as determined (below it the covariance is numerically meaningless).
constexpr double kMinSingularRatio = 1e-8;

// The first free parameter that sits on one of its bounds, or -1.
int on_bound(const std::vector<double>& p, const std::vector<bool>& fixed,
             const std::vector<double>& lo, const std::vector<double>& hi) {
  for (std::size_t q = 0; q < p.size(); ++q) {
    for (const double b : {lo[q], hi[q]}) {
      if (!fixed[q] && std::isfinite(b) &&
          std::abs(p[q] - b) <= 1e-9 * std::max(std::abs(b), std::abs(p[q]))) {
        return static_cast<int>(q);
      }
    }
  }
  return -1;
}

std::size_t index_of(const std::vector<std::string>& names, const std::string& name,
                     const char* what) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw Error(
        fmt::format("{} names unknown parameter '{}': this model has {}", what, name, list));
  }
  return static_cast<std::size_t>(it - names.begin());
}

// Default bounds: tau within three decades of the sampled lags, beta where the functions are
// meaningful (and, for Mittag-Leffler, where mittag_leffler() is defined), contrast >= 0.
void default_bounds(Model model, const std::vector<std::string>& names, std::span<const double> t,
                    std::vector<double>& lo, std::vector<double>& hi) {
  lo.assign(names.size(), -kInf);
  hi.assign(names.size(), kInf);
  if (!is_relaxation(model)) return;
  const auto [tmin, tmax] = std::minmax_element(t.begin(), t.end());
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (names[k] == "tau") lo[k] = 1e-3 * *tmin, hi[k] = 1e3 * *tmax;
    if (names[k] == "beta") {
      lo[k] = 0.05;
      hi[k] = model == Model::Kww ? 5.0 : 2.0;
    }
    if (names[k] == "contrast") lo[k] = 0.0;
  }
}

// A one-line reason when the data cannot be fitted, else empty.
std::string check_data(Model model, std::span<const double> t, std::span<const double> y,
                       std::span<const double> sigma, std::size_t n_free) {
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(t[i]) || !std::isfinite(y[i])) {
      return fmt::format("non-finite data at point {} (t = {}, y = {})", i + 1, t[i], y[i]);
    }
    if (!sigma.empty() && !(std::isfinite(sigma[i]) && sigma[i] > 0)) {
      return fmt::format("sigma at point {} is {}; errors must be positive and finite", i + 1,
                         sigma[i]);
    }
    if (model != Model::TimeAgingSuperposition && !(t[i] > 0)) {
      return fmt::format("lag times must be positive (point {} has t = {})", i + 1, t[i]);
    }
    if ((model == Model::PowerLaw || model == Model::TimeAgingSuperposition) && !(y[i] > 0)) {
      return fmt::format("model {} needs y > 0 (point {} has y = {})", model_name(model), i + 1,
                         y[i]);
    }
  }
  if (n < n_free + 2) {
    return fmt::format("too few points: {} for {} free parameters (need at least {})", n, n_free,
                       n_free + 2);
  }
  const auto [lo, hi] = std::minmax_element(y.begin(), y.end());
  if (!(*hi - *lo > 1e-12 * std::max(std::abs(*hi), std::abs(*lo)))) {
    return "the data are flat (all y equal): there is nothing to fit";
  }
  return "";
}

void finish_derived(Model model, FitResult& r) {
  const auto k_tau = std::find(r.names.begin(), r.names.end(), "tau") - r.names.begin();
  const auto k_beta = std::find(r.names.begin(), r.names.end(), "beta") - r.names.begin();
  if (model == Model::Exponential) {
    r.mean_time = r.value[k_tau];
    r.mean_time_error = r.error[k_tau];
  } else if (model == Model::Kww) {
    double dt = 0, db = 0;
    const double m = kww_mean_time(r.value[k_tau], r.value[k_beta], &dt, &db);
    const auto& C = r.covariance;
    const double var =
        dt * dt * C(k_tau, k_tau) + 2 * dt * db * C(k_tau, k_beta) + db * db * C(k_beta, k_beta);
    if (std::isfinite(m) && std::isfinite(var)) {
      r.mean_time = m;
      r.mean_time_error = std::sqrt(std::max(var, 0.0));
    }
  } else if (model == Model::MittagLeffler || model == Model::MittagLefflerUnsquared) {
    // For beta < 1, E_beta(-x) ~ x^-1 / Gamma(1 - beta) at large x: a power-law tail t^-beta in F.
    if (r.value[k_beta] < 1) {
      const double f = model == Model::MittagLeffler ? 2.0 : 1.0;
      r.tail_exponent = f * r.value[k_beta];
      r.tail_exponent_error = f * r.error[k_beta];
    }
  }
}

}  // namespace

double kww_mean_time(double tau, double beta, double* d_tau, double* d_beta) {
  const double g = std::tgamma(1 / beta) / beta;
  if (d_tau != nullptr) *d_tau = g;
  if (d_beta != nullptr) *d_beta = -tau * g / beta * (1 + boost::math::digamma(1 / beta) / beta);
  return tau * g;
}

double FitResult::param(const std::string& name) const {
  return value.at(index_of(names, name, "param()"));
}

double FitResult::error_of(const std::string& name) const {
  return error.at(index_of(names, name, "error_of()"));
}

double evaluate(Model model, const FitResult& result, double t) {
  require(result.value.size() == result.names.size() && !result.value.empty() &&
              result.model == model_name(model),
          "evaluate: the fit result does not belong to model " + model_name(model));
  double x[1] = {t}, y[1] = {0};
  model_values(model, result.free_contrast_baseline, result.value, x, y);
  return y[0];
}

FitResult fit(Model model, std::span<const double> t, std::span<const double> y,
              const FitOptions& o) {
  FitResult r;
  r.model = model_name(model);
  r.free_contrast_baseline = o.free_contrast_baseline;
  r.names = parameter_names(model, o.free_contrast_baseline);
  r.formula = formula(model, o.free_contrast_baseline);
  const std::size_t np = r.names.size(), n = t.size();
  require(y.size() == n, fmt::format("fit: {} times but {} values", n, y.size()));
  require(o.sigma.empty() || o.sigma.size() == n,
          fmt::format("fit: {} errors (sigma) for {} points", o.sigma.size(), n));
  r.value.assign(np, 0.0);
  r.error.assign(np, 0.0);
  r.fixed.assign(np, false);
  r.covariance = Eigen::MatrixXd::Zero(np, np);
  r.n_points = n;
  r.errors_scaled_by_chi2 = o.sigma.empty();
  for (const auto& [name, v] : o.fixed) {
    const auto k = index_of(r.names, name, "a fixed value");
    require(std::isfinite(v), "fixed value of " + name + " is not finite");
    r.fixed[k] = true;
    r.value[k] = v;
  }
  r.n_free = static_cast<std::size_t>(std::count(r.fixed.begin(), r.fixed.end(), false));

  r.reason = check_data(model, t, y, o.sigma, r.n_free);
  if (!r.reason.empty()) return r;

  std::vector<double> lo, hi;
  default_bounds(model, r.names, t, lo, hi);
  for (const auto& [name, b] : o.bounds) {
    const auto k = index_of(r.names, name, "a bound");
    require(b.first < b.second && !std::isnan(b.first) && !std::isnan(b.second),
            fmt::format("bounds of {} [{}, {}] are empty", name, b.first, b.second));
    lo[k] = b.first;
    hi[k] = b.second;
  }
  std::vector<double> w(n, 1.0);
  for (std::size_t i = 0; i < o.sigma.size(); ++i) w[i] = 1 / o.sigma[i];

  detail::StartProblem sp{model, o.free_contrast_baseline, t, y, w, r.fixed, r.value, lo, hi};
  const auto starts = detail::starting_points(sp, kMaxStarts);
  if (starts.empty()) {
    r.reason = "no usable starting point: the data do not look like " + r.formula;
    return r;
  }
  const detail::Residuals residuals{model, o.free_contrast_baseline, t, y, w, np};
  const detail::Bounds bounds{r.fixed, lo, hi};
  detail::Solution best;
  for (const auto& s0 : starts) {
    detail::Solution s =
        r.n_free == 0 ? detail::Solution{s0, 0, true, "", 0} : detail::solve(residuals, s0, bounds);
    if (best.p.empty() || (s.converged && !best.converged) ||
        (s.converged == best.converged && s.cost < best.cost)) {
      best = std::move(s);
    }
    if (best.converged && on_bound(best.p, r.fixed, lo, hi) < 0) break;
  }
  r.value = best.p;
  r.iterations = best.iterations;

  // Statistics at the solution, from the model and its Jacobian in the free parameters.
  std::vector<double> m(n), jac(n * np, 0.0);
  std::vector<bool> need(np);
  for (std::size_t k = 0; k < np; ++k) need[k] = !r.fixed[k];
  try {
    model_values(model, o.free_contrast_baseline, r.value, t, m, jac, need);
  } catch (const std::exception& e) {
    r.reason = std::string("the model cannot be evaluated at the solution: ") + e.what();
    return r;
  }
  r.residual.resize(n);
  double chi2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    r.residual[i] = y[i] - m[i];
    chi2 += std::pow(r.residual[i] * w[i], 2);
  }
  const double k = static_cast<double>(r.n_free), dn = static_cast<double>(n);
  if (!std::isfinite(chi2)) {
    r.residual.clear();
    r.reason = "the fitted curve is not finite at the data";
    return r;
  }
  r.chi2 = chi2;
  r.chi2_red = chi2 / (dn - k);
  const double fit_term = o.sigma.empty() ? dn * std::log(std::max(chi2 / dn, 1e-300)) : chi2;
  r.aic = fit_term + 2 * k;
  r.aicc = r.aic + 2 * k * (k + 1) / (dn - k - 1);
  r.bic = fit_term + k * std::log(dn);
  if (!best.converged) {
    r.reason = best.message;
    return r;
  }

  // Covariance (J^T W J)^-1 through the SVD of the column-scaled weighted Jacobian. The same
  // quantity ceres::Covariance gives, computed here because ceres::Covariance reports a singular
  // J^T J through glog on stderr, which would break the command line's one-line errors.
  std::vector<std::size_t> free_idx;
  for (std::size_t q = 0; q < np; ++q) {
    if (!r.fixed[q]) free_idx.push_back(q);
  }
  if (!free_idx.empty()) {
    Eigen::MatrixXd J(n, free_idx.size());
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t c = 0; c < free_idx.size(); ++c) J(i, c) = jac[i * np + free_idx[c]] * w[i];
    }
    Eigen::VectorXd scale = J.colwise().norm();
    if (!(scale.array() > 0).all() || !J.allFinite()) {
      r.reason = "a free parameter has no effect on the fitted curve: fix it or use more lags";
      return r;
    }
    J = J * scale.cwiseInverse().asDiagonal();
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(J, Eigen::ComputeThinV);
    const auto& sv = svd.singularValues();
    if (!(sv(sv.size() - 1) > kMinSingularRatio * sv(0))) {
      r.reason =
          "the parameters are not determined by the data (singular covariance): fix one or "
          "use more lags";
      return r;
    }
    const Eigen::MatrixXd V = svd.matrixV();
    Eigen::MatrixXd C = V * sv.array().square().inverse().matrix().asDiagonal() * V.transpose();
    C = scale.cwiseInverse().asDiagonal() * C * scale.cwiseInverse().asDiagonal();
    if (o.sigma.empty()) C *= r.chi2_red;
    for (std::size_t a = 0; a < free_idx.size(); ++a) {
      for (std::size_t b = 0; b < free_idx.size(); ++b)
        r.covariance(free_idx[a], free_idx[b]) = C(a, b);
    }
    for (auto q : free_idx) r.error[q] = std::sqrt(std::max(r.covariance(q, q), 0.0));
  }

  // A free parameter on a bound: the optimum is outside the box and the errors mean nothing.
  if (const int q = on_bound(r.value, r.fixed, lo, hi); q >= 0) {
    r.reason = fmt::format(
        "{} ended on its bound {:.6g}: the data do not determine it inside the "
        "bounds (change the bounds or fix it)",
        r.names[q], std::abs(r.value[q] - lo[q]) < std::abs(r.value[q] - hi[q]) ? lo[q] : hi[q]);
    return r;
  }
  finish_derived(model, r);
  r.ok = true;
  return r;
}

}  // namespace glassy::fit
