// Structure analysis of a 32,000-atom Wahnstrom-like binary glass: radical Voronoi cells beside
// the anchor "32,000 atoms under 0.5 s", on one and two threads, plus the IFK network, strings and
// the waiting-time tracker's throughput.
//
// Configuration: 16,000 S + 16,000 L atoms at number density 0.75 sigma_SS^-3 (box 34.9),
// random positions relaxed by steepest descent on a soft repulsion (1 - r/sigma_ab)^2 for
// r < sigma_ab until no pair overlaps by more than a few percent: a dense, disordered packing with
// the Voronoi statistics of a liquid (about 14-15 faces per cell). Not an MD glass (that needs
// LAMMPS and hours); its cells are at least as costly as a glass's. An fcc crystal with noise is
// timed too, for scale.
//   bench_md_structure
#include "bench_common.hpp"

#include <glassy/core/random.hpp>
#include <glassy/md/ifk.hpp>
#include <glassy/md/strings.hpp>
#include <glassy/md/voronoi.hpp>
#include <glassy/md/waiting.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

using namespace glassy;
using namespace glassy::md;

namespace {

constexpr double kSigma[2] = {1.0, 1.2};

// Random binary positions relaxed on a soft repulsion with a cell list.
Snapshot relaxed_binary(std::size_t n, std::vector<int>& species, int iterations, int& used,
                        double& worst_overlap) {
  const double len = std::cbrt(static_cast<double>(n) / 0.75);
  Snapshot s;
  s.box.hi = {len, len, len};
  Xoshiro256 rng(2024, 0);
  species.resize(n);
  s.positions.resize(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    species[i] = static_cast<int>(i % 2);
    for (int a = 0; a < 3; ++a) s.positions[3 * i + a] = len * rng.uniform();
  }
  const int nc = static_cast<int>(len / 1.2);
  const double cw = len / nc;
  std::vector<double> force(3 * n);
  std::vector<int> head(nc * nc * nc), next(n);
  for (int it = 0; it < iterations; ++it) {
    std::fill(head.begin(), head.end(), -1);
    for (std::size_t i = 0; i < n; ++i) {
      int c[3];
      for (int a = 0; a < 3; ++a) {
        double& x = s.positions[3 * i + a];
        x -= len * std::floor(x / len);
        c[a] = std::min(nc - 1, static_cast<int>(x / cw));
      }
      const int cell = c[0] + nc * (c[1] + nc * c[2]);
      next[i] = head[cell];
      head[cell] = static_cast<int>(i);
    }
    std::fill(force.begin(), force.end(), 0.0);
    double worst = 0;
#pragma omp parallel for schedule(static) reduction(max : worst)
    for (long i = 0; i < static_cast<long>(n); ++i) {
      int c[3];
      for (int a = 0; a < 3; ++a)
        c[a] = std::min(nc - 1, static_cast<int>(s.positions[3 * i + a] / cw));
      for (int dz = -1; dz <= 1; ++dz)
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            const int cell =
                (c[0] + dx + nc) % nc + nc * ((c[1] + dy + nc) % nc + nc * ((c[2] + dz + nc) % nc));
            for (int j = head[cell]; j >= 0; j = next[j]) {
              if (j == i) continue;
              double d[3], r2 = 0;
              for (int a = 0; a < 3; ++a) {
                d[a] = s.positions[3 * i + a] - s.positions[3 * j + a];
                d[a] -= len * std::round(d[a] / len);
                r2 += d[a] * d[a];
              }
              const double sig = 0.5 * (kSigma[species[i]] + kSigma[species[j]]);
              if (r2 >= sig * sig || r2 == 0) continue;
              const double r = std::sqrt(r2), overlap = 1 - r / sig;
              worst = std::max(worst, overlap);
              for (int a = 0; a < 3; ++a) force[3 * i + a] += overlap * d[a] / r;
            }
          }
    }
    for (std::size_t k = 0; k < 3 * n; ++k) s.positions[k] += 0.3 * force[k];
    used = it + 1;
    worst_overlap = worst;
    if (worst < 0.03) break;
  }
  return s;
}

Snapshot noisy_fcc(int cells, double noise) {
  const double a = std::cbrt(4 / 0.75);
  Snapshot s;
  s.box.hi = {cells * a, cells * a, cells * a};
  Xoshiro256 rng(5, 0);
  std::normal_distribution<double> g(0.0, noise);
  const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  for (int i = 0; i < cells; ++i)
    for (int j = 0; j < cells; ++j)
      for (int k = 0; k < cells; ++k)
        for (const auto& b : basis) {
          s.positions.push_back((i + b[0]) * a + g(rng));
          s.positions.push_back((j + b[1]) * a + g(rng));
          s.positions.push_back((k + b[2]) * a + g(rng));
        }
  return s;
}

