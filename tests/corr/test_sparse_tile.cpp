// The sparse tile kernel against the plain double loop over every pixel's pairs of events, on
// events that reach every job length it sorts by (none, 1 to 7, and long ones), counts above 1,
// flat-field weights, several chunks of jobs, rows != cols, and the diagonal tile.
#include <glassy/corr/sparse_tile.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace glassy {
namespace {

struct Events {
  std::vector<std::uint32_t> offset;
  std::vector<std::uint16_t> time;
  std::vector<float> count;
  SparseEvents view() const { return {offset, time, count}; }
};

// Pixel j gets events at its own rate (0 to ~0.08 per frame, a few much higher) so the number of
// events a pixel has in a block ranges from 0 to dozens.
Events random_events(std::size_t pixels, std::size_t frames, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Events e;
  e.offset.push_back(0);
  for (std::size_t j = 0; j < pixels; ++j) {
    const double rate = j % 97 == 5 ? 0.5 : 0.08 * u(rng);
    for (std::size_t t = 0; t < frames; ++t)
      if (u(rng) < rate) {
        e.time.push_back(static_cast<std::uint16_t>(t));
        e.count.push_back(u(rng) < 0.1 ? 2.0f + static_cast<float>(rng() % 3) : 1.0f);
      }
    e.offset.push_back(static_cast<std::uint32_t>(e.time.size()));
  }
  return e;
}

std::vector<double> plain_numerators(const Events& a, const Events& b, std::size_t rows,
                                     std::size_t cols, bool diagonal,
                                     const std::vector<double>& w2) {
  std::vector<double> n(rows * cols, 0.0);
  for (std::size_t j = 0; j + 1 < a.offset.size(); ++j)
    for (auto e1 = a.offset[j]; e1 < a.offset[j + 1]; ++e1)
      for (auto e2 = b.offset[j]; e2 < (diagonal ? e1 + 1 : b.offset[j + 1]); ++e2)
        n[a.time[e1] * cols + b.time[e2]] += w2[j] * a.count[e1] * b.count[e2];
  return n;
}

void expect_equal_to_plain_loop(const Events& a, const Events& b, std::size_t rows,
                                std::size_t cols, bool diagonal, const std::vector<double>& w2) {
  std::vector<HeadEvent> head;
  head_events(a.view(), w2, head);
  ASSERT_EQ(head.size(), a.time.size());
  for (std::size_t j = 0; j + 1 < a.offset.size(); ++j)
    for (auto e = a.offset[j]; e < a.offset[j + 1]; ++e) {
      ASSERT_EQ(head[e].pixel, j);
      ASSERT_EQ(head[e].row, a.time[e]);
      ASSERT_EQ(head[e].weight, w2[j] * a.count[e]);
    }
  std::vector<double> n(rows * cols, -1.0);
  SparseTileScratch scratch;
  sparse_numerators(head, b.view(), rows, cols, diagonal, n.data(), scratch);
  const auto ref = plain_numerators(a, b, rows, cols, diagonal, w2);
  std::size_t nonzero = 0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    // Same terms summed in another order: equal to a few ulps of the sum.
    ASSERT_NEAR(n[i], ref[i], 1e-14 * std::abs(ref[i])) << i / cols << "," << i % cols;
    nonzero += ref[i] != 0;
  }
  EXPECT_GT(nonzero, n.size() / 4);
}

TEST(SparseTile, EqualsThePlainLoopOverPixels) {
  const std::size_t pixels = 3000, rows = 200, cols = 150;
  const auto a = random_events(pixels, rows, 1), b = random_events(pixels, cols, 2);
  ASSERT_GT(a.time.size(), 4 * 1024u);  // several chunks of jobs
  // Every job length the kernel sorts by occurs, long ones included.
  std::vector<std::size_t> lengths(10, 0);
  for (std::size_t j = 0; j < pixels; ++j)
    ++lengths[std::min<std::size_t>(b.offset[j + 1] - b.offset[j], 9)];
  for (std::size_t l = 0; l < lengths.size(); ++l) EXPECT_GT(lengths[l], 0u) << l;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.5, 1.5);
  std::vector<double> w2(pixels);
  for (auto& w : w2) w = u(rng);
  expect_equal_to_plain_loop(a, b, rows, cols, false, w2);
  expect_equal_to_plain_loop(a, a, rows, rows, true, w2);
}

