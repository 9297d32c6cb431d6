// The aging analysis's option table (flags, units, ranges, meanings) and its validation; the
// defaults are the member initialisers in analysis.hpp, regimes.hpp and events.hpp.
#include <glassy/aging/analysis.hpp>
#include <glassy/core/error.hpp>

#include <fmt/format.h>

namespace glassy::aging {

const std::vector<Field<AgingOptions>>& aging_fields() {
  using O = AgingOptions;
  static const std::vector<Field<O>> fields = [] {
    std::vector<Field<O>> f = {
        {"contrast_slope", "--contrast-slope", "1/s",
         "Slope m of g2'(0,t_a) = g2(0,t_a) - m t_a (default: fitted)", Range::any(),
         GLASSY_FIELD_REF(O, contrast_slope)},
        {"pearson_windows", "--pearson-windows", "windows",
         "Sliding window of the contrast / <t> Pearson coefficient", Range::between(3, 1e6),
         GLASSY_FIELD_REF(O, pearson_windows)},
        {"regime_penalty", "--regime-penalty", "chi2",
         "Change-point penalty of the regimes (default: BIC-like 3 ln n, scaled by the excess "
         "scatter)",
         Range::positive(), GLASSY_FIELD_REF(O, regimes.penalty)},
        {"regime_min_windows", "--regime-min-windows", "windows",
         "Fitted windows a regime needs at least", Range::between(2, 1e6),
         GLASSY_FIELD_REF(O, regimes.min_windows)},
        {"regime_slope_sigma", "--regime-slope-sigma", "sigma",
         "Slope significance beyond which a regime ages or accelerates", Range::positive(),
         GLASSY_FIELD_REF(O, regimes.slope_sigma)},
        {"event_sigma", "--event-sigma", "sigma", "Significance threshold of intermittent events",
         Range::positive(), GLASSY_FIELD_REF(O, events.threshold_sigma)},
        {"age_step_s", "--age-step-s", "s",
         "Keep the band at this finer age step so later re-analyses from the result may use any "
         "multiple of it as --window-s (frames and maps)",
         Range::positive(), GLASSY_FIELD_REF(O, age_step_s)},
        {"keep_straddling_pairs", "--keep-straddling-pairs", "",
         "Keep the pairs that straddle a detected event or a gap in g2(t, t_a) (the paper's "
         "definition; default: removed, so no window mixes before and after)",
         Range::any(), GLASSY_FIELD_REF(O, keep_straddling_pairs)},
        {"event_band", "--event-band", "frames",
         "Lags of the diagonal band pooled by event detection (default: one window's frames, "
         "2 to 512)",
         Range::between(1, 4096), GLASSY_FIELD_REF(O, event_band)},
    };
    append_nested(f, correlate_fields(), [](O& o) -> CorrelateOptions& { return o.corr; });
    return f;
  }();
  return fields;
}

void AgingOptions::validate() const {
  validate_fields(*this, aging_fields());
  corr.validate();
  require(bin >= 0, fmt::format("bin = {} must be >= 0 (0-based dynamic q bin)", bin));
  require(fit_kww || fit_ml, "models: fit kww, ml or both");
  for (const auto& [a, b] : tas_spans)
    require(std::isfinite(a) && std::isfinite(b) && a < b,
            fmt::format("tas_spans {}:{} must be A:B seconds with A < B", a, b));
}

}  // namespace glassy::aging
