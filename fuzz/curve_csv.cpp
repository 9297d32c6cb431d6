// libFuzzer target: the CSV reader of `glassy fit --in G2.csv` (fit/curve_csv.cpp) on arbitrary
// text. Any input must either give equally long columns or throw glassy::Error.
#include <glassy/core/error.hpp>
#include <glassy/fit/curve_csv.hpp>

#include <cstdint>
#include <cstdlib>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    const auto c = glassy::fit::parse_curve_csv(in, "fuzz.csv");
    if (c.t.empty() || c.y.size() != c.t.size() || (!c.err.empty() && c.err.size() != c.t.size()))
      std::abort();
  } catch (const glassy::Error&) {
  }
  return 0;
}
