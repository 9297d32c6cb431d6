// corr/reducers: what the analysis keeps of C(t1, t2), accumulated tile by tile.
//  AgeBandReducer  g2(t, t_a): the band of lags up to a maximum, averaged over age windows
//                  (t_a = t2, the earlier frame) with log-binned lags, and the short-time
//                  plateau g2(0, t_a) from the neighbours of the diagonal;
//  OneTimeReducer  g2(t) averaged over all ages (optionally inside a span of time, which gives
//                  the long-time plateau g2(inf));
//  MapReducer      a downsampled copy of the whole map for storage and display.
// Times are the frames' start times; lags are counted in frame spacings (dt).
#pragma once

#include <glassy/corr/lag_bins.hpp>
#include <glassy/corr/tile.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace glassy {

// Frame times on the frame-spacing grid, shared by the reducers.
class FrameClock {
 public:
  FrameClock(std::vector<double> times, double dt);
  std::size_t frames() const { return times_.size(); }
  double time(std::size_t f) const { return times_[f]; }
  long slot(std::size_t f) const { return slot_[f]; }  // round((t - t0) / dt)
  double dt() const { return dt_; }
  const std::vector<double>& times() const { return times_; }

 private:
  std::vector<double> times_;
  std::vector<long> slot_;
  double dt_;
};

// Mean and standard error of accumulated values; NaN-free: n = 0 gives value 0, error 0.
struct Accumulated {
  double mean, error;
  std::size_t n;
};

// Errors of means over overlapping frame pairs (pairs share frames, and bright speckle keeps
// neighbouring pairs alike) come from batch means: the reducers also sum each cell in
// consecutive blocks of ages (t2), and the scatter of the block means is the variance of the mean
// whatever the correlation between pairs, as long as it is shorter than a block. The band has 8
// blocks per stored age window; a window's 7 degrees of freedom would make its error bars 27 %
// noisy, so each lag bin's design effect (batch variance over the variance the pairs would have
// if independent) is pooled over all windows, and a window's error is that factor times its own
// iid variance (well determined: thousands of pairs). Tables restored from a file written before
// the blocks existed fall back to the conservative "rows are the independent samples" estimate.
inline constexpr std::size_t kBandErrorBlocks = 8;
inline constexpr std::size_t kOneTimeErrorBlocks = 32;

class AgeBandReducer : public TileReducer {
 public:
  AgeBandReducer(const FrameClock& clock, int bins, double max_lag_s, int per_decade,
                 double window_s);
  std::size_t max_lag_frames() const override;
  void consume(const Tile& tile) override;
  std::vector<std::pair<std::string, std::vector<double>*>> state() override;
  Combine combine() const override { return Combine::Sums; }
  std::unique_ptr<TileReducer> blank() const override;

  std::size_t windows() const { return n_windows_; }
  std::size_t lags() const { return lags_.size(); }
  double window_start(std::size_t w) const { return t0_ + w * window_s_; }
  double window_s() const { return window_s_; }
  // Mean lag (s) of the pairs in a lag bin (over all windows and bins; NaN when empty).
  double lag_seconds(std::size_t l) const;
  // g2(t, t_a); error from the scatter of C in the cell over the effective number of
  // independent rows (pairs / distinct lags in the bin).
  Accumulated g2(int bin, std::size_t window, std::size_t lag) const;
  // Variance of C over the pairs of the cell (per pair, not of the mean); NaN under two pairs.
  double pair_variance(int bin, std::size_t window, std::size_t lag) const;
  // g2(0, t_a): mean of C(t, t +- 1 frame) in the window.
  Accumulated plateau(int bin, std::size_t window) const;
  // The same band with windows k times wider: window W holds stored windows kW .. kW + k - 1,
  // whose sums add exactly (the boundaries of the wide windows are boundaries of the stored ones).
  std::unique_ptr<AgeBandReducer> merged_windows(std::size_t k) const;
  // An empty band with the same clock, lags and windows (to collect pairs to remove), and the
  // removal: every accumulator of `pairs` subtracted from this one.
  std::unique_ptr<AgeBandReducer> empty_like() const;
  void subtract(const AgeBandReducer& pairs);
  double pairs() const;  // over all bins, windows and lag bins
  // The cell's mean without error block j (delete-one jackknife), and whether block j of the
  // window holds pairs at all (an empty block's deletion changes nothing).
  double g2_without_block(int bin, std::size_t window, std::size_t lag, std::size_t block) const;
  bool block_filled(int bin, std::size_t window, std::size_t block) const;
  // The pooled design effect of a lag bin (and of the plateau's lag-one pairs): variance of a
  // window's mean over its iid variance; NaN when no window has enough filled blocks.
  double design_effect(int bin, std::size_t lag) const;
  double plateau_design_effect(int bin) const;

