#include <glassy/core/error.hpp>
#include <glassy/corr/reducer_cost.hpp>
#include <glassy/corr/reducers.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace glassy {
namespace {

double windows_of(const ReducerPlan& p) { return std::floor(p.span_s / p.window_s) + 1; }
double lag_frames_of(const ReducerPlan& p) { return std::max(p.max_lag_s, p.span_s) / p.dt_s; }
double lag_bins_of(const ReducerPlan& p) {
  return p.per_decade * std::log10(std::max(lag_frames_of(p), 1.0)) + 12;
}

}  // namespace

double reducer_bytes(const ReducerPlan& p) {
  const double bins = p.bins, frames = static_cast<double>(p.frames);
  // Three sums per cell plus two per error block (reducers.hpp), for the lag bins and the plateau.
  const double band = bins * windows_of(p) * (lag_bins_of(p) + 1) * (3 + 2 * kBandErrorBlocks) * 8;
  const double onetime = 2 * bins * lag_bins_of(p) * (3 + 2 * kOneTimeErrorBlocks) * 8;
  const double lag_tables = 3 * lag_frames_of(p) * 8;
  const double per_frame = frames * 8 * 6;  // times, slots, window and map cells, validity
  const double map = bins * static_cast<double>(p.map_size) * static_cast<double>(p.map_size) * 16;
  const double diagonal = bins * frames * static_cast<double>(p.diagonal_band) * 8;
  return band + onetime + lag_tables + per_frame + map + diagonal;
}

void check_reducer_plan(const ReducerPlan& p, const MemoryBudget& budget) {
  const double windows = windows_of(p);
  if (windows > kMaxTableEntries)
    throw Error(fmt::format("window_s = {:g} s makes {:.3g} age windows over the run's {:.6g} s "
                            "(at most {:.0e}): choose a larger window",
                            p.window_s, windows, p.span_s, kMaxTableEntries),
                ErrorKind::InvalidArgument, "window_s");
  const double lag_frames = lag_frames_of(p);
  if (lag_frames > 1e9)
    throw Error(fmt::format("the run spans {:.3g} frame spacings ({:.6g} s at {:g} s per frame), "
                            "more than glassy's lag tables hold (1e9): check the frame time",
                            lag_frames, p.span_s, p.dt_s),
                ErrorKind::InvalidArgument, "frame_time");
  const double bytes = reducer_bytes(p);
  const double gib = 1024.0 * 1024.0 * 1024.0;
  if (bytes > static_cast<double>(budget.bytes()))
    throw Error(
        fmt::format("the correlation's tables would need {:.3g} GiB ({:.3g} age windows x {:.0f} "
                    "lag bins x {} q bins, a {} x {} map, a diagonal band of {}), more than the "
                    "memory budget of {:.3g} GiB: use a larger --window-s or smaller --map-size, "
                    "or raise --memory",
                    bytes / gib, windows, lag_bins_of(p), p.bins, p.map_size, p.map_size,
                    p.diagonal_band, static_cast<double>(budget.bytes()) / gib),
        ErrorKind::InvalidArgument);
}

}  // namespace glassy
