#include <glassy/core/error.hpp>
#include <glassy/core/parse.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace glassy {
namespace {

bool to_number(const std::string& text, double& value) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return false;
  const char* begin = text.c_str() + first;
  char* end = nullptr;
  errno = 0;
  value = std::strtod(begin, &end);
  if (end == begin || errno == ERANGE) return false;
  while (*end == ' ' || *end == '\t') ++end;
  return *end == '\0' && std::isfinite(value);
}

std::string quoted(const std::string& text) {
  std::string out;
  for (unsigned char c : text.substr(0, 60)) out += (c >= 0x20 && c < 0x7f) ? char(c) : '?';
  return "'" + out + "'";
}

}  // namespace

double parse_number(const std::string& text, const std::string& what) {
  double v = 0;
  require(to_number(text, v), what + " " + quoted(text) + " is not a finite number");
  return v;
}

std::vector<double> parse_number_list(const std::string& text, const std::string& what,
                                      std::size_t min_count, std::size_t max_count,
                                      const std::string& form) {
  std::vector<double> values;
  std::size_t pos = 0;
  while (true) {
    const auto colon = text.find(':', pos);
    double v = 0;
    require(to_number(text.substr(pos, colon == std::string::npos ? colon : colon - pos), v),
            what + " " + quoted(text) + " must be " + form + " (finite numbers)");
    values.push_back(v);
    if (colon == std::string::npos) break;
    pos = colon + 1;
  }
  require(values.size() >= min_count && values.size() <= max_count,
          what + " " + quoted(text) + " must be " + form);
  return values;
}

std::pair<double, double> parse_span(const std::string& text, const std::string& what) {
  const auto v = parse_number_list(text, what, 2, 2, "A:B");
  require(v[0] < v[1], what + " " + quoted(text) + " must be A:B with A < B");
  return {v[0], v[1]};
}

}  // namespace glassy
