// corr/reducer_cost: what the reducers' tables would cost before any is built, so an option that
// would make billions of windows or a map larger than memory is refused at once with its cost,
// instead of hanging or failing with an allocation error after a pass over the frames.
#pragma once

#include <glassy/core/memory_budget.hpp>

#include <cstddef>
#include <string>

namespace glassy {

struct ReducerPlan {
  std::size_t frames = 0;
  int bins = 1;
  double span_s = 0, dt_s = 1;  // run length and frame spacing
  double window_s = 1000, max_lag_s = 0;
  int per_decade = 5;
  std::size_t map_size = 0, diagonal_band = 0;
};

// At most this many age windows, lag bins or map cells per axis in one analysis.
inline constexpr double kMaxTableEntries = 1e7;

// Bytes the age-band, one-time, plateau, map and diagonal reducers of `plan` hold.
double reducer_bytes(const ReducerPlan& plan);
// Throws glassy::Error (naming window_s, map_size or the budget) when the plan has more than
// kMaxTableEntries windows or frame lags, or needs more memory than the budget allows.
void check_reducer_plan(const ReducerPlan& plan, const MemoryBudget& budget);

}  // namespace glassy
