// corr/tile_diagonals: a tile's pairs summed along its diagonals, the reducers' fast path.
// Binning pair by pair costs a lag lookup and a chain of dependent adds into the same table
// cells per pair: the band, one-time and map reducers were 30 % of `glassy age` on the paper
// preset. Within a run of columns whose earlier frame has one key (an error block, an age
// window) every pair on a diagonal has the same lag and the same key, so the pairs are summed
// in a tight loop and binned once per diagonal. The order of the sums is fixed by the tile alone,
// so results still do not depend on threads or ranks (corr/row_fold).
#pragma once

#include <glassy/corr/reducers.hpp>
#include <glassy/corr/tile.hpp>

#include <cstddef>
#include <type_traits>
#include <vector>

namespace glassy {

// Whether frames [first, first + count) sit on consecutive slots of the clock (no missing frame
// inside): then each diagonal of a tile over them is one lag.
inline bool consecutive_slots(const FrameClock& clock, std::size_t first, std::size_t count) {
  return count == 0 ||
         clock.slot(first + count - 1) - clock.slot(first) == static_cast<long>(count) - 1;
}

inline bool diagonals_are_lags(const Tile& t, const FrameClock& clock) {
  return consecutive_slots(clock, t.t1_first, t.t1_count) &&
         consecutive_slots(clock, t.t2_first, t.t2_count);
}

// For each run of columns over which key(f2) is constant and each diagonal of the run that holds
// valid pairs (t1 > t2, C not NaN): fold(key, lag in frame spacings, sum of C, sum of C^2,
// pairs). Needs diagonals_are_lags(t, clock).
template <typename Key, typename Fold>
void for_each_diagonal(const Tile& t, const FrameClock& clock, Key key, Fold fold) {
  thread_local std::vector<double> sum, sum2, count;
  const long base = clock.slot(t.t1_first) - clock.slot(t.t2_first);
  for (std::size_t j0 = 0; j0 < t.t2_count;) {
    const auto k = key(t.t2_first + j0);
    std::size_t j1 = j0 + 1;
    while (j1 < t.t2_count && key(t.t2_first + j1) == k) ++j1;
    // Diagonal D = i + (j1 - 1 - j) holds the pairs of lag base + D - (j1 - 1).
    const std::size_t width = j1 - j0, diagonals = t.t1_count + width - 1;
    sum.assign(diagonals, 0.0);
    sum2.assign(diagonals, 0.0);
    count.assign(diagonals, 0.0);
    for (std::size_t i = 0; i < t.t1_count; ++i) {
      const std::size_t jend = t.diagonal ? std::min(j1, i) : j1;  // t1 > t2 only
      if (jend <= j0) continue;
      const double* reversed = t.c + i * t.t2_count + (j1 - 1);  // reversed[-k] = C(i, j1-1-k)
      double *s = sum.data() + i, *s2 = sum2.data() + i, *n = count.data() + i;
      // A complete tile has no NaN: the same sums in the same order, without the test.
      const auto add_row = [&](auto tested) {
        for (std::size_t q = j1 - jend; q < width; ++q) {
          const double v = *(reversed - q);
          const bool valid = !tested || v == v;  // NaN: an invalid frame
          const double x = valid ? v : 0.0;
          s[q] += x;
          s2[q] += x * x;
          n[q] += valid ? 1.0 : 0.0;
        }
      };
      if (t.complete)
        add_row(std::false_type{});
      else
        add_row(std::true_type{});
    }
    for (std::size_t d = 0; d < diagonals; ++d)
      if (count[d] > 0)
        fold(k, static_cast<std::size_t>(base + static_cast<long>(d) - static_cast<long>(j1 - 1)),
             sum[d], sum2[d], count[d]);
    j0 = j1;
  }
}

}  // namespace glassy
