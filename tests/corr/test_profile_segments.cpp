// The static profiles of /xpcs/temporal_mean/scattering_1d_segments: gathered in the statistics
// pass (FrameStats::segment_pixel_sum) they are the same bits as from a pass of their own over
// the frames, and both equal the means over each span's valid frames computed here by brute
// force; empty frames, masked pixels that still count in them, and a budget too small to gather
// them (the second pass then runs) included. Also the sparse correlator path's loader on frames
// stored dense: the same numerators as from the same photons stored as events, and a refusal of
// counts that are not whole photons.
#include "test_support.hpp"

#include <glassy/core/error.hpp>
#include <glassy/corr/aps_layout.hpp>
#include <glassy/corr/twotime.hpp>
#include <glassy/io/frame_writer.hpp>
#include <glassy/io/npy_frames.hpp>
#include <glassy/prep/frame_stats.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace glassy {
namespace {

using test::ScratchDir;

constexpr std::size_t kT = 97, kH = 12, kW = 12, kP = kH * kW, kSegments = 10;

// Photon counts with frames 20-22 empty inside the mask (pixel 0 and 1 are masked out and keep
// photons there: they must not reach any profile).
std::vector<float> frames_with_empty_ones() {
  auto f = test::speckle_frames(kT, kH, kW, 0.6, 0.8, 11);
  for (std::size_t t = 20; t <= 22; ++t)
    for (std::size_t p = 0; p < kP; ++p) f[t * kP + p] = p < 2 ? 3.0f : 0.0f;
  return f;
}

std::vector<std::uint8_t> mask_without_first_two() {
  std::vector<std::uint8_t> m(kP, 1);
  m[0] = m[1] = 0;
  return m;
}

// Three static bins by row, pixels outside the mask in none.
Partition three_static_bins(const std::vector<std::uint8_t>& mask) {
  Partition p;
  p.height = kH;
  p.width = kW;
  p.mask = mask;
  p.dynamic_q = 1;
  p.static_q = 3;
  p.dynamic_q_values = {1};
  p.static_q_values = {1, 2, 3};
  p.dynamic_phi_values = p.static_phi_values = {0};
  p.dynamic_map.assign(kP, 0);
  p.static_map.assign(kP, 0);
  for (std::size_t i = 0; i < kP; ++i)
    if (mask[i]) p.dynamic_map[i] = 1, p.static_map[i] = static_cast<int>(i / kW / 4) + 1;
  return p;
}

std::filesystem::path write_sparse(const std::filesystem::path& file,
                                   const std::vector<float>& frames) {
  auto h5 = h5::File::create(file);
  FrameFileSpec spec;
  spec.height = kH;
  spec.width = kW;
  spec.layout = FrameLayout::Sparse;
  auto writer = make_frame_writer(h5, spec);
  for (std::size_t t = 0; t < kT; ++t) {
    std::vector<std::uint32_t> pixel, count;
    for (std::size_t p = 0; p < kP; ++p)
      if (frames[t * kP + p] > 0)
        pixel.push_back(static_cast<std::uint32_t>(p)),
            count.push_back(static_cast<std::uint32_t>(frames[t * kP + p]));
    writer->append_events(pixel, count);
  }
  writer->finish();
  return file;
}

void expect_same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i]))
      EXPECT_TRUE(std::isnan(a[i]) && std::isnan(b[i])) << i;
    else
      EXPECT_EQ(a[i], b[i]) << i;
  }
}

TEST(ProfileSegments, GatheredWithTheStatisticsEqualTheirOwnPassAndTheMeans) {
  ScratchDir dir;
  const auto frames = frames_with_empty_ones();
  const auto mask = mask_without_first_two();
  const auto part = three_static_bins(mask);
  DetectorMetadata m;
  m.frame_time = 1.0;
  write_npy(dir / "d.npy", {kT, kH, kW}, frames.data());
  write_sparse(dir / "s.h5", frames);
  for (const auto& file : {dir / "d.npy", dir / "s.h5"}) {
    auto source = open_frames(file, m);
    const auto stats = compute_frame_stats(*source, mask, MemoryBudget(), kSegments);
    ASSERT_EQ(stats.segments(), kSegments) << file;
    EXPECT_EQ(stats.empty_frames, (std::vector<std::size_t>{20, 21, 22}));
    const auto gathered = static_profile_segments(stats, part);
    const auto own_pass =
        static_profile_segments(*source, part, stats.frame_valid, kSegments, MemoryBudget());
    expect_same_bits(gathered, own_pass);
    // Brute force: each span's valid frames, each bin's pixels.
    for (std::size_t g = 0; g < kSegments; ++g)
      for (int s = 1; s <= 3; ++s) {
        double sum = 0, n = 0;
        for (std::size_t t = 0; t < kT; ++t) {
          if (t * kSegments / kT != g || !stats.frame_valid[t]) continue;
          for (std::size_t p = 0; p < kP; ++p)
            if (part.static_map[p] == s) sum += frames[t * kP + p], n += 1;
        }
        EXPECT_NEAR(gathered[g * 3 + static_cast<std::size_t>(s - 1)], sum / n, 1e-12 * sum / n)
            << file << " segment " << g << " bin " << s;
      }
  }
}

