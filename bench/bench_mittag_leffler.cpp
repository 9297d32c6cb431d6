// Throughput of glassy::mittag_leffler on the fit workload: E_a(-x) = E_{a,1}(-x) for x log-uniform
// over [1e-6, 1e6], as scalar calls and as one vectorised call per batch. items_per_second is
// evaluations per second on one core.
#include <benchmark/benchmark.h>

#include <cmath>
#include <complex>
#include <cstddef>
#include <random>
#include <span>
#include <vector>

#include <glassy/special/mittag_leffler.hpp>

namespace {

constexpr std::size_t kBatch = 4096;

// Fixed-seed arguments -x with log10(x) uniform in [-6, 6].
std::vector<double> log_uniform_arguments(std::size_t n) {
  std::mt19937_64 rng(20240611);
  std::uniform_real_distribution<double> exponent(-6.0, 6.0);
  std::vector<double> x(n);
  for (double& v : x) v = -std::pow(10.0, exponent(rng));
  return x;
}

double alpha_of(const benchmark::State& state) {
  return static_cast<double>(state.range(0)) / 100.0;
}

void BM_MittagLefflerScalar(benchmark::State& state) {
  const double alpha = alpha_of(state);
  const std::vector<double> x = log_uniform_arguments(kBatch);
  glassy::mittag_leffler(alpha, 1.0, x[0]);  // per-(alpha, beta) setup outside the timing
  for (auto _ : state) {
    double sum = 0.0;
    for (double v : x) sum += glassy::mittag_leffler(alpha, 1.0, v);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * x.size()));
}

void BM_MittagLefflerVector(benchmark::State& state) {
  const double alpha = alpha_of(state);
  const std::vector<double> x = log_uniform_arguments(kBatch);
  std::vector<double> out(x.size());
  glassy::mittag_leffler(alpha, 1.0, x, out);
  for (auto _ : state) {
    glassy::mittag_leffler(alpha, 1.0, x, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * x.size()));
}

// Relaxation form used by fits, including the per-call (t/tau)^beta.
void BM_MittagLefflerRelaxation(benchmark::State& state) {
  const double beta = alpha_of(state);
  std::vector<double> t = log_uniform_arguments(kBatch);
  for (double& v : t) v = std::pow(-v, 1.0 / beta);  // so that (t/tau)^beta is log-uniform
  glassy::mittag_leffler_relaxation(beta, t[0]);
  for (auto _ : state) {
    double sum = 0.0;
    for (double v : t) sum += glassy::mittag_leffler_relaxation(beta, v);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * t.size()));
}

// Complex arguments on a ray (slower path: complex Hankel sums).
void BM_MittagLefflerComplex(benchmark::State& state) {
  const double alpha = alpha_of(state);
  const std::vector<double> x = log_uniform_arguments(kBatch);
  std::vector<std::complex<double>> z(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) z[i] = std::polar(-x[i], 0.75 * 3.141592653589793);
  glassy::mittag_leffler(alpha, 1.0, z[0]);
  for (auto _ : state) {
    std::complex<double> sum = 0.0;
    for (const auto& v : z) sum += glassy::mittag_leffler(alpha, 1.0, v);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * z.size()));
}

// One-off setup cost of a new (alpha, beta), as paid when a fit moves alpha.
void BM_MittagLefflerSetup(benchmark::State& state) {
  double alpha = 0.61;
  for (auto _ : state) {
    alpha = alpha < 0.9 ? alpha + 1e-7 : 0.61;  // a fresh (alpha, beta) every call
    benchmark::DoNotOptimize(glassy::mittag_leffler(alpha, 1.0, -3.0));
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_MittagLefflerScalar)->Arg(5)->Arg(30)->Arg(50)->Arg(70)->Arg(90);
BENCHMARK(BM_MittagLefflerVector)->Arg(30)->Arg(50)->Arg(70)->Arg(90);
BENCHMARK(BM_MittagLefflerRelaxation)->Arg(50)->Arg(90);
BENCHMARK(BM_MittagLefflerComplex)->Arg(50)->Arg(90);
BENCHMARK(BM_MittagLefflerSetup);
