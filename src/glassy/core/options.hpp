// core/options: one description per option field, the single source of its name (the library's
// and Python's keyword), its command-line flag, unit, valid range and meaning. Defaults are the
// struct's member initialisers. validate() of each options struct checks every field against
// its range and names the field; the command line (app/option_binding.hpp) and the Python
// module (python/bind_options.hpp) build their options from the same tables, so a default, a
// range or a name cannot differ between the faces. "Off" is an empty std::optional.
#pragma once

#include <glassy/core/error.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace glassy {

// A closed, open or half-open interval; NaN and infinities are never inside.
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false, max_open = false;

  static Range any() { return {}; }
  static Range positive() { return {0, std::numeric_limits<double>::infinity(), true, false}; }
  static Range at_least(double a) { return {a, std::numeric_limits<double>::infinity()}; }
  static Range between(double a, double b) { return {a, b}; }
  // (a, b]
  static Range above_up_to(double a, double b) { return {a, b, true, false}; }

  bool contains(double v) const {
    if (!std::isfinite(v)) return false;
    if (min_open ? !(v > min) : !(v >= min)) return false;
    if (max_open ? !(v < max) : !(v <= max)) return false;
    return true;
  }
  // "> 0", "1 to 100", "(0, 1]", ">= 3", "any finite number"
  std::string describe() const;
};

// Where a field lives inside its struct (nested structs included): a typed pointer.
using FieldRef = std::variant<double*, int*, std::size_t*, std::optional<double>*,
                              std::optional<std::size_t>*, bool*>;

template <typename S>
struct Field {
  const char* name;  // library and Python name, e.g. "window_s"
  const char* flag;  // command-line flag, e.g. "--window-s"
  const char* unit;  // "s", "photons/pixel/frame", "" for plain numbers
  const char* help;  // what it means (the range and unit are added where shown)
  Range range;
  std::function<FieldRef(S&)> ref;
};

// The fields of a nested struct as fields of the outer one (AgingOptions holds CorrelateOptions).
template <typename Outer, typename Inner, typename Get>
void append_nested(std::vector<Field<Outer>>& out, const std::vector<Field<Inner>>& inner,
                   Get get) {
  for (const auto& f : inner)
    out.push_back({f.name, f.flag, f.unit, f.help, f.range,
                   [ref = f.ref, get](Outer& o) { return ref(get(o)); }});
}

// The member a Field describes, for tables: GLASSY_FIELD_REF(AgingOptions, corr.window_s).
#define GLASSY_FIELD_REF(Struct, path) [](Struct& s) -> ::glassy::FieldRef { return &s.path; }

// The field's current value as a number (nullopt: an empty optional, i.e. "off").
std::optional<double> field_value(const FieldRef& ref);
// "window_s = 1e-06 s: must be > 0 (age window of g2(t, t_a))"; the Error's field() is the name.
[[noreturn]] void throw_out_of_range(const char* name, const char* unit, const char* help,
                                     const Range& range, double value);
// The default shown in help texts: "1000", "off".
std::string describe_value(const FieldRef& ref);

// Checks every field of `s` against its range; throws naming the first field out of range.
template <typename S>
void validate_fields(const S& s, const std::vector<Field<S>>& fields) {
  auto& mutable_s = const_cast<S&>(s);  // ref() is shared with the binders; nothing is written
  for (const auto& f : fields) {
    const auto v = field_value(f.ref(mutable_s));
    if (v && !f.range.contains(*v)) throw_out_of_range(f.name, f.unit, f.help, f.range, *v);
  }
}

// Every field's name, comma separated (for "unknown option" messages).
template <typename S>
std::string field_names(const std::vector<Field<S>>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

// Library field name -> command-line flag, filled as the command line binds its options, so
// errors raised deep in the library with a field name can be shown with the flag a user typed.
void register_flag(const std::string& field, const std::string& flag);
std::optional<std::string> flag_of(const std::string& field);

}  // namespace glassy
