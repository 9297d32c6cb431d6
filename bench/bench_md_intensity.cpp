// Simulated-speckle speed beside its anchors (issue 6, md/intensity): N = 32,000 atoms at number
// density 0.75, the paper's full shell 6.0 <= |q| < 6.7 1/sigma (about 61,000 lattice q), one
// core. Anchors: target < 0.3 s per snapshot per core; a separable direct sum ~1.8 s; the
// FINUFFT library ~0.23 s. Also the cross-section and the spot (|dq| = 0.21 1/A = 0.507 1/sigma
// with q1 = 6.35 1/sigma matched to 2.63 1/A) and the accuracy of the NUFFT against the direct sum.
#include "bench_common.hpp"

#include <glassy/core/threads.hpp>
#include <glassy/md/intensity.hpp>
#include <glassy/md/reciprocal.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

using namespace glassy;
using namespace glassy::md;

namespace {

// Median seconds per compute() over `reps` calls after one warm-up call.
double seconds_per_snapshot(IntensityCalculator& calc, const Snapshot& snap,
                            std::vector<double>& out, int reps) {
  calc.compute(snap, out);
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const double t0 = bench::now_s();
    calc.compute(snap, out);
    t.push_back(bench::now_s() - t0);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

double max_relative_difference(const std::vector<double>& a, const std::vector<double>& ref) {
  double mean = 0, worst = 0;
  for (double v : ref) mean += v;
  mean /= static_cast<double>(ref.size());
  for (std::size_t i = 0; i < ref.size(); ++i) worst = std::max(worst, std::abs(a[i] - ref[i]));
  return worst / mean;
}

struct Row {
  std::string name;
  QSet q;
  int direct_reps, nufft_reps;
};

}  // namespace

int main() {
  set_threads(1);
  const std::size_t atoms = 32000;
  const double l = std::cbrt(static_cast<double>(atoms) / 0.75);
  Snapshot snap;
  snap.box.hi = {l, l, l};
  std::vector<int> species(atoms);
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> unit(0, 1);
  for (std::size_t j = 0; j < atoms; ++j) {
    for (int a = 0; a < 3; ++a) snap.positions.push_back(unit(rng) * l);
    species[j] = static_cast<int>(j % 2);
  }
  const double dq_spot = 0.21 * (6.35 / 2.63);  // 0.21 1/A in 1/sigma
  std::printf("N = %zu atoms, box %.3f^3 sigma^3 (density 0.75), 1 thread\n", atoms, l);
  std::vector<Row> rows{
      {"full shell 6.0-6.7 (both +-q)", shell(snap.box, 6.0, 6.7, FriedelPairs::KeepBoth), 3, 7},
      {"full shell, one per +-q pair", shell(snap.box, 6.0, 6.7), 3, 7},
      {"cross-section n_z = 0", cross_section(snap.box, 6.0, 6.7), 7, 7},
      {"spot |dq| = 0.507 1/sigma", spot_along(snap.box, {1, 0.3, 0.2}, 6.0, 6.7, dq_spot), 7, 7},
  };
  std::printf("%-32s %8s %12s %12s %10s %12s %8s\n", "region", "q", "direct s", "nufft s",
              "nufft plan", "nufft err", "auto");
  double shell_nufft = 0, shell_direct = 0;
  for (auto& row : rows) {
    std::vector<double> id(row.q.size()), in(row.q.size());
    IntensityCalculator direct(row.q, species, {1.0, 1.0}, IntensityMethod::Direct);
    const double td = seconds_per_snapshot(direct, snap, id, row.direct_reps);
    const double t0 = bench::now_s();
    IntensityCalculator nufft(row.q, species, {1.0, 1.0}, IntensityMethod::Nufft);
    const double plan = bench::now_s() - t0;
    const double tn = seconds_per_snapshot(nufft, snap, in, row.nufft_reps);
    const IntensityCalculator automatic(row.q, species);
    std::printf("%-32s %8zu %12.4f %12.4f %10.4f %12.2e %8s\n", row.name.c_str(), row.q.size(), td,
                tn, plan, max_relative_difference(in, id), to_string(automatic.method()).c_str());
    if (&row == &rows.front()) shell_nufft = tn, shell_direct = td;
  }
  std::printf("\nfull shell (%zu lattice q), seconds per snapshot per core:\n",
              rows.front().q.size());
  std::printf(
      "  nufft  %.3f s   target < 0.3 s (%.1fx under); FINUFFT anchor 0.23 s (ratio %.2f)\n",
      shell_nufft, 0.3 / shell_nufft, shell_nufft / 0.23);
  std::printf("  direct %.3f s   separable direct sum anchor 1.8 s (ratio %.2f)\n", shell_direct,
              shell_direct / 1.8);
  std::printf("peak memory %.0f MiB\n", bench::peak_rss_mib());
  return 0;
}
