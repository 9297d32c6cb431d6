// core/error: the one exception type glassy throws for anything a user can fix.
// Its message is a single line: what is wrong, where, and what to do about it. It carries a kind
// (so Python can raise OSError for input/output and ValueError for the rest) and, for a bad
// option value, the library field it names (so the command line can show the flag instead).
// The command line turns it into one line on stderr and exit code 2.
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>

namespace glassy {

enum class ErrorKind {
  InvalidArgument,  // an option or parameter out of its range, inconsistent options
  InputOutput,      // a file missing, unreadable, unwritable, or one that must not be replaced
  Format,           // a file that is there but damaged or not in a known layout
  Numerical,        // a computation that cannot give a meaningful result on these data
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ErrorKind kind = ErrorKind::InvalidArgument,
                 std::string field = {})
      : std::runtime_error(message), kind_(kind), field_(std::move(field)) {}
  ErrorKind kind() const { return kind_; }
  // The options field the message starts with ("window_s"), empty when none.
  const std::string& field() const { return field_; }

 private:
  ErrorKind kind_;
  std::string field_;
};

// Throws glassy::Error(message) unless condition holds. Used for input validation.
inline void require(bool condition, const std::string& message,
                    ErrorKind kind = ErrorKind::InvalidArgument) {
  if (!condition) throw Error(message, kind);
}

// Lazy form for per-pixel and per-event checks: the message is built only when the check fails
// (building it eagerly cost more than the work being checked).
template <typename MessageFn>
requires std::is_invocable_r_v<std::string, MessageFn>
inline void require(bool condition, MessageFn&& message,
                    ErrorKind kind = ErrorKind::InvalidArgument) {
  if (!condition) throw Error(message(), kind);
}

}  // namespace glassy
