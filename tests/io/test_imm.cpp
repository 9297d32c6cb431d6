// APS IMM files, dense and sparse, read back against the arrays they were written from; sparse
// ones come through as photon events; broken files give one line naming the file.
#include "io/format_writers.hpp"
#include "test_support.hpp"

#include <glassy/io/frames.hpp>
#include <glassy/io/imm_frames.hpp>

#include <random>

namespace glassy {
namespace {

using test::error_of;
using test::ImmFrame;
using test::ScratchDir;

constexpr int R = 6, C = 9;

std::vector<std::vector<std::uint32_t>> dense_frames(std::size_t n) {
  std::mt19937 rng(7);
  std::poisson_distribution<int> p(0.3);
  std::vector<std::vector<std::uint32_t>> out(n, std::vector<std::uint32_t>(R * C));
  for (auto& f : out)
    for (auto& v : f) v = static_cast<std::uint32_t>(p(rng));
  return out;
}

std::vector<float> flatten(const std::vector<std::vector<std::uint32_t>>& frames) {
  std::vector<float> out;
  for (const auto& f : frames)
    for (auto v : f) out.push_back(static_cast<float>(v));
  return out;
}

TEST(Imm, DenseRoundTripWithElapsedTimes) {
  ScratchDir dir;
  const auto frames = dense_frames(5);
  for (int bytes : {2, 4}) {
    std::vector<ImmFrame> imm;
    for (std::size_t k = 0; k < frames.size(); ++k)
      imm.push_back({frames[k], {}, 12.0 + 0.1 * static_cast<double>(k)});
    const auto file = dir / ("dense" + std::to_string(bytes) + ".imm");
    test::write_imm(file, imm, R, C, false, bytes);
    auto src = open_frames(file);
    EXPECT_FALSE(src->is_sparse());
    ASSERT_EQ(src->info().frames, 5u);
    EXPECT_EQ(src->info().height, std::size_t{R});
    EXPECT_EQ(src->info().width, std::size_t{C});
    FrameBlock b;
    src->read_dense(0, 5, b);
    EXPECT_EQ(b.data, flatten(frames));
    ASSERT_EQ(src->info().timestamps.size(), 5u);
    EXPECT_NEAR(src->info().timestamps[4], 0.4, 1e-12);
  }
}

TEST(Imm, SparseComesThroughAsPhotonEvents) {
  ScratchDir dir;
  const auto frames = dense_frames(7);
  std::vector<ImmFrame> imm;
  for (const auto& f : frames) {
    ImmFrame s;
    // Written in descending pixel order: the reader must sort.
    for (int i = R * C - 1; i >= 0; --i)
      if (f[i] != 0) s.indices.push_back(i), s.values.push_back(f[i]);
    imm.push_back(s);
  }
  test::write_imm(dir / "sparse.imm", imm, R, C, true);
  auto src = open_frames(dir / "sparse.imm");
  ASSERT_TRUE(src->is_sparse());
  EXPECT_TRUE(src->info().timestamps.empty());  // elapsed all zero: no times
  SparseBlock events;
  src->read_sparse(0, 7, events);
  // Brute force: the events rebuild the written frames exactly, ascending within each frame.
  std::vector<float> rebuilt(7 * R * C, 0.0f);
  for (std::size_t k = 0; k < 7; ++k)
    for (auto e = events.offsets[k]; e < events.offsets[k + 1]; ++e) {
      if (e > events.offsets[k]) EXPECT_LT(events.pixel[e - 1], events.pixel[e]);
      rebuilt[k * R * C + events.pixel[e]] = static_cast<float>(events.counts[e]);
    }
  EXPECT_EQ(rebuilt, flatten(frames));
  FrameBlock dense;
  src->read_dense(2, 3, dense);
  const auto all = flatten(frames);
  EXPECT_EQ(dense.data, std::vector<float>(all.begin() + 2 * R * C, all.begin() + 5 * R * C));
}

TEST(Imm, BadFilesGiveOneLine) {
  ScratchDir dir;
  const auto frames = dense_frames(2);
  const std::string bytes = test::imm_bytes({frames[0], {}, 0}, R, C, false, 2, 0) +
                            test::imm_bytes({frames[1], {}, 0}, R, C, false, 2, 1);
  test::write_file(dir / "cut.imm", bytes.substr(0, bytes.size() - 5), false);
  auto e = error_of([&] { open_frames(dir / "cut.imm"); });
  EXPECT_NE(e.find("cut.imm is truncated: frame 1"), std::string::npos) << e;
  test::write_file(dir / "half.imm", bytes.substr(0, 1024 + R * C * 2 + 100), false);
  e = error_of([&] { open_frames(dir / "half.imm"); });
  EXPECT_NE(e.find("header bytes"), std::string::npos) << e;
  std::string odd = bytes;
  odd[4] = 3;  // compression 3
  test::write_file(dir / "odd.imm", odd, false);
  EXPECT_NE(error_of([&] { open_frames(dir / "odd.imm"); }).find("compression 3"),
            std::string::npos);
  // A sparse event outside the detector.
  ImmFrame s;
  s.indices = {R * C + 4};
  s.values = {1};
  test::write_imm(dir / "out.imm", {s}, R, C, true);
  auto src = open_frames(dir / "out.imm");
  SparseBlock ev;
  EXPECT_NE(error_of([&] { src->read_sparse(0, 1, ev); }).find("outside"), std::string::npos);
}

}  // namespace
}  // namespace glassy
