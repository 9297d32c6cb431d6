#include <glassy/core/error.hpp>
#include <glassy/special/mittag_leffler.hpp>
#include <glassy/synth/relaxation.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

namespace glassy::synth {

double target_isf(Dynamics dynamics, double beta, double x) {
  if (x <= 0) return 1.0;
  if (dynamics == Dynamics::Kww) return std::exp(-std::pow(x, beta));
  return mittag_leffler(beta, 1.0, -std::pow(x, beta));
}

double PronySeries::eval(double x) const {
  double f = 0;
  for (std::size_t k = 0; k < rate.size(); ++k) f += weight[k] * std::exp(-rate[k] * x);
  return f;
}

std::vector<double> nnls(const std::vector<double>& a, std::size_t rows, std::size_t cols,
                         const std::vector<double>& b_in) {
  using Eigen::MatrixXd;
  using Eigen::VectorXd;
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> A(
      a.data(), static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  const Eigen::Map<const VectorXd> b(b_in.data(), static_cast<Eigen::Index>(rows));
  const Eigen::Index n = static_cast<Eigen::Index>(cols);
  VectorXd x = VectorXd::Zero(n);
  std::vector<bool> passive(cols, false);
  const double tol = 1e-12 * A.norm() * std::max(1.0, b.norm());

  // Least squares restricted to the passive set; other entries zero.
  auto solve_passive = [&]() {
    std::vector<Eigen::Index> idx;
    for (Eigen::Index j = 0; j < n; ++j)
      if (passive[static_cast<std::size_t>(j)]) idx.push_back(j);
    MatrixXd Ap(A.rows(), static_cast<Eigen::Index>(idx.size()));
    for (std::size_t c = 0; c < idx.size(); ++c)
      Ap.col(static_cast<Eigen::Index>(c)) = A.col(idx[c]);
    const VectorXd zp = Ap.colPivHouseholderQr().solve(b);
    VectorXd z = VectorXd::Zero(n);
    for (std::size_t c = 0; c < idx.size(); ++c) z(idx[c]) = zp(static_cast<Eigen::Index>(c));
    return z;
  };

  for (int outer = 0; outer < 3 * static_cast<int>(cols) + 10; ++outer) {
    const VectorXd w = A.transpose() * (b - A * x);
    Eigen::Index best = -1;
    double best_w = tol;
    for (Eigen::Index j = 0; j < n; ++j)
      if (!passive[static_cast<std::size_t>(j)] && w(j) > best_w) best_w = w(j), best = j;
    if (best < 0) break;
    passive[static_cast<std::size_t>(best)] = true;
    for (int inner = 0; inner < 3 * static_cast<int>(cols) + 10; ++inner) {
      const VectorXd z = solve_passive();
      bool feasible = true;
      for (Eigen::Index j = 0; j < n; ++j)
        if (passive[static_cast<std::size_t>(j)] && z(j) <= 0) feasible = false;
      if (feasible) {
        x = z;
        break;
      }
      // Step from x toward z until the first passive variable reaches zero.
      double alpha = 1.0;
      for (Eigen::Index j = 0; j < n; ++j)
        if (passive[static_cast<std::size_t>(j)] && z(j) <= 0)
          alpha = std::min(alpha, x(j) / (x(j) - z(j)));
      x += alpha * (z - x);
      for (Eigen::Index j = 0; j < n; ++j)
        if (passive[static_cast<std::size_t>(j)] && x(j) <= 1e-15)
          passive[static_cast<std::size_t>(j)] = false, x(j) = 0;
    }
  }
  return std::vector<double>(x.data(), x.data() + n);
}

PronySeries fit_prony(Dynamics dynamics, double beta, double x_min, double x_max, int per_decade) {
  require(x_min > 0 && x_max > x_min, "relaxation fit needs 0 < x_min < x_max");
  // Rates cover the lags with a decade of margin on each side.
  const double r_lo = 0.1 / x_max, r_hi = 10.0 / x_min;
  const int n_rates = static_cast<int>(std::ceil(std::log10(r_hi / r_lo) * per_decade)) + 1;
  std::vector<double> rates(static_cast<std::size_t>(n_rates));
  for (int k = 0; k < n_rates; ++k)
    rates[static_cast<std::size_t>(k)] = r_lo * std::pow(10.0, static_cast<double>(k) / per_decade);
  // Lags: 20 per decade over [x_min, x_max].
  const int n_lags = static_cast<int>(std::ceil(std::log10(x_max / x_min) * 20)) + 1;
  std::vector<double> lags(static_cast<std::size_t>(n_lags)), target(lags.size());
  for (int i = 0; i < n_lags; ++i) {
    lags[static_cast<std::size_t>(i)] =
        x_min * std::pow(x_max / x_min, static_cast<double>(i) / (n_lags - 1));
    target[static_cast<std::size_t>(i)] =
        target_isf(dynamics, beta, lags[static_cast<std::size_t>(i)]);
  }
  // Relative weighting (floored) so the power-law tail counts; a heavy row pins F(0) = 1.
  const std::size_t rows = lags.size() + 1, cols = rates.size();
  std::vector<double> A(rows * cols), b(rows);
  for (std::size_t i = 0; i < lags.size(); ++i) {
    const double w = 1.0 / (target[i] + 1e-3);
    for (std::size_t k = 0; k < cols; ++k) A[i * cols + k] = w * std::exp(-rates[k] * lags[i]);
    b[i] = w * target[i];
  }
  for (std::size_t k = 0; k < cols; ++k) A[lags.size() * cols + k] = 100.0;
  b[lags.size()] = 100.0;
  const auto weights = nnls(A, rows, cols, b);

  PronySeries series;
  double total = 0;
  for (std::size_t k = 0; k < cols; ++k) {
    if (weights[k] <= 0) continue;
    series.rate.push_back(rates[k]);
    series.weight.push_back(weights[k]);
    total += weights[k];
  }
  require(total > 0, "relaxation fit failed: no positive weights");
  for (auto& w : series.weight) w /= total;
  for (std::size_t i = 0; i < lags.size(); ++i)
    series.max_abs_error =
        std::max(series.max_abs_error, std::abs(series.eval(lags[i]) - target[i]));
  return series;
}

}  // namespace glassy::synth
