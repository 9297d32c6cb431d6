// Analysis from two-time maps made elsewhere: a synthetic aging KWW map written here as .npy,
// MATLAB v5 and v7.3 (libmatio), APS HDF5 and the legacy /exchange layout, one triangle only, the
// g2 - 1 form and two pieces; g2(t, t_a) per window must equal a brute-force average of the map's
// cells. The real CHX map: the same against a direct average, and its slowing-down found.
#include "test_support.hpp"

#include <glassy/aging/analysis.hpp>
#include <glassy/core/random.hpp>
#include <glassy/corr/lag_bins.hpp>
#include <glassy/corr/map_source.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/io/npy_frames.hpp>

#include <matio.h>

#include <cmath>
#include <random>

namespace glassy {
namespace {

using test::expect_error;
using test::ScratchDir;

constexpr std::size_t kT = 160;
constexpr double kDt = 0.5;

// C(t1, t2) = 1 + 0.3 exp(-2 (|t1 - t2| / tau(t2))^0.8) + noise, tau growing along the run
// (aging); symmetric; values rounded to float so every format holds the same numbers.
std::vector<double> kww_map(std::uint64_t seed = 5) {
  std::vector<double> m(kT * kT);
  Xoshiro256 rng(seed, 0);
  std::normal_distribution<double> noise(0.0, 0.01);
  for (std::size_t i = 0; i < kT; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      const double tau = 3.0 * (1 + static_cast<double>(j) * kDt / 40.0);
      const double lag = static_cast<double>(i - j) * kDt;
      const double v = static_cast<float>(1 + 0.3 * std::exp(-2 * std::pow(lag / tau, 0.8)) +
                                          (i == j ? 0.05 : noise(rng)));
      m[i * kT + j] = m[j * kT + i] = v;
    }
  return m;
}

// g2(t, t_a) per window and lag bin by brute force over the lower triangle of each piece.
struct Brute {
  std::vector<double> g2;   // [window][lag bin], NaN when empty
  std::vector<double> var;  // variance of the cells (per pair, n - 1), NaN under two
  std::size_t windows, lags;
};
Brute brute_force(const std::vector<std::vector<double>>& pieces, std::size_t n, double window_s) {
  std::size_t total = 0;
  for (const auto& p : pieces) total += static_cast<std::size_t>(std::sqrt(p.size()) + 0.5);
  const LagBins bins(kDt, static_cast<double>(n - 1) * kDt, 5);
  const double span = static_cast<double>(total - 1) * kDt;
  Brute b{{}, {}, static_cast<std::size_t>(std::floor(span / window_s)) + 1, bins.size()};
  std::vector<double> sum(b.windows * b.lags, 0.0), count(sum.size(), 0.0), sum2(sum.size(), 0.0);
  std::size_t first = 0;
  for (const auto& p : pieces) {
    const std::size_t size = static_cast<std::size_t>(std::sqrt(p.size()) + 0.5);
    for (std::size_t i = 0; i < size; ++i)
      for (std::size_t j = 0; j < i; ++j) {
        const std::size_t l = bins.bin_of_frames(i - j);
        if (l >= b.lags) continue;
        const std::size_t w =
            std::min(b.windows - 1,
                     static_cast<std::size_t>(static_cast<double>(first + j) * kDt / window_s));
        sum[w * b.lags + l] += p[i * size + j];
        sum2[w * b.lags + l] += p[i * size + j] * p[i * size + j];
        count[w * b.lags + l] += 1;
      }
    first += size;
  }
  for (std::size_t k = 0; k < sum.size(); ++k) {
    const double mean = sum[k] / count[k];
    b.g2.push_back(count[k] > 0 ? mean : std::nan(""));
    b.var.push_back(count[k] > 1 ? (sum2[k] - count[k] * mean * mean) / (count[k] - 1)
                                 : std::nan(""));
  }
  return b;
}

aging::AgingResult analyse(const std::vector<std::filesystem::path>& files, double window_s,
                           std::optional<double> frame_time = kDt,
                           std::optional<MapForm> form = std::nullopt) {
  MapOptions mo;
  mo.frame_time = frame_time;
  mo.form = form;
  mo.tables.window_s = window_s;
  mo.tables.diagonal_band = 32;
  aging::AgingOptions o;
  o.corr.window_s = window_s;
  return aging::analyse_aging(correlate_maps(files, mo), o);
}

void expect_matches(const aging::AgingResult& r, const Brute& b) {
  ASSERT_EQ(r.t_a.size(), b.windows);
  ASSERT_EQ(r.lag.size(), b.lags);
  std::size_t compared = 0;
  for (std::size_t k = 0; k < b.g2.size(); ++k) {
    if (std::isnan(b.g2[k])) {
      EXPECT_TRUE(std::isnan(r.g2[k])) << k;
      continue;
    }
    EXPECT_NEAR(r.g2[k], b.g2[k], 1e-12) << "window " << k / b.lags << " lag bin " << k % b.lags;
    ++compared;
  }
  EXPECT_GT(compared, b.g2.size() / 2);
}

void write_npy_map(const std::filesystem::path& file, const std::vector<double>& m, std::size_t n) {
  const std::vector<float> f(m.begin(), m.end());
  write_npy(file, {n, n}, f.data());
}

void write_mat(const std::filesystem::path& file, const std::vector<double>& m, std::size_t rows,
               std::size_t cols, mat_ft version, const char* name = "C") {
  mat_t* mat = Mat_CreateVer(file.c_str(), nullptr, version);
  ASSERT_NE(mat, nullptr);
  // MATLAB is column-major: element (i, j) at i + j * rows.
  std::vector<double> cm(rows * cols);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) cm[i + j * rows] = m[i * cols + j];
  size_t dims[2] = {rows, cols};
  matvar_t* v = Mat_VarCreate(name, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, cm.data(), 0);
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(Mat_VarWrite(mat, v, MAT_COMPRESSION_NONE), 0);
  Mat_VarFree(v);
  Mat_Close(mat);
}

// chi4(t, t_a) is the variance of the window's pairs at each lag over the squared contrast of the
// window, and its excess the same less the mean of the last three filled lag bins.
TEST(MapSource, Chi4IsTheBruteForceVarianceOverTheSquaredContrast) {
  ScratchDir dir;
  const auto m = kww_map();
  write_npy_map(dir / "map.npy", m, kT);
  const auto r = analyse({dir / "map.npy"}, 20);
  const auto b = brute_force({m}, kT, 20);
  ASSERT_EQ(r.chi4.size(), b.var.size());
  std::size_t compared = 0;
  for (std::size_t w = 0; w < b.windows; ++w) {
    const double contrast = r.g2_0[w] - r.g2_inf;
    std::vector<std::size_t> filled;
    for (std::size_t l = 0; l < b.lags; ++l) {
      const std::size_t k = w * b.lags + l;
      if (!std::isfinite(b.var[k])) continue;
      filled.push_back(l);
      const double expect = b.var[k] / (contrast * contrast);
      EXPECT_NEAR(r.chi4[k], expect, 1e-9 * expect + 1e-15) << "window " << w << " lag bin " << l;
      ++compared;
    }
    if (filled.size() < 4) continue;
    double floor = 0;
    for (std::size_t i = filled.size() - 3; i < filled.size(); ++i)
      floor += b.var[w * b.lags + filled[i]] / (contrast * contrast) / 3;
    EXPECT_NEAR(r.chi4_excess[w * b.lags + filled[0]],
                b.var[w * b.lags + filled[0]] / (contrast * contrast) - floor, 1e-9);
  }
  EXPECT_GT(compared, b.g2.size() / 2);
}

TEST(MapSource, NpyMapGivesTheBruteForceBand) {
  ScratchDir dir;
  const auto m = kww_map();
  write_npy_map(dir / "map.npy", m, kT);
  const auto r = analyse({dir / "map.npy"}, 20);
  expect_matches(r, brute_force({m}, kT, 20));
  EXPECT_NE(r.corr.origin.find("C = g2 (detected"), std::string::npos) << r.corr.origin;
  // The aging of the synthetic map is found: <t> grows from the first to the last window.
  ASSERT_TRUE(r.kww.front().ok && r.kww[r.kww.size() - 2].ok);
  EXPECT_LT(r.kww.front().mean_time, r.kww[r.kww.size() - 2].mean_time);
}

TEST(MapSource, MatlabV5AndV73GiveTheSameBand) {
  ScratchDir dir;
  const auto m = kww_map();
  const auto b = brute_force({m}, kT, 20);
  write_mat(dir / "v5.mat", m, kT, kT, MAT_FT_MAT5);
  write_mat(dir / "v73.mat", m, kT, kT, MAT_FT_MAT73);
  const auto r5 = analyse({dir / "v5.mat"}, 20);
  expect_matches(r5, b);
  EXPECT_NE(r5.corr.origin.find("MATLAB v5"), std::string::npos) << r5.corr.origin;
  const auto r73 = analyse({dir / "v73.mat"}, 20);
  expect_matches(r73, b);
  EXPECT_NE(r73.corr.origin.find("MATLAB v7.3"), std::string::npos) << r73.corr.origin;
}

TEST(MapSource, ApsHdf5WithFrameTimeAndSeveralBins) {
  ScratchDir dir;
  const auto m = kww_map(), other = kww_map(9);
  {
    auto f = h5::File::create(dir / "aps.h5");
    f.write<double>("xpcs/twotime/correlation_map/c2_00001", other, {kT, kT});
    f.write<double>("xpcs/twotime/correlation_map/c2_00002", m, {kT, kT});
    // h5py writes scalars as [1, 1] arrays in some pipelines.
    f.write<double>("entry/instrument/detector_1/frame_time", {kDt}, {1, 1});
  }
  MapOptions mo;
  mo.bin = 2;
  mo.tables.window_s = 20;
  aging::AgingOptions o;
  o.corr.window_s = 20;
  const auto r = aging::analyse_aging(correlate_maps({dir / "aps.h5"}, mo), o);
  expect_matches(r, brute_force({m}, kT, 20));
  mo.bin = 3;
  expect_error([&] { correlate_maps({dir / "aps.h5"}, mo); }, "holds no map of that bin");
}

TEST(MapSource, LegacyUpperTriangleAndG2MinusOneForm) {
  ScratchDir dir;
  const auto m = kww_map();
  // Legacy APS: one triangle (upper, diagonal kept) of g2 - 1, exposure period as frame time.
  std::vector<double> half(kT * kT, 0.0);
  for (std::size_t i = 0; i < kT; ++i)
    for (std::size_t j = i; j < kT; ++j) half[i * kT + j] = m[i * kT + j] - 1;
  {
    auto f = h5::File::create(dir / "legacy.h5");
    f.write<double>("exchange/C2T_all/g2_00001", half, {kT, kT});
    f.write<double>("measurement/instrument/detector/exposure_period", {kDt});
  }
  const auto r = analyse({dir / "legacy.h5"}, 20, std::nullopt);
  EXPECT_NE(r.corr.origin.find("upper triangle"), std::string::npos) << r.corr.origin;
  EXPECT_NE(r.corr.origin.find("C = g2-1 (detected"), std::string::npos) << r.corr.origin;
  // (m - 1) + 1 differs from m by rounding only.
  const auto b = brute_force({m}, kT, 20);
  for (std::size_t k = 0; k < b.g2.size(); ++k)
    if (!std::isnan(b.g2[k])) EXPECT_NEAR(r.g2[k], b.g2[k], 1e-12);
  // Forcing the form against the data shifts every value by one.
  const auto forced = analyse({dir / "legacy.h5"}, 20, std::nullopt, MapForm::G2);
  for (std::size_t k = 0; k < b.g2.size(); ++k)
    if (!std::isnan(b.g2[k])) EXPECT_NEAR(forced.g2[k], b.g2[k] - 1, 1e-12);
}

TEST(MapSource, TwoPiecesAreOneRunWithoutCrossPairs) {
  ScratchDir dir;
  const std::size_t n = kT / 2;
  const auto full = kww_map();
  std::vector<double> a(n * n), b(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      a[i * n + j] = full[i * kT + j], b[i * n + j] = full[(n + i) * kT + (n + j)];
  write_npy_map(dir / "a.npy", a, n);
  write_npy_map(dir / "b.npy", b, n);
  const auto r = analyse({dir / "a.npy", dir / "b.npy"}, 20);
  EXPECT_EQ(r.corr.info.frames, kT);
  expect_matches(r, brute_force({a, b}, n, 20));
  EXPECT_NE(r.corr.origin.find("not stitched"), std::string::npos) << r.corr.origin;
  // No pair across the pieces: the map's cross block is empty.
  ASSERT_TRUE(r.corr.map);
  EXPECT_TRUE(std::isnan(r.corr.map->cell_mean(0, n + 5, n - 5)));
  EXPECT_FALSE(std::isnan(r.corr.map->cell_mean(0, n - 1, n - 5)));
}

TEST(MapSource, BadMapsAreRefused) {
  ScratchDir dir;
  auto m = kww_map();
  write_mat(dir / "rect.mat", std::vector<double>(kT * 10, 1.0), kT, 10, MAT_FT_MAT5);
  expect_error([&] { analyse({dir / "rect.mat"}, 20); }, "not a square real two-time map");
  write_mat(dir / "other.mat", m, kT, kT, MAT_FT_MAT5, "D");
  expect_error([&] { analyse({dir / "other.mat"}, 20); }, "has no variable C");
  auto asym = m;
  asym[10 * kT + 3] += 0.05;
  write_npy_map(dir / "asym.npy", asym, kT);
  expect_error([&] { analyse({dir / "asym.npy"}, 20); }, "is not symmetric");
  write_npy_map(dir / "map.npy", m, kT);
  expect_error([&] { analyse({dir / "map.npy"}, 20, std::nullopt); }, "give --frame-time");
  std::vector<double> small(50 * 50, 1.0);
  for (std::size_t i = 0; i < 50; ++i)
    for (std::size_t j = 0; j < 50; ++j) small[i * 50 + j] = m[i * kT + j];
  write_npy_map(dir / "small.npy", small, 50);
  expect_error(
      [&] {
        analyse({dir / "small.npy", dir / "map.npy"}, 20);
      },
      "consecutive ranges of equal length");
}

// The real CHX map (C = g2, 350 frames, aging along the diagonal): g2(t, t_a) per window equals a
// direct average of its cells, and the slowing-down its README describes is found.
TEST(MapSource, RealChxMapBandAndSlowingDown) {
  const auto file = test::shared_dir() / "data/chx_twotime/test_g2.npy";
  if (!std::filesystem::exists(file))
    GTEST_SKIP() << file << " absent (shared data): nothing to compare with";
  NpyHeader h;
  const auto raw = read_npy_array(file, h);  // the reference reads the file itself
  ASSERT_EQ(h.shape.size(), 2u);
  const std::size_t n = h.shape[0];
  // Frame time 1 s (unstated by the publisher); windows of 116 frames (the README's thirds);
  // 25 lag points per decade, so that lag 10 is a bin of its own.
  MapOptions mo;
  mo.frame_time = 1.0;
  mo.tables.window_s = 116;
  mo.tables.per_decade = 25;
  aging::AgingOptions o;
  o.corr.window_s = 116;
  const auto r = aging::analyse_aging(correlate_maps({file}, mo), o);
  EXPECT_NE(r.corr.origin.find("C = g2 (detected"), std::string::npos) << r.corr.origin;
  // Direct average: pairs t1 > t2 by window of t2 and the lag bins.
  const LagBins bins(1.0, static_cast<double>(n - 1), 25);
  const std::size_t nl = bins.size(), nw = r.t_a.size();
  ASSERT_EQ(r.lag.size(), nl);
  ASSERT_EQ(nw, 4u);  // three thirds and the last two frames
  for (std::size_t w = 0; w < nw; ++w)
    for (std::size_t l = 0; l < nl; ++l) {
      double s = 0, c = 0;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < i; ++j)
          if (std::min<std::size_t>(nw - 1, j / 116) == w && bins.bin_of_frames(i - j) == l)
            s += raw[i * n + j], c += 1;
      if (c == 0) continue;
      // The map is float64 and read_npy_array narrows to float: agreement to float precision.
      EXPECT_NEAR(r.g2[w * nl + l], s / c, 2e-7) << "window " << w << " lag bin " << l;
    }
  // Slowing down. README: normalised to lag 1 above the corner baseline 1.022, C at lag 10 keeps
  // about 0.28, 0.62 and 0.90 of its contrast in the first, middle and last third.
  const std::size_t l1 = bins.bin_of_frames(1), l10 = bins.bin_of_frames(10);
  ASSERT_NE(l10, bins.bin_of_frames(9));
  ASSERT_NE(l10, bins.bin_of_frames(11));
  const double readme[3] = {0.28, 0.62, 0.90};
  for (std::size_t w = 0; w < 3; ++w) {
    const double kept = (r.g2[w * nl + l10] - 1.022) / (r.g2[w * nl + l1] - 1.022);
    EXPECT_NEAR(kept, readme[w], 0.05) << "third " << w;
  }
  // The fitted mean relaxation time grows from the first third to the middle one (the last
  // third's decay runs past the run's end, so its fit is bounded by the lags left).
  ASSERT_TRUE(r.kww[0].ok && r.kww[1].ok) << r.kww[0].reason << r.kww[1].reason;
  EXPECT_GT(r.kww[1].mean_time, 1.3 * r.kww[0].mean_time)
      << r.kww[0].mean_time << " -> " << r.kww[1].mean_time;
}

}  // namespace
}  // namespace glassy
