// corr/table_setup: how the correlation tables (the reducers of corr/reducers.hpp) were built:
// the parameters a loader needs to rebuild them from a stored result, and what a re-analysis
// compares its request with.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <utility>

namespace glassy {

struct TableSetup {
  int bins = 1;
  double band_max_lag_s = 0;     // largest lag of the g2(t, t_a) band, s
  double onetime_max_lag_s = 0;  // largest lag of the one-time g2 (and its plateau), s
  int per_decade = 5;
  double window_s = 1000;  // age step of the band (the analysis may merge k of them)
  std::optional<std::pair<double, double>> plateau_span;  // s
  std::size_t map_size = 0;                               // 0: no map kept
  std::size_t diagonal_width = 0;                         // 0: no diagonal band kept
};

// The diagonal band an event search pools: one analysis window's frames (a window spans a few
// local tau, the lags that carry an event's signal), from 2 to 512 frames (the band costs frames x
// width x 8 bytes per q bin).
inline std::size_t window_band_frames(double window_s, double dt) {
  const double frames = std::round(window_s / dt);
  return frames >= 512 ? 512 : std::max<std::size_t>(2, static_cast<std::size_t>(frames));
}

}  // namespace glassy
