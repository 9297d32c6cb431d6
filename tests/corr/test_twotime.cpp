// The two-time correlator against a brute-force double-precision C(t1, t2), on both paths, with
// masked pixels, several bins, flat-field weights and invalid frames; dense and sparse agree.
#include "test_support.hpp"

#include <glassy/core/blas.hpp>
#include <glassy/core/threads.hpp>
#include <glassy/corr/reducers.hpp>
#include <glassy/corr/twotime.hpp>
#include <glassy/io/frame_writer.hpp>
#include <glassy/io/npy_frames.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

namespace glassy {
namespace {

using test::ScratchDir;

struct Stack {
  std::size_t t, h, w;
  std::vector<float> frames;
};

// A slowly varying speckle-like rate so correlations are not trivial.
Stack random_stack(std::size_t t, std::size_t h, std::size_t w, double rate, unsigned seed) {
  return {t, h, w, test::speckle_frames(t, h, w, rate, 0.8, seed)};
}

// A .npy stack (no metadata of its own) read as frames 1 s apart.
std::unique_ptr<FrameSource> open_npy_one_second_frames(const std::filesystem::path& file) {
  DetectorMetadata m;
  m.frame_time = 1.0;
  return open_frames(file, m);
}

// C(t1, t2) = P sum w^2 I1 I2 / (sum w I1 sum w I2) over the bin's pixels, NaN for invalid frames.
double brute_c(const Stack& s, const std::vector<std::uint32_t>& pixels,
               const std::vector<double>& w, const std::vector<std::uint8_t>& valid, std::size_t t1,
               std::size_t t2) {
  if (!valid[t1] || !valid[t2]) return std::nan("");
  long double num = 0, s1 = 0, s2 = 0;
  for (auto p : pixels) {
    const double a = w[p] * s.frames[t1 * s.h * s.w + p], b = w[p] * s.frames[t2 * s.h * s.w + p];
    num += a * b;
    s1 += a;
    s2 += b;
  }
  if (s1 == 0 || s2 == 0) return std::nan("");
  return static_cast<double>(pixels.size() * num / (s1 * s2));
}

Partition two_bins(std::size_t h, std::size_t w) {
  Partition p;
  p.height = h;
  p.width = w;
  p.mask.assign(h * w, 1);
  p.dynamic_q = 2;
  p.static_q = 2;
  p.dynamic_q_values = p.static_q_values = {1, 2};
  p.dynamic_phi_values = p.static_phi_values = {0};
  p.dynamic_map.assign(h * w, 0);
  for (std::size_t i = 0; i < h * w; ++i) {
    if (i % 7 == 3) {
      p.mask[i] = 0;  // masked pixels
      continue;
    }
    p.dynamic_map[i] = (i / w) < h / 2 ? 1 : 2;
  }
  p.static_map = p.dynamic_map;
  return p;
}

void check_against_brute_force(const Stack& s, CorrPath path, std::size_t block, bool sparse_file) {
  ScratchDir dir;
  const auto file = dir / "f.h5";
  {
    auto f = h5::File::create(file);
    FrameFileSpec spec{s.h, s.w, sparse_file ? FrameLayout::Sparse : FrameLayout::Dense,
                       h5::Compression::None, "uint32"};
    auto writer = make_frame_writer(f, spec);
    for (std::size_t t = 0; t < s.t; ++t) writer->append_dense(s.frames.data() + t * s.h * s.w);
    writer->finish();
  }
  auto source = open_frames(file);
  const Partition part = two_bins(s.h, s.w);
  std::vector<double> weights(s.h * s.w);
  for (std::size_t i = 0; i < weights.size(); ++i)
    weights[i] = 0.7 + 0.6 * std::sin(0.3 * i) * std::sin(0.3 * i);
  std::vector<std::uint8_t> valid(s.t, 1);
  valid[5] = 0;  // an excluded frame
  std::vector<double> times(s.t);
  for (std::size_t t = 0; t < s.t; ++t) times[t] = 2.0 * t;
  FrameClock clock(times, 2.0);
  MapReducer map(clock, 2, s.t);
  ASSERT_TRUE(map.full_resolution());
  TwoTimeOptions o;
  o.path = path;
  o.block_frames = block;
  TileReducer* reducers[] = {&map};
  const auto report = run_twotime(*source, {part, weights, valid}, o, reducers);
  EXPECT_EQ(report.path, path);
  const auto pixels = part.dynamic_pixels();
  for (int b = 0; b < 2; ++b) {
    const auto m = map.map(b);
    for (std::size_t t1 = 0; t1 < s.t; ++t1)
      for (std::size_t t2 = 0; t2 < s.t; ++t2) {
        const double ref = brute_c(s, pixels[static_cast<std::size_t>(b)], weights, valid, t1, t2);
        const double got = m[t1 * s.t + t2];
        if (std::isnan(ref)) {
          EXPECT_TRUE(std::isnan(got)) << t1 << "," << t2;
        } else {
          ASSERT_NEAR(got, ref, 2e-6 * std::abs(ref))
              << "bin " << b << " (" << t1 << "," << t2 << ") " << to_string(path);
        }
      }
  }
}

TEST(TwoTime, DenseMatchesBruteForce) {
  const auto s = random_stack(70, 12, 10, 1.5, 1);
  check_against_brute_force(s, CorrPath::Dense, 16, false);
  check_against_brute_force(s, CorrPath::Dense, 70, false);
}

// The command line stops OpenBLAS's own threads (core/threads), applied when BLAS loads (core/blas)
// or at once when it is loaded; a dense correlation after that still matches the brute force and
// does not start them again (openblas_set_num_threads would): the process holds at most the
// OpenMP workers.
TEST(TwoTime, DenseAfterBlasThreadsStoppedStartsNone) {
  stop_blas_threads();
  const auto s = random_stack(70, 12, 10, 1.5, 1);
  check_against_brute_force(s, CorrPath::Dense, 16, false);
  EXPECT_TRUE(blas::loaded());
  EXPECT_EQ(blas::threads(), 1);
  std::size_t tasks = 0;
  for ([[maybe_unused]] const auto& t : std::filesystem::directory_iterator("/proc/self/task"))
    ++tasks;
  EXPECT_LE(tasks, static_cast<std::size_t>(std::max(omp_get_max_threads(), 1)));
}

TEST(TwoTime, SparseMatchesBruteForce) {
  const auto s = random_stack(70, 12, 10, 0.1, 2);
  check_against_brute_force(s, CorrPath::Sparse, 16, true);
  check_against_brute_force(s, CorrPath::Sparse, 23, false);
}

// A detector of several of the loader's pixel tiles (36,000 pixels; its events go through the
// tiles frame after frame): events from a sparse file and non-zero pixels of dense frames.
TEST(TwoTime, SparseMatchesBruteForceAcrossPixelTiles) {
  const auto s = random_stack(24, 200, 180, 0.03, 9);
  check_against_brute_force(s, CorrPath::Sparse, 10, true);
  check_against_brute_force(s, CorrPath::Sparse, 10, false);
}

// A photon-event source whose frames list their pixels in descending order (glassy's readers
// give them ascending; another source need not): the loader goes frame after frame instead of by
// pixel tiles, and the numbers are those of the same events in ascending order.
class DescendingEvents : public FrameSource {
 public:
  explicit DescendingEvents(std::unique_ptr<FrameSource> inner) : inner_(std::move(inner)) {
    info_ = inner_->info();
  }
  bool is_sparse() const override { return true; }
  void read_dense(std::size_t first, std::size_t count, FrameBlock& out) override {
    inner_->read_dense(first, count, out);
  }
  void read_sparse(std::size_t first, std::size_t count, SparseBlock& out) override {
    inner_->read_sparse(first, count, out);
    for (std::size_t k = 0; k < count; ++k) {
      const auto b = static_cast<std::ptrdiff_t>(out.offsets[k]);
      const auto e = static_cast<std::ptrdiff_t>(out.offsets[k + 1]);
      std::reverse(out.pixel.begin() + b, out.pixel.begin() + e);
      std::reverse(out.counts.begin() + b, out.counts.begin() + e);
    }
  }

