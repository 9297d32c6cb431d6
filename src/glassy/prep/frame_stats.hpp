// prep/frame_stats: one streaming pass over the frames that everything after it needs: the
// time-averaged pattern (scattering_2d), each pixel's largest count (for hot pixels), each
// frame's total photons in the mask, the photon density (which picks the correlator's path),
// bad frames (no photons: beam loss or a dead detector frame) and gaps in the timestamps.
#pragma once

#include <glassy/core/memory_budget.hpp>
#include <glassy/io/frames.hpp>

#include <cstdint>
#include <vector>

namespace glassy {

struct FrameStats {
  std::size_t frames = 0, pixels = 0;
  std::vector<double> pixel_mean;  // counts per frame, over valid frames
  std::vector<float> pixel_max;
  std::vector<double> frame_total;        // photons per frame inside the mask
  std::vector<std::uint8_t> frame_valid;  // 0: excluded from every average (recorded why below)
  std::vector<std::size_t> empty_frames;  // frames without a photon in the mask
  struct Gap {
    double start, end;  // s: last frame before, first frame after
  };
  std::vector<Gap> gaps;
  double photon_density = 0;    // mean counts per masked pixel per valid frame
  double nonzero_fraction = 0;  // fraction of masked pixel-frames that are non-zero
  // Each pixel's sum over each of segments() equal spans of the frames (segment_of_frame; every
  // frame added, an empty one adds nothing in the mask): [segment][pixel], the static profiles'
  // input (corr/aps_layout), gathered in this pass so that the frames are not read a second
  // time for them. Empty when not asked for or when it would take more than an eighth of the
  // memory budget.
  std::vector<double> segment_pixel_sum;
  std::size_t segments() const { return pixels > 0 ? segment_pixel_sum.size() / pixels : 0; }
};

// The span of frame f when `frames` frames are cut into `segments` equal spans (the first ones
// no longer): the APS stability view's segments, wherever they are summed.
inline std::size_t segment_of_frame(std::size_t f, std::size_t segments, std::size_t frames) {
  return f * segments / frames;
}

// segments > 0 also gathers FrameStats::segment_pixel_sum, when the budget allows it.
FrameStats compute_frame_stats(FrameSource& source, const std::vector<std::uint8_t>& mask,
                               const MemoryBudget& budget, std::size_t segments = 0);

// Refuses a source whose claimed size makes the per-frame and per-pixel bookkeeping (statistics,
// masks, weights, times) larger than the budget: a damaged or hostile header must end with a
// line saying what it claims, not with an allocation failure.
void check_claimed_size(const FrameInfo& info, const MemoryBudget& budget);

// Hot pixels: a time-mean that stands out from the pixel's neighbourhood (the median m of the
// usable pixels in the 5 x 5 square around it) by more than `ratio` times m and by more than
// k_sigma Poisson deviations of m over the run, or a single-frame count above max_count.
// Comparing with neighbours, not the whole detector, keeps bright but honest regions (near the
// beam, the halo's peak) usable. Returns the mask with them removed and how many were removed.
std::vector<std::uint8_t> remove_hot_pixels(const FrameStats& stats, std::vector<std::uint8_t> mask,
                                            std::size_t height, std::size_t width, double k_sigma,
                                            double max_count, std::size_t* removed,
                                            double ratio = 5.0);

}  // namespace glassy
