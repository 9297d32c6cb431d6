// aging/options_json: the age-resolved analysis's options as JSON, for /glassy/provenance.
#pragma once

#include <glassy/aging/analysis.hpp>

#include <nlohmann/json.hpp>

namespace glassy::aging {

// Every field of AgingOptions (the correlation's under "corr"), by its name in the struct.
void to_json(nlohmann::json& j, const AgingOptions& o);

}  // namespace glassy::aging
