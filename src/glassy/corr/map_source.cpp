#include <glassy/core/error.hpp>
#include <glassy/corr/map_source.hpp>
#include <glassy/corr/reducer_cost.hpp>
#include <glassy/corr/tables.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace glassy {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A full map's two triangles must agree to this fraction of max(1, |C|): maps symmetric by
// construction agree to rounding; an asymmetric estimator differs at the noise level, far above.
constexpr double kSymmetryTolerance = 1e-4;

// Rows per block so that a block of rows x columns stays near 4 M doubles (32 MB).
std::size_t block_rows(std::size_t columns) {
  return std::max<std::size_t>(1, (std::size_t{1} << 22) / std::max<std::size_t>(columns, 1));
}

bool present(double v) { return std::isfinite(v) && v != 0.0; }

enum class Stored { Lower, Upper, Both };

// What one pass over a piece tells: which triangle holds values, symmetry, the level far from
// the diagonal, which frames have any pair.
struct Inspection {
  std::size_t lower = 0, upper = 0;
  double far_lower = 0, far_upper = 0;
  std::size_t far_lower_n = 0, far_upper_n = 0;
  std::vector<std::uint8_t> lower_has, upper_has;
  double worst = 0;
  std::size_t worst_i = 0, worst_j = 0;
  double worst_a = 0, worst_b = 0;
  Stored stored = Stored::Lower;
};

Inspection inspect(MapPiece& piece, std::size_t bin) {
  const std::size_t n = piece.size();
  Inspection s;
  s.lower_has.assign(n, 0);
  s.upper_has.assign(n, 0);
  // "Far from the diagonal": lags in the last quarter of the piece (at least one frame).
  const std::size_t far_lag = std::max<std::size_t>(1, n - n / 4);
  const std::size_t nb = block_rows(n);
  std::vector<double> L, U;
  for (std::size_t r0 = 0; r0 < n; r0 += nb) {
    const std::size_t r1 = std::min(n, r0 + nb), nr = r1 - r0;
    L.resize(nr * r1);
    U.resize(r1 * nr);
    piece.read(bin, r0, nr, 0, r1, L.data());  // M[i][j], j <= i
    piece.read(bin, 0, r1, r0, nr, U.data());  // M[j][i], j <= i (a column block)
    for (std::size_t i = r0; i < r1; ++i)
      for (std::size_t j = 0; j < i; ++j) {
        const double a = L[(i - r0) * r1 + j], b = U[j * nr + (i - r0)];
        const bool far = i - j >= far_lag;
        if (present(a)) {
          ++s.lower, s.lower_has[i] = s.lower_has[j] = 1;
          if (far) s.far_lower += a, ++s.far_lower_n;
        }
        if (present(b)) {
          ++s.upper, s.upper_has[i] = s.upper_has[j] = 1;
          if (far) s.far_upper += b, ++s.far_upper_n;
        }
        if (std::isfinite(a) && std::isfinite(b)) {
          const double d = std::abs(a - b) / std::max({1.0, std::abs(a), std::abs(b)});
          if (d > s.worst) s.worst = d, s.worst_i = i, s.worst_j = j, s.worst_a = a, s.worst_b = b;
        }
      }
  }
  require(s.lower > 0 || s.upper > 0,
          piece.where() + " holds no value off the diagonal (all 0 or NaN): not a two-time map");
  if (s.lower > 0 && s.upper > 0) {
    s.stored = Stored::Both;
    require(s.worst <= kSymmetryTolerance,
            fmt::format("{} is not symmetric: C({}, {}) = {:.6g} but C({}, {}) = {:.6g}; a "
                        "two-time map must be symmetric (store one triangle or symmetrise it)",
                        piece.where(), s.worst_i, s.worst_j, s.worst_a, s.worst_j, s.worst_i,
                        s.worst_b));
  } else {
    s.stored = s.lower > 0 ? Stored::Lower : Stored::Upper;
  }
  return s;
}

std::string describe(Stored s) {
  return s == Stored::Both ? "full map"
                           : (s == Stored::Lower ? "lower triangle" : "upper triangle");
}

}  // namespace

std::size_t MapPiece::bin_index(int one_based) const {
  require(one_based >= 1 && static_cast<std::size_t>(one_based) <= bins(),
          fmt::format("--bin {}: {} holds {} q bin{}", one_based, where(), bins(),
                      bins() == 1 ? "" : "s"));
  return static_cast<std::size_t>(one_based - 1);
}

