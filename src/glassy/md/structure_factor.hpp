// md/structure_factor: the static structure factor S(q) = I(q) / sum_j f_j^2 of snapshots,
// radially averaged over every reciprocal-lattice q of the box in bins of width dq (one NUFFT per
// snapshot gives all q at once), and its first peak, which sets the physical length scale
// (md/model matches q1 to 2.63 1/A as in the paper). Partial S_ab(q) for the binary mixture.
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include <glassy/md/system.hpp>

namespace glassy::md {

// One row per non-empty bin [k dq, (k + 1) dq), 0 < |q| < qmax (q = 0 left out).
struct StructureFactor {
  std::vector<double> q;           // mean |q| of the bin's lattice points, 1/sigma
  std::vector<double> s;           // mean of I(q) / sum_j f_j^2 over those points (and snapshots)
  std::vector<std::size_t> count;  // lattice points in the bin (both members of +-q pairs)
  double dq = 0;
};

// S(q) averaged over the snapshots (same atoms, same box). Throws glassy::Error on no snapshots,
// qmax or dq not positive, dq beyond qmax, or a q range with no lattice point.
StructureFactor structure_factor(std::span<const Snapshot> snapshots, std::span<const int> species,
                                 double qmax, double dq,
                                 std::vector<double> form_factors = {1.0, 1.0},
                                 double tolerance = 1e-9);
StructureFactor structure_factor(const Snapshot& snapshot, std::span<const int> species,
                                 double qmax, double dq,
                                 std::vector<double> form_factors = {1.0, 1.0},
                                 double tolerance = 1e-9);

// Partial structure factors (Faber-Ziman-like number normalisation):
// S_ab(q) = Re(F_a(q) conj(F_b(q))) / sqrt(N_a N_b), F_a = sum over atoms of species a of
// exp(i q.r), so S_aa -> 1 at large q and S_ab -> 0. Same binning as structure_factor.
struct PartialStructureFactors {
  StructureFactor aa, bb, ab;
};
PartialStructureFactors partial_structure_factors(std::span<const Snapshot> snapshots,
                                                  std::span<const int> species, int a, int b,
                                                  double qmax, double dq, double tolerance = 1e-9);

struct Peak {
  double q = 0;         // position, 1/sigma (parabolic refinement)
  double s = 0;         // height at q
  std::size_t bin = 0;  // the highest bin
};

// The main (highest) peak of S(q) within [q_lo, q_hi]: the highest bin, refined by a least-squares
// parabola through it and its two neighbours on each side (weighted by lattice-point counts).
// Falls back to the bin itself when the parabola is not a maximum inside those bins.
Peak first_peak(const StructureFactor& sq, double q_lo = 0,
                double q_hi = std::numeric_limits<double>::infinity());

}  // namespace glassy::md
