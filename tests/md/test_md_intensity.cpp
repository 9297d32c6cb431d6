// Simulated speckle (md/intensity) and S(q) (md/structure_factor) against references written
// here: the naive O(N Q) sum with std::polar on unwrapped positions, an fcc crystal's Bragg peaks
// (S = N at h, k, l all even or all odd, 0 elsewhere on the lattice), brute-force binning, and an
// exact parabola for the peak refinement.
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <glassy/core/error.hpp>
#include <glassy/md/intensity.hpp>
#include <glassy/md/reciprocal.hpp>
#include <glassy/md/structure_factor.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace glassy::md {
namespace {

using test::expect_error;

const double kTwoPi = 2 * std::acos(-1.0);

struct Config {
  Snapshot snapshot;
  std::vector<int> species;
};

// Uniform random atoms of both species in a non-cubic box off the origin; positions unwrapped
// (about half of them displaced by a few box lengths, as after a long run).
Config random_config(int atoms, std::array<double, 3> length, unsigned seed) {
  Config c;
  c.snapshot.box.lo = {-1.5, 2.0, 0.25};
  for (int a = 0; a < 3; ++a) c.snapshot.box.hi[a] = c.snapshot.box.lo[a] + length[a];
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_int_distribution<int> image(-3, 3);
  for (int j = 0; j < atoms; ++j) {
    for (int a = 0; a < 3; ++a) {
      double x = c.snapshot.box.lo[a] + unit(rng) * length[a];
      if (unit(rng) < 0.5) x += image(rng) * length[a];
      c.snapshot.positions.push_back(x);
    }
    c.species.push_back(unit(rng) < 0.5 ? kSmall : kLarge);
  }
  return c;
}

// The definition: |sum_j f_j exp(i q.r_j)|^2, term by term.
std::vector<double> naive_intensity(const Config& c, const std::vector<double>& f,
                                    const QSet& set) {
  std::vector<double> out;
  for (const auto& q : set.q_vectors()) {
    std::complex<double> sum = 0;
    for (std::size_t j = 0; j < c.species.size(); ++j) {
      const double* r = &c.snapshot.positions[3 * j];
      sum += std::polar(f[c.species[j]], q[0] * r[0] + q[1] * r[1] + q[2] * r[2]);
    }
    out.push_back(std::norm(sum));
  }
  return out;
}

// max_q |I - I_ref| / mean_q I_ref: the measure the tolerance is stated in.
double relative_error(const std::vector<double>& got, const std::vector<double>& ref) {
  EXPECT_EQ(got.size(), ref.size());
  double mean = 0, worst = 0;
  for (double v : ref) mean += v;
  mean /= static_cast<double>(ref.size());
  for (std::size_t i = 0; i < ref.size() && i < got.size(); ++i)
    worst = std::max(worst, std::abs(got[i] - ref[i]));
  return worst / mean;
}

std::vector<double> run(const Config& c, const QSet& set, IntensityMethod method,
                        const std::vector<double>& f, double tolerance = 1e-9) {
  IntensityCalculator calc(set, c.species, f, method, tolerance);
  EXPECT_EQ(calc.method(), method);
  EXPECT_EQ(calc.atoms(), c.species.size());
  EXPECT_EQ(calc.qset().size(), set.size());
  return calc.compute(c.snapshot);
}

TEST(MdIntensity, BothMethodsMatchTheNaiveSumOnShellCrossSectionAndSpot) {
  const Config c = random_config(500, {9.3, 10.1, 11.7}, 11);
  const std::vector<double> f{1.0, 2.3};
  const Box& box = c.snapshot.box;
  const std::vector<std::pair<std::string, QSet>> regions{
      {"shell", shell(box, 5.0, 5.6)},
      {"shell both", shell(box, 5.0, 5.6, FriedelPairs::KeepBoth)},
      {"cross-section z", cross_section(box, 5.0, 5.6)},
      {"cross-section x", cross_section(box, 5.0, 5.6, 0)},
      {"spot", spot_along(box, {0.3, -1.0, 0.6}, 5.0, 5.6, 1.6)}};
  for (const auto& [name, set] : regions) {
    SCOPED_TRACE(name);
    ASSERT_GE(set.size(), 5u);
    const auto ref = naive_intensity(c, f, set);
    const double direct = relative_error(run(c, set, IntensityMethod::Direct, f), ref);
    const double nufft = relative_error(run(c, set, IntensityMethod::Nufft, f), ref);
    const double loose = relative_error(run(c, set, IntensityMethod::Nufft, f, 1e-6), ref);
    std::printf("  [%s, %zu q] max|dI|/<I>: direct %.2e, nufft(1e-9) %.2e, nufft(1e-6) %.2e\n",
                name.c_str(), set.size(), direct, nufft, loose);
    EXPECT_LT(direct, 1e-11);
    EXPECT_LT(nufft, 1e-9);
    EXPECT_LT(loose, 1e-6);
  }
}

TEST(MdIntensity, MethodsAgreeOnThePaperShellOfALargerSystem) {
  const double l = std::cbrt(4000 / 0.75);
  const Config c = random_config(4000, {l, l, l}, 12);
  const QSet set = shell(c.snapshot.box, 6.0, 6.7);
  const std::vector<double> f{1.0, 0.6};
  const double err = relative_error(run(c, set, IntensityMethod::Nufft, f),
                                    run(c, set, IntensityMethod::Direct, f));
  std::printf("  [N = 4000, %zu q] nufft vs direct max|dI|/<I> = %.2e\n", set.size(), err);
  EXPECT_LT(err, 1e-9);
}

TEST(MdIntensity, LinesPlanesAndSinglePointsMatchTheNaiveSum) {
  // Sets that span one, two or no grid axes exercise the NUFFT's dropped dimensions.
  const Config c = random_config(300, {7.0, 8.0, 9.0}, 13);
  const std::vector<double> f{1.5, 1.0};
  std::vector<std::array<int, 3>> line, plane;
  for (int k = -6; k <= 6; ++k) line.push_back({3, k, -2});
  for (int x = -4; x <= 4; ++x)
    for (int z = 5; z <= 9; ++z) plane.push_back({x, 7, z});
  for (const auto& set : {lattice_set(c.snapshot.box, {{3, -2, 5}}),
                          lattice_set(c.snapshot.box, line), lattice_set(c.snapshot.box, plane)}) {
    SCOPED_TRACE(set.size());
    const auto ref = naive_intensity(c, f, set);
    EXPECT_LT(relative_error(run(c, set, IntensityMethod::Nufft, f), ref), 1e-9);
    EXPECT_LT(relative_error(run(c, set, IntensityMethod::Direct, f), ref), 1e-11);
  }
}

TEST(MdIntensity, WrappingAndTranslatingTheSystemLeavesIUnchanged) {
  Config c = random_config(800, {8.0, 8.5, 9.0}, 14);
  const QSet set = shell(c.snapshot.box, 4.0, 4.8);
  const std::vector<double> f{1.0, 2.0};
  for (auto method : {IntensityMethod::Direct, IntensityMethod::Nufft}) {
    SCOPED_TRACE(to_string(method));
    IntensityCalculator calc(set, c.species, f, method);
    const auto before = calc.compute(c.snapshot);
    Snapshot moved = c.snapshot;
    const auto l = moved.box.length();
    for (std::size_t i = 0; i < moved.positions.size(); ++i) {
      const int a = static_cast<int>(i % 3);
      double x = moved.positions[i] - moved.box.lo[a];
      x -= std::floor(x / l[a]) * l[a];                           // wrapped into the box
      moved.positions[i] = moved.box.lo[a] + x + 0.37 * (a + 1);  // and translated
    }
    EXPECT_LT(relative_error(calc.compute(moved), before), 1e-9);
  }
}

// An fcc crystal of `cells`^3 cubic cells of side a (4 atoms each), some atoms in other images.
Config fcc(int cells, double a) {
  Config c;
  const double l = cells * a;
  c.snapshot.box.lo = {0.5, -0.25, 1.0};
  c.snapshot.box.hi = {0.5 + l, -0.25 + l, 1.0 + l};
  const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  int j = 0;
  for (int x = 0; x < cells; ++x)
    for (int y = 0; y < cells; ++y)
      for (int z = 0; z < cells; ++z)
        for (const auto& b : basis) {
          const int cell[3] = {x, y, z};
          for (int k = 0; k < 3; ++k)
            c.snapshot.positions.push_back(c.snapshot.box.lo[k] + (cell[k] + b[k]) * a +
                                           (j % 7 == k ? 2 * l : 0));
          c.species.push_back(j++ % 2);
        }
  return c;
}

// Lattice index n is a Bragg peak of the fcc crystal: n = cells (h, k, l), h k l all even or
// all odd.
bool bragg(const std::array<int, 3>& n, int cells) {
  for (int v : n)
    if (v % cells != 0) return false;
  const int parity = std::abs(n[0] / cells) % 2;
  return std::abs(n[1] / cells) % 2 == parity && std::abs(n[2] / cells) % 2 == parity;
}

TEST(MdIntensity, FccCrystalHasSEqualNAtBraggPeaksAndZeroElsewhere) {
  const int cells = 4;
  const double a = 1.7;
  const Config c = fcc(cells, a);
  const double n_atoms = static_cast<double>(c.species.size());
  // All lattice q up to beyond (4, 2, 0) 2 pi / a.
  const QSet set = shell(c.snapshot.box, 0.1, kTwoPi / a * 4.6, FriedelPairs::KeepBoth);
  const std::vector<double> f{1.0, 1.0};
  for (auto method : {IntensityMethod::Direct, IntensityMethod::Nufft}) {
    SCOPED_TRACE(to_string(method));
    const auto intensity = run(c, set, method, f);
    int peaks = 0;
    double worst_peak = 0, worst_zero = 0;
    for (std::size_t i = 0; i < set.size(); ++i) {
      const double s = intensity[i] / n_atoms;
      if (bragg(set.n[i], cells)) {
        ++peaks;
        worst_peak = std::max(worst_peak, std::abs(s - n_atoms) / n_atoms);
      } else {
        worst_zero = std::max(worst_zero, s / n_atoms);
      }
    }
    std::printf("  [fcc, %s] %d Bragg peaks: max |S - N|/N = %.1e, elsewhere max S/N = %.1e\n",
                to_string(method).c_str(), peaks, worst_peak, worst_zero);
    EXPECT_EQ(peaks, 8 + 6 + 12 + 24 + 8 + 6 + 24 + 24);  // 111 200 220 311 222 400 331 420
    EXPECT_LT(worst_peak, 1e-9);
    EXPECT_LT(worst_zero, 1e-8);
  }
}

// Brute-force radial binning of a per-q quantity over every lattice q with 0 < |q| < qmax.
struct Bins {
  std::map<int, double> q_sum, value_sum;
  std::map<int, std::size_t> count;
};
template <typename Value>
Bins bin_brute_force(const Box& box, double qmax, double dq, Value&& value) {
  Bins b;
  const auto l = box.length();
  const int m = static_cast<int>(qmax * std::max({l[0], l[1], l[2]}) / kTwoPi) + 1;
  for (int x = -m; x <= m; ++x)
    for (int y = -m; y <= m; ++y)
      for (int z = -m; z <= m; ++z) {
        const double q = std::hypot(kTwoPi * x / l[0], kTwoPi * y / l[1], kTwoPi * z / l[2]);
        if (q == 0 || q >= qmax) continue;
        const int k = static_cast<int>(q / dq);
        b.q_sum[k] += q;
        b.value_sum[k] += value(std::array<int, 3>{x, y, z});
        ++b.count[k];
      }
  return b;
}

void expect_bins(const StructureFactor& sq, const Bins& ref, double tolerance) {
  ASSERT_EQ(sq.q.size(), ref.count.size());
  std::size_t i = 0;
  for (const auto& [k, count] : ref.count) {
    EXPECT_EQ(sq.count[i], count) << "bin " << k;
    EXPECT_NEAR(sq.q[i], ref.q_sum.at(k) / count, 1e-12) << "bin " << k;
    EXPECT_NEAR(sq.s[i], ref.value_sum.at(k) / count, tolerance) << "bin " << k;
    ++i;
  }
}

TEST(MdStructureFactor, FccBinsAverageTheirBraggPeaks) {
  const int cells = 3;
  const Config c = fcc(cells, 1.6);
  const double n_atoms = static_cast<double>(c.species.size()), qmax = 12.0, dq = 0.25;
  const auto sq = structure_factor(c.snapshot, c.species, qmax, dq);
  EXPECT_EQ(sq.dq, dq);
  expect_bins(
      sq,
      bin_brute_force(c.snapshot.box, qmax, dq,
                      [&](const std::array<int, 3>& n) { return bragg(n, cells) ? n_atoms : 0.0; }),
      1e-8 * n_atoms);
  const auto peak = first_peak(sq);
  EXPECT_EQ(peak.bin,
            static_cast<std::size_t>(std::max_element(sq.s.begin(), sq.s.end()) - sq.s.begin()));
}

TEST(MdStructureFactor, RandomMixtureAndPartialsMatchNaiveSums) {
  Config c = random_config(150, {9.3, 10.1, 11.7}, 15);
  const double qmax = 4.0, dq = 0.5;
  const std::vector<double> f{1.0, 2.3};
  double f2 = 0, na = 0, nb = 0;
  for (int s : c.species) f2 += f[s] * f[s], na += s == 0, nb += s == 1;
  auto amplitudes = [&](const std::array<int, 3>& n) {
    const auto l = c.snapshot.box.length();
    std::complex<double> fa = 0, fb = 0;
    for (std::size_t j = 0; j < c.species.size(); ++j) {
      double phase = 0;
      for (int a = 0; a < 3; ++a) phase += kTwoPi * n[a] / l[a] * c.snapshot.positions[3 * j + a];
      (c.species[j] == 0 ? fa : fb) += std::polar(1.0, phase);
    }
    return std::pair{fa, fb};
  };
  const Box& box = c.snapshot.box;
  expect_bins(structure_factor(c.snapshot, c.species, qmax, dq, f),
              bin_brute_force(box, qmax, dq,
                              [&](const std::array<int, 3>& n) {
                                const auto [fa, fb] = amplitudes(n);
                                return std::norm(f[0] * fa + f[1] * fb) / f2;
                              }),
              1e-8);
  // Two identical snapshots average to the same S(q).
  const std::vector<Snapshot> two{c.snapshot, c.snapshot};
  const auto one = structure_factor(c.snapshot, c.species, qmax, dq, f);
  const auto avg = structure_factor(two, c.species, qmax, dq, f);
  for (std::size_t i = 0; i < one.s.size(); ++i) EXPECT_NEAR(avg.s[i], one.s[i], 1e-12);

  const auto partial = partial_structure_factors(std::span<const Snapshot>(&c.snapshot, 1),
                                                 c.species, 0, 1, qmax, dq);
  expect_bins(partial.aa,
              bin_brute_force(
                  box, qmax, dq,
                  [&](const std::array<int, 3>& n) { return std::norm(amplitudes(n).first) / na; }),
              1e-8);
  expect_bins(partial.bb,
              bin_brute_force(box, qmax, dq,
                              [&](const std::array<int, 3>& n) {
                                return std::norm(amplitudes(n).second) / nb;
                              }),
              1e-8);
  expect_bins(partial.ab,
              bin_brute_force(box, qmax, dq,
                              [&](const std::array<int, 3>& n) {
                                const auto [fa, fb] = amplitudes(n);
                                return (fa * std::conj(fb)).real() / std::sqrt(na * nb);
                              }),
              1e-8);
}

TEST(MdStructureFactor, FirstPeakRefinesTheHighestBin) {
  StructureFactor parabola;
  parabola.dq = 0.1;
  for (int k = 1; k <= 15; ++k) {
    const double q = 0.1 * k;
    parabola.q.push_back(q);
    parabola.s.push_back(3 - 20 * (q - 0.734) * (q - 0.734));
    parabola.count.push_back(10 + k);
  }
  auto peak = first_peak(parabola);
  EXPECT_NEAR(peak.q, 0.734, 1e-10);
  EXPECT_NEAR(peak.s, 3.0, 1e-10);
  EXPECT_EQ(peak.bin, 6u);

  // A Gaussian peak is located to a small fraction of the bin width; a higher spike outside the
  // search range is ignored.
  StructureFactor gauss;
  gauss.dq = 0.05;
  for (int k = 0; k < 200; ++k) {
    const double q = 0.025 + 0.05 * k, x = (q - 6.31) / 0.3;
    gauss.q.push_back(q);
    gauss.s.push_back(1 + 2 * std::exp(-0.5 * x * x) + (k == 40 ? 10 : 0));
    gauss.count.push_back(k + 1);
  }
  peak = first_peak(gauss, 4.0, 9.0);
  EXPECT_NEAR(peak.q, 6.31, 0.003);
  EXPECT_NEAR(peak.s, 3.0, 0.01);
  EXPECT_NEAR(first_peak(gauss).q, gauss.q[40], 1e-12);  // the spike, no parabola through it
  expect_error([&] { first_peak(gauss, 20.0, 30.0); }, "no S(q) bin");
}

TEST(MdIntensity, AutoPicksTheNufftForTheShellAndTheDirectSumForASpot) {
  // The benchmark's system: N = 32,000 at density 0.75, the paper's shell 6.0 <= q < 6.7.
  const double l = std::cbrt(32000 / 0.75);
  Box box;
  box.hi = {l, l, l};
  const QSet full = shell(box, 6.0, 6.7), small = spot_along(box, {1, 0.2, 0.1}, 6.0, 6.7, 0.5);
  EXPECT_GT(IntensityCalculator::direct_cost(full, 32000),
            3 * IntensityCalculator::nufft_cost(full, 32000, 1e-9));
  EXPECT_LT(IntensityCalculator::direct_cost(small, 32000),
            IntensityCalculator::nufft_cost(small, 32000, 1e-9));
  const Config c = random_config(8000, {12.0, 12.0, 12.0}, 16);
  const QSet few = spot_along(c.snapshot.box, {1, 0.2, 0.1}, 6.0, 6.7, 1.2);
  ASSERT_GT(few.size(), 1u);
  EXPECT_EQ(IntensityCalculator(few, c.species).method(), IntensityMethod::Direct);
  const QSet wide = shell(c.snapshot.box, 0.5, 9.0);
  EXPECT_EQ(IntensityCalculator(wide, c.species).method(), IntensityMethod::Nufft);
}

TEST(MdIntensity, OneCalculatorPerThreadGivesTheSerialResult) {
  const Config c = random_config(1000, {9.0, 9.5, 10.0}, 18);
  std::vector<QSet> sets;
  for (int k = 0; k < 4; ++k) sets.push_back(shell(c.snapshot.box, 3.0 + 0.5 * k, 4.0 + 0.5 * k));
  std::vector<std::vector<double>> serial, parallel(sets.size());
  for (const auto& set : sets)
    serial.push_back(IntensityCalculator(set, c.species, {1.0, 1.0}, IntensityMethod::Nufft)
                         .compute(c.snapshot));
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < sets.size(); ++k)
    threads.emplace_back([&, k] {
      IntensityCalculator calc(sets[k], c.species, {1.0, 1.0}, IntensityMethod::Nufft);
      parallel[k] = calc.compute(c.snapshot);
    });
  for (auto& t : threads) t.join();
  for (std::size_t k = 0; k < sets.size(); ++k) EXPECT_EQ(parallel[k], serial[k]);
}

