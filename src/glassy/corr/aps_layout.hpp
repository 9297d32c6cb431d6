// corr/aps_layout: the parts of a result file that pyXpcsViewer (the APS 8-ID viewer) needs and
// that glassy's own tables do not hold in its form: the two-time maps as the upper triangle,
// their diagonal-averaged g2 on the map's lag grid (whole run and segments), the per-segment
// static intensity profile of the stability view, and the scalar config entries. The viewer's
// reader is the contract (pyxpcsviewer core/file_io/aps_8idi.py, hdf_reader.py, qmap_utils.py,
// xpcs_file.py, twotime_utils.py); docs/file-formats.md lists every key.
#pragma once

#include <glassy/core/memory_budget.hpp>
#include <glassy/detector/partition.hpp>
#include <glassy/io/frames.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/prep/frame_stats.hpp>

#include <cstdint>
#include <vector>

namespace glassy {

class MapReducer;

// The time-averaged intensity of each static bin in each of `segments` equal spans of frames
// (counts per pixel per frame, invalid frames left out): /xpcs/temporal_mean/
// scattering_1d_segments, [segment][static bin], NaN where a bin has no pixel or a span no
// valid frame. One streaming pass over the frames.
std::vector<double> static_profile_segments(FrameSource& source, const Partition& partition,
                                            const std::vector<std::uint8_t>& frame_valid,
                                            std::size_t segments, const MemoryBudget& budget);
// The same from the segment sums the statistics pass gathered (FrameStats::segment_pixel_sum,
// every frame added: an empty frame adds nothing inside the mask), without reading the frames.
std::vector<double> static_profile_segments(const FrameStats& stats, const Partition& partition);

// Diagonal means of a square map (NaN cells skipped): g2[k] = mean_i M[i, i + k] for
// k = 0..n-1, NaN where no cell of that diagonal is finite.
std::vector<double> diagonal_means(const std::vector<float>& map, std::size_t n);

// The dynamic bins (1-based) that hold at least one pixel.
std::vector<int> occupied_bins(const Partition& partition);

// /xpcs/twotime for the occupied bins, in order, as APS numbers them (c2_00001 is the first
// occupied bin; processed_bins names its bin): correlation_map/c2_NNNNN (upper triangle, the
// viewer mirrors it), normalized_g2 [lag][bin] and normalized_g2_segments [lag][segment][bin]
// on the map's lag grid, processed_bins, delay_list (lags in frames) and
// config/{stride_frame, avg_frame}.
void write_viewer_twotime(const h5::Location& file, const MapReducer& map,
                          const std::vector<int>& bins, double frame_seconds);

}  // namespace glassy
