// core/error: the one exception type glassy throws for anything a user can fix.
// Its message is a single line: what is wrong, where, and what to do about it.
// The command line turns it into one line on stderr and exit code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace glassy {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws glassy::Error(message) unless condition holds. Used for input validation.
inline void require(bool condition, const std::string& message) {
  if (!condition) throw Error(message);
}

}  // namespace glassy