 private:
  std::unique_ptr<FrameSource> inner_;
};

TEST(TwoTime, SparseEventsInAnyPixelOrderGiveTheSameNumbers) {
  ScratchDir dir;
  const auto s = random_stack(30, 200, 180, 0.03, 10);
  write_npy(dir / "s.npy", {s.t, s.h, s.w}, s.frames.data());
  const Partition part = two_bins(s.h, s.w);
  const std::vector<double> weights(s.h * s.w, 1.0);
  const std::vector<std::uint8_t> valid(s.t, 1);
  std::vector<double> times(s.t);
  for (std::size_t t = 0; t < s.t; ++t) times[t] = t;
  FrameClock clock(times, 1.0);
  std::vector<float> maps[2];
  for (int run = 0; run < 2; ++run) {
    std::unique_ptr<FrameSource> source = open_npy_one_second_frames(dir / "s.npy");
    if (run == 1) source = std::make_unique<DescendingEvents>(std::move(source));
    MapReducer map(clock, 2, s.t);
    TwoTimeOptions o;
    o.path = CorrPath::Sparse;
    o.block_frames = 8;
    TileReducer* reducers[] = {&map};
    run_twotime(*source, {part, weights, valid}, o, reducers);
    maps[run] = map.map(0);
  }
  std::size_t compared = 0;
  for (std::size_t i = 0; i < maps[0].size(); ++i) {
    if (std::isnan(maps[0][i])) {
      EXPECT_TRUE(std::isnan(maps[1][i])) << i;
      continue;
    }
    // The frames' sums add their photons in another order: the last bits may differ.
    ASSERT_NEAR(maps[1][i], maps[0][i], 1e-6 * std::abs(maps[0][i])) << i;
    ++compared;
  }
  EXPECT_GT(compared, maps[0].size() / 2);
}

TEST(TwoTime, DenseAndSparseAgreeToRounding) {
  ScratchDir dir;
  const auto s = random_stack(90, 16, 16, 0.05, 3);
  write_npy(dir / "s.npy", {s.t, s.h, s.w}, s.frames.data());
  const Partition part = two_bins(s.h, s.w);
  std::vector<double> weights(s.h * s.w, 1.0);
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = 1.0 + 0.01 * (i % 13);
  std::vector<std::uint8_t> valid(s.t, 1);
  std::vector<double> times(s.t);
  for (std::size_t t = 0; t < s.t; ++t) times[t] = t;
  FrameClock clock(times, 1.0);
  std::vector<float> maps[2];
  int k = 0;
  for (auto path : {CorrPath::Dense, CorrPath::Sparse}) {
    auto source = open_npy_one_second_frames(dir / "s.npy");
    MapReducer map(clock, 2, s.t);
    TwoTimeOptions o;
    o.path = path;
    o.block_frames = 32;
    TileReducer* reducers[] = {&map};
    run_twotime(*source, {part, weights, valid}, o, reducers);
    maps[k++] = map.map(1);
  }
  std::size_t compared = 0;
  for (std::size_t i = 0; i < maps[0].size(); ++i) {
    if (std::isnan(maps[0][i])) {
      EXPECT_TRUE(std::isnan(maps[1][i]));
      continue;
    }
    EXPECT_NEAR(maps[0][i], maps[1][i], 1e-6 * std::abs(maps[0][i]));  // float storage of the map
    ++compared;
  }
  EXPECT_GT(compared, maps[0].size() / 2);
}

// A cache smaller than a row of tiles: the rows scan their blocks in the same order, so a
// least-recently-used cache would reload every block of every later row; the cache keeps what the
// next row reaches first and reloads only what exceeds it. Same numbers, and the blocks alive at
// once stay within the budget's share for them.
TEST(TwoTime, SmallCacheReloadsOnlyWhatExceedsIt) {
  ScratchDir dir;
  const auto s = random_stack(70, 64, 64, 1.5, 5);  // blocks big enough for a budget >= 1 MiB
  write_npy(dir / "s.npy", {s.t, s.h, s.w}, s.frames.data());
  const Partition part = two_bins(s.h, s.w);
  std::size_t pixels = 0;
  for (const auto& bin : part.dynamic_pixels()) pixels += bin.size();
  const std::vector<double> weights(s.h * s.w, 1.0);
  const std::vector<std::uint8_t> valid(s.t, 1);
  std::vector<double> times(s.t);
  for (std::size_t t = 0; t < s.t; ++t) times[t] = t;
  FrameClock clock(times, 1.0);
  // Dense blocks of 8 frames (8 x pixels doubles and 8 sums per bin); the 70 frames make 9.
  constexpr std::size_t kBlock = 8, kBlocks = 9;
  const std::size_t block_bytes = kBlock * pixels * 8 + 2 * kBlock * 8;
  std::vector<float> maps[2];
  TwoTimeReport reports[2];
  for (int run = 0; run < 2; ++run) {
    auto source = open_npy_one_second_frames(dir / "s.npy");
    MapReducer map(clock, 2, s.t);
    TwoTimeOptions o;
    o.path = CorrPath::Dense;
    o.block_frames = kBlock;
    o.budget = MemoryBudget(run == 0 ? block_bytes * kBlocks : std::size_t{1} << 30);
    TileReducer* reducers[] = {&map};
    reports[run] = run_twotime(*source, {part, weights, valid}, o, reducers);
    maps[run] = map.map(1);
  }
  // The cache is the blocks' share less a round of rows (an eighth): it holds `held` blocks.
  const std::size_t share = reports[0].block_budget_bytes;
  const std::size_t held = (share - share / 8) / block_bytes;
  ASSERT_GE(held, 2u);
  ASSERT_LT(held, kBlocks - 1) << "the test needs a cache smaller than the last rows";
  // Each block read once, and for rows a = held..8 (a + 1 blocks) the a + 1 - held that do not
  // fit; a least-recently-used cache would read every block of those rows again.
  std::size_t expected = kBlocks;
  for (std::size_t a = held; a < kBlocks; ++a) expected += a + 1 - held;
  EXPECT_EQ(reports[0].block_reads, expected);
  EXPECT_EQ(reports[1].block_reads, kBlocks);
  EXPECT_LE(reports[0].peak_block_bytes, share + block_bytes);
  const std::size_t last = s.t - (kBlocks - 1) * kBlock;  // frames of the last, shorter block
  EXPECT_EQ(reports[1].peak_block_bytes,
            (kBlocks - 1) * block_bytes + last * pixels * 8 + 2 * last * 8);
  ASSERT_EQ(maps[0].size(), maps[1].size());
  for (std::size_t i = 0; i < maps[0].size(); ++i)
    if (!(std::isnan(maps[0][i]) && std::isnan(maps[1][i]))) ASSERT_EQ(maps[0][i], maps[1][i]) << i;
}

TEST(TwoTime, AutoPicksSparseForStarvedData) {
  ScratchDir dir;
  const auto s = random_stack(20, 8, 8, 0.01, 4);
  write_npy(dir / "s.npy", {s.t, s.h, s.w}, s.frames.data());
  auto source = open_frames(dir / "s.npy");
  Partition part = two_bins(s.h, s.w);
  std::vector<double> times(s.t);
  for (std::size_t t = 0; t < s.t; ++t) times[t] = t;
  FrameClock clock(times, 1.0);
  MapReducer map(clock, 2, s.t);
  TileReducer* reducers[] = {&map};
  TwoTimeOptions o;
  o.nonzero_fraction = 0.01;
  EXPECT_EQ(
      run_twotime(*source, {part, std::vector<double>(64, 1.0), std::vector<std::uint8_t>(s.t, 1)},
                  o, reducers)
          .path,
      CorrPath::Sparse);
  o.nonzero_fraction = 0.5;
  EXPECT_EQ(
      run_twotime(*source, {part, std::vector<double>(64, 1.0), std::vector<std::uint8_t>(s.t, 1)},
                  o, reducers)
          .path,
      CorrPath::Dense);
}

}  // namespace
}  // namespace glassy
