// md/reciprocal: sets of wave vectors on the reciprocal lattice of the periodic box, the "pixels"
// of simulated XPCS. Only lattice vectors q = 2 pi (nx/Lx, ny/Ly, nz/Lz) are used: on them
// exp(i q.r) is periodic in the box, so unwrapped and wrapped positions give the same intensity.
// Three regions like the paper's Fig. 4: the full 3D shell around the first structure-factor
// peak, a 2D cross-section of it, and a 1D spot of width |dq| on it. q in sigma_SS^-1.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include <glassy/md/system.hpp>

namespace glassy::md {

// I(q) = I(-q) for real form factors (Friedel's law), so the two members of a +-q pair are one
// measurement, not two. KeepOne (the default) keeps one of each pair present in a region (the
// one with n lexicographically positive), so that every pixel is an independent intensity and
// error bars and contrast statistics that count pixels are honest; averages over pixels (C(t1,t2),
// <I>, S(q)) are identical either way, and the work halves. KeepBoth keeps the whole region.
enum class FriedelPairs { KeepOne, KeepBoth };

struct QSet {
  Box box;
  std::vector<std::array<int, 3>> n;  // lattice indices, sorted lexicographically (nx, ny, nz)
  std::vector<double> q_norm;         // |q| for each n, sigma_SS^-1
  std::string region;                 // "shell", "cross_section", "spot" or "custom"

  std::size_t size() const { return n.size(); }
  std::array<double, 3> q_vector(std::size_t i) const;
  std::vector<std::array<double, 3>> q_vectors() const;
  // Smallest and largest index on each axis over the set (sizes of grids and phase tables).
  std::array<int, 3> n_min() const;
  std::array<int, 3> n_max() const;
};

// 2 pi / L per axis; throws glassy::Error for a degenerate box (a length not finite and > 0).
std::array<double, 3> reciprocal_spacing(const Box& box);

// All lattice q with qmin <= |q| < qmax (the full 3D shell around the first peak, e.g. 6.0..6.7).
QSet shell(const Box& box, double qmin, double qmax, FriedelPairs pairs = FriedelPairs::KeepOne);

// The lattice points of the shell in the plane n_axis = 0 (axis 0, 1, 2 = x, y, z): a 2D cut.
QSet cross_section(const Box& box, double qmin, double qmax, int axis = 2,
                   FriedelPairs pairs = FriedelPairs::KeepOne);

// The lattice points of the shell within |q - q0| <= dq / 2 of a centre q0 with
// qmin <= |q0| <= qmax (a 1D spot of width dq; the paper: 0.21 1/A, converted by the caller).
QSet spot(const Box& box, const std::array<double, 3>& q0, double qmin, double qmax, double dq,
          FriedelPairs pairs = FriedelPairs::KeepOne);

// The same with the centre given as a direction: q0 = direction / |direction| * (qmin + qmax) / 2.
QSet spot_along(const Box& box, const std::array<double, 3>& direction, double qmin, double qmax,
                double dq, FriedelPairs pairs = FriedelPairs::KeepOne);

// A set from explicit lattice indices (sorted, duplicates removed, |q| filled in); for tests and
// callers that build their own regions. Throws on an empty list.
QSet lattice_set(const Box& box, std::vector<std::array<int, 3>> n, std::string region = "custom");

// For each q of `region`, its position in `set`, or else that of its Friedel mate -q (same
// intensity): intensities computed once on a shell then serve its cross-section and spot. Needed
// because a KeepOne spot keeps its own side of the shell, which may be the mates of the points a
// KeepOne shell kept. Throws glassy::Error when the boxes differ or a q is in neither form.
std::vector<std::size_t> locate_in(const QSet& region, const QSet& set);

}  // namespace glassy::md
