// md/system: the shared vocabulary of glassy's atomistic half. An orthogonal periodic box, a
// snapshot of N atoms (unwrapped positions, so displacements across the boundary are real), and
// the species convention every md/ module uses. Lengths and times are in LJ units (sigma_SS, tau)
// unless a name says otherwise; md/model maps them to physical units.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace glassy::md {

// Species index per atom, 0-based: 0 = small (S), 1 = large (L). LAMMPS atom type = index + 1.
inline constexpr int kSmall = 0;
inline constexpr int kLarge = 1;

// Orthogonal periodic box [lo, hi) on each axis.
struct Box {
  std::array<double, 3> lo{0, 0, 0}, hi{0, 0, 0};
  std::array<double, 3> length() const { return {hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]}; }
  double volume() const {
    auto l = length();
    return l[0] * l[1] * l[2];
  }
};

// One snapshot of the whole system. positions: [N][3] row-major, unwrapped (not folded into the
// box), in the same atom order in every snapshot of a trajectory (LAMMPS atom id order).
struct Snapshot {
  std::int64_t step = 0;  // MD step
  double time = 0;        // LJ time units since the start of the production run
  Box box;
  std::vector<double> positions;
  std::size_t atoms() const { return positions.size() / 3; }
};

}  // namespace glassy::md
