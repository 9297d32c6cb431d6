// report/report: `glassy report`, one self-contained HTML file (plotly.js inlined, no network
// needed) with the paper's figures made from an aging result, a parameter table and a summary.
#pragma once

#include <glassy/report/data.hpp>

#include <filesystem>
#include <string>

namespace glassy::report {

struct ReportOptions {
  std::string command;  // the command line that made the report, shown in it
};

// plotly.min.js: env GLASSY_PLOTLY_JS, else the build-time path under report/node_modules.
std::filesystem::path plotly_js_path();

// The plain-text summary of an aging result (windows, <t> range, g2(inf), events, regimes,
// preferred long-time model), the same facts `glassy age` prints.
std::string summarise(const ReportData& d);

// The whole page as a string.
std::string render_html(const ReportData& d, const std::string& plotly_js,
                        const ReportOptions& options);

// Reads `aging_file` and writes the report to `out` atomically (nothing is left on failure).
// glassy::Error on bad input or a missing plotly.js.
void write_report(const std::filesystem::path& aging_file, const std::filesystem::path& out,
                  const ReportOptions& options);

}  // namespace glassy::report
