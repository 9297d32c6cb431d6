// fit/curve_csv: one correlation curve from a CSV file, the input of `glassy fit --in G2.csv`.
// The header names the columns lag_s and g2 (or R), optionally g2_err (or R_err); other columns
// are ignored, lines starting with # and blank lines skipped. Every defect is a glassy::Error that
// names the file and line.
#pragma once

#include <filesystem>
#include <istream>
#include <string>
#include <vector>

namespace glassy::fit {

struct Curve {
  std::vector<double> t, y, err;  // err empty when the file has no error column
  std::string value_column;       // "g2" or "R", as the header names it
};

// Parses the CSV text from `in`; `where` names the source in messages (a path).
Curve parse_curve_csv(std::istream& in, const std::string& where);
// Opens and parses the file.
Curve read_curve_csv(const std::filesystem::path& file);

}  // namespace glassy::fit
