// md/image_flags: an unwrapped coordinate as LAMMPS stores it, a position in the box plus an
// integer image count. Shared by the LAMMPS session (creating atoms) and the LAMMPS data writer so
// that both fold coordinates identically.
#pragma once

#include <cmath>

namespace glassy::md {

struct FoldedCoordinate {
  double x;   // in [lo, hi)
  int image;  // unwrapped = x + image * (hi - lo)
};

inline FoldedCoordinate fold_with_image(double unwrapped, double lo, double hi) {
  const double length = hi - lo;
  double image = std::floor((unwrapped - lo) / length);
  double x = unwrapped - image * length;
  if (x >= hi) {  // rounding at the upper face
    x -= length;
    image += 1;
  }
  if (x < lo) x = lo;
  return {x, static_cast<int>(image)};
}

}  // namespace glassy::md
