// A discrete power law p(n) = n^-alpha / zeta(alpha) on n >= 1, drawn by an inverse CDF over a
// table built with Boost's zeta (independent of glassy's sampler); draws beyond the table
// (probability ~(1e5)^(1 - alpha)) return a value longer than any run in the tests.
#pragma once

#include <glassy/core/random.hpp>

#include <boost/math/special_functions/zeta.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace glassy::md {

class DiscretePowerLaw {
 public:
  explicit DiscretePowerLaw(double alpha) {
    const double z = boost::math::zeta(alpha);
    double c = 0;
    for (int k = 1; k <= 100000; ++k) cdf_.push_back(c += std::pow(k, -alpha) / z);
  }
  std::int64_t operator()(Xoshiro256& rng) const {
    const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), rng.uniform());
    return it == cdf_.end() ? std::int64_t{1} << 40 : 1 + (it - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

}  // namespace glassy::md
