#include <glassy/core/options.hpp>

#include <fmt/format.h>

#include <map>
#include <mutex>

namespace glassy {
namespace {
std::mutex g_flags_mutex;
std::map<std::string, std::string>& flags() {
  static std::map<std::string, std::string> m;
  return m;
}
}  // namespace

std::string Range::describe() const {
  const bool low = std::isfinite(min), high = std::isfinite(max);
  if (!low && !high) return "any finite number";
  if (low && !high) return fmt::format("{} {:g}", min_open ? ">" : ">=", min);
  if (!low && high) return fmt::format("{} {:g}", max_open ? "<" : "<=", max);
  if (!min_open && !max_open) return fmt::format("{:g} to {:g}", min, max);
  return fmt::format("{}{:g}, {:g}{}", min_open ? "(" : "[", min, max, max_open ? ")" : "]");
}

std::optional<double> field_value(const FieldRef& ref) {
  return std::visit(
      [](auto* p) -> std::optional<double> {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, std::optional<double>> ||
                      std::is_same_v<T, std::optional<std::size_t>>) {
          if (!*p) return std::nullopt;
          return static_cast<double>(**p);
        } else if constexpr (std::is_same_v<T, bool>) {
          return std::nullopt;  // flags have no range
        } else {
          return static_cast<double>(*p);
        }
      },
      ref);
}

std::string describe_value(const FieldRef& ref) {
  if (std::holds_alternative<bool*>(ref)) return *std::get<bool*>(ref) ? "on" : "off";
  const auto v = field_value(ref);
  return v ? fmt::format("{:g}", *v) : "off";
}

void throw_out_of_range(const char* name, const char* unit, const char* help, const Range& range,
                        double value) {
  const std::string u = unit && *unit ? std::string(" ") + unit : "";
  const bool bounded = std::isfinite(range.min) || std::isfinite(range.max);
  throw Error(fmt::format("{} = {:g}{} is out of range: it must be {} ({})", name, value, u,
                          bounded ? range.describe() + u : "a finite number", help),
              ErrorKind::InvalidArgument, name);
}

void register_flag(const std::string& field, const std::string& flag) {
  std::lock_guard lock(g_flags_mutex);
  flags()[field] = flag;
}

std::optional<std::string> flag_of(const std::string& field) {
  std::lock_guard lock(g_flags_mutex);
  const auto it = flags().find(field);
  if (it == flags().end()) return std::nullopt;
  return it->second;
}

}  // namespace glassy
