// corr/result_g2: one g2 curve read straight from an APS or glassy result file, for `glassy fit`:
// /xpcs/multitau/normalized_g2 [lags, q] with normalized_g2_err and delay_list, else the
// one-time g2 of the two-time analysis (/xpcs/twotime/normalized_g2, same layout).
// delay_list is seconds when its units attribute says so or it holds non-integers; integer
// delays without units are frame counts, multiplied by the frame time.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace glassy {

struct ResultG2Request {
  std::optional<int> q_index;                          // column, counted from 0
  std::optional<double> q;                             // 1/A: the column whose q is nearest
  std::optional<std::pair<double, double>> lag_range;  // s, inclusive
  std::optional<double> frame_time;                    // s; overrides the file's
};

struct ResultG2 {
  std::vector<double> t, g2, err;  // err empty when the file has none usable (finite, > 0)
  std::string description;         // "file:/xpcs/multitau/normalized_g2 column 2 (q = 0.0031 1/A)"
};

ResultG2 read_result_g2(const std::filesystem::path& file, const ResultG2Request& request);

}  // namespace glassy
