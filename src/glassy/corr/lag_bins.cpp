#include <glassy/core/error.hpp>
#include <glassy/corr/lag_bins.hpp>

#include <cmath>

namespace glassy {

LagBins::LagBins(double dt, double max_lag, int per_decade) : dt_(dt) {
  require(dt > 0 && max_lag >= dt, "lag binning needs 0 < frame time <= maximum lag");
  require(per_decade >= 1 && per_decade <= 100, "lag points per decade must be 1..100");
  const std::size_t max_frames = static_cast<std::size_t>(std::floor(max_lag / dt + 1e-9));
  table_.assign(max_frames + 1, 0);
  table_[0] = static_cast<std::size_t>(-1);  // zero lag is the diagonal, never binned
  // Bin of lag L frames: floor(per_decade * log10(L)) from 1 upward, merged so that no bin is
  // empty of integer lags (the first decade has fewer integers than points).
  std::size_t bin = 0;
  long last_key = -1;
  for (std::size_t l = 1; l <= max_frames; ++l) {
    const long key =
        static_cast<long>(std::floor(per_decade * std::log10(static_cast<double>(l)) + 1e-12));
    if (last_key >= 0 && key != last_key) ++bin;
    last_key = key;
    table_[l] = bin;
  }
  n_bins_ = max_frames >= 1 ? bin + 1 : 0;
  table_[0] = n_bins_;
}

}  // namespace glassy
