// Multi-tau g2 against its definition evaluated by brute force at every delay, dense and sparse
// input; and against the two-time one-time g2 on stationary synthetic data.
#include "test_support.hpp"

#include <glassy/core/threads.hpp>
#include <glassy/corr/correlate.hpp>
#include <glassy/corr/multitau.hpp>
#include <glassy/io/frame_writer.hpp>
#include <glassy/io/npy_frames.hpp>
#include <glassy/synth/generator.hpp>

#include <cmath>
#include <random>

namespace glassy {
namespace {

using test::ScratchDir;

// The same frames as dir/f.npy (dense) and dir/s.h5 (photon events).
void write_dense_and_events(const std::filesystem::path& dir, const std::vector<float>& frames,
                            std::size_t t, std::size_t h, std::size_t w) {
  write_npy(dir / "f.npy", {t, h, w}, frames.data());
  auto dense = open_frames(dir / "f.npy");
  FrameFileSpec spec{h, w, FrameLayout::Sparse, h5::Compression::None, "uint32"};
  convert_frames(*dense, dir / "f.npy", dir / "s.h5", spec, MemoryBudget());
}

TEST(MultiTau, DelayListIsApsLike) {
  const auto d = multitau_delays(1000);
  const std::vector<std::size_t> head{1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40};
  ASSERT_GE(d.size(), head.size());
  EXPECT_TRUE(std::equal(head.begin(), head.end(), d.begin()));
  EXPECT_LT(d.back(), 1000u);
}

// Level-l series: means of 2^l consecutive frames; G2, IP, IF as averages over the pairs.
struct Brute {
  double g2;  // <G2>/(<IP><IF>) over the bin's pixels
};

Brute brute(const std::vector<float>& frames, std::size_t t, std::size_t px,
            const std::vector<std::uint32_t>& pixels, std::size_t delay) {
  std::size_t level = 0;
  while (delay > 8 * (std::size_t{1} << level)) ++level;
  const std::size_t step = std::size_t{1} << level, m = delay >> level, n = t / step;
  double G2 = 0, IP = 0, IF = 0;
  for (auto p : pixels) {
    std::vector<double> x(n, 0.0);
    for (std::size_t j = 0; j < n; ++j) {
      for (std::size_t k = 0; k < step; ++k) x[j] += frames[(j * step + k) * px + p];
      x[j] /= static_cast<double>(step);
    }
    double g = 0, ip = 0, iff = 0;
    for (std::size_t j = m; j < n; ++j) g += x[j] * x[j - m], ip += x[j - m], iff += x[j];
    G2 += g / (n - m);
    IP += ip / (n - m);
    IF += iff / (n - m);
  }
  const double np = static_cast<double>(pixels.size());
  return {(G2 / np) / ((IP / np) * (IF / np))};
}

TEST(MultiTau, MatchesBruteForceAtEveryDelay) {
  ScratchDir dir;
  const std::size_t t = 300, h = 10, w = 12, px = h * w;
  std::vector<float> frames(t * px);
  std::mt19937 rng(5);
  std::vector<double> field(px, 1.0);
  std::exponential_distribution<double> expo(1.0);
  for (std::size_t f = 0; f < t; ++f) {
    for (auto& v : field) v = 0.9 * v + 0.1 * expo(rng);
    for (std::size_t p = 0; p < px; ++p)
      frames[f * px + p] = static_cast<float>(std::poisson_distribution<int>(0.4 * field[p])(rng));
  }
  write_dense_and_events(dir.path(), frames, t, h, w);
  Partition part;
  part.height = h;
  part.width = w;
  part.mask.assign(px, 1);
  part.dynamic_map.assign(px, 1);
  part.static_map.assign(px, 1);
  part.mask[7] = 0, part.dynamic_map[7] = part.static_map[7] = 0;
  std::vector<std::uint32_t> pixels;
  for (std::uint32_t p = 0; p < px; ++p)
    if (p != 7) pixels.push_back(p);
  for (const char* file : {"f.npy", "s.h5"}) {
    auto src = open_frames(dir / file);
    const auto r = run_multitau(*src, part, 64);
    ASSERT_EQ(r.delays, multitau_delays(t));
    for (std::size_t d = 0; d < r.delays.size(); ++d)
      EXPECT_NEAR(r.g2[d], brute(frames, t, px, pixels, r.delays[d]).g2, 1e-5)
          << file << " delay " << r.delays[d];
  }
}

// The pixels are shared out over the threads (and MPI ranks) in contiguous runs; a pixel's terms
// do not depend on the others, so the bins come out the same bits on 1 and 2 threads.
TEST(MultiTau, ThreadsGiveTheSameBits) {
  ScratchDir dir;
  const std::size_t t = 80, h = 96, w = 96, px = h * w;  // 2 shares of >= 4096 pixels
  std::vector<float> frames(t * px);
  std::mt19937 rng(11);
  for (auto& v : frames) v = static_cast<float>(std::poisson_distribution<int>(0.3)(rng));
  write_dense_and_events(dir.path(), frames, t, h, w);
  Partition part;
  part.height = h;
  part.width = w;
  part.mask.assign(px, 1);
  part.dynamic_q = 2;
  part.static_q = 6;
  part.dynamic_map.resize(px);
  part.static_map.resize(px);
  for (std::size_t p = 0; p < px; ++p) {  // 2 dynamic bins of 3 static bins, by row
    part.static_map[p] = static_cast<int>(1 + (p / w) * 6 / h);
    part.dynamic_map[p] = 1 + (part.static_map[p] - 1) / 3;
  }
  part.dynamic_map[5] = part.static_map[5] = part.mask[5] = 0;
  for (const char* file : {"f.npy", "s.h5"}) {
    MultiTauResult r[2];
    for (int threads : {1, 2}) {
      set_threads(threads);
      auto src = open_frames(dir / file);
      r[threads - 1] = run_multitau(*src, part, 16);
    }
    set_threads(0);
    EXPECT_EQ(r[0].threads, 1u);
    EXPECT_EQ(r[1].threads, 2u) << "two shares of the pixels";
    for (auto member : {&MultiTauResult::g2, &MultiTauResult::g2_err, &MultiTauResult::G2,
                        &MultiTauResult::IP, &MultiTauResult::IF}) {
      ASSERT_EQ((r[0].*member).size(), (r[1].*member).size());
      for (std::size_t i = 0; i < (r[0].*member).size(); ++i)
        ASSERT_EQ((r[0].*member)[i], (r[1].*member)[i]) << file << " entry " << i;
    }
    EXPECT_GT(r[0].g2[0], 0.5) << file;  // a real result, not empty tables
  }
}

TEST(MultiTau, AgreesWithTwoTimeOnStationaryData) {
  ScratchDir dir;
  auto p = synth::preset("tiny");
  p.frames = 1200;
  p.halo_variation = 0;  // one static bin: no static profile to normalise away
  p.output.compression = h5::Compression::None;
  synth::generate(p, dir / "s.h5");
  auto src = open_frames(dir / "s.h5");
  CorrelateOptions o;
  o.flatfield = false;
  o.map_size = 0;
  const auto c = correlate(*src, o);
  ASSERT_TRUE(c.multitau);
  const auto& mt = *c.multitau;
  for (std::size_t l = 0; l < c.onetime->lags(); ++l) {
    const double lag = c.onetime->lag_seconds(l);
    // Multi-tau delays that equal this bin's single lag (bins 0..2 hold lags 1, 2, 3 frames).
    for (std::size_t d = 0; d < mt.delays.size(); ++d)
      if (std::abs(static_cast<double>(mt.delays[d]) - lag) < 1e-9) {
        const auto two = c.onetime->g2(0, l);
        EXPECT_NEAR(mt.g2[d], two.mean, 4 * std::hypot(two.error, mt.g2_err[d]) + 2e-3)
            << "lag " << lag;
      }
  }
}

}  // namespace
}  // namespace glassy
