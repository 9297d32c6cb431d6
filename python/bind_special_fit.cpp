// Python bindings: the Mittag-Leffler function, least-squares fits and power-law fits.
#include "bind_common.hpp"

#include <glassy/fit/power_law.hpp>
#include <glassy/special/mittag_leffler.hpp>

#include <pybind11/complex.h>
#include <pybind11/eigen.h>

#include <complex>
#include <span>

namespace glassy::python {
namespace {

using Complex = std::complex<double>;
using ComplexArray = py::array_t<Complex, py::array::c_style | py::array::forcecast>;

// Vectorised over any array-like; 0-d input gives a Python scalar so that scalars round-trip.
py::object mittag_leffler_py(double alpha, double beta, const py::object& x) {
  const py::array probe = py::array::ensure(x);
  if (!probe) throw py::type_error("mittag_leffler: x must be a number or an array of numbers");
  const std::vector<py::ssize_t> shape(probe.shape(), probe.shape() + probe.ndim());
  if (probe.dtype().kind() == 'c') {
    const auto in = ComplexArray::ensure(x);
    ComplexArray out(shape);
    const Complex* src = in.data();
    Complex* dst = out.mutable_data();
    const auto n = static_cast<std::size_t>(in.size());
    {
      py::gil_scoped_release release;
      for (std::size_t i = 0; i < n; ++i) dst[i] = mittag_leffler(alpha, beta, src[i]);
    }
    if (probe.ndim() == 0) return py::cast(dst[0]);
    return std::move(out);
  }
  const auto in = DoubleArray::ensure(x);
  if (!in) throw py::type_error("mittag_leffler: x must be a number or an array of numbers");
  DoubleArray out(shape);
  const auto n = static_cast<std::size_t>(in.size());
  {
    py::gil_scoped_release release;
    mittag_leffler(alpha, beta, std::span<const double>(in.data(), n),
                   std::span<double>(out.mutable_data(), n));
  }
  if (probe.ndim() == 0) return py::float_(out.data()[0]);
  return std::move(out);
}

py::dict fit_py(const std::string& model_name, const py::object& t, const py::object& y,
                const py::object& sigma, const std::optional<std::map<std::string, double>>& fixed,
                bool free_baseline,
                const std::optional<std::map<std::string, std::pair<double, double>>>& bounds) {
  const auto model = fit::parse_model(model_name);
  const auto tv = to_vector(t), yv = to_vector(y);
  fit::FitOptions o;
  if (!sigma.is_none()) o.sigma = to_vector(sigma);
  if (fixed) o.fixed = *fixed;
  if (bounds) o.bounds = *bounds;
  o.free_contrast_baseline = free_baseline;
  fit::FitResult r;
  {
    py::gil_scoped_release release;
    r = fit::fit(model, tv, yv, o);
  }
  return fit_result_dict(r);
}

py::dict power_law_dict(const fit::PowerLawFit& r) {
  py::dict d;
  d["ok"] = r.ok;
  d["reason"] = r.reason;
  d["discrete"] = r.discrete;
  d["alpha"] = r.alpha;
  d["alpha_error"] = r.alpha_error;
  d["xmin"] = r.xmin;
  d["xmax"] = optional_float(r.xmax);
  d["n"] = r.n;
  d["n_tail"] = r.n_tail;
  d["n_censored"] = r.n_censored;
  d["log_likelihood"] = r.log_likelihood;
  d["ks_distance"] = r.ks_distance;
  d["p_value"] = optional_float(r.p_value);
  d["n_boot"] = r.n_boot;
  return d;
}

py::dict fit_power_law_py(const py::object& x, bool discrete, std::optional<double> xmin,
                          std::optional<double> xmax, const py::object& censored,
                          std::size_t min_tail, std::size_t max_candidates, std::size_t n_boot,
                          std::uint64_t seed) {
  const auto xv = to_vector(x);
  fit::PowerLawOptions o;
  o.discrete = discrete;
  o.xmin = xmin;
  o.xmax = xmax;
  if (!censored.is_none()) o.censored = to_vector(censored);
  o.min_tail = min_tail;
  o.max_candidates = max_candidates;
  o.n_boot = n_boot;
  o.seed = seed;
  fit::PowerLawFit r;
  {
    py::gil_scoped_release release;
    r = fit::fit_power_law(xv, o);
  }
  return power_law_dict(r);
}

}  // namespace

py::dict fit_result_dict(const fit::FitResult& r) {
  py::dict values, errors, fixed;
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    values[py::str(r.names[i])] = r.value[i];
    errors[py::str(r.names[i])] = r.error[i];
    fixed[py::str(r.names[i])] = static_cast<bool>(r.fixed[i]);
  }
  py::dict d;
  d["ok"] = r.ok;
  d["reason"] = r.reason;
  d["model"] = r.model;
  d["formula"] = r.formula;
  d["free_baseline"] = r.free_contrast_baseline;
  d["names"] = r.names;
  d["values"] = values;
  d["errors"] = errors;
  d["fixed"] = fixed;
  d["covariance"] = py::cast(r.covariance);
  d["chi2"] = r.chi2;
  d["chi2_red"] = r.chi2_red;
  d["aic"] = r.aic;
  d["aicc"] = r.aicc;
  d["bic"] = r.bic;
  d["n_points"] = r.n_points;
  d["n_free"] = r.n_free;
  d["residual"] = to_numpy(r.residual);
  d["errors_scaled_by_chi2"] = r.errors_scaled_by_chi2;
  d["mean_time"] = optional_float(r.mean_time);
  d["mean_time_error"] = optional_float(r.mean_time_error);
  d["tail_exponent"] = optional_float(r.tail_exponent);
  d["tail_exponent_error"] = optional_float(r.tail_exponent_error);
  d["iterations"] = r.iterations;
  return d;
}