TEST(SparseTile, UnitWeightsAndCountsGiveExactIntegers) {
  // Integer terms: any order of summation gives the same bits.
  const std::size_t pixels = 2000, frames = 128;
  const auto a = random_events(pixels, frames, 4), b = random_events(pixels, frames, 5);
  const std::vector<double> w2(pixels, 1.0);
  std::vector<HeadEvent> head;
  head_events(a.view(), w2, head);
  std::vector<double> n(frames * frames);
  SparseTileScratch scratch;
  for (const bool diagonal : {false, true}) {
    const Events& other = diagonal ? a : b;
    sparse_numerators(head, other.view(), frames, frames, diagonal, n.data(), scratch);
    EXPECT_EQ(n, plain_numerators(a, other, frames, frames, diagonal, w2));
  }
}

TEST(SparseTile, FloatSumsEqualDoubleSumsBitForBitWhereExact) {
  // Unit weights and whole photons (every job length, counts up to 4, the diagonal): the float
  // kernel's numerators, widened, are the double kernel's bits, and the plain loop's.
  const std::size_t pixels = 3000, rows = 200, cols = 150;
  const auto a = random_events(pixels, rows, 6), b = random_events(pixels, cols, 7);
  const std::vector<double> w2(pixels, 1.0);
  std::vector<HeadEvent> head;
  head_events(a.view(), w2, head);
  SparseTileScratch scratch;
  for (const bool diagonal : {false, true}) {
    const Events& other = diagonal ? a : b;
    const std::size_t c = diagonal ? rows : cols;
    std::vector<double> n(rows * c, -1.0);
    std::vector<float> f(rows * c, -1.0f);
    sparse_numerators(head, other.view(), rows, c, diagonal, n.data(), scratch);
    sparse_numerators(head, other.view(), rows, c, diagonal, f.data(), scratch);
    EXPECT_EQ(std::vector<double>(f.begin(), f.end()), n) << diagonal;
    EXPECT_EQ(n, plain_numerators(a, other, rows, c, diagonal, w2)) << diagonal;
  }
}

TEST(SparseTile, FloatSumsAreExactOnlyForWholeWeightsBelowTwoToThe24) {
  EXPECT_TRUE(float_sums_are_exact(true, 1330, 3));      // the paper preset: ~1,330 photons a frame
  EXPECT_TRUE(float_sums_are_exact(true, 4194304, 4));   // 2^24 exactly
  EXPECT_FALSE(float_sums_are_exact(true, 4194305, 4));  // one photon more
  EXPECT_FALSE(float_sums_are_exact(false, 10, 1));      // flat-field weights
  // Where the rule says no, float does lose a photon: 2^24 + 1 is not a float.
  EXPECT_EQ(static_cast<float>(16777216.0f + 1.0f), 16777216.0f);
}

TEST(SparseTile, PixelsWithoutEventsAtEitherEnd) {
  Events a;
  a.offset = {0, 0, 0, 2, 2, 3, 3, 3};
  a.time = {1, 4, 0};
  a.count = {1, 2, 3};
  const std::vector<double> w2{1, 1, 0.5, 1, 0.25, 1, 1};
  std::vector<HeadEvent> head;
  head_events(a.view(), w2, head);
  ASSERT_EQ(head.size(), 3u);
  EXPECT_EQ(head[0].pixel, 2u);
  EXPECT_EQ(head[1].pixel, 2u);
  EXPECT_EQ(head[2].pixel, 4u);
  EXPECT_EQ(head[1].row, 4u);
  EXPECT_EQ(head[1].weight, 1.0);
  EXPECT_EQ(head[2].weight, 0.75);
  Events none;
  none.offset.assign(8, 0);
  head_events(none.view(), w2, head);
  EXPECT_TRUE(head.empty());
  std::vector<double> n(5 * 5, 7.0);
  SparseTileScratch scratch;
  sparse_numerators(head, a.view(), 5, 5, false, n.data(), scratch);
  EXPECT_EQ(n, std::vector<double>(25, 0.0));
}

}  // namespace
}  // namespace glassy
