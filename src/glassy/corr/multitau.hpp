// corr/multitau: one-time g2 per q-bin by the multiple-tau scheme, streaming frame by frame.
// Delays: 1..8 frames at the first level, then 4 per level at spacing 2^l (10, 12, 14, 16,
// 20, 24, ...), as APS 8-ID lists them. At level l the series is the mean of 2^l consecutive
// frames. Per pixel: G2(d) = <I(t) I(t+d)>, IP(d) = <I(t)> over the earlier frames, IF(d) over the
// later ones; the symmetric per-pixel ratio G2 / (IP IF) is averaged within static bins, then over
// the static bins of each dynamic bin. Photon events make it cost per photon, not per pixel.
#pragma once

#include <glassy/core/ranks.hpp>
#include <glassy/detector/partition.hpp>
#include <glassy/io/frames.hpp>

#include <cstdint>
#include <vector>

namespace glassy {

std::vector<std::size_t> multitau_delays(std::size_t frames);  // in frames

struct MultiTauResult {
  std::vector<std::size_t> delays;  // frames
  std::vector<double> g2, g2_err;   // [delay][dynamic bin]
  std::vector<double> G2, IP, IF;   // [delay][static bin], bin means per pixel (unnormalised)
  int dynamic_bins = 0, static_bins = 0;
  double frames_per_second = 0;
  std::size_t threads = 1;  // pixel shares this process computed at once (run_multitau)
};

// The pixels multi-tau correlates: those in a dynamic and a static bin, in detector order.
std::vector<std::uint32_t> multitau_pixels(const Partition& partition);

// The per-pixel multi-tau sums of some of those pixels (all of them, or one share of them for a
// thread or MPI rank: run_multitau), binned by MultiTauBins.
class MultiTau {
 public:
  // `pixels`: flat detector indices (ascending, not empty) of a detector of `detector_pixels`.
  MultiTau(std::vector<std::uint32_t> pixels, std::size_t detector_pixels, std::size_t frames);
  // Frames must come in order, each once: a dense frame or its non-zero pixels.
  void push_dense(const float* frame);
  void push_events(const std::uint32_t* pixel, const std::uint32_t* count, std::size_t n);
  // Per delay: whether the run reached it, and each used pixel's G2, IP, IF (3 per pixel, in
  // detector order) for MultiTauBins.
  bool delay_reached(std::size_t d) const;
  void delay_terms(std::size_t d, double* out) const;
  const std::vector<std::size_t>& delays() const { return delays_; }
  std::size_t pixels() const { return pixels_; }

 private:
  // Stores the level's values at its next time (pixels not listed are zero) and accumulates.
  void push_level(std::size_t level, const std::vector<std::uint32_t>& pixels,
                  const std::vector<float>& values);
  float* ring(std::size_t level, std::size_t time) {
    return ring_.data() + (level * kRing + time % kRing) * pixels_;
  }
  const float* ring(std::size_t level, std::size_t time) const {
    return ring_.data() + (level * kRing + time % kRing) * pixels_;
  }
  static constexpr std::size_t kRing = 9;  // the largest lag in level units is 8

  std::size_t pixels_, levels_ = 0;
  std::vector<std::uint32_t> used_;      // detector pixel -> index among used pixels (or -1)
  std::vector<std::uint32_t> detector_;  // used index -> detector pixel
  std::vector<std::size_t> delays_;
  std::vector<std::size_t> delay_level_, delay_lag_;  // per delay: level and lag in level units
  std::vector<std::size_t> level_time_;               // next time index per level
  // The last 9 values of every pixel per level, laid out [level][slot][pixel] so the pixels of
  // one frame are read from nearby memory; zero unless listed in written_ for that slot.
  std::vector<float> ring_;
  std::vector<std::vector<std::uint32_t>> written_;  // [level * 9 + slot]: non-zero pixels
  std::vector<double> g2_sum_;                       // [delay][pixel]
  std::vector<double> total_;                        // [level][pixel]
  std::vector<float> head_;  // [level][pixel][8]: the first 8 values of each level
  std::vector<std::vector<std::uint32_t>> next_pixels_;  // per level: reused buffers
  std::vector<std::vector<float>> next_values_;
  std::vector<std::uint32_t> frame_pixels_;  // reused buffers for a new frame
  std::vector<float> frame_values_;
  std::vector<std::uint64_t> mark_;  // per pixel: last merge that listed it
  std::uint64_t merge_stamp_ = 0;
};

// The bin averages of multi-tau from per-pixel terms (MultiTau::delay_terms of every used pixel
// of the partition, in detector order), delay by delay: what one process and rank 0 of several
// both do, in the same order.
class MultiTauBins {
 public:
  MultiTauBins(const Partition& partition, std::vector<std::size_t> delays);
  void add_delay(std::size_t d, const double* terms);
  const MultiTauResult& result() const { return r_; }

 private:
  const Partition& partition_;
  std::vector<std::uint32_t> detector_;
  std::vector<double> static_count_;
  std::vector<std::size_t> dyn_of_static_;
  MultiTauResult r_;
};

// Runs multi-tau over every frame of a source; with MPI ranks (core/ranks) the pixels are shared
// out and every rank returns the same result, equal to one process's to the last bit.
MultiTauResult run_multitau(FrameSource& source, const Partition& partition,
                            std::size_t block_frames, Ranks* ranks = nullptr);

}  // namespace glassy
