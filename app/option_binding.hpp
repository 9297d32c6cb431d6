// app/option_binding: command-line options made from the library's option tables
// (core/options.hpp): flag, help, unit, range and default come from the one Field description,
// and each flag is registered so that library errors naming a field show the flag instead.
#pragma once

#include <CLI/CLI.hpp>

#include <glassy/core/options.hpp>

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace glassy::cli {

// "Age window of g2(t, t_a) [s; > 0; default 1000]"
template <typename S>
std::string field_help(const Field<S>& f, S& target) {
  std::string extra;
  if (f.unit && *f.unit) extra += f.unit, extra += "; ";
  if (!std::holds_alternative<bool*>(f.ref(target))) extra += f.range.describe() + "; ";
  extra += "default " + describe_value(f.ref(target));
  return fmt::format("{} [{}]", f.help, extra);
}

// Binds the named fields (all when `names` is empty) of `target` to options of `cmd`.
template <typename S>
void bind_fields(CLI::App& cmd, S& target, const std::vector<Field<S>>& fields,
                 std::initializer_list<std::string_view> names = {}) {
  for (const auto& f : fields) {
    if (names.size() && std::find(names.begin(), names.end(), f.name) == names.end()) continue;
    const auto help = field_help(f, target);
    register_flag(f.name, f.flag);
    std::visit(
        [&](auto* p) {
          using T = std::remove_pointer_t<decltype(p)>;
          if constexpr (std::is_same_v<T, bool>)
            cmd.add_flag(f.flag, *p, help);
          else
            cmd.add_option(f.flag, *p, help);
        },
        f.ref(target));
  }
}

}  // namespace glassy::cli
