// fit/start: starting values found from the data alone (no user guesses). Relaxation models:
// contrast and baseline from the first and last points, beta from the slope of
// log(-log R) against log t, tau where R crosses the model's value at t = tau (interpolated on
// log t), over a small grid of beta; in the free form contrast and baseline are then the
// weighted linear least-squares solution for each (tau, beta). Power law and time-aging
// superposition: straight lines through log y.
#pragma once

#include <glassy/fit/models.hpp>

#include <span>
#include <vector>

namespace glassy::fit::detail {

struct StartProblem {
  Model model;
  bool free_form = false;
  std::span<const double> t, y, w;  // w: weights 1/sigma (all 1 when unweighted)
  std::vector<bool> fixed;          // per parameter
  std::vector<double> value;        // per parameter: the fixed values (others ignored)
  std::vector<double> lower, upper;
};

// Up to `keep` distinct starting points (full parameter vectors, fixed values in place, inside
// the bounds), best first by weighted sum of squares.
std::vector<std::vector<double>> starting_points(const StartProblem& problem, std::size_t keep);

}  // namespace glassy::fit::detail
