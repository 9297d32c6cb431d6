// core/error: the one exception type glassy throws for anything a user can fix.
// Its message is a single line: what is wrong, where, and what to do about it.
// The command line turns it into one line on stderr and exit code 2.
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>

namespace glassy {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws glassy::Error(message) unless condition holds. Used for input validation.
inline void require(bool condition, const std::string& message) {
  if (!condition) throw Error(message);
}

// Lazy form for per-pixel and per-event checks: the message is built only when the check fails
// (building it eagerly cost more than the work being checked).
template <typename MessageFn>
requires std::is_invocable_r_v<std::string, MessageFn>
inline void require(bool condition, MessageFn&& message) {
  if (!condition) throw Error(message());
}

}  // namespace glassy
