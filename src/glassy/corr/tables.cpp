#include <glassy/core/error.hpp>
#include <glassy/corr/map_source.hpp>
#include <glassy/corr/tables.hpp>

#include <fmt/format.h>

#include <cmath>

namespace glassy {

void build_tables(Correlation& c, const TableSetup& s) {
  require(c.clock != nullptr, "correlation tables need the frame clock");
  const FrameClock& clock = *c.clock;
  c.setup = s;
  c.band =
      std::make_unique<AgeBandReducer>(clock, s.bins, s.band_max_lag_s, s.per_decade, s.window_s);
  c.onetime = std::make_unique<OneTimeReducer>(clock, s.bins, s.onetime_max_lag_s, s.per_decade);
  c.plateau = std::make_unique<OneTimeReducer>(clock, s.bins, s.onetime_max_lag_s, s.per_decade,
                                               s.plateau_span);
  c.map.reset();
  if (s.map_size > 0) c.map = std::make_unique<MapReducer>(clock, s.bins, s.map_size);
  c.diagonal.reset();
  if (s.diagonal_width > 0)
    c.diagonal = std::make_unique<DiagonalBandReducer>(clock.frames(), s.bins, s.diagonal_width);
}

std::vector<TileReducer*> table_reducers(const Correlation& c) {
  std::vector<TileReducer*> r;
  for (TileReducer* t : std::initializer_list<TileReducer*>{
           c.band.get(), c.onetime.get(), c.plateau.get(), c.map.get(), c.diagonal.get()})
    if (t != nullptr) r.push_back(t);
  return r;
}

std::unique_ptr<AgeBandReducer> merge_age_windows(const AgeBandReducer& band,
                                                  const FrameClock& clock, double window_s) {
  const double step = band.window_s();
  const double k = std::round(window_s / step);
  if (k >= 1 && std::abs(k * step - window_s) <= 1e-9 * window_s)
    return band.merged_windows(static_cast<std::size_t>(k));
  const double span = clock.time(clock.frames() - 1) - clock.time(0);
  std::string possible;
  for (int m = 1; m <= 5 && (m == 1 || m * step <= span); ++m)
    possible += fmt::format("{}{:g}", possible.empty() ? "" : ", ", m * step);
  throw Error(fmt::format(
      "--window-s {:g} is not a whole multiple of the stored age step {:g} s: possible widths are "
      "{} ... s (k x {:g})",
      window_s, step, possible, step));
}

void rebuild_tables_from_map(Correlation& c, const TableSetup& setup) {
  require(c.map && c.map->full_resolution(),
          "the stored correlation keeps no full-resolution map to rebuild its tables from");
  // Keep the stored map alive while fresh tables (a fresh map among them) are filled from it.
  auto stored = std::move(c.map);
  build_tables(c, setup);
  const auto reducers = table_reducers(c);
  const std::size_t frames = c.clock->frames();
  for (int b = 0; b < setup.bins; ++b)
    stream_lower_triangle(
        0, frames, b,
        [&](std::size_t r0, std::size_t nr, std::size_t ncols, double* out) {
          for (std::size_t i = 0; i < nr; ++i) {
            const std::size_t ci = stored->cell_of(r0 + i);
            for (std::size_t j = 0; j < ncols; ++j) {
              const std::size_t cj = stored->cell_of(j);
              out[i * ncols + j] = j <= r0 + i ? stored->cell_mean(b, ci, cj)
                                               : std::numeric_limits<double>::quiet_NaN();
            }
          }
        },
        reducers);
}

void adapt_tables(Correlation& c, const TableSetup& want, const std::string& where) {
  const TableSetup& have = c.setup;
  std::vector<std::string> changed;
  if (want.per_decade != have.per_decade) changed.push_back("--points-per-decade");
  if (want.band_max_lag_s != have.band_max_lag_s) changed.push_back("--max-lag-s");
  if (want.plateau_span != have.plateau_span) changed.push_back("--plateau-span-s");
  if (want.map_size != have.map_size) changed.push_back("--map-size");
  if (want.diagonal_width != have.diagonal_width) changed.push_back("the event band");
  const double k = std::round(want.window_s / have.window_s);
  const bool multiple =
      k >= 1 && std::abs(k * have.window_s - want.window_s) <= 1e-9 * want.window_s;
  const bool full = c.map && c.map->full_resolution();
  if (changed.empty() && multiple) return;
  if (full) {
    rebuild_tables_from_map(c, want);
    return;
  }
  if (changed.empty()) {
    merge_age_windows(*c.band, *c.clock, want.window_s);  // throws, naming the possible widths
    return;
  }
  std::string list;
  for (const auto& n : changed) list += (list.empty() ? "" : ", ") + n;
  throw Error(fmt::format(
      "{}: {} differ{} from the stored correlation, whose map is downsampled ({} cells of {:.4g} "
      "s), so its pairs are gone: run glassy age on the frames (from the result only --window-s "
      "multiples of the {:g} s age step, the fits and thresholds can change)",
      where, list, changed.size() == 1 ? "s" : "", c.map ? c.map->size() : 0,
      c.map ? c.map->cell_width() : 0.0, have.window_s));
}

}  // namespace glassy
