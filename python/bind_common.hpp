// Shared helpers of the Python module's binding files: numpy conversions and the per-area
// registration functions that glassy_module.cpp calls.
#pragma once

#include <glassy/fit/fit.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace glassy::python {

namespace py = pybind11;

void bind_special_fit(py::module_& m);
void bind_io(py::module_& m);
void bind_corr(py::module_& m);
void bind_aging(py::module_& m);

// A contiguous float64 view of any array-like (copies only when the input is not one already).
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// A new numpy array of the given shape holding a copy of `v` (v.size() must match the shape).
template <typename T>
py::array_t<T> to_numpy(const std::vector<T>& v, std::vector<py::ssize_t> shape = {}) {
  if (shape.empty()) shape = {static_cast<py::ssize_t>(v.size())};
  py::array_t<T> out(shape);
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

// A 1-D array-like as a vector of doubles.
inline std::vector<double> to_vector(const py::handle& obj) {
  const auto a = DoubleArray::ensure(obj);
  if (!a) throw py::type_error("expected an array of numbers");
  return std::vector<double>(a.data(), a.data() + a.size());
}

// An optional double as a number or None.
inline py::object optional_float(const std::optional<double>& v) {
  return v ? py::object(py::float_(*v)) : py::object(py::none());
}

// A FitResult as a dict (shared by fit() and the aging analysis's long-time view).
py::dict fit_result_dict(const fit::FitResult& r);

}  // namespace glassy::python

#include <glassy/core/options.hpp>
#include <glassy/corr/correlate.hpp>

#include <sstream>
#include <type_traits>

namespace glassy::python {

namespace detail {
template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};
}  // namespace detail

// Sets each field of the option table `fields` that `kw` names (same name as the C++ field),
// removing the key: the Python keywords come from the table the CLI is bound to, so names,
// defaults and ranges cannot drift apart. None keeps the default (turns an optional field off).
// Ranges are checked by the options' validate() at the library entry.
template <typename S>
void take_fields(py::dict& kw, S& options, const std::vector<Field<S>>& fields) {
  for (const auto& f : fields) {
    if (!kw.contains(f.name)) continue;
    const py::object v = kw[f.name];
    PyDict_DelItemString(kw.ptr(), f.name);
    std::visit(
        [&](auto* member) {
          using T = std::remove_pointer_t<decltype(member)>;
          if constexpr (detail::is_optional<T>::value) {
            *member = v.is_none() ? T{} : T{v.cast<typename T::value_type>()};
          } else if (!v.is_none()) {
            *member = v.cast<T>();
          }
        },
        f.ref(options));
  }
}

// One docstring line per field: name, meaning, unit, valid range and default (from a
// default-constructed S), so the Python help states what the CLI help states.
template <typename S>
std::string fields_doc(const std::vector<Field<S>>& fields) {
  S defaults;  // the member initialisers: the defaults
  std::string out;
  for (const auto& f : fields) {
    const std::string value = std::visit(
        [](auto* member) -> std::string {
          using T = std::remove_pointer_t<decltype(member)>;
          std::ostringstream v;
          if constexpr (detail::is_optional<T>::value) {
            if (!*member) return "None";
            v << **member;
          } else if constexpr (std::is_same_v<T, bool>) {
            return *member ? "True" : "False";
          } else {
            v << *member;
          }
          return v.str();
        },
        f.ref(defaults));
    out += "  " + std::string(f.name) + ": " + f.help +
           (*f.unit ? " (" + std::string(f.unit) + ")" : std::string()) + "; " +
           f.range.describe() + "; default " + value + "\n";
  }
  return out;
}

// Correlation options from keyword arguments; every key used is removed from `kw`, so the
// caller can reject what is left as unknown.
CorrelateOptions correlate_options(py::dict& kw);
// Raises glassy::Error naming the first key left in `kw` (what `function` does not take).
void reject_unknown(const py::dict& kw, const std::string& function, const std::string& known);
// The keys correlate_options understands beside the table's, for messages and docstrings.
extern const char* const kCorrelateKeys;

// The correlation step's results as numpy arrays (see correlate()'s docstring).
py::dict correlation_dict(const Correlation& c);

}  // namespace glassy::python