MapForm parse_map_form(const std::string& text) {
  if (text == "g2") return MapForm::G2;
  if (text == "g2-1") return MapForm::G2MinusOne;
  throw Error("--map-form must be g2 or g2-1 (got '" + text + "')");
}

std::string to_string(MapForm f) { return f == MapForm::G2 ? "g2" : "g2-1"; }

void stream_lower_triangle(std::size_t first, std::size_t size, int bin, const LowerRowReader& read,
                           std::span<TileReducer* const> reducers) {
  const std::size_t nb = block_rows(size);
  std::vector<double> rows, off, diag;
  for (std::size_t r0 = 0; r0 < size; r0 += nb) {
    const std::size_t r1 = std::min(size, r0 + nb), nr = r1 - r0;
    rows.resize(nr * r1);
    read(r0, nr, r1, rows.data());
    if (r0 > 0) {
      off.resize(nr * r0);
      for (std::size_t i = 0; i < nr; ++i)
        std::copy_n(rows.data() + i * r1, r0, off.data() + i * r0);
      const Tile t{bin, first + r0, nr, first, r0, off.data(), false};
      for (auto* r : reducers) r->consume(t);
    }
    diag.assign(nr * nr, kNaN);
    for (std::size_t i = 0; i < nr; ++i)
      std::copy_n(rows.data() + i * r1 + r0, i + 1, diag.data() + i * nr);
    const Tile t{bin, first + r0, nr, first + r0, nr, diag.data(), true};
    for (auto* r : reducers) r->consume(t);
  }
}

