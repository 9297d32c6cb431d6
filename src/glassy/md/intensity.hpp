// md/intensity: simulated speckle I(q) = |sum_j f_j exp(i q.r_j)|^2 of one snapshot on a set of
// reciprocal-lattice q (md/reciprocal), the "pixels" of simulated XPCS. Two exact methods:
//  - Direct: the separable sum exp(i q.r) = ex[nx] ey[ny] ez[nz] from per-axis phase tables,
//    cost ~ N Q; right for small regions (spots, thin cross-sections).
//  - Nufft: a type-1 non-uniform FFT (spread onto a 2x upsampled grid with the "exponential of
//    semicircle" kernel, FFT, divide by the kernel's transform), cost ~ N w^3 + G log G; right for
//    large regions (the full shell). Exact on lattice q up to `tolerance`.
// Auto picks the cheaper by an operation-count estimate. Plans, tables and grids are built once
// and reused for every snapshot of a trajectory.
//
// Threads: compute() runs on the calling thread (no internal OpenMP) and a calculator is not
// safe to share; run snapshots in parallel with one calculator per thread (construction is
// thread-safe). Results are then identical for any thread count.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include <glassy/md/reciprocal.hpp>
#include <glassy/md/system.hpp>

namespace glassy::md {

enum class IntensityMethod { Auto, Direct, Nufft };
std::string to_string(IntensityMethod method);

class IntensityCalculator {
 public:
  // species: one entry per atom (indices into form_factors); form_factors: f per species
  // (equal by default). tolerance: target of the Nufft for max_q |I - I_exact| / mean_q I
  // (1e-9 by default, 1e-13 to 1e-3; it sets the kernel width, measured errors are ~3x below).
  // The Direct sum is exact to rounding (~1e-13) whatever the tolerance.
  IntensityCalculator(const QSet& q, std::span<const int> species,
                      std::vector<double> form_factors = {1.0, 1.0},
                      IntensityMethod method = IntensityMethod::Auto, double tolerance = 1e-9);
  ~IntensityCalculator();
  IntensityCalculator(IntensityCalculator&&) noexcept;
  IntensityCalculator& operator=(IntensityCalculator&&) noexcept;

  // I(q) for every q of the set, in the set's order. The snapshot must have the species' atom
  // count and the box the set was built on (positions may be unwrapped).
  void compute(const Snapshot& snapshot, std::span<double> out);
  std::vector<double> compute(const Snapshot& snapshot);

  IntensityMethod method() const;  // Direct or Nufft (Auto resolved at construction)
  const QSet& qset() const;
  std::size_t atoms() const;

  // Operation-count estimates Auto compares (arbitrary units, comparable with each other).
  static double direct_cost(const QSet& q, std::size_t atoms);
  static double nufft_cost(const QSet& q, std::size_t atoms, double tolerance);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace glassy::md
