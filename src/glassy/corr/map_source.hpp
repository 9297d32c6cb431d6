// corr/map_source: analysis from a two-time map C(t1, t2) made elsewhere (APS result HDF5, the
// legacy /exchange/C2T_all layout, a MATLAB .mat from the APS 8-ID routines, a NumPy [T, T]),
// one file or several pieces of consecutive frame ranges. The map is streamed in row blocks as
// Tiles through the same reducers a frames run feeds, so the analysis is the same whatever the
// source.
//  - full map or one triangle: found from which triangle holds values (the other all 0 or NaN);
//    a full map must be symmetric (within 1e-4 of max(1, |C|)), else one-line error;
//  - C = g2 or C = g2 - 1: from the level far from the diagonal (about 1 vs about 0), or forced;
//  - pieces: one clock over consecutive frames; pairs across pieces are absent, never stitched.
#pragma once

#include <glassy/corr/correlate.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace glassy {

// One stored square map per q bin, read in blocks.
class MapPiece {
 public:
  virtual ~MapPiece() = default;
  virtual std::size_t size() const = 0;  // frames per axis
  virtual std::size_t bins() const = 0;  // q bins stored
  // 0-based index of the bin the user calls `one_based` (--bin); glassy::Error when absent.
  virtual std::size_t bin_index(int one_based) const;
  virtual std::optional<double> frame_time() const { return std::nullopt; }
  virtual std::string format() const = 0;  // "APS HDF5", "MATLAB v5", ...
  const std::string& where() const { return where_; }
  // Rows [r0, r0 + nr) x columns [c0, c0 + nc) of bin `bin`, row-major doubles.
  virtual void read(std::size_t bin, std::size_t r0, std::size_t nr, std::size_t c0, std::size_t nc,
                    double* out) = 0;

 protected:
  std::string where_;  // file and dataset or variable, for messages
};

// What kind of file this is, by content: a two-time map glassy can read from another program.
bool looks_like_map(const std::filesystem::path& file);
// Opens a map file (APS HDF5, legacy exchange HDF5, .mat v5/v7.3 variable C, .npy [T, T]).
std::unique_ptr<MapPiece> open_map_piece(const std::filesystem::path& file);

enum class MapForm { G2, G2MinusOne };
MapForm parse_map_form(const std::string& text);  // g2 | g2-1
std::string to_string(MapForm f);

struct MapOptions {
  std::optional<double> frame_time;  // s; overrides the file's
  std::optional<MapForm> form;       // detected when absent
  int bin = 1;                       // 1-based q bin of files with several
  // Tables: window_s, per_decade, max_lag_s, plateau_span, map_size, diagonal_band are used.
  CorrelateOptions tables;
  // Set: the diagonal band spans one window of this length (window_band_frames), overriding
  // tables.diagonal_band (the frame time is only known once the maps are read).
  std::optional<double> band_window_s;
};

// Rows [r0, r0 + nr) x columns [0, ncols) of C(t1 = row, t2 = column) of one bin: entries with
// column < row are the pairs (t1 the later frame), column == row the diagonal, the rest unused.
using LowerRowReader =
    std::function<void(std::size_t r0, std::size_t nr, std::size_t ncols, double* out)>;
// Hands the lower triangle of a size x size map of frames [first, first + size) to the reducers
// as tiles of `bin`, a block of rows at a time.
void stream_lower_triangle(std::size_t first, std::size_t size, int bin, const LowerRowReader& read,
                           std::span<TileReducer* const> reducers);

// The correlation of one map or of consecutive pieces: one q bin (the chosen one), tables built
// from options.tables, c.origin says what was read and how it was interpreted.
Correlation correlate_maps(const std::vector<std::filesystem::path>& pieces,
                           const MapOptions& options);

}  // namespace glassy
