// core/parse: the one parser for the small text values options take: numbers, "A:B" spans and
// ":"-separated lists. Strict: the whole text must be the value (no "12abc", no "nan"), and the
// error names the option and the expected form.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace glassy {

// A finite number; `what` names the option ("--gap").
double parse_number(const std::string& text, const std::string& what);
// "A:B" with finite A < B.
std::pair<double, double> parse_span(const std::string& text, const std::string& what);
// "A[:B[:C...]]": between min_count and max_count finite numbers.
std::vector<double> parse_number_list(const std::string& text, const std::string& what,
                                      std::size_t min_count, std::size_t max_count,
                                      const std::string& form);

}  // namespace glassy
