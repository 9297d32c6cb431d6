// glassy_fit_ceres.so: fit/solver's bounded least squares on Ceres Solver (Levenberg-Marquardt,
// dense QR), loaded by libglassy on its first fit.
#include <glassy/fit/solver.hpp>

#include <ceres/ceres.h>
#include <fmt/format.h>

#include <cmath>
#include <exception>

namespace glassy::fit::detail {
namespace {

// Levenberg-Marquardt on 2-4 parameters converges in a few tens of iterations from a sensible
// start; hitting this limit means the start or the model is wrong, not that more would help.
constexpr int kMaxIterations = 100;

// Residuals r_i = (model(t_i) - y_i) w_i, one parameter block of size 1 per parameter so that
// fixed ones are simply constant blocks.
class Cost final : public ceres::CostFunction {
 public:
  explicit Cost(const Residuals& r) : r_(r) {
    set_num_residuals(static_cast<int>(r.t.size()));
    mutable_parameter_block_sizes()->assign(r.np, 1);
  }

  bool Evaluate(double const* const* parameters, double* residuals,
                double** jacobians) const override {
    const std::size_t n = r_.t.size(), np = r_.np;
    p_.resize(np);
    for (std::size_t k = 0; k < np; ++k) p_[k] = parameters[k][0];
    need_.assign(np, false);
    bool any = false;
    for (std::size_t k = 0; jacobians != nullptr && k < np; ++k)
      any |= need_[k] = jacobians[k] != nullptr;
    m_.resize(n);
    jac_.resize(any ? n * np : 0);
    try {
      model_values(r_.model, r_.free_form, p_, r_.t, m_, jac_, need_);
    } catch (const std::exception&) {
      return false;  // outside the model's domain: Ceres rejects the step
    }
    for (std::size_t i = 0; i < n; ++i) {
      residuals[i] = (m_[i] - r_.y[i]) * r_.w[i];
      if (!std::isfinite(residuals[i])) return false;
    }
    for (std::size_t k = 0; k < np; ++k) {
      if (!need_[k]) continue;
      for (std::size_t i = 0; i < n; ++i) {
        jacobians[k][i] = jac_[i * np + k] * r_.w[i];
        if (!std::isfinite(jacobians[k][i])) return false;
      }
    }
    return true;
  }

 private:
  const Residuals& r_;
  mutable std::vector<double> p_, m_, jac_;
  mutable std::vector<bool> need_;
};

}  // namespace
}  // namespace glassy::fit::detail

// The plugin's entry point (fit/solver: SolveFn): solves from solution.p in place.
extern "C" __attribute__((visibility("default"))) void glassy_fit_solve(
    const glassy::fit::detail::Residuals& residuals, const glassy::fit::detail::Bounds& bounds,
    glassy::fit::detail::Solution& s) {
  using namespace glassy::fit::detail;
  Cost cost(residuals);
  ceres::Problem::Options po;
  po.cost_function_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
  ceres::Problem problem(po);
  std::vector<double>& p = s.p;
  std::vector<double*> blocks;
  for (auto& v : p) blocks.push_back(&v);
  problem.AddResidualBlock(&cost, nullptr, blocks);
  for (std::size_t k = 0; k < p.size(); ++k) {
    if (bounds.fixed[k]) {
      problem.SetParameterBlockConstant(&p[k]);
      continue;
    }
    if (std::isfinite(bounds.lower[k])) problem.SetParameterLowerBound(&p[k], 0, bounds.lower[k]);
    if (std::isfinite(bounds.upper[k])) problem.SetParameterUpperBound(&p[k], 0, bounds.upper[k]);
  }
  ceres::Solver::Options so;
  so.linear_solver_type = ceres::DENSE_QR;
  so.max_num_iterations = kMaxIterations;
  so.function_tolerance = 1e-12;
  so.gradient_tolerance = 1e-14;
  // Steps below 1e-8 relative are far inside any error bar; stopping there saves Mittag-Leffler
  // fits a setup per step (see models.cpp).
  so.parameter_tolerance = 1e-8;
  so.logging_type = ceres::SILENT;
  so.minimizer_progress_to_stdout = false;
  so.num_threads = 1;
  ceres::Solver::Summary summary;
  ceres::Solve(so, &problem, &summary);
  s.cost = summary.final_cost;
  s.converged = summary.termination_type == ceres::CONVERGENCE && std::isfinite(s.cost);
  s.iterations = static_cast<int>(summary.iterations.size());
  if (summary.termination_type == ceres::NO_CONVERGENCE) {
    s.message = fmt::format("the solver did not converge in {} iterations", kMaxIterations);
  } else if (!s.converged) {
    s.message = "the solver failed: " + summary.message;
  }
}
