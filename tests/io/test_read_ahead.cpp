// io/read_ahead: every frame once, in order, in blocks of half the size asked for; a read's
// error reaches the caller at next(); a pass abandoned with a read in flight waits for it; and
// a real file read ahead gives the frames read directly.
#include "test_support.hpp"

#include <glassy/core/error.hpp>
#include <glassy/io/npy_frames.hpp>
#include <glassy/io/read_ahead.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace glassy {
namespace {

// Frame f of one pixel holds f; reads are logged, can be slow, and one can fail.
class CountingSource : public FrameSource {
 public:
  CountingSource(std::size_t frames, std::optional<std::size_t> failing_first = std::nullopt)
      : failing_first_(failing_first) {
    info_.frames = frames;
    info_.height = info_.width = 1;
  }
  void read_dense(std::size_t first, std::size_t count, FrameBlock& out) override {
    if (failing_first_ && first == *failing_first_)
      throw Error("frame " + std::to_string(first) + " is damaged");
    in_flight_ = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    out.first = first;
    out.count = count;
    out.data.resize(count);
    for (std::size_t k = 0; k < count; ++k) out.data[k] = static_cast<float>(first + k);
    reads.push_back({first, count});
    in_flight_ = false;
  }
  bool in_flight() const { return in_flight_; }
  std::vector<std::pair<std::size_t, std::size_t>> reads;
  int delay_ms = 0;

 private:
  std::optional<std::size_t> failing_first_;
  std::atomic<bool> in_flight_{false};
};

TEST(ReadAhead, EveryFrameOnceInOrderInHalfBlocks) {
  for (const std::size_t frames : {1u, 7u, 8u, 9u, 100u}) {
    for (const std::size_t block : {1u, 2u, 3u, 16u, 1000u}) {
      CountingSource source(frames);
      ReadAhead blocks(source, block);
      std::size_t expected = 0;
      while (blocks.next()) {
        EXPECT_EQ(blocks.first(), expected);
        EXPECT_LE(blocks.count(), std::max<std::size_t>(1, block / 2));
        for (std::size_t k = 0; k < blocks.count(); ++k)
          EXPECT_EQ(blocks.dense().frame(k, 1)[0], static_cast<float>(expected + k));
        expected += blocks.count();
      }
      EXPECT_EQ(expected, frames) << frames << " frames, blocks of " << block;
      EXPECT_FALSE(blocks.next());
      EXPECT_EQ(source.reads.size(), (frames + std::max<std::size_t>(1, block / 2) - 1) /
                                         std::max<std::size_t>(1, block / 2));
    }
  }
}

TEST(ReadAhead, AReadErrorIsThrownWhereTheBlockIsAskedFor) {
  CountingSource source(40, 20);
  ReadAhead blocks(source, 20);  // blocks of 10: the third read fails
  EXPECT_TRUE(blocks.next());
  EXPECT_TRUE(blocks.next());
  EXPECT_EQ(blocks.first(), 10u);
  try {
    blocks.next();
    FAIL() << "the damaged block was not reported";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "frame 20 is damaged");
  }
}

TEST(ReadAhead, AnAbandonedPassWaitsForTheReadInFlight) {
  CountingSource source(10);
  source.delay_ms = 50;
  {
    ReadAhead blocks(source, 4);
    ASSERT_TRUE(blocks.next());  // the read of frames 2-3 starts now and takes 50 ms
  }
  EXPECT_FALSE(source.in_flight());
  EXPECT_EQ(source.reads.size(), 2u);
}

TEST(ReadAhead, AFileReadAheadGivesTheFramesReadDirectly) {
  test::ScratchDir dir;
  const std::size_t t = 45, h = 6, w = 5;
  const auto frames = test::speckle_frames(t, h, w, 0.7, 0.5, 3);
  write_npy(dir / "f.npy", {t, h, w}, frames.data());
  DetectorMetadata m;
  m.frame_time = 1.0;
  auto source = open_frames(dir / "f.npy", m);
  ReadAhead blocks(*source, 8);
  std::vector<float> seen;
  while (blocks.next())
    seen.insert(seen.end(), blocks.dense().data.begin(),
                blocks.dense().data.begin() + static_cast<std::ptrdiff_t>(blocks.count() * h * w));
  EXPECT_EQ(seen, frames);
}

}  // namespace
}  // namespace glassy
