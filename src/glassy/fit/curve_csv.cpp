#include <glassy/core/error.hpp>
#include <glassy/fit/curve_csv.hpp>

#include <fmt/format.h>

#include <fstream>

namespace glassy::fit {
namespace {

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    std::string f =
        line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto a = f.find_first_not_of(" \t\r"), b = f.find_last_not_of(" \t\r");
    out.push_back(a == std::string::npos ? "" : f.substr(a, b - a + 1));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

}  // namespace

Curve parse_curve_csv(std::istream& in, const std::string& where) {
  Curve c;
  std::string line;
  std::vector<std::string> header;
  int i_t = -1, i_y = -1, i_e = -1;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto fields = split_fields(line);
    if (header.empty()) {
      header = fields;
      for (int k = 0; k < static_cast<int>(fields.size()); ++k) {
        if (fields[k] == "lag_s") i_t = k;
        if (fields[k] == "g2" || fields[k] == "R") i_y = k, c.value_column = fields[k];
        if (fields[k] == "g2_err" || fields[k] == "R_err") i_e = k;
      }
      require(i_t >= 0 && i_y >= 0,
              fmt::format("{} line {}: the header must name the columns lag_s and g2 (or R), "
                          "optionally g2_err; got '{}'",
                          where, number, line));
      continue;
    }
    require(fields.size() == header.size(),
            fmt::format("{} line {}: {} fields where the header has {}", where, number,
                        fields.size(), header.size()));
    auto number_at = [&](int k) {
      const std::string& f = fields[static_cast<std::size_t>(k)];
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(f, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      require(used == f.size() && !f.empty(),
              fmt::format("{} line {}: '{}' in column {} is not a number", where, number, f,
                          header[static_cast<std::size_t>(k)]));
      return v;
    };
    c.t.push_back(number_at(i_t));
    c.y.push_back(number_at(i_y));
    if (i_e >= 0) c.err.push_back(number_at(i_e));
  }
  require(!header.empty() && !c.t.empty(), where + " has no data rows under a lag_s,g2 header");
  return c;
}

Curve read_curve_csv(const std::filesystem::path& file) {
  const std::string path = file.string();
  std::ifstream in(file);
  require(in.good(), "cannot open " + path + ": check the path", ErrorKind::InputOutput);
  return parse_curve_csv(in, path);
}

}  // namespace glassy::fit
