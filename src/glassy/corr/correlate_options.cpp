// The correlation step's option table: the one place where each numeric field's flag, unit,
// range and meaning are written down (defaults: the member initialisers in correlate.hpp).
#include <glassy/core/error.hpp>
#include <glassy/corr/correlate.hpp>

#include <fmt/format.h>

namespace glassy {

const std::vector<Field<CorrelateOptions>>& correlate_fields() {
  using O = CorrelateOptions;
  static const std::vector<Field<O>> fields = {
      {"dynamic_q", "--dynamic-q", "", "Dynamic q bins", Range::between(1, 10000),
       GLASSY_FIELD_REF(O, dynamic_q)},
      {"static_q", "--static-q", "", "Static q bins (a multiple of --dynamic-q)",
       Range::between(1, 100000), GLASSY_FIELD_REF(O, static_q)},
      {"dynamic_phi", "--dynamic-phi", "", "Dynamic phi bins", Range::between(1, 3600),
       GLASSY_FIELD_REF(O, dynamic_phi)},
      {"static_phi", "--static-phi", "", "Static phi bins", Range::between(1, 36000),
       GLASSY_FIELD_REF(O, static_phi)},
      {"hot_sigma", "--hot-sigma", "sigma",
       "Mask pixels whose mean exceeds the local median by k Poisson sigma (0: off)",
       Range::at_least(0), GLASSY_FIELD_REF(O, hot_sigma)},
      {"max_count", "--max-count", "counts",
       "Mask pixels with a single-frame count above this (default: off)", Range::positive(),
       GLASSY_FIELD_REF(O, max_count)},
      {"max_lag_s", "--max-lag-s", "s", "Largest lag of the g2(t, t_a) band (default: whole run)",
       Range::positive(), GLASSY_FIELD_REF(O, max_lag_s)},
      {"window_s", "--window-s", "s", "Age window of g2(t, t_a)", Range::positive(),
       GLASSY_FIELD_REF(O, window_s)},
      {"per_decade", "--points-per-decade", "", "Log-binned lags per decade",
       Range::between(1, 100), GLASSY_FIELD_REF(O, per_decade)},
      {"map_size", "--map-size", "cells", "Downsampled two-time map size per axis (0: none)",
       Range::between(0, 65536), GLASSY_FIELD_REF(O, map_size)},
      {"diagonal_band", "--diagonal-band", "frames",
       "Frames of C(f, f - k) kept per frame for event detection", Range::between(0, 4096),
       GLASSY_FIELD_REF(O, diagonal_band)},
  };
  return fields;
}

void CorrelateOptions::validate() const {
  validate_fields(*this, correlate_fields());
  if (q_range)
    require(std::isfinite(q_range->first) && std::isfinite(q_range->second) &&
                q_range->first >= 0 && q_range->second > q_range->first,
            fmt::format("q_range {}:{} must be QMIN:QMAX with 0 <= QMIN < QMAX (1/A)",
                        q_range->first, q_range->second));
  if (plateau_span)
    require(std::isfinite(plateau_span->first) && std::isfinite(plateau_span->second) &&
                plateau_span->second > plateau_span->first,
            fmt::format("plateau_span {}:{} must be A:B seconds with A < B", plateau_span->first,
                        plateau_span->second));
}

}  // namespace glassy
