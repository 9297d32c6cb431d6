// md/periodic: periodic-box helpers shared by the structure analyses (Voronoi, IFK network,
// strings): folding a coordinate into the box, the minimum-image convention, wrapped positions,
// and the input checks they share.
#pragma once

#include <glassy/core/error.hpp>
#include <glassy/md/system.hpp>

#include <cmath>
#include <span>
#include <string>
#include <vector>

namespace glassy::md {

// x folded into [lo, lo + length).
inline double wrap_coordinate(double x, double lo, double length) {
  double w = x - std::floor((x - lo) / length) * length;
  if (w >= lo + length) w -= length;  // rounding at the upper face
  if (w < lo) w = lo;
  return w;
}

// The periodic image of a separation d closest to zero, in [-length/2, length/2].
inline double minimum_image(double d, double length) { return d - length * std::round(d / length); }

// The snapshot's (unwrapped) positions folded into its box, [N][3].
inline std::vector<double> wrapped_positions(const Snapshot& snapshot) {
  std::vector<double> out(snapshot.positions.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int k = static_cast<int>(i % 3);
    out[i] = wrap_coordinate(snapshot.positions[i], snapshot.box.lo[k],
                             snapshot.box.hi[k] - snapshot.box.lo[k]);
  }
  return out;
}

// A snapshot an analysis can use: atoms present, positions [N][3] finite, box lengths positive.
inline void check_snapshot(const Snapshot& s, const std::string& what) {
  require(!s.positions.empty() && s.positions.size() % 3 == 0, [&] {
    return what + ": the snapshot has " + std::to_string(s.positions.size()) +
           " position values; it needs [N][3] with N > 0";
  });
  const auto len = s.box.length();
  for (int k = 0; k < 3; ++k)
    require(std::isfinite(len[k]) && len[k] > 0, [&] {
      return what + ": the box length along axis " + std::to_string(k) +
             " is not positive; give the snapshot's periodic box";
    });
  for (double x : s.positions)
    require(std::isfinite(x), [&] { return what + ": the snapshot has non-finite positions"; });
}

// One species per atom, each in [0, n_species).
inline void check_species(std::span<const int> species, std::size_t atoms, int n_species,
                          const std::string& what) {
  require(species.size() == atoms, [&] {
    return what + ": " + std::to_string(species.size()) + " species entries for " +
           std::to_string(atoms) + " atoms; give one species per atom";
  });
  for (int v : species)
    require(v >= 0 && v < n_species, [&] {
      return what + ": species " + std::to_string(v) + " outside [0, " + std::to_string(n_species) +
             "); give a parameter for every species";
    });
}

}  // namespace glassy::md