 private:
  std::size_t cell(int bin, std::size_t w, std::size_t l) const {
    return (static_cast<std::size_t>(bin) * n_windows_ + w) * lags_.size() + l;
  }
  void forget_design_effects() { design_.clear(); }
  void compute_design_effects() const;
  const FrameClock& clock_;
  int bins_;
  LagBins lags_;
  double max_lag_s_;
  int per_decade_;
  double window_s_, t0_;
  std::size_t n_windows_;
  std::vector<std::size_t> window_of_;
  std::vector<double> lags_per_bin_;  // distinct integer lags in each bin
  std::vector<double> sum_, sum2_, count_, lag_sum_;
  std::vector<double> p_sum_, p_sum2_, p_count_;
  std::vector<std::size_t> block_of_;  // frame -> error block inside its window
  std::vector<double> blk_sum_, blk_count_, p_blk_sum_, p_blk_count_;  // [cell][block]
  // [bin][lag], then [bin] for the plateau; computed on first use, cleared whenever the sums
  // can change (consume, state).
  mutable std::vector<double> design_;
  mutable std::mutex design_mutex_;
};

class OneTimeReducer : public TileReducer {
 public:
  // span: only pairs with both frames inside [start, end] s count.
  OneTimeReducer(const FrameClock& clock, int bins, double max_lag_s, int per_decade,
                 std::optional<std::pair<double, double>> span = std::nullopt);
  std::size_t max_lag_frames() const override { return lags_.max_frames(); }
  void consume(const Tile& tile) override;
  std::vector<std::pair<std::string, std::vector<double>*>> state() override;
  Combine combine() const override { return Combine::Sums; }
  std::unique_ptr<TileReducer> blank() const override;
  std::size_t lags() const { return lags_.size(); }
  double lag_seconds(std::size_t l) const;
  Accumulated g2(int bin, std::size_t lag) const;
  // Mean of C over pairs with lag >= min_lag_s (the long-time plateau); error from the batch
  // means of those pairs (tables without blocks: the scatter of the lag bins' means).
  Accumulated plateau_beyond(int bin, double min_lag_s) const;

 private:
  const FrameClock& clock_;
  int bins_;
  LagBins lags_;
  std::optional<std::pair<double, double>> span_;
  std::vector<double> lags_per_bin_;
  std::vector<double> sum_, sum2_, count_, lag_sum_;
  std::vector<std::size_t> block_of_;        // frame -> error block over the run (or span)
  std::vector<double> blk_sum_, blk_count_;  // [bin][lag][block]
};

// Names of table fields a file written by an earlier glassy may lack (the error blocks); a
// restore leaves them zero and the errors fall back as described above.
bool optional_table_field(const std::string& field);

class MapReducer : public TileReducer {
 public:
  // size: cells per axis (the map is size x size, or frames x frames when that is smaller).
  MapReducer(const FrameClock& clock, int bins, std::size_t size);
  std::size_t max_lag_frames() const override { return static_cast<std::size_t>(-1); }
  void consume(const Tile& tile) override;
  std::vector<std::pair<std::string, std::vector<double>*>> state() override;
  // A full-resolution map holds one pair per cell, written by one tile: copied, not summed.
  Combine combine() const override { return full_ ? Combine::Assigned : Combine::Sums; }
  std::unique_ptr<TileReducer> blank() const override;
  std::vector<std::pair<std::size_t, std::size_t>> touched(std::size_t index, std::size_t t1_first,
                                                           std::size_t t1_count) override;
  std::size_t size() const { return size_; }
  bool full_resolution() const { return full_; }
  // The symmetric map of one bin, size x size, NaN where no pair fell (gaps).
  std::vector<float> map(int bin) const;
  double cell_start(std::size_t i) const;  // s
  double cell_width() const { return cell_s_; }
  std::size_t cell_of(std::size_t frame) const { return cell_of_[frame]; }
  // Mean of C over the pairs in cell (i, j), i >= j (the later frame's cell first); NaN if none.
  double cell_mean(int bin, std::size_t i, std::size_t j) const;

 private:
  const FrameClock& clock_;
  int bins_;
  std::size_t size_;
  bool full_;
  double cell_s_;
  std::vector<std::size_t> cell_of_;
  std::vector<double> sum_, count_;
};

// The near-diagonal band C(f, f - k), k = 1..width, of every frame: what event detection (a
// checkerboard kernel sliding along the diagonal) needs. width x frames floats per bin.
class DiagonalBandReducer : public TileReducer {
 public:
  DiagonalBandReducer(std::size_t frames, int bins, std::size_t width);
  std::size_t max_lag_frames() const override { return width_; }
  void consume(const Tile& tile) override;
  std::vector<std::pair<std::string, std::vector<double>*>> state() override;
  Combine combine() const override { return Combine::Assigned; }
  std::vector<std::pair<std::size_t, std::size_t>> touched(std::size_t index, std::size_t t1_first,
                                                           std::size_t t1_count) override;
  std::size_t width() const { return width_; }
  // [frame * width + (k - 1)] = C(frame, frame - k), NaN where unavailable.
  std::vector<float> band(int bin) const;

 private:
  std::size_t frames_, width_;
  std::vector<double> band_;  // [bin][frame][k-1]; double so checkpoints stay exact
};

}  // namespace glassy
