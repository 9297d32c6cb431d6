// report/figures: the paper's figures (Fig. 2, 3, 5 and g2(t, t_a)) as plotly.js specifications
// built from the user's data, plus the reductions that keep large inputs light in a browser.
#pragma once

#include <glassy/report/data.hpp>
#include <glassy/report/md_data.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace glassy::report {

struct Figure {
  std::string id;       // the div's id in the page
  std::string caption;  // what it shows, in the paper's terms
  nlohmann::json data, layout;
};

// Every figure of the report, in page order.
std::vector<Figure> make_figures(const ReportData& d);

// The MD figures of one file (Fig. 4a-e, Fig. 1c inset, cooling curve, structure), div ids
// starting with id_prefix; and its plain-text summary.
std::vector<Figure> make_md_figures(const MdReportData& d, const std::string& id_prefix);
std::string summarise_md(const MdReportData& d);

// Reduces (x, y) to at most ~max_points by keeping each bucket's minimum and maximum, so spikes
// and dips survive; NaN y are skipped.
void decimate_min_max(const std::vector<double>& x, const std::vector<double>& y,
                      std::size_t max_points, std::vector<double>& out_x,
                      std::vector<double>& out_y);

// Block-averages a square n x n map (NaN cells ignored) to at most max_n per side; returns the
// new side and sets `factor` to the block width in cells.
std::vector<double> downsample_map(const std::vector<double>& map, std::size_t n, std::size_t max_n,
                                   std::size_t& out_n, std::size_t& factor);

// Indices of up to `count` windows with a KWW fit, spread evenly over the run.
std::vector<std::size_t> select_windows(const ReportData& d, std::size_t count);

}  // namespace glassy::report