TEST(MdIntensity, AGridBeyondTheLimitIsRefusedAndAutoFallsBackToTheDirectSum) {
  const Config c = random_config(50, {6.0, 6.0, 6.0}, 19);
  const QSet far = lattice_set(c.snapshot.box, {{-400, -400, -400}, {400, 400, 400}, {1, 2, 3}});
  expect_error(
      [&] {
        IntensityCalculator(far, c.species, {1.0, 1.0}, IntensityMethod::Nufft);
      },
      "NUFFT grid");
  IntensityCalculator automatic(far, c.species, {1.0, 1.0});
  EXPECT_EQ(automatic.method(), IntensityMethod::Direct);
  EXPECT_LT(relative_error(automatic.compute(c.snapshot), naive_intensity(c, {1.0, 1.0}, far)),
            1e-11);
}

TEST(MdIntensity, BadInputIsRefusedWithAReason) {
  Config c = random_config(20, {6.0, 6.0, 6.0}, 17);
  const QSet set = shell(c.snapshot.box, 3.0, 4.0);
  auto make = [&](std::vector<int> species, std::vector<double> f, double tol = 1e-9) {
    return IntensityCalculator(set, species, f, IntensityMethod::Auto, tol);
  };
  std::vector<int> bad_species = c.species;
  bad_species[7] = 2;
  expect_error([&] { make(bad_species, {1.0, 1.0}); }, "atom 7 has species 2");
  expect_error([&] { make(c.species, {1.0}); }, "form factors are given for 1");
  expect_error([&] { make({}, {1.0, 1.0}); }, "no atoms");
  expect_error([&] { make(c.species, {1.0, std::nan("")}); }, "form factor of species 1");
  expect_error([&] { make(c.species, {1.0, 1.0}, 0.0); }, "tolerance");
  expect_error([&] { make(c.species, {1.0, 1.0}, 0.1); }, "tolerance");
  expect_error([&] { IntensityCalculator(QSet{}, c.species); }, "q set is empty");

  for (auto method : {IntensityMethod::Direct, IntensityMethod::Nufft}) {
    IntensityCalculator calc(set, c.species, {1.0, 1.0}, method);
    Snapshot fewer = c.snapshot;
    fewer.positions.resize(fewer.positions.size() - 3);
    expect_error([&] { calc.compute(fewer); }, "expected 3 x 20 atoms");
    Snapshot wider = c.snapshot;
    wider.box.hi[1] += 0.5;
    expect_error([&] { calc.compute(wider); }, "box length 6.5 on axis y");
    Snapshot broken = c.snapshot;
    broken.positions[10] = std::nan("");
    expect_error([&] { calc.compute(broken); }, "coordinate y of atom 3");
    std::vector<double> short_out(set.size() - 1);
    expect_error([&] { calc.compute(c.snapshot, short_out); }, "output has");
  }
  expect_error([&] { structure_factor(c.snapshot, c.species, 4.0, 0.0); }, "0 < dq <= qmax");
  expect_error([&] { structure_factor(std::span<const Snapshot>{}, c.species, 4.0, 0.1); },
               "no snapshots");
  expect_error(
      [&] {
        structure_factor(c.snapshot, c.species, 4.0, 0.1, {0.0, 0.0});
      },
      "all form factors are zero");
  expect_error(
      [&] {
        partial_structure_factors(std::span<const Snapshot>(&c.snapshot, 1), c.species, 0, 3, 4.0,
                                  0.1);
      },
      "species 3 has 0");
}

}  // namespace
}  // namespace glassy::md
