#include <glassy/core/blas.hpp>
#include <glassy/core/plugin.hpp>
#include <glassy/fit/solver.hpp>

namespace glassy::fit::detail {

Solution solve(const Residuals& residuals, std::vector<double> start, const Bounds& bounds) {
  static const auto plugin_solve = [] {
    constexpr PluginSpec kFit{"fit",
                              "glassy_fit_ceres.so",
                              "GLASSY_FIT_PLUGIN",
                              "fitting",
                              "install its libraries (scripts/install-deps.sh: Ceres Solver, glog, "
                              "SuiteSparse) or rebuild glassy",
                              true};
    const auto fn = reinterpret_cast<SolveFn>(
        plugin_symbol(kFit, library_plugin_places(kFit.file), "glassy_fit_solve"));
    blas::after_plugin_loaded_blas();  // Ceres's LAPACK is OpenBLAS: its threads, if unwanted
    return fn;
  }();
  Solution s;
  s.p = std::move(start);
  plugin_solve(residuals, bounds, s);
  return s;
}

}  // namespace glassy::fit::detail
