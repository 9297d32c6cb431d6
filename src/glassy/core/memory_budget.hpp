// core/memory_budget: the --memory option. Every streaming loop asks the budget how many items
// of a given size it may hold at once, so memory is bounded by the option, not by the run length.
#pragma once

#include <cstddef>
#include <string>

namespace glassy {

class MemoryBudget {
 public:
  // Default 2 GiB: comfortable on a 24 GiB machine next to other work.
  explicit MemoryBudget(std::size_t bytes = std::size_t{2} << 30);
  // Parses "4", "4GB", "512MB", "0.5G" (a bare number means GiB, as --memory GB says).
  static MemoryBudget parse(const std::string& text);

  std::size_t bytes() const { return bytes_; }
  // How many items of item_bytes fit in `share` (0..1] of the budget, at least min_items.
  std::size_t items(std::size_t item_bytes, double share = 1.0, std::size_t min_items = 1) const;

 private:
  std::size_t bytes_;
};

}  // namespace glassy
