// corr/correlate: the whole correlation step from a frames file, as `glassy corr` and
// `glassy age` run it: mask (file, hot pixels), frame statistics (bad frames, gaps, photon
// density), q map and partition (geometry, APS qmap file or one bin), flat-field weights, the
// two-time correlator with its reducers, multi-tau, and the result file in the layout
// pyXpcsViewer reads plus glassy's own groups.
#pragma once

#include <glassy/core/memory_budget.hpp>
#include <glassy/core/options.hpp>
#include <glassy/corr/multitau.hpp>
#include <glassy/corr/reducers.hpp>
#include <glassy/corr/table_setup.hpp>
#include <glassy/corr/twotime.hpp>
#include <glassy/detector/partition.hpp>
#include <glassy/io/frames.hpp>
#include <glassy/prep/frame_stats.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace glassy {

struct CorrelateOptions {
  bool twotime = true, multitau = true;
  std::optional<std::filesystem::path> qmap_file;
  // A partition made by the caller (md xpcs: one dynamic bin per reciprocal-space region); its
  // shape must match the frames. Takes precedence over qmap_file and the geometry.
  std::optional<Partition> partition;
  std::optional<std::pair<double, double>> q_range;  // 1/A
  // Units, ranges and meanings of the numeric fields: correlate_fields() (correlate_options.cpp).
  int dynamic_q = 1, static_q = 1, dynamic_phi = 1, static_phi = 1;
  std::optional<std::string> mask;
  double hot_sigma = 10;            // 0: no hot-pixel detection
  std::optional<double> max_count;  // a single-frame count above this marks a pixel hot
  bool flatfield = true;
  CorrPath path = CorrPath::Auto;
  std::optional<double> max_lag_s;  // s; empty: the whole run
  double window_s = 1000;           // s, age windows of g2(t, t_a)
  int per_decade = 5;
  std::size_t map_size = 2048;
  std::size_t diagonal_band = 0;  // frames of C(f, f - k) kept per frame for event detection
  std::optional<std::pair<double, double>> plateau_span;  // s, for g2(inf)
  MemoryBudget budget;
  std::optional<std::filesystem::path> checkpoint;
  bool resume = false;
  std::function<bool(std::size_t)> after_row;  // tests: interrupt after a row of tiles

  // Every field in range and the spans ordered; throws glassy::Error naming the field.
  void validate() const;
};

// The numeric fields of CorrelateOptions: names, flags, units, ranges (core/options.hpp).
const std::vector<Field<CorrelateOptions>>& correlate_fields();

struct Correlation {
  FrameInfo info;
  FrameStats stats;
  Partition partition;
  std::optional<QMap> qmap;
  std::optional<Geometry> geometry;
  std::vector<double> weights;
  std::size_t hot_pixels = 0;
  std::unique_ptr<FrameClock> clock;
  std::unique_ptr<AgeBandReducer> band;
  std::unique_ptr<OneTimeReducer> onetime;
  std::unique_ptr<OneTimeReducer> plateau;  // restricted to plateau_span (or the whole run)
  std::unique_ptr<MapReducer> map;
  std::unique_ptr<DiagonalBandReducer> diagonal;
  TableSetup setup;    // how the tables above were built (stored with them)
  std::string origin;  // which correlation this is: frames, a stored result or a foreign map
  // Times (s) of the cuts whose straddling pairs were removed from the band (corr/straddle);
  // nullopt: the band holds every pair (the paper's definition, or not cut yet).
  std::optional<std::vector<double>> straddle_cuts;
  std::optional<double> straddle_reach_s;  // s, the longest lag of the pairs removed
  std::optional<MultiTauResult> multitau;
  // The static-bin intensity profile over equal spans of the run, [segment][static bin]
  // (pyXpcsViewer's stability view), and the geometry the q map was made with.
  std::vector<double> profile_segments;
  std::size_t segments = 0;
  DetectorMetadata map_geometry;
  TwoTimeReport twotime_report;
  CorrelateOptions options;
};

Correlation correlate(FrameSource& source, const CorrelateOptions& options);

// The options as JSON for /glassy/provenance: every field, by its name here.
void to_json(nlohmann::json& j, const CorrelateOptions& o);

// Writes /xpcs/{qmap, multitau, twotime, temporal_mean, spatial_mean}, /entry metadata and
// /glassy/corr/{band, onetime, frames} to `file`.
void write_correlation(const h5::File& file, const Correlation& c);

}  // namespace glassy
