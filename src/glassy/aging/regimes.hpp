// aging/regimes: the paper's Fig. 3a regimes, found instead of marked by hand. A history y(t_a)
// (e.g. log10 <t> per age window) is cut into straight pieces y = a + b t by optimal partitioning
// (exact dynamic programming over the change points; n is at most a few thousand windows), each
// piece then labelled from its slope: monotonic `aging` (b > 0), `stationary` (b consistent with
// 0) or `acceleration` (b < 0). A significant jump in level between two pieces is an
// `intermittent` step (paper: <t> doubles at about 202,500 s).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace glassy::aging {

struct RegimeOptions {
  // Cost added per change point, on the chi-square scale of the weighted residuals. Unset: the BIC
  // value 3 ln(n) (each extra piece costs an intercept, a slope and a location) times s^2 when the
  // data scatter s times more than their errors say (s from first differences, at least 1).
  std::optional<double> penalty;
  std::size_t min_windows = 3;  // fitted windows per segment, at least 2
  double slope_sigma = 3.0;     // |slope| / slope_err beyond which a segment ages or accelerates
  // A boundary is an intermittent step when |jump| / jump_err exceeds step_sigma, a continuous
  // broken line through both pieces fits worse by step_sigma^2 in chi-square (a kink is no step),
  // and |jump| exceeds step_scatter single-window scatters.
  double step_sigma = 5.0;
  double step_scatter = 3.0;
};

struct Segment {
  double start, end;        // s, time of the first and last fitted window
  std::size_t first, last;  // indices of those windows, inclusive
  std::string label;        // "aging", "stationary" or "acceleration"
  double slope, slope_err;  // y per s; the error is scaled by sqrt(chi2_red) when that exceeds 1
  double intercept;         // y at t = 0
  double chi2_red;          // weighted residuals / (n - 2); NaN for two windows
  // aging, acceleration: Phi(|slope| / slope_err), the one-sided confidence in the slope's sign;
  // stationary: 2 (1 - Phi(|slope| / slope_err)), how probable a slope this large is if flat.
  double confidence;
};

struct Step {
  double time;            // s, midway between the two segments' facing windows
  double jump, jump_err;  // right line minus left line there
};

struct Regimes {
  std::vector<Segment> segments;  // in time order
  std::vector<Step> steps;
};

// t: window times (s, increasing); y, y_err: the history and its standard errors; gaps: [start,
// end) spans in s without data. Windows with non-finite y or y_err <= 0, or lying in a gap, are not
// fitted; only gaps break segments (no segment spans one, and no step is reported across one).
// Stretches between gaps with fewer than min_windows fitted windows get no segment. breaks: times
// (s) no segment may span (detected intermittent events: the dynamics on either side are not one
// regime); unlike a gap a step may be reported there.
Regimes segment_history(std::span<const double> t, std::span<const double> y,
                        std::span<const double> y_err,
                        std::span<const std::pair<double, double>> gaps,
                        const RegimeOptions& options, std::span<const double> breaks = {});

}  // namespace glassy::aging