void bind_special_fit(py::module_& m) {
  m.def("mittag_leffler", &mittag_leffler_py, py::arg("alpha"), py::arg("beta"), py::arg("x"),
        R"doc(Two-parameter Mittag-Leffler function E_{alpha,beta}(x).

E_{alpha,beta}(x) = sum_k x^k / Gamma(alpha k + beta).

Vectorised: x may be a float, a complex number or a numpy array of either (the result has x's
shape; complex input gives complex output). Accurate to about 1e-14 relative wherever E is well
conditioned. Requires 0.01 <= alpha <= 2 and finite beta, else raises glassy.Error. The GIL is
released during the evaluation.

Example: mittag_leffler(0.5, 1.0, -np.linspace(0, 5, 6)) equals exp(x^2) erfc(x).)doc");

  m.def(
      "mittag_leffler_relaxation",
      [](double beta, const py::object& t_over_tau) {
        // E_beta(-(t/tau)^beta) is the real ML function at -(t/tau)^beta.
        const auto t = DoubleArray::ensure(t_over_tau);
        if (!t) throw py::type_error("t_over_tau must be a number or an array of numbers");
        DoubleArray x(std::vector<py::ssize_t>(t.shape(), t.shape() + t.ndim()));
        for (py::ssize_t i = 0; i < t.size(); ++i)
          x.mutable_data()[i] = -std::pow(t.data()[i], beta);
        return mittag_leffler_py(
            beta, 1.0, x.ndim() == 0 ? py::object(py::float_(x.data()[0])) : py::object(x));
      },
      py::arg("beta"), py::arg("t_over_tau"),
      "Mittag-Leffler relaxation F = E_beta(-(t/tau)^beta) for t/tau >= 0 (scalar or array).");

  m.def("fit", &fit_py, py::arg("model"), py::arg("t"), py::arg("y"), py::arg("sigma") = py::none(),
        py::arg("fixed") = py::none(), py::arg("free_baseline") = false,
        py::arg("bounds") = py::none(),
        R"doc(Nonlinear least-squares fit of a relaxation curve or aging law (Ceres Solver).

model: "kww" (R = exp(-2 (t/tau)^beta)), "ml" (R = E_beta(-(t/tau)^beta)^2), "ml-unsquared",
"exp", "power" (y = a t^-p) or "tas" (tau = tau0 exp(t_a / tstar)).
t, y: 1-D arrays. sigma: per-point standard errors (None: unweighted, errors scaled by the
residual variance). fixed: {name: value} held fixed. free_baseline: fit
g2 = baseline + contrast * R(t) instead of R(t). bounds: {name: (lower, upper)}.

Returns a dict: ok, reason, model, formula, names, values and errors ({name: float}), fixed,
covariance, chi2, chi2_red, aic, aicc, bic, n_points, n_free, residual, mean_time and
mean_time_error (KWW, exp; else None), tail_exponent (ML), iterations. Bad data never raise:
they give ok=False with a reason. Unknown models or parameter names raise glassy.Error.)doc");

  m.def("fit_power_law", &fit_power_law_py, py::arg("x"), py::arg("discrete") = false,
        py::arg("xmin") = py::none(), py::arg("xmax") = py::none(),
        py::arg("censored") = py::none(), py::arg("min_tail") = 10, py::arg("max_candidates") = 100,
        py::arg("n_boot") = 200, py::arg("seed") = 1,
        R"doc(Maximum-likelihood power law p(x) ~ x^-alpha for x >= xmin.

Follows Clauset, Shalizi & Newman, SIAM Review 51, 661 (2009).

x: positive values (integers when discrete). xmin: fixed lower cut (None: the KS-minimising one).
xmax: right truncation. censored: right-censored values (each true value exceeds its entry).
n_boot: bootstrap replicates for the goodness-of-fit p value (0: none), seeded by seed.

Returns a dict: ok, reason, discrete, alpha, alpha_error, xmin, xmax, n, n_tail, n_censored,
log_likelihood, ks_distance, p_value (None when not computed), n_boot.)doc");
}

}  // namespace glassy::python
