#include <glassy/aging/events.hpp>
#include <glassy/aging/plan.hpp>
#include <glassy/core/error.hpp>
#include <glassy/corr/lag_bins.hpp>
#include <glassy/corr/table_setup.hpp>
#include <glassy/fit/fit.hpp>
#include <glassy/fit/models.hpp>

#include <fmt/format.h>
#include <Eigen/Dense>

#include <cmath>

namespace glassy::aging {
namespace {

// R(t) = exp(-2 (t/tau)^beta), the fit library's KWW.
double kww_r(double t, double tau, double beta) {
  const double params[2] = {tau, beta};
  double r = 0;
  fit::model_values(fit::Model::Kww, false, params, {&t, 1}, {&r, 1});
  return r;
}

}  // namespace

const std::vector<Field<PlanOptions>>& plan_fields() {
  using O = PlanOptions;
  static const std::vector<Field<O>> fields = {
      {"rate", "--rate", "photons/pixel/frame", "Mean photons per pixel per frame",
       Range::positive(), GLASSY_FIELD_REF(O, rate)},
      {"contrast", "--contrast", "", "Speckle contrast beta = g2(0) - 1", Range::between(1e-4, 1),
       GLASSY_FIELD_REF(O, contrast)},
      {"pixels", "--pixels", "pixels", "Pixels in the q bin", Range::between(1, 1e10),
       GLASSY_FIELD_REF(O, pixels)},
      {"frame_time", "--frame-time", "s", "Frame spacing", Range::positive(),
       GLASSY_FIELD_REF(O, frame_time)},
      {"window_s", "--window-s", "s", "Age window of g2(t, t_a)", Range::positive(),
       GLASSY_FIELD_REF(O, window_s)},
      {"tau", "--tau", "s", "Expected KWW relaxation time", Range::positive(),
       GLASSY_FIELD_REF(O, tau)},
      {"beta", "--beta", "", "Expected KWW stretching exponent", Range::between(0.2, 2),
       GLASSY_FIELD_REF(O, beta)},
      {"per_decade", "--points-per-decade", "", "Lag bins per decade", Range::between(1, 100),
       GLASSY_FIELD_REF(O, per_decade)},
      {"event_band", "--event-band", "frames",
       "Lags pooled by the event search (default: one window's frames, 2 to 512, as glassy age)",
       Range::between(1, 4096), GLASSY_FIELD_REF(O, event_band)},
  };
  return fields;
}

void PlanOptions::validate() const {
  validate_fields(*this, plan_fields());
  if (window_s < 4 * frame_time)
    throw Error(fmt::format("window_s = {:g} s holds fewer than 4 frames of {:g} s: widen it",
                            window_s, frame_time),
                ErrorKind::InvalidArgument, "window_s");
}

Plan plan_beamtime(const PlanOptions& o) {
  o.validate();
  Plan p;
  const double n = o.rate, b = o.contrast;
  const auto pair_variance = [&](double g1sq) { return (1 + b * g1sq) / (o.pixels * n * n); };
  p.pair_sigma = std::sqrt(pair_variance(0));
  const double window_frames = o.window_s / o.frame_time;
  // Lags out to where the decay has surely ended (or the window, if longer), as the fits see them.
  const double max_lag = std::max(o.window_s, 10 * o.tau);
  const LagBins bins(o.frame_time, max_lag, o.per_decade);
  std::vector<double> distinct(bins.size(), 0.0), lag_sum(bins.size(), 0.0);
  for (std::size_t l = 1; l <= bins.max_frames(); ++l) {
    const std::size_t k = bins.bin_of_frames(l);
    if (k >= bins.size()) continue;
    distinct[k] += 1;
    lag_sum[k] += static_cast<double>(l);
  }
  for (std::size_t k = 0; k < bins.size(); ++k) {
    if (distinct[k] == 0) continue;
    PlanLag L;
    L.lag = lag_sum[k] / distinct[k] * o.frame_time;
    L.pairs = window_frames * distinct[k];
    const double r = kww_r(L.lag, o.tau, o.beta);
    L.g2_minus_1 = b * r;
    L.g2_err = std::sqrt(pair_variance(r) / L.pairs);
    p.lags.push_back(L);
  }
  p.g2_0_err = std::sqrt(pair_variance(1) / window_frames);

  // Fisher matrix of g2 = baseline + contrast exp(-2 (t/tau)^beta) in (tau, beta, contrast),
  // baseline held, with the fit library's analytic Jacobian.
  std::vector<double> x, y(p.lags.size()), jac(p.lags.size() * 4);
  for (const auto& L : p.lags) x.push_back(L.lag);
  const std::vector<double> params{o.tau, o.beta, b, 0.0};
  fit::model_values(fit::Model::Kww, true, params, x, y, jac, {true, true, true, false});
  Eigen::Matrix3d F = Eigen::Matrix3d::Zero();
  for (std::size_t i = 0; i < p.lags.size(); ++i) {
    const Eigen::Vector3d J(jac[i * 4], jac[i * 4 + 1], jac[i * 4 + 2]);
    F += J * J.transpose() / (p.lags[i].g2_err * p.lags[i].g2_err);
  }
  const Eigen::Matrix3d C = F.inverse();
  p.tau_err = std::sqrt(C(0, 0));
  p.beta_err = std::sqrt(C(1, 1));
  double dm_dtau = 0, dm_dbeta = 0;
  p.mean_time = fit::kww_mean_time(o.tau, o.beta, &dm_dtau, &dm_dbeta);
  p.mean_time_err = std::sqrt(dm_dtau * dm_dtau * C(0, 0) + 2 * dm_dtau * dm_dbeta * C(0, 1) +
                              dm_dbeta * dm_dbeta * C(1, 1));

  // The event search's matched filter over the band's lags, on the expected g2 - 1.
  p.event_lags = o.event_band ? *o.event_band : window_band_frames(o.window_s, o.frame_time);
  std::vector<double> expected(p.event_lags);
  for (std::size_t k = 1; k <= p.event_lags; ++k)
    expected[k - 1] = b * kww_r(static_cast<double>(k) * o.frame_time, o.tau, o.beta);
  p.event_sigma = loss_error(expected, p.pair_sigma, default_half_width(p.event_lags));
  p.event_fraction_5sigma = 5 * p.event_sigma;

  if (n * (1 + b) > 0.2)
    p.validity = fmt::format(
        "{:g} photons per pixel and frame is not photon-starved: the leading-order noise model "
        "underestimates the errors by about {:.0f} %",
        n, 100 * n * (1 + 2 * b));
  if (o.tau > 3 * max_lag)
    p.validity += (p.validity.empty() ? "" : "; ") +
                  std::string("tau is beyond the lags: the window cannot resolve the decay");
  return p;
}

std::string describe(const Plan& p, const PlanOptions& o) {
  std::string s = fmt::format(
      "noise of one pair's C: {:.3g} ({:g} photons/pixel/frame on {:g} pixels)\n"
      "per {:g} s window ({:g} frames of {:g} s), KWW tau {:g} s, beta {:g}, contrast {:g}:\n"
      "  g2(0, t_a) +- {:.2g}\n"
      "  tau +- {:.3g} s ({:.1f} %), beta +- {:.3g}, <t> = {:.4g} +- {:.3g} s ({:.1f} %)\n"
      "{}\n"
      "lag_s, pairs per window, g2-1 expected, g2 error\n",
      p.pair_sigma, o.rate, o.pixels, o.window_s, o.window_s / o.frame_time, o.frame_time, o.tau,
      o.beta, o.contrast, p.g2_0_err, p.tau_err, 100 * p.tau_err / o.tau, p.beta_err, p.mean_time,
      p.mean_time_err, 100 * p.mean_time_err / p.mean_time,
      p.event_fraction_5sigma < 1
          ? fmt::format("smallest event flagged at 5 sigma: {:.3g} of the correlation lost (error "
                        "{:.2g}, lags pooled: {} frames)",
                        p.event_fraction_5sigma, p.event_sigma, p.event_lags)
          : fmt::format("no event is flagged at 5 sigma: even a complete loss of correlation "
                        "is only {:.2g} sigma (lags pooled: {} frames)",
                        5 / p.event_fraction_5sigma, p.event_lags));
  for (const auto& L : p.lags)
    s += fmt::format("  {:.4g}, {:.4g}, {:.3g}, {:.2g}\n", L.lag, L.pairs, L.g2_minus_1, L.g2_err);
  if (!p.validity.empty()) s += "note: " + p.validity + "\n";
  return s;
}

}  // namespace glassy::aging
