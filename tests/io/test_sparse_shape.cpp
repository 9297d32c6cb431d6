// The frame shape of a photon-event file (fuzzing finding, fuzz/sparse_events.cpp): height and
// width are checked as stored, so negative values or a product past 2^32 pixels (the range of the
// uint32 pixel indices) are refused instead of wrapping into another image size, and a frame of
// exactly 2^32 pixels keeps its last pixel. Files are built in memory.
#include "test_support.hpp"

#include <glassy/io/frames.hpp>
#include <glassy/io/sparse_frames.hpp>

namespace glassy {
namespace {

h5::File sparse_file(std::int64_t height, std::int64_t width,
                     const std::vector<std::uint32_t>& pixel) {
  auto f = h5::File::create_in_memory("sparse.h5");
  const auto g = f.require_group(kSparseGroup);
  g.write<std::uint64_t>("frame_offset", {0, pixel.size()});
  g.write<std::uint32_t>("pixel", pixel);
  g.write<std::uint32_t>("count", std::vector<std::uint32_t>(pixel.size(), 1));
  g.attrs().set("height", height);
  g.attrs().set("width", width);
  return f;
}

TEST(SparseShape, NegativeOrWrappingShapesAreRefused) {
  // -1 x -1 once passed as a 1-pixel detector (the product wrapped to 1).
  test::expect_error(
      [] { SparseFrameSource(sparse_file(-1, -1, {0}), {}); },
      "height and width must be positive and hold at most 2^32 pixels (got -1 x -1)");
  test::expect_error([] { SparseFrameSource(sparse_file(0, 5, {}), {}); }, "(got 0 x 5)");
  // 2^62 rows of 4 pixels: the product wraps to 0.
  test::expect_error([] { SparseFrameSource(sparse_file(std::int64_t{1} << 62, 4, {1}), {}); },
                     "at most 2^32 pixels");
  test::expect_error([] { SparseFrameSource(sparse_file(65536, 65537, {1}), {}); },
                     "at most 2^32 pixels (got 65536 x 65537)");
}

TEST(SparseShape, FrameOfTwoToThe32PixelsKeepsItsLastPixel) {
  const std::uint32_t last = 0xFFFFFFFFu;  // row 65535, column 65535
  SparseFrameSource source(sparse_file(65536, 65536, {7, last}), {});
  EXPECT_EQ(source.info().pixels(), std::size_t{1} << 32);
  SparseBlock events;
  source.read_sparse(0, 1, events);
  EXPECT_EQ(events.pixel, (std::vector<std::uint32_t>{7, last}));
  EXPECT_EQ(events.counts, (std::vector<std::uint32_t>{1, 1}));
}

TEST(SparseShape, InMemoryFileWritesNothingToDisk) {
  test::ScratchDir dir;
  const auto name = (dir / "never.h5").string();
  {
    auto f = h5::File::create_in_memory(name);
    f.write<double>("x", {1.5, 2.5});
    auto again = f.reopen();
    EXPECT_EQ(again.read<double>("x"), (std::vector<double>{1.5, 2.5}));
  }
  EXPECT_FALSE(std::filesystem::exists(name));
}

}  // namespace
}  // namespace glassy
