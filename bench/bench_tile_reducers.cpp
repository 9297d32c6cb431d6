// The reducers `glassy age` feeds every two-time tile (the age band, the one-time g2 and the
// 2048-cell map) on one 512 x 512 tile at the paper preset's geometry (119,400 frames 2.51 s
// apart, 1000 s windows, 5 lag bins per decade), in-process, one core: a tile marked complete
// (no invalid frame: no per-pair NaN test) against the same tile not marked. Same sums either
// way (tests/corr/test_tile_complete.cpp).
#include <benchmark/benchmark.h>

#include <glassy/corr/reducers.hpp>
#include <glassy/corr/tile.hpp>

#include <random>
#include <vector>

namespace {

constexpr std::size_t kFrames = 119400, kBlock = 512;
constexpr double kFrameSeconds = 2.5126;

const glassy::FrameClock& paper_clock() {
  static const glassy::FrameClock clock = [] {
    std::vector<double> times(kFrames);
    for (std::size_t f = 0; f < kFrames; ++f) times[f] = kFrameSeconds * static_cast<double>(f);
    return glassy::FrameClock(times, kFrameSeconds);
  }();
  return clock;
}

const std::vector<double>& tile_values() {
  static const std::vector<double> c = [] {
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(0.9, 1.3);
    std::vector<double> v(kBlock * kBlock);
    for (auto& x : v) x = u(rng);
    return v;
  }();
  return c;
}

// A tile 20 blocks below the diagonal, in the middle of the run.
void BM_Reducers(benchmark::State& state) {
  const bool complete = state.range(0) != 0;
  const auto& clock = paper_clock();
  glassy::AgeBandReducer band(clock, 1, 1e9, 5, 1000.0);
  glassy::OneTimeReducer onetime(clock, 1, 1e9, 5);
  glassy::MapReducer map(clock, 1, 2048);
  const std::size_t t1 = 120 * kBlock, t2 = 100 * kBlock;
  const glassy::Tile tile{0, t1, kBlock, t2, kBlock, tile_values().data(), false, complete};
  for (auto _ : state) {
    band.consume(tile);
    onetime.consume(tile);
    map.consume(tile);
    benchmark::ClobberMemory();
  }
  state.SetLabel(complete ? "complete (no NaN test)" : "NaN tested per pair");
}
BENCHMARK(BM_Reducers)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
