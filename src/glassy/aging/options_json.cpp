#include <glassy/aging/options_json.hpp>
#include <glassy/core/provenance.hpp>

namespace glassy::aging {

void to_json(nlohmann::json& j, const AgingOptions& o) {
  nlohmann::json tas = nlohmann::json::array();
  for (const auto& [a, b] : o.tas_spans) tas.push_back({a, b});
  j = {{"corr", o.corr},
       {"bin", o.bin},
       {"fit_kww", o.fit_kww},
       {"fit_ml", o.fit_ml},
       {"contrast_slope", provenance::value_or_null(o.contrast_slope)},
       {"pearson_windows", o.pearson_windows},
       {"tas_spans", tas},
       {"regimes",
        {{"penalty", provenance::value_or_null(o.regimes.penalty)},
         {"min_windows", o.regimes.min_windows},
         {"slope_sigma", o.regimes.slope_sigma},
         {"step_sigma", o.regimes.step_sigma},
         {"step_scatter", o.regimes.step_scatter}}},
       {"events",
        {{"half_width", o.events.half_width},
         {"threshold_sigma", o.events.threshold_sigma},
         {"min_separation", o.events.min_separation}}},
       {"event_band", provenance::value_or_null(o.event_band)}};
}

}  // namespace glassy::aging
