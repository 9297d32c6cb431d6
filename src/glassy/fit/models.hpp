// fit/models: the curves glassy fits, their parameter names and formulas, and their values with
// derivatives: analytic for KWW, exponential, power law and time-aging superposition; for
// Mittag-Leffler, differences accurate to ~1e-7 relative or better (see models.cpp for why).
//
// Relaxation models (x = lag t in s) in their normalised form R(t):
//   kww            R = exp(-2 (t/tau)^beta)
//   ml             R = E_beta(-(t/tau)^beta)^2   (R = |F|^2 with F the intermediate scattering
//                                                  function, the design's default)
//   ml-unsquared   R = E_beta(-(t/tau)^beta)
//   exp            R = exp(-2 t/tau)
// and, in the free form, g2 = baseline + contrast * R(t).
// Other models:
//   power          y = a t^-p
//   tas            tau(t_a) = tau0 exp(t_a / tstar)   (time-aging superposition; x = age t_a)
#pragma once

#include <span>
#include <string>
#include <vector>

namespace glassy::fit {

enum class Model {
  Kww,
  MittagLeffler,
  MittagLefflerUnsquared,
  Exponential,
  PowerLaw,
  TimeAgingSuperposition
};

// "kww", "ml", "ml-unsquared", "exp", "power", "tas"; anything else throws glassy::Error.
Model parse_model(const std::string& name);
std::string model_name(Model model);

// True for kww, ml, ml-unsquared and exp: the models with a free form (baseline + contrast * R).
bool is_relaxation(Model model);

// Parameter names in their order: kww, ml, ml-unsquared: tau, beta; exp: tau; power: a, p;
// tas: tau0, tstar. The free form appends contrast, baseline. Asking for the free form of a model
// that has none throws glassy::Error.
std::vector<std::string> parameter_names(Model model, bool free_form);

// The fitted formula in words, e.g. "g2 = baseline + contrast * E_beta(-(t/tau)^beta)^2".
std::string formula(Model model, bool free_form);

// y[i] = model(x[i]; p) for the parameters p (in parameter_names order). When jacobian is
// non-empty it receives dy[i]/dp[k] at jacobian[i * p.size() + k] for every k with
// need[k] true (need empty: all k); other entries are left alone. x, y sizes must match.
// Throws glassy::Error where the model is undefined (e.g. Mittag-Leffler beta outside (0, 2]).
void model_values(Model model, bool free_form, std::span<const double> p, std::span<const double> x,
                  std::span<double> y, std::span<double> jacobian = {},
                  const std::vector<bool>& need = {});

}  // namespace glassy::fit
