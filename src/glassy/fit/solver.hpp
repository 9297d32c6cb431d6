// fit/solver: the bounded least-squares solve behind fit() (Levenberg-Marquardt, dense QR, on
// Ceres Solver). Ceres lives in the plugin glassy_fit_ceres.so (core/plugin), loaded on the first
// fit: linked into libglassy, Ceres and its ~20 shared libraries (glog, SuiteSparse, LAPACK)
// were loaded by every command at start, ~4 ms of a small `glassy corr` that fits nothing
// (docs/performance.md).
#pragma once

#include <glassy/fit/models.hpp>

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace glassy::fit::detail {

// Residuals r_i = (model(t_i) - y_i) w_i over the model's np parameters.
struct Residuals {
  Model model;
  bool free_form;
  std::span<const double> t, y, w;
  std::size_t np;
};

struct Bounds {
  const std::vector<bool>& fixed;  // held at their start value
  const std::vector<double>& lower;
  const std::vector<double>& upper;  // +-infinity where unbounded
};

struct Solution {
  std::vector<double> p;
  double cost = std::numeric_limits<double>::infinity();  // half the sum of squared residuals
  bool converged = false;
  std::string message;  // why not, when not converged
  int iterations = 0;
};

// Solves from `start`; loads the plugin on the first call (throws glassy::Error when it cannot).
Solution solve(const Residuals& residuals, std::vector<double> start, const Bounds& bounds);

// The plugin's entry point (glassy_fit_solve).
using SolveFn = void (*)(const Residuals& residuals, const Bounds& bounds, Solution& solution);

}  // namespace glassy::fit::detail
