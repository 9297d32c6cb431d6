// prep/flatfield: the paper's static background correction. The time-averaged pattern is
// coarse-grained (block means of the usable pixels), a smooth 2-D polynomial is fitted to it, and
// each pixel gets the weight mean(fit) / fit(p). Correlating g_p I(p, t) instead of I(p, t) takes
// the smooth static intensity variation across a bin (the amorphous halo) out of C(t1, t2), which
// otherwise inflates it by 1 + var_p(I) / mean_p(I)^2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace glassy {

struct FlatfieldOptions {
  int degree = 2;         // polynomial degree in (row, column)
  std::size_t block = 8;  // coarse-graining block size, pixels
};

// Weights per pixel (1 where masked). mean_pattern: counts per frame per pixel.
std::vector<double> flatfield_weights(const std::vector<double>& mean_pattern,
                                      const std::vector<std::uint8_t>& mask, std::size_t height,
                                      std::size_t width, const FlatfieldOptions& options = {});

}  // namespace glassy