TEST(ProfileSegments, NotGatheredWhenTheyWouldTakeMoreThanAnEighthOfTheBudget) {
  ScratchDir dir;
  // 48 x 48 pixels: 10 spans x 2304 pixels x 8 bytes = 184,320 bytes, an eighth of 1,474,560
  // (budgets start at 1 MiB).
  const std::size_t side = 48, pixels = side * side;
  const auto frames = test::speckle_frames(kT, side, side, 0.6, 0.8, 12);
  write_npy(dir / "d.npy", {kT, side, side}, frames.data());
  DetectorMetadata m;
  m.frame_time = 1.0;
  auto source = open_frames(dir / "d.npy", m);
  const std::vector<std::uint8_t> mask(pixels, 1);
  EXPECT_EQ(compute_frame_stats(*source, mask, MemoryBudget(1474560), kSegments).segments(),
            kSegments);
  const auto small = compute_frame_stats(*source, mask, MemoryBudget(1474559), kSegments);
  EXPECT_EQ(small.segments(), 0u);
  EXPECT_TRUE(small.segment_pixel_sum.empty());
  Partition part;
  part.height = part.width = side;
  part.static_map.assign(pixels, 1);
  EXPECT_THROW(static_profile_segments(small, part), Error);
  // Without being asked, nothing is gathered.
  EXPECT_EQ(compute_frame_stats(*source, mask, MemoryBudget()).segments(), 0u);
}

// Sums every tile's entries (t1 >= t2), as a fingerprint of the numerators' normalised values.
class TileSum : public TileReducer {
 public:
  std::size_t max_lag_frames() const override { return static_cast<std::size_t>(-1); }
  void consume(const Tile& t) override {
    for (std::size_t i = 0; i < t.t1_count; ++i)
      for (std::size_t j = 0; j < (t.diagonal ? i + 1 : t.t2_count); ++j)
        values.push_back(t.at(i, j));
  }
  std::vector<std::pair<std::string, std::vector<double>*>> state() override { return {}; }
  std::vector<double> values;
};

TEST(SparseLoader, FramesStoredDenseGiveTheBitsOfTheSamePhotonsStoredAsEvents) {
  ScratchDir dir;
  const auto frames = frames_with_empty_ones();
  const auto mask = mask_without_first_two();
  const auto part = three_static_bins(mask);
  write_npy(dir / "d.npy", {kT, kH, kW}, frames.data());
  write_sparse(dir / "s.h5", frames);
  DetectorMetadata m;
  m.frame_time = 1.0;
  std::vector<double> weights(kP, 1.0);
  weights[5] = 0.5;  // a flat-field weight: the frame sums carry it
  std::vector<std::uint8_t> valid(kT, 1);
  valid[20] = valid[21] = valid[22] = 0;
  std::vector<std::vector<double>> seen;
  for (const auto& file : {dir / "d.npy", dir / "s.h5"}) {
    auto source = open_frames(file, m);
    TileSum sum;
    TwoTimeOptions o;
    o.path = CorrPath::Sparse;
    o.block_frames = 16;
    TileReducer* reducers[] = {&sum};
    run_twotime(*source, {part, weights, valid}, o, reducers);
    seen.push_back(sum.values);
  }
  ASSERT_FALSE(seen[0].empty());
  expect_same_bits(seen[0], seen[1]);
}

TEST(SparseLoader, RefusesCountsThatAreNotWholePhotons) {
  ScratchDir dir;
  auto frames = frames_with_empty_ones();
  frames[40 * kP + 30] = 1.5f;
  write_npy(dir / "d.npy", {kT, kH, kW}, frames.data());
  DetectorMetadata m;
  m.frame_time = 1.0;
  auto source = open_frames(dir / "d.npy", m);
  const auto part = three_static_bins(mask_without_first_two());
  std::vector<double> weights(kP, 1.0);
  std::vector<std::uint8_t> valid(kT, 1);
  TileSum sum;
  TwoTimeOptions o;
  o.path = CorrPath::Sparse;
  o.block_frames = 16;
  TileReducer* reducers[] = {&sum};
  try {
    run_twotime(*source, {part, weights, valid}, o, reducers);
    FAIL() << "a count of 1.5 photons was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("integer photon counts (frame 40)"), std::string::npos)
        << e.what();
  }
  // The same value on a pixel outside every bin is not read, so not refused.
  frames[40 * kP + 30] = 1.0f;
  frames[40 * kP + 0] = 1.5f;
  write_npy(dir / "e.npy", {kT, kH, kW}, frames.data());
  auto outside = open_frames(dir / "e.npy", m);
  EXPECT_NO_THROW(run_twotime(*outside, {part, weights, valid}, o, reducers));
}

}  // namespace
}  // namespace glassy
