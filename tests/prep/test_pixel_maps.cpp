// The per-pixel maps of a correlation's set-up on a detector large enough for their threaded
// paths (78,000 pixels): the flat-field weights (prep/flatfield) against the definition
// evaluated pixel by pixel (block means, the least-squares polynomial, mean(fit) / fit), to the
// bit, and flat for a pattern that is itself a quadratic; the q map (detector/geometry) against
// the scattering angle from each pixel's position in the lab frame, tilted arm included; the
// partition (detector/partition) against binning each pixel by hand. One thread and two give the
// same bits everywhere.
#include "test_support.hpp"

#include <glassy/detector/geometry.hpp>
#include <glassy/detector/partition.hpp>
#include <glassy/prep/flatfield.hpp>

#include <gtest/gtest.h>
#include <Eigen/Dense>

#include <cmath>
#include <random>

namespace glassy {
namespace {

constexpr std::size_t kH = 300, kW = 260;

std::vector<std::uint8_t> some_mask() {
  std::vector<std::uint8_t> mask(kH * kW, 1);
  for (std::size_t c = 0; c < kW; ++c) mask[150 * kW + c] = 0;  // a module gap
  for (std::size_t r = 0; r < 20; ++r)
    for (std::size_t c = 0; c < 30; ++c) mask[r * kW + c] = 0;  // a beam stop's shadow
  return mask;
}

// The flat-field weights by the definition, one pixel at a time.
std::vector<double> flatfield_by_definition(const std::vector<double>& pattern,
                                            const std::vector<std::uint8_t>& mask, int degree,
                                            std::size_t block) {
  auto monomials = [&](double r, double c) {
    std::vector<double> m;
    for (int i = 0; i <= degree; ++i)
      for (int j = 0; j <= degree - i; ++j) m.push_back(std::pow(r, i) * std::pow(c, j));
    return m;
  };
  auto sr = [](double r) { return 2 * r / (kH - 1) - 1; };
  auto sc = [](double c) { return 2 * c / (kW - 1) - 1; };
  std::vector<std::vector<double>> rows;
  std::vector<double> values;
  for (std::size_t i = 0; i < (kH + block - 1) / block; ++i)
    for (std::size_t j = 0; j < (kW + block - 1) / block; ++j) {
      double sum = 0, rs = 0, cs = 0;
      std::size_t n = 0;
      for (std::size_t r = i * block; r < std::min(kH, (i + 1) * block); ++r)
        for (std::size_t c = j * block; c < std::min(kW, (j + 1) * block); ++c)
          if (mask[r * kW + c]) {
            sum += pattern[r * kW + c];
            rs += static_cast<double>(r);
            cs += static_cast<double>(c);
            ++n;
          }
      if (n == 0) continue;
      rows.push_back(monomials(sr(rs / n), sc(cs / n)));
      values.push_back(sum / n);
    }
  const auto terms = static_cast<Eigen::Index>(rows[0].size());
  Eigen::MatrixXd A(static_cast<Eigen::Index>(rows.size()), terms);
  Eigen::VectorXd b(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t k = 0; k < rows.size(); ++k) {
    for (Eigen::Index t = 0; t < terms; ++t)
      A(static_cast<Eigen::Index>(k), t) = rows[k][static_cast<std::size_t>(t)];
    b(static_cast<Eigen::Index>(k)) = values[k];
  }
  const Eigen::VectorXd coef = A.colPivHouseholderQr().solve(b);
  std::vector<double> fit(kH * kW);
  double mean = 0;
  std::size_t n = 0;
  for (std::size_t r = 0; r < kH; ++r)
    for (std::size_t c = 0; c < kW; ++c) {
      const auto m = monomials(sr(static_cast<double>(r)), sc(static_cast<double>(c)));
      double v = 0;
      for (Eigen::Index t = 0; t < terms; ++t) v += coef(t) * m[static_cast<std::size_t>(t)];
      fit[r * kW + c] = v;
      if (mask[r * kW + c]) mean += v, ++n;
    }
  mean /= static_cast<double>(n);
  std::vector<double> w(kH * kW, 1.0);
  for (std::size_t p = 0; p < w.size(); ++p)
    if (mask[p]) w[p] = fit[p] > 0.05 * mean ? mean / fit[p] : 1.0;
  return w;
}

TEST(PixelMaps, FlatfieldWeightsAreTheDefinitionToTheBit) {
  const auto mask = some_mask();
  std::mt19937_64 rng(5);
  std::poisson_distribution<int> photons(30);
  std::vector<double> pattern(kH * kW);
  for (std::size_t r = 0; r < kH; ++r)
    for (std::size_t c = 0; c < kW; ++c)
      pattern[r * kW + c] = (1.0 + 0.3 * r / kH - 0.2 * c / kW) * photons(rng) / 1000.0;
  for (int degree : {0, 1, 2, 3}) {
    FlatfieldOptions o;
    o.degree = degree;
    const auto [one, two] =
        test::on_one_and_two_threads([&] { return flatfield_weights(pattern, mask, kH, kW, o); });
    const auto want = flatfield_by_definition(pattern, mask, degree, o.block);
    for (std::size_t p = 0; p < want.size(); ++p) {
      ASSERT_EQ(one[p], want[p]) << "pixel " << p << ", degree " << degree;
      ASSERT_EQ(two[p], want[p]) << "pixel " << p << ", degree " << degree;
    }
  }
}

TEST(PixelMaps, FlatfieldFlattensAQuadraticPattern) {
  const auto mask = some_mask();
  std::vector<double> pattern(kH * kW);
  for (std::size_t r = 0; r < kH; ++r)
    for (std::size_t c = 0; c < kW; ++c) {
      const double x = 2.0 * r / (kH - 1) - 1, y = 2.0 * c / (kW - 1) - 1;
      pattern[r * kW + c] = 2 + 0.5 * x - 0.3 * y + 0.2 * x * x + 0.1 * x * y;
    }
  const auto w = flatfield_weights(pattern, mask, kH, kW);
  double level = 0;
  for (std::size_t p = 0; p < w.size(); ++p)
    if (mask[p]) {
      if (level == 0) level = w[p] * pattern[p];
      // Block means of a quadratic sit at the block's centroid up to its curvature: ~1e-4.
      EXPECT_NEAR(w[p] * pattern[p], level, 1e-3 * level) << p;
    }
}

TEST(PixelMaps, QMapIsTheScatteringAngleOfEachPixel) {
  for (double tilt : {0.0, 30.0}) {
    Geometry g;
    g.energy_kev = 8.0;
    g.distance = 2.0;
    g.pixel_x = g.pixel_y = 75e-6;
    g.center_x = 100.5;
    g.center_y = tilt == 0 ? 140.25 : -3000;
    g.tilt_deg = tilt;
    const auto [one, two] = test::on_one_and_two_threads([&] { return compute_qmap(g, kH, kW); });
    const double k = 2 * M_PI / g.wavelength(), t = tilt * M_PI / 180;
    // The plane's point at (row, column): from where the beam crosses it, along the row axis
    // (0, -cos t, sin t) and the column axis (1, 0, 0); the beam crosses at L / cos t along z.
    for (std::size_t r = 0; r < kH; r += 7)
      for (std::size_t c = 0; c < kW; c += 5) {
        const double u = (static_cast<double>(c) - g.center_x) * g.pixel_x;
        const double v = (static_cast<double>(r) - g.center_y) * g.pixel_y;
        const double x = u, y = -v * std::cos(t), z = g.distance / std::cos(t) + v * std::sin(t);
        const double two_theta = std::atan2(std::sqrt(x * x + y * y), z);
        const std::size_t p = r * kW + c;
        EXPECT_NEAR(one.q[p], 2 * k * std::sin(two_theta / 2), 1e-12) << r << "," << c;
        EXPECT_NEAR(one.two_theta[p], two_theta * 180 / M_PI, 1e-9) << r << "," << c;
        EXPECT_NEAR(one.phi[p], std::atan2(-y, x) * 180 / M_PI, 1e-9) << r << "," << c;
      }
    EXPECT_TRUE(one.q == two.q && one.phi == two.phi && one.two_theta == two.two_theta);
  }
}

TEST(PixelMaps, PartitionBinsEachPixelByHand) {
  Geometry g;
  g.energy_kev = 8.0;
  g.distance = 2.0;
  g.pixel_x = g.pixel_y = 75e-6;
  g.center_x = 130;
  g.center_y = 150;
  const auto q = compute_qmap(g, kH, kW);
  const auto mask = some_mask();
  PartitionSpec spec;
  spec.dynamic_q = 4;
  spec.static_q = 12;
  spec.dynamic_phi = 2;
  spec.static_phi = 4;
  const auto [one, two] =
      test::on_one_and_two_threads([&] { return make_partition(q, mask, spec); });
  double lo = 1e300, hi = -1e300;
  for (std::size_t p = 0; p < mask.size(); ++p)
    if (mask[p]) lo = std::min(lo, q.q[p]), hi = std::max(hi, q.q[p]);
  hi = std::nextafter(hi, 1e300);
  for (std::size_t p = 0; p < mask.size(); ++p) {
    int want_static = 0, want_dynamic = 0;
    if (mask[p] && q.phi[p] < 180) {  // phi = 180 lies outside [-180, 180): unbinned
      const int sq = std::min(11, static_cast<int>((q.q[p] - lo) / (hi - lo) * 12));
      const int sp = std::min(3, static_cast<int>((q.phi[p] + 180) / 360 * 4));
      want_static = sq * 4 + sp + 1;
      want_dynamic = sq / 3 * 2 + sp / 2 + 1;
    }
    ASSERT_EQ(one.static_map[p], want_static) << p;
    ASSERT_EQ(one.dynamic_map[p], want_dynamic) << p;
  }
  EXPECT_TRUE(one.static_map == two.static_map && one.dynamic_map == two.dynamic_map);
}

}  // namespace
}  // namespace glassy
