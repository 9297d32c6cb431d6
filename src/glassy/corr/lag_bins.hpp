// corr/lag_bins: logarithmic binning of lag times (points per decade; the paper uses 5) and the
// lookup from a lag in frame spacings to its bin, so the per-pair work is a table lookup.
#pragma once

#include <cstddef>
#include <vector>

namespace glassy {

class LagBins {
 public:
  // Bins edges dt * 10^(k / per_decade) from dt/2 up to max_lag; the first bins hold single
  // frame lags. Lags are measured in units of dt (frame spacing) rounded to integers.
  LagBins(double dt, double max_lag, int per_decade);
  std::size_t size() const { return n_bins_; }
  // Bin of a lag of `frames` frame spacings; size() when beyond the last bin (or zero lag).
  std::size_t bin_of_frames(std::size_t frames) const {
    return frames < table_.size() ? table_[frames] : n_bins_;
  }
  std::size_t max_frames() const { return table_.empty() ? 0 : table_.size() - 1; }
  double dt() const { return dt_; }

 private:
  double dt_;
  std::size_t n_bins_ = 0;
  std::vector<std::size_t> table_;  // lag in frames -> bin
};

}  // namespace glassy
