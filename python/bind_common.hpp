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

#include <glassy/corr/correlate.hpp>

namespace glassy::python {

// Correlation options from keyword arguments; every key used is removed from `kw`, so the
// caller can reject what is left as unknown.
CorrelateOptions correlate_options(py::dict& kw);
// Raises glassy::Error naming the first key left in `kw` (what `function` does not take).
void reject_unknown(const py::dict& kw, const std::string& function, const std::string& known);
// The keys correlate_options understands, for messages and docstrings.
extern const char* const kCorrelateKeys;

// The correlation step's results as numpy arrays (see correlate()'s docstring).
py::dict correlation_dict(const Correlation& c);

}  // namespace glassy::python
