// report/report: `glassy report`, one self-contained HTML file (plotly.js inlined, no network
// needed) with the paper's figures made from an aging result (Figs. 2, 3, 5, a parameter table)
// and/or MD results (Fig. 4, the Fig. 1c inset, cooling curve, structure), and a summary.
#pragma once

#include <glassy/report/data.hpp>
#include <glassy/report/md_data.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace glassy::report {

struct ReportOptions {
  std::string command;  // the command line that made the report, shown in it
};

// plotly.min.js: env GLASSY_PLOTLY_JS, else the build-time path under report/node_modules.
std::filesystem::path plotly_js_path();

// The plain-text summary of an aging result (windows, <t> range, g2(inf), events, regimes,
// preferred long-time model), the same facts `glassy age` prints.
std::string summarise(const ReportData& d);

// What one page draws: at most one aging run, and any number of MD results (glass files,
// simulated XPCS, waiting times, structure), e.g. the paper's Fig. 4 beside its Figs. 2-3.
struct ReportInputs {
  std::optional<ReportData> aging;
  std::vector<MdReportData> md;
};

// Reads each file as what it holds (an aging result or MD results); glassy::Error naming the
// file when it is neither, or when a second aging result is given.
ReportInputs read_report_inputs(const std::vector<std::filesystem::path>& files);

// The whole page as a string.
std::string render_html(const ReportInputs& inputs, const std::string& plotly_js,
                        const ReportOptions& options);
std::string render_html(const ReportData& d, const std::string& plotly_js,
                        const ReportOptions& options);

// Reads the files and writes the report to `out` atomically (nothing is left on failure; `out`
// may be none of the inputs). glassy::Error on bad input or a missing plotly.js.
void write_report(const std::vector<std::filesystem::path>& files, const std::filesystem::path& out,
                  const ReportOptions& options);
void write_report(const std::filesystem::path& aging_file, const std::filesystem::path& out,
                  const ReportOptions& options);

}  // namespace glassy::report
