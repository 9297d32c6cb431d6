// Tile::complete: the two-time correlator marks a tile complete exactly when no entry is NaN, and
// the reducers' diagonal sums over a complete tile (the path without the per-pair NaN test) are
// the same bits as over the same tile not so marked (the map's cell sums too).
#include "test_support.hpp"

#include <glassy/corr/reducers.hpp>
#include <glassy/corr/twotime.hpp>
#include <glassy/io/npy_frames.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace glassy {
namespace {

using test::ScratchDir;

// Records, per tile, whether it was marked complete and whether it holds a NaN where the
// reducers read (t1 > t2, and t1 == t2 on the diagonal).
class CompletenessSpy : public TileReducer {
 public:
  std::size_t max_lag_frames() const override { return static_cast<std::size_t>(-1); }
  void consume(const Tile& t) override {
    bool nan = false;
    for (std::size_t i = 0; i < t.t1_count; ++i) {
      const std::size_t jend = t.diagonal ? i + 1 : t.t2_count;
      for (std::size_t j = 0; j < jend; ++j) nan = nan || std::isnan(t.at(i, j));
    }
    seen.push_back({t.t1_first, t.t2_first, t.complete, nan});
  }
  std::vector<std::pair<std::string, std::vector<double>*>> state() override { return {}; }
  struct Seen {
    std::size_t t1_first, t2_first;
    bool complete, has_nan;
  };
  std::vector<Seen> seen;
};

TEST(TileComplete, MarkedExactlyWhenNoFrameOfTheTileIsInvalid) {
  ScratchDir dir;
  const std::size_t t = 96, h = 12, w = 12, block = 16;
  const auto frames = test::speckle_frames(t, h, w, 0.5, 0.8, 7);
  const auto file = dir / "f.npy";
  write_npy(file, {t, h, w}, frames.data());
  DetectorMetadata m;
  m.frame_time = 1.0;
  auto source = open_frames(file, m);
  Partition p;
  p.height = h;
  p.width = w;
  p.mask.assign(h * w, 1);
  p.dynamic_q = p.static_q = 1;
  p.dynamic_q_values = p.static_q_values = {1};
  p.dynamic_phi_values = p.static_phi_values = {0};
  p.dynamic_map.assign(h * w, 1);
  p.static_map = p.dynamic_map;
  std::vector<double> weights(h * w, 1.0);
  std::vector<std::uint8_t> valid(t, 1);
  valid[37] = 0;  // block 2 holds an invalid frame
  for (const CorrPath path : {CorrPath::Dense, CorrPath::Sparse}) {
    CompletenessSpy spy;
    TwoTimeOptions o;
    o.path = path;
    o.block_frames = block;
    TileReducer* reducers[] = {&spy};
    run_twotime(*source, {p, weights, valid}, o, reducers);
    ASSERT_EQ(spy.seen.size(), 6u * 7u / 2u) << to_string(path);
    std::size_t complete = 0;
    for (const auto& s : spy.seen) {
      const bool touches_invalid = s.t1_first / block == 2 || s.t2_first / block == 2;
      EXPECT_EQ(s.complete, !touches_invalid) << s.t1_first << "," << s.t2_first;
      EXPECT_EQ(s.has_nan, touches_invalid) << s.t1_first << "," << s.t2_first;
      complete += s.complete;
    }
    EXPECT_EQ(complete, 21u - 6u);  // the 6 tiles of row 2 and column 2
  }
}

// A NaN-free tile of C around 1 consumed by the reducers that skip the NaN test on complete
// tiles (band and one-time along diagonals, the map by cells), once marked complete and once not.
TEST(TileComplete, DiagonalSumsAreTheSameBitsEitherWay) {
  const std::size_t frames = 300;
  std::vector<double> times(frames);
  for (std::size_t f = 0; f < frames; ++f) times[f] = 0.5 * static_cast<double>(f);
  const FrameClock clock(times, 0.5);
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(0.9, 1.3);
  for (const bool diagonal : {false, true}) {
    const std::size_t t1_first = diagonal ? 100 : 180, t2_first = 100, rows = 64, cols = 64;
    std::vector<double> c(rows * cols);
    for (auto& v : c) v = u(rng);
    Tile tile{0, t1_first, rows, t2_first, cols, c.data(), diagonal, false};
    AgeBandReducer band_checked(clock, 1, 1e9, 5, 20.0), band_fast(clock, 1, 1e9, 5, 20.0);
    OneTimeReducer one_checked(clock, 1, 1e9, 5), one_fast(clock, 1, 1e9, 5);
    MapReducer map_checked(clock, 1, 37), map_fast(clock, 1, 37);
    band_checked.consume(tile);
    one_checked.consume(tile);
    map_checked.consume(tile);
    tile.complete = true;
    band_fast.consume(tile);
    one_fast.consume(tile);
    map_fast.consume(tile);
    const auto same = [&](TileReducer& a, TileReducer& b) {
      const auto sa = a.state(), sb = b.state();
      ASSERT_EQ(sa.size(), sb.size());
      double filled = 0;
      for (std::size_t k = 0; k < sa.size(); ++k) {
        ASSERT_EQ(*sa[k].second, *sb[k].second) << sa[k].first << (diagonal ? " (diagonal)" : "");
        for (double v : *sa[k].second) filled += v != 0;
      }
      EXPECT_GT(filled, 0);  // the tile reached the tables
    };
    same(band_checked, band_fast);
    same(one_checked, one_fast);
    same(map_checked, map_fast);
  }
}

}  // namespace
}  // namespace glassy
