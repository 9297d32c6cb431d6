// core/median: the median of a sample (robust centres and spreads: MAD scales, pooled ratios).
#pragma once

#include <algorithm>
#include <vector>

namespace glassy {

// Median of v (taken by value: it is reordered); the mean of the two middle values for an even
// count. v must not be empty.
inline double median(std::vector<double> v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return 0.5 * (*mid + *std::max_element(v.begin(), mid));
}

}  // namespace glassy
