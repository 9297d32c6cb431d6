#include <glassy/fit/models.hpp>

#include <glassy/core/error.hpp>
#include <glassy/special/mittag_leffler.hpp>

#include <cmath>

namespace glassy::fit {
namespace {

// Mittag-Leffler derivatives. A new index (alpha, beta) costs mittag_leffler() a setup (tens of
// microseconds, ~200 times one more point on an index already set up), so the derivatives use as
// few new indices as possible: d/dtau differences F in x on the same index (instead of
// -E_{b,b}(-x)/b, a second index); d/dbeta is a one-sided difference to the second lattice point
// beyond beta on a fixed lattice of spacing kBetaLattice, so the small last steps of a fit (and
// the covariance at its end) reuse the index setups of the steps before. Steps: relative 1e-5 in
// x (central: truncation ~1e-10, round-off ~1e-14 / 1e-5); 2.4e-7 to 4.8e-7 in beta (truncation
// ~1e-6 relative at worst, round-off ~1e-7), far below any statistical error.
constexpr double kXStep = 1e-5;
constexpr double kBetaLattice = 0x1p-22;
// The Mittag-Leffler index range mittag_leffler() supports.
constexpr double kMlBetaMax = 2.0;

// out[i] = E_beta(-(t[i]/tau)^beta * scale).
void ml_values(double tau, double beta, std::span<const double> t, std::span<double> out,
               std::vector<double>& z, double scale = 1.0) {
  z.resize(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) z[i] = -std::pow(t[i] / tau, beta) * scale;
  mittag_leffler(beta, 1.0, z, out);
}

// Normalised R(t) (column 0 of r), with dR/dtau and dR/dbeta (columns 1, 2) when asked.
// r is row-major n x 3.
void relaxation(Model model, double tau, double beta, std::span<const double> t, bool d_tau,
                bool d_beta, std::vector<double>& r) {
  const std::size_t n = t.size();
  r.assign(3 * n, 0.0);
  switch (model) {
    case Model::Kww:
      for (std::size_t i = 0; i < n; ++i) {
        const double l = std::log(t[i] / tau);
        const double u = std::exp(beta * l);
        const double R = std::exp(-2 * u);
        r[3 * i] = R;
        r[3 * i + 1] = 2 * beta * u * R / tau;
        r[3 * i + 2] = -2 * R * u * l;
      }
      return;
    case Model::Exponential:
      for (std::size_t i = 0; i < n; ++i) {
        const double R = std::exp(-2 * t[i] / tau);
        r[3 * i] = R;
        r[3 * i + 1] = 2 * t[i] * R / (tau * tau);
      }
      return;
    case Model::MittagLeffler:
    case Model::MittagLefflerUnsquared: {
      require(beta > 0 && beta <= kMlBetaMax && tau > 0,
              "Mittag-Leffler fit left its domain (need 0 < beta <= 2, tau > 0)");
      thread_local std::vector<double> z, F, Fp, Fm;
      F.resize(n);
      Fp.resize(n);
      Fm.resize(n);
      ml_values(tau, beta, t, F, z);
      if (d_tau) {
        // dF/dtau = dF/dx dx/dtau with x = (t/tau)^beta, dx/dtau = -beta x / tau.
        ml_values(tau, beta, t, Fp, z, 1 + kXStep);
        ml_values(tau, beta, t, Fm, z, 1 - kXStep);
        for (std::size_t i = 0; i < n; ++i)
          r[3 * i + 1] = -beta / tau * (Fp[i] - Fm[i]) / (2 * kXStep);
      }
      if (d_beta) {
        double b2 = (std::floor(beta / kBetaLattice) + 2) * kBetaLattice;
        if (b2 > kMlBetaMax) b2 = (std::ceil(beta / kBetaLattice) - 2) * kBetaLattice;
        const double h = b2 - beta;
        ml_values(tau, b2, t, Fp, z);
        for (std::size_t i = 0; i < n; ++i) r[3 * i + 2] = (Fp[i] - F[i]) / h;
      }
      const bool squared = model == Model::MittagLeffler;
      for (std::size_t i = 0; i < n; ++i) {
        r[3 * i] = squared ? F[i] * F[i] : F[i];
        if (squared) {
          r[3 * i + 1] *= 2 * F[i];
          r[3 * i + 2] *= 2 * F[i];
        }
      }
      return;
    }
    default:
      break;
  }
}

}  // namespace

Model parse_model(const std::string& name) {
  if (name == "kww") return Model::Kww;
  if (name == "ml") return Model::MittagLeffler;
  if (name == "ml-unsquared") return Model::MittagLefflerUnsquared;
  if (name == "exp") return Model::Exponential;
  if (name == "power") return Model::PowerLaw;
  if (name == "tas") return Model::TimeAgingSuperposition;
  throw Error("unknown model '" + name + "': use kww, ml, ml-unsquared, exp, power or tas");
}

std::string model_name(Model model) {
  switch (model) {
    case Model::Kww:
      return "kww";
    case Model::MittagLeffler:
      return "ml";
    case Model::MittagLefflerUnsquared:
      return "ml-unsquared";
    case Model::Exponential:
      return "exp";
    case Model::PowerLaw:
      return "power";
    case Model::TimeAgingSuperposition:
      return "tas";
  }
  return "?";
}

bool is_relaxation(Model model) {
  return model == Model::Kww || model == Model::MittagLeffler ||
         model == Model::MittagLefflerUnsquared || model == Model::Exponential;
}

std::vector<std::string> parameter_names(Model model, bool free_form) {
  require(!free_form || is_relaxation(model),
          "model '" + model_name(model) + "' has no free form (baseline + contrast * R)");
  std::vector<std::string> names;
  switch (model) {
    case Model::Exponential:
      names = {"tau"};
      break;
    case Model::PowerLaw:
      names = {"a", "p"};
      break;
    case Model::TimeAgingSuperposition:
      names = {"tau0", "tstar"};
      break;
    default:
      names = {"tau", "beta"};
      break;
  }
  if (free_form) {
    names.push_back("contrast");
    names.push_back("baseline");
  }
  return names;
}

std::string formula(Model model, bool free_form) {
  std::string r;
  switch (model) {
    case Model::Kww:
      r = "exp(-2 (t/tau)^beta)";
      break;
    case Model::MittagLeffler:
      r = "E_beta(-(t/tau)^beta)^2";
      break;
    case Model::MittagLefflerUnsquared:
      r = "E_beta(-(t/tau)^beta)";
      break;
    case Model::Exponential:
      r = "exp(-2 t/tau)";
      break;
    case Model::PowerLaw:
      return "y = a t^-p";
    case Model::TimeAgingSuperposition:
      return "tau(t_a) = tau0 exp(t_a / tstar)";
  }
  return free_form ? "g2 = baseline + contrast * " + r : "R = " + r;
}

void model_values(Model model, bool free_form, std::span<const double> p, std::span<const double> x,
                  std::span<double> y, std::span<double> jacobian, const std::vector<bool>& need) {
  const std::size_t n = x.size(), np = p.size();
  const auto names = parameter_names(model, free_form);
  require(np == names.size() && y.size() == n && (jacobian.empty() || jacobian.size() == n * np),
          "model_values: parameter or output sizes do not match the model");
  const bool jac = !jacobian.empty();
  auto wanted = [&](std::size_t k) { return jac && (need.empty() || need[k]); };
  switch (model) {
    case Model::PowerLaw:
      for (std::size_t i = 0; i < n; ++i) {
        const double u = std::pow(x[i], -p[1]);
        y[i] = p[0] * u;
        if (wanted(0)) jacobian[i * np] = u;
        if (wanted(1)) jacobian[i * np + 1] = -p[0] * u * std::log(x[i]);
      }
      return;
    case Model::TimeAgingSuperposition:
      for (std::size_t i = 0; i < n; ++i) {
        const double e = std::exp(x[i] / p[1]);
        y[i] = p[0] * e;
        if (wanted(0)) jacobian[i * np] = e;
        if (wanted(1)) jacobian[i * np + 1] = -p[0] * e * x[i] / (p[1] * p[1]);
      }
      return;
    default:
      break;
  }
  const bool has_beta = model != Model::Exponential;
  const double tau = p[0], beta = has_beta ? p[1] : 1.0;
  const std::size_t ic = has_beta ? 2 : 1;  // index of contrast in the free form
  thread_local std::vector<double> r;
  relaxation(model, tau, beta, x, wanted(0), has_beta && wanted(1), r);
  const double c = free_form ? p[ic] : 1.0, b = free_form ? p[ic + 1] : 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = b + c * r[3 * i];
    if (!jac) continue;
    if (wanted(0)) jacobian[i * np] = c * r[3 * i + 1];
    if (has_beta && wanted(1)) jacobian[i * np + 1] = c * r[3 * i + 2];
    if (free_form && wanted(ic)) jacobian[i * np + ic] = r[3 * i];
    if (free_form && wanted(ic + 1)) jacobian[i * np + ic + 1] = 1.0;
  }
}

}  // namespace glassy::fit