Correlation correlate_maps(const std::vector<std::filesystem::path>& files, const MapOptions& o) {
  require(!files.empty(), "no two-time map given");
  std::vector<std::unique_ptr<MapPiece>> pieces;
  for (const auto& f : files) pieces.push_back(open_map_piece(f));
  const auto& first = *pieces.front();
  const std::size_t bin = first.bin_index(o.bin);
  for (std::size_t p = 1; p < pieces.size(); ++p) {
    const auto& piece = *pieces[p];
    require(piece.bins() == first.bins(),
            fmt::format("{} holds {} q bins, {} holds {}: pieces of one run hold the same bins",
                        piece.where(), piece.bins(), first.where(), first.bins()));
    const bool last = p + 1 == pieces.size();
    require(piece.size() == first.size() || (last && piece.size() < first.size()),
            fmt::format("{} holds {} frames, {} holds {}: pieces of one run are consecutive ranges "
                        "of equal length (only the last may be shorter)",
                        piece.where(), piece.size(), first.where(), first.size()));
  }

  // Frame time: the option, else the files' (which must agree).
  std::optional<double> dt = o.frame_time;
  if (!dt)
    for (const auto& p : pieces)
      if (auto t = p->frame_time()) {
        require(!dt || std::abs(*t - *dt) <= 1e-9 * *dt,
                fmt::format("{} has frame time {:g} s, an earlier piece {:g} s: give --frame-time",
                            p->where(), *t, *dt));
        dt = t;
      }
  require(dt.has_value(), first.where() +
                              " states no frame time: give --frame-time SECONDS (the time between "
                              "frames of the map)");
  require(*dt > 0 && std::isfinite(*dt), "--frame-time must be a positive number of seconds");

  std::vector<Inspection> looks;
  std::size_t total = 0, largest = 0;
  double far_sum = 0;
  std::size_t far_n = 0;
  for (auto& p : pieces) {
    looks.push_back(inspect(*p, bin));
    const auto& s = looks.back();
    const bool upper = s.stored == Stored::Upper;
    far_sum += upper ? s.far_upper : s.far_lower;
    far_n += upper ? s.far_upper_n : s.far_lower_n;
    total += p->size();
    largest = std::max(largest, p->size());
  }
  require(largest >= 2, first.where() + " holds fewer than 2 frames: no pair to correlate");
  const double level = far_n > 0 ? far_sum / static_cast<double>(far_n) : kNaN;
  MapForm form;
  std::string form_note;
  if (o.form) {
    form = *o.form;
    form_note =
        fmt::format("{} (--map-form; level far from the diagonal {:.4g})", to_string(form), level);
  } else {
    require(std::isfinite(level),
            first.where() +
                ": no values far from the diagonal to tell C = g2 from C = g2 - 1: "
                "give --map-form g2|g2-1");
    form = level > 0.5 ? MapForm::G2 : MapForm::G2MinusOne;
    form_note = fmt::format("{} (detected: level far from the diagonal {:.4g}, {} 0.5)",
                            to_string(form), level, form == MapForm::G2 ? "above" : "below");
  }
  const double offset = form == MapForm::G2MinusOne ? 1.0 : 0.0;

  Correlation c;
  c.options = o.tables;
  c.info.frames = total;
  c.info.meta.frame_time = *dt;
  c.info.format = "two-time map " + first.format();
  std::vector<double> times(total);
  for (std::size_t f = 0; f < total; ++f) times[f] = static_cast<double>(f) * *dt;
  c.clock = std::make_unique<FrameClock>(times, *dt);
  // No pixels: one dynamic bin, no static bins; per-frame intensities are unknown (NaN).
  c.partition.dynamic_q = 1;
  c.partition.static_q = 0;
  c.stats.frames = total;
  c.stats.frame_total.assign(total, kNaN);
  c.stats.frame_valid.assign(total, 0);
  for (std::size_t p = 0, offset_f = 0; p < pieces.size(); offset_f += pieces[p]->size(), ++p) {
    const auto& s = looks[p];
    const auto& has = s.stored == Stored::Upper ? s.upper_has : s.lower_has;
    for (std::size_t f = 0; f < has.size(); ++f) c.stats.frame_valid[offset_f + f] = has[f];
    for (std::size_t f = 0; f < has.size(); ++f)
      if (!has[f]) c.stats.empty_frames.push_back(offset_f + f);
  }

  TableSetup setup;
  setup.bins = 1;
  const double piece_span = static_cast<double>(largest - 1) * *dt;
  setup.onetime_max_lag_s = piece_span;
  setup.band_max_lag_s =
      o.tables.max_lag_s ? std::min(*o.tables.max_lag_s, piece_span) : piece_span;
  setup.per_decade = o.tables.per_decade;
  setup.window_s = o.tables.window_s;
  setup.plateau_span = o.tables.plateau_span;
  setup.map_size = o.tables.map_size;
  setup.diagonal_width =
      std::min(o.band_window_s ? window_band_frames(*o.band_window_s, *dt) : o.tables.diagonal_band,
               total - 1);
  check_reducer_plan(
      {total, 1, static_cast<double>(total - 1) * *dt, *dt, setup.window_s, setup.band_max_lag_s,
       setup.per_decade, std::min(setup.map_size, total), setup.diagonal_width},
      o.tables.budget);
  build_tables(c, setup);
  const auto reducers = table_reducers(c);

  std::string stored_note;
  for (std::size_t p = 0, first_f = 0; p < pieces.size(); first_f += pieces[p]->size(), ++p) {
    auto& piece = *pieces[p];
    const Stored stored = looks[p].stored;
    std::vector<double> col;
    stream_lower_triangle(
        first_f, piece.size(), 0,
        [&](std::size_t r0, std::size_t nr, std::size_t ncols, double* out) {
          if (stored == Stored::Upper) {
            col.resize(ncols * nr);
            piece.read(bin, 0, ncols, r0, nr, col.data());
            for (std::size_t i = 0; i < nr; ++i)
              for (std::size_t j = 0; j < ncols; ++j) out[i * ncols + j] = col[j * nr + i];
          } else {
            piece.read(bin, r0, nr, 0, ncols, out);
          }
          for (std::size_t k = 0; k < nr * ncols; ++k) out[k] += offset;
        },
        reducers);
    if (p == 0 || describe(stored) != stored_note) stored_note = describe(stored);
  }
  c.origin = fmt::format(
      "two-time map {}{} ({}, bin {} of {}, {} frames of {:g} s{}, {}; C = {})", first.where(),
      pieces.size() > 1 ? fmt::format(" and {} more pieces", pieces.size() - 1) : std::string(),
      first.format(), bin + 1, first.bins(), total, *dt,
      pieces.size() > 1 ? fmt::format(" in {} pieces: pairs across pieces are "
                                      "absent, not stitched",
                                      pieces.size())
                        : std::string(),
      stored_note, form_note);
  return c;
}

}  // namespace glassy
