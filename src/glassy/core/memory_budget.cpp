#include <glassy/core/error.hpp>
#include <glassy/core/memory_budget.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace glassy {

MemoryBudget::MemoryBudget(std::size_t bytes) : bytes_(bytes) {
  require(bytes >= (std::size_t{1} << 20),
          "memory budget below 1 MiB: give --memory in GB, e.g. 2");
}

MemoryBudget MemoryBudget::parse(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  std::string unit(end);
  std::transform(unit.begin(), unit.end(), unit.begin(), ::toupper);
  double scale = 0;
  if (unit.empty() || unit == "G" || unit == "GB" || unit == "GIB") scale = 1024.0 * 1024 * 1024;
  if (unit == "M" || unit == "MB" || unit == "MIB") scale = 1024.0 * 1024;
  require(end != text.c_str() && scale > 0 && value > 0,
          "cannot read memory budget '" + text + "': give a size such as 4, 4GB or 512MB");
  return MemoryBudget(static_cast<std::size_t>(value * scale));
}

std::size_t MemoryBudget::items(std::size_t item_bytes, double share, std::size_t min_items) const {
  const double available = static_cast<double>(bytes_) * share;
  const auto n = static_cast<std::size_t>(
      available / static_cast<double>(std::max<std::size_t>(item_bytes, 1)));
  return std::max(n, min_items);
}

}  // namespace glassy