template <class F>
double best_of(int repeats, F&& f) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const double t0 = bench::now_s();
    f();
    best = std::min(best, bench::now_s() - t0);
  }
  return best;
}

}  // namespace

int main() {
  const int max_threads = omp_get_max_threads();
  const std::size_t n = 32000;
  std::vector<int> species;
  double t0 = bench::now_s();
  int iterations = 0;
  double overlap = 0;
  const Snapshot glass = relaxed_binary(n, species, 300, iterations, overlap);
  std::printf(
      "configuration: %zu atoms (50:50 S/L), density 0.75, soft-sphere relaxed in %.2f s (%d "
      "steps, largest overlap %.3f sigma_ab)\n",
      n, bench::now_s() - t0, iterations, overlap);

  std::vector<VoronoiCell> cells;
  for (int threads : {1, 2}) {
    if (threads > std::max(2, max_threads)) continue;
    omp_set_num_threads(threads);
    VoronoiOptions radical;
    const double tr = best_of(5, [&] { cells = voronoi_cells(glass, species, radical); });
    VoronoiOptions plain;
    plain.radical = false;
    const double tp = best_of(5, [&] { voronoi_cells(glass, species, plain); });
    std::printf(
        "voronoi 32000 atoms, %d thread%s: radical %.3f s, plain %.3f s  (anchor under 0.5 s: "
        "ratio %.2f)\n",
        threads, threads > 1 ? "s" : " ", tr, tp, tr / 0.5);
  }
  double faces = 0, volume = 0;
  for (const auto& c : cells) faces += c.coordination, volume += c.volume;
  std::printf("  mean faces per cell %.2f, volume sum / box %.12f\n", faces / n,
              volume / glass.box.volume());

  const Snapshot fcc = noisy_fcc(20, 0.05);  // 32,000 atoms
  const std::vector<int> fcc_species(fcc.atoms(), 0);
  omp_set_num_threads(1);
  VoronoiOptions mono;
  mono.radical = false;
  const double tf = best_of(3, [&] { voronoi_cells(fcc, fcc_species, mono); });
  std::printf("voronoi fcc+noise 32000 atoms, 1 thread: %.3f s\n", tf);

  omp_set_num_threads(std::min(2, std::max(1, max_threads)));
  IfkAnalysis ifk;
  const double ti = best_of(3, [&] { ifk = analyse_ifk(glass, species, cells); });
  std::printf(
      "ifk network: %.4f s; icosahedra %.3f, IFK %.3f, largest cluster %zu (%.3f), "
      "percolates %s; top index %s %.3f\n",
      ti, ifk.overall.fraction(Motif::kIcosahedron), ifk.overall.ifk_fraction(),
      ifk.largest_cluster, ifk.largest_fraction, ifk.percolates ? "yes" : "no",
      ifk.top_indices.empty() ? "-"
                              : format_voronoi_index(VoronoiCell{ifk.top_indices[0].index}).c_str(),
      ifk.top_indices.empty() ? 0.0 : ifk.top_indices[0].fraction);

  // Strings: every atom displaced a little, 5% moved by up to a bond length.
  Snapshot later = glass;
  Xoshiro256 rng(9, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const double scale = rng.uniform() < 0.05 ? 1.0 : 0.15;
    for (int a = 0; a < 3; ++a) later.positions[3 * i + a] += scale * (2 * rng.uniform() - 1);
  }
  StringAnalysis st;
  const double ts = best_of(3, [&] { st = find_strings(glass, later, species); });
  std::printf("strings (5%% mobile of 32000): %.4f s, %zu strings, mean length %.2f\n", ts,
              st.count(), st.mean_length);

  // Waiting-time tracker: 32,000 vibrating atoms (16 pre-drawn vibration patterns cycled).
  std::vector<Snapshot> frames(16, glass);
  std::normal_distribution<double> vib(0.0, 0.1);
  for (auto& f : frames)
    for (double& v : f.positions) v += vib(rng);
  const int snapshots = 400;
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    WaitingTimeTracker tracker(species);
    Snapshot s = frames[0];
    t0 = bench::now_s();
    for (int k = 0; k < snapshots; ++k) {
      const auto& src = frames[k % frames.size()];
      std::copy(src.positions.begin(), src.positions.end(), s.positions.begin());
      s.time = 0.5 * k;
      tracker.add(s);
    }
    const double tt = bench::now_s() - t0;
    const auto w = tracker.finish();
    std::printf(
        "waiting tracker, window 5, %d thread%s: %d snapshots x 32000 atoms in %.3f s = "
        "%.0f snapshots/s (%.1f M atom-snapshots/s), false events %zu\n",
        threads, threads > 1 ? "s" : " ", snapshots, tt, snapshots / tt,
        snapshots * 32000.0 / tt / 1e6, w.event_count());
  }
  omp_set_num_threads(max_threads);
  std::printf("peak memory %.0f MiB\n", bench::peak_rss_mib());
  return 0;
}
