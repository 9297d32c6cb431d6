// Hot pixels (prep/frame_stats: remove_hot_pixels) on a detector large enough to be tested on the
// threads, against a brute-force reading of the definition: each usable pixel's 5 x 5
// neighbourhood sorted in full, its median taken, the two thresholds applied. Planted hot pixels
// are found (corners and edges included), a bright honest region is kept, masked pixels are never
// counted, a pixel whose median is dim by one neighbour is found, and one thread and two give
// the same mask.
#include "test_support.hpp"

#include <glassy/prep/frame_stats.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace glassy {
namespace {

constexpr std::size_t kH = 300, kW = 260;  // 78,000 pixels: above the threaded path's threshold
constexpr std::size_t kMedianEdge = 40 * kW + 40;

std::vector<std::uint8_t> brute_force(const FrameStats& s, const std::vector<std::uint8_t>& mask,
                                      double k_sigma, double max_count, double ratio) {
  std::vector<std::uint8_t> out = mask;
  const double n = static_cast<double>(s.frames);
  for (std::size_t r = 0; r < kH; ++r)
    for (std::size_t c = 0; c < kW; ++c) {
      const std::size_t p = r * kW + c;
      if (!mask[p]) continue;
      if (s.pixel_max[p] > max_count) {
        out[p] = 0;
        continue;
      }
      std::vector<double> around;
      for (long rr = static_cast<long>(r) - 2; rr <= static_cast<long>(r) + 2; ++rr)
        for (long cc = static_cast<long>(c) - 2; cc <= static_cast<long>(c) + 2; ++cc) {
          if (rr < 0 || cc < 0 || rr >= static_cast<long>(kH) || cc >= static_cast<long>(kW))
            continue;
          const std::size_t q = static_cast<std::size_t>(rr) * kW + static_cast<std::size_t>(cc);
          if (q != p && mask[q]) around.push_back(s.pixel_mean[q]);
        }
      if (around.size() < 4) continue;
      std::sort(around.begin(), around.end());
      const double m = around[around.size() / 2];  // the upper median, as nth_element's middle
      const double sigma = std::sqrt(std::max(m, 1.0 / n) / n);
      const double v = s.pixel_mean[p];
      if (v > ratio * m && v > m + k_sigma * sigma) out[p] = 0;
    }
  return out;
}

struct Detector {
  FrameStats stats;
  std::vector<std::uint8_t> mask;
};

Detector planted() {
  Detector d;
  auto& s = d.stats;
  s.frames = 2000;
  s.pixels = kH * kW;
  s.pixel_mean.resize(s.pixels);
  s.pixel_max.resize(s.pixels);
  std::mt19937_64 rng(11);
  std::gamma_distribution<double> speckle(4.0, 0.01 / 4.0);  // ~0.01 photons per frame
  for (std::size_t p = 0; p < s.pixels; ++p) {
    s.pixel_mean[p] = speckle(rng);
    s.pixel_max[p] = 3;
  }
  // A bright honest region (a halo): 40 x 40 pixels at 50x the background, smoothly.
  for (std::size_t r = 100; r < 140; ++r)
    for (std::size_t c = 100; c < 140; ++c) s.pixel_mean[r * kW + c] *= 50;
  // Hot pixels: in the middle, at corners and edges, and one by its single-frame count.
  for (std::size_t p : {std::size_t{50 * kW + 60}, std::size_t{0}, kW - 1, (kH - 1) * kW,
                        kH * kW - 1, std::size_t{150 * kW}, std::size_t{7 * kW + 200}})
    s.pixel_mean[p] = 2.0;
  s.pixel_max[200 * kW + 30] = 5000;
  // The narrowest case: 13 of the 24 neighbours dim, 11 bright, so the median is just dim.
  std::size_t k = 0;
  for (std::size_t r = 38; r <= 42; ++r)
    for (std::size_t c = 38; c <= 42; ++c)
      if (r != 40 || c != 40) s.pixel_mean[r * kW + c] = k++ < 13 ? 0.001 : 1.0;
  s.pixel_mean[kMedianEdge] = 0.5;
  d.mask.assign(s.pixels, 1);
  for (std::size_t c = 0; c < kW; ++c) d.mask[250 * kW + c] = 0;  // a module gap
  d.mask[251 * kW + 10] = 0;
  return d;
}

TEST(HotPixels, MatchesTheDefinitionByBruteForce) {
  const auto d = planted();
  for (double k_sigma : {5.0, 8.0}) {
    std::size_t removed = 0;
    const auto got = remove_hot_pixels(d.stats, d.mask, kH, kW, k_sigma, 1000, &removed);
    const auto want = brute_force(d.stats, d.mask, k_sigma, 1000, 5.0);
    ASSERT_EQ(got.size(), want.size());
    const auto differ = std::mismatch(got.begin(), got.end(), want.begin()).first - got.begin();
    ASSERT_EQ(differ, static_cast<std::ptrdiff_t>(got.size()))
        << "first differing pixel " << differ << " (row " << differ / static_cast<long>(kW)
        << "), k_sigma " << k_sigma;
    std::size_t expected = 0;
    for (std::size_t p = 0; p < got.size(); ++p) expected += d.mask[p] && !got[p];
    EXPECT_EQ(removed, expected);
    // The eight planted ones at least; the halo's inside stays usable.
    EXPECT_GE(removed, 8u);
    for (std::size_t p :
         {std::size_t{50 * kW + 60}, std::size_t{0}, kW - 1, std::size_t{200 * kW + 30}})
      EXPECT_EQ(got[p], 0) << p;
    EXPECT_EQ(got[120 * kW + 120], 1);
  }
}

TEST(HotPixels, OneThreadAndTwoGiveTheSameMask) {
  const auto d = planted();
  const auto [one, two] = test::on_one_and_two_threads(
      [&] { return remove_hot_pixels(d.stats, d.mask, kH, kW, 5, 1000, nullptr); });
  EXPECT_TRUE(one == two);
}

}  // namespace
}  // namespace glassy
