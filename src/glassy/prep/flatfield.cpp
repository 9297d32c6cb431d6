#include <glassy/core/error.hpp>
#include <glassy/prep/flatfield.hpp>

#include <Eigen/Dense>

#include <cmath>

namespace glassy {
namespace {

// Monomials r^i c^j with i + j <= degree, in coordinates scaled to [-1, 1].
std::vector<double> monomials(double r, double c, int degree) {
  std::vector<double> m;
  for (int i = 0; i <= degree; ++i)
    for (int j = 0; j <= degree - i; ++j) m.push_back(std::pow(r, i) * std::pow(c, j));
  return m;
}

}  // namespace

std::vector<double> flatfield_weights(const std::vector<double>& mean_pattern,
                                      const std::vector<std::uint8_t>& mask, std::size_t height,
                                      std::size_t width, const FlatfieldOptions& o) {
  require(mean_pattern.size() == height * width && mask.size() == height * width,
          "flatfield: shape mismatch");
  require(o.degree >= 0 && o.degree <= 6 && o.block >= 1, "flatfield: degree 0..6 and block >= 1");
  const std::size_t br = (height + o.block - 1) / o.block, bc = (width + o.block - 1) / o.block;
  std::vector<double> rows, values;
  std::vector<std::vector<double>> design;
  auto scale_r = [&](double r) { return height > 1 ? 2 * r / (height - 1) - 1 : 0.0; };
  auto scale_c = [&](double c) { return width > 1 ? 2 * c / (width - 1) - 1 : 0.0; };
  for (std::size_t i = 0; i < br; ++i)
    for (std::size_t j = 0; j < bc; ++j) {
      double sum = 0, rs = 0, cs = 0;
      std::size_t n = 0;
      for (std::size_t r = i * o.block; r < std::min(height, (i + 1) * o.block); ++r)
        for (std::size_t c = j * o.block; c < std::min(width, (j + 1) * o.block); ++c) {
          if (!mask[r * width + c]) continue;
          sum += mean_pattern[r * width + c];
          rs += static_cast<double>(r);
          cs += static_cast<double>(c);
          ++n;
        }
      if (n == 0) continue;
      design.push_back(monomials(scale_r(rs / n), scale_c(cs / n), o.degree));
      values.push_back(sum / n);
    }
  const std::size_t terms = monomials(0, 0, o.degree).size();
  std::vector<double> weights(height * width, 1.0);
  if (design.size() < terms) return weights;  // too few blocks to fit: no correction
  Eigen::MatrixXd A(static_cast<Eigen::Index>(design.size()), static_cast<Eigen::Index>(terms));
  Eigen::VectorXd b(static_cast<Eigen::Index>(design.size()));
  for (std::size_t k = 0; k < design.size(); ++k) {
    for (std::size_t t = 0; t < terms; ++t)
      A(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(t)) = design[k][t];
    b(static_cast<Eigen::Index>(k)) = values[k];
  }
  const Eigen::VectorXd coef = A.colPivHouseholderQr().solve(b);
  // The fit at every pixel: r^i and c^j come from tables (the same pow values as monomials()
  // gives), each pixel's terms summed in monomials()' order, rows on the threads. The mean over
  // the usable pixels is summed after, in pixel order: the same bits on any thread count. (One
  // vector of monomials per pixel took 0.74 s of a 4-megapixel run.)
  const auto degree = static_cast<std::size_t>(o.degree);
  std::vector<double> column_powers(width * (degree + 1));
  for (std::size_t c = 0; c < width; ++c)
    for (std::size_t j = 0; j <= degree; ++j)
      column_powers[c * (degree + 1) + j] =
          std::pow(scale_c(static_cast<double>(c)), static_cast<int>(j));
  std::vector<double> fit(height * width, 0.0);
#pragma omp parallel for schedule(static) if (fit.size() >= (std::size_t{1} << 16))
  for (std::size_t r = 0; r < height; ++r) {
    std::vector<double> row_powers(degree + 1);
    for (std::size_t i = 0; i <= degree; ++i)
      row_powers[i] = std::pow(scale_r(static_cast<double>(r)), static_cast<int>(i));
    for (std::size_t c = 0; c < width; ++c) {
      const double* cp = &column_powers[c * (degree + 1)];
      double v = 0;
      std::size_t t = 0;
      for (std::size_t i = 0; i <= degree; ++i)
        for (std::size_t j = 0; j <= degree - i; ++j, ++t)
          v += coef(static_cast<Eigen::Index>(t)) * (row_powers[i] * cp[j]);
      fit[r * width + c] = v;
    }
  }
  double fit_mean = 0;
  std::size_t n = 0;
  for (std::size_t p = 0; p < fit.size(); ++p)
    if (mask[p]) fit_mean += fit[p], ++n;
  fit_mean /= static_cast<double>(std::max<std::size_t>(n, 1));
  for (std::size_t p = 0; p < fit.size(); ++p)
    if (mask[p]) {
      // A fit that dips to zero or below (sparse data at the mask's edge) would blow up the
      // weight: such pixels keep weight 1.
      weights[p] = fit[p] > 0.05 * fit_mean ? fit_mean / fit[p] : 1.0;
    }
  return weights;
}

}  // namespace glassy
