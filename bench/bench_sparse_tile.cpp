// One two-time tile of the sparse path at the paper preset's scale (516 x 516 pixels, blocks of
// 512 frames, 0.005 photons per pixel per frame: ~6.6 pairs of events per entry), in-process,
// one core: the kernel (corr/sparse_tile), in double and in float, against the plain loop over
// pixels it replaced (the code before stop 25, kept here as the baseline). All give the same
// numerators (checked).
#include <benchmark/benchmark.h>

#include <glassy/corr/sparse_tile.hpp>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

namespace {

constexpr std::size_t kPixels = 516 * 516, kFrames = 512;

struct Events {
  std::vector<std::uint32_t> offset;
  std::vector<std::uint16_t> time;
  std::vector<float> count;
  glassy::SparseEvents view() const { return {offset, time, count}; }
};

// Photon arrivals per pixel as a Poisson process of the paper's rate, one in fifty a double hit.
Events paper_rate_block(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gap(0.005);
  Events e;
  e.offset.push_back(0);
  for (std::size_t j = 0; j < kPixels; ++j) {
    for (double t = gap(rng); t < kFrames; t += 1 + gap(rng)) {
      e.time.push_back(static_cast<std::uint16_t>(t));
      e.count.push_back(rng() % 50 == 0 ? 2.0f : 1.0f);
    }
    e.offset.push_back(static_cast<std::uint32_t>(e.time.size()));
  }
  return e;
}

void plain_loop(const Events& a, const Events& b, const std::vector<double>& w2, double* n) {
  std::fill(n, n + kFrames * kFrames, 0.0);
  for (std::size_t j = 0; j < kPixels; ++j) {
    const auto a0 = a.offset[j], a1 = a.offset[j + 1], b0 = b.offset[j], b1 = b.offset[j + 1];
    if (a0 == a1 || b0 == b1) continue;
    for (auto e1 = a0; e1 < a1; ++e1) {
      const double c1 = w2[j] * a.count[e1];
      double* row = n + static_cast<std::size_t>(a.time[e1]) * kFrames;
      for (auto e2 = b0; e2 < b1; ++e2) row[b.time[e2]] += c1 * b.count[e2];
    }
  }
}

struct Fixture {
  Events a = paper_rate_block(1), b = paper_rate_block(2);
  std::vector<double> w2 = std::vector<double>(kPixels, 1.0);
  std::vector<glassy::HeadEvent> head;
  std::vector<double> n = std::vector<double>(kFrames * kFrames);
  std::size_t pairs = 0;
  Fixture() {
    glassy::head_events(a.view(), w2, head);
    for (std::size_t j = 0; j < kPixels; ++j)
      pairs += std::size_t{a.offset[j + 1] - a.offset[j]} * (b.offset[j + 1] - b.offset[j]);
    std::vector<double> reference(n.size());
    plain_loop(a, b, w2, reference.data());
    glassy::SparseTileScratch scratch;
    glassy::sparse_numerators(head, b.view(), kFrames, kFrames, false, n.data(), scratch);
    if (n != reference) throw std::runtime_error("kernel and plain loop differ");
    std::vector<float> f(n.size());
    glassy::sparse_numerators(head, b.view(), kFrames, kFrames, false, f.data(), scratch);
    if (std::vector<double>(f.begin(), f.end()) != reference)
      throw std::runtime_error("float and double sums differ");
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

void report(benchmark::State& state, const Fixture& f) {
  state.counters["pairs_per_s"] = benchmark::Counter(static_cast<double>(f.pairs),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

void BM_SparseTileKernel(benchmark::State& state) {
  const Fixture& f = fixture();
  std::vector<double> n(kFrames * kFrames);
  glassy::SparseTileScratch scratch;
  for (auto _ : state) {
    glassy::sparse_numerators(f.head, f.b.view(), kFrames, kFrames, false, n.data(), scratch);
    benchmark::DoNotOptimize(n.data());
  }
  report(state, f);
}

// The same tile summed in float (what glassy runs with unit weights: the same bits here).
void BM_SparseTileKernelFloat(benchmark::State& state) {
  const Fixture& f = fixture();
  std::vector<float> n(kFrames * kFrames);
  glassy::SparseTileScratch scratch;
  for (auto _ : state) {
    glassy::sparse_numerators(f.head, f.b.view(), kFrames, kFrames, false, n.data(), scratch);
    benchmark::DoNotOptimize(n.data());
  }
  report(state, f);
}

void BM_SparseTilePlainLoop(benchmark::State& state) {
  const Fixture& f = fixture();
  std::vector<double> n(kFrames * kFrames);
  for (auto _ : state) {
    plain_loop(f.a, f.b, f.w2, n.data());
    benchmark::DoNotOptimize(n.data());
  }
  report(state, f);
}

// Once per head block and bin, not per tile.
void BM_HeadEvents(benchmark::State& state) {
  const Fixture& f = fixture();
  std::vector<glassy::HeadEvent> head;
  for (auto _ : state) {
    glassy::head_events(f.a.view(), f.w2, head);
    benchmark::DoNotOptimize(head.data());
  }
}

BENCHMARK(BM_SparseTileKernel)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SparseTileKernelFloat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SparseTilePlainLoop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HeadEvents)->Unit(benchmark::kMillisecond);

}  // namespace
