#include <glassy/fit/start.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>

namespace glassy::fit::detail {
namespace {

// Where the normalised curve is informative about its shape: away from the plateaus, where
// log(-log R) is dominated by noise.
constexpr double kRLow = 0.02, kRHigh = 0.98;

double clamp_to(double v, double lo, double hi) { return std::min(std::max(v, lo), hi); }

// Least-squares line y = a + b x; false when x has no spread.
bool line_fit(const std::vector<double>& x, const std::vector<double>& y, double& a, double& b) {
  const std::size_t n = x.size();
  if (n < 2) return false;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= n;
  my /= n;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < n; ++i)
    sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my);
  if (!(sxx > 0)) return false;
  b = sxy / sxx;
  a = my - b * mx;
  return std::isfinite(a) && std::isfinite(b);
}

double weighted_cost(const StartProblem& P, const std::vector<double>& p) {
  std::vector<double> m(P.t.size());
  try {
    model_values(P.model, P.free_form, p, P.t, m);
  } catch (const std::exception&) {
    return std::numeric_limits<double>::infinity();
  }
  double s = 0;
  for (std::size_t i = 0; i < m.size(); ++i) s += std::pow((P.y[i] - m[i]) * P.w[i], 2);
  return std::isfinite(s) ? s : std::numeric_limits<double>::infinity();
}

void clamp_free(const StartProblem& P, std::vector<double>& p) {
  for (std::size_t k = 0; k < p.size(); ++k) {
    if (P.fixed[k]) {
      p[k] = P.value[k];
      continue;
    }
    // Strictly inside (a start on a bound would look like a fit stuck there): a thousandth of the
    // range in from each bound, measured in log for positive ranges (tau spans decades).
    double lo = P.lower[k], hi = P.upper[k];
    if (std::isfinite(lo) && std::isfinite(hi)) {
      if (lo > 0) {
        const double f = std::pow(hi / lo, 1e-3);
        lo *= f, hi /= f;
      } else {
        const double m = 1e-3 * (hi - lo);
        lo += m, hi -= m;
      }
    } else {
      if (std::isfinite(lo)) lo += 1e-6 * std::max(std::abs(lo), 1e-300);
      if (std::isfinite(hi)) hi -= 1e-6 * std::max(std::abs(hi), 1e-300);
    }
    p[k] = clamp_to(p[k], lo, hi);
  }
}

// Free form: contrast and baseline (those not fixed) by weighted linear least squares on R(t).
void linear_contrast_baseline(const StartProblem& P, std::vector<double>& p, std::size_t ic) {
  std::vector<double> q = p;
  q[ic] = 1.0;
  q[ic + 1] = 0.0;
  std::vector<double> R(P.t.size());
  try {
    model_values(P.model, true, q, P.t, R);
  } catch (const std::exception&) {
    return;
  }
  const bool fc = P.fixed[ic], fb = P.fixed[ic + 1];
  double sw = 0, sr = 0, srr = 0, sy = 0, sry = 0;
  for (std::size_t i = 0; i < R.size(); ++i) {
    const double w2 = P.w[i] * P.w[i];
    sw += w2, sr += w2 * R[i], srr += w2 * R[i] * R[i], sy += w2 * P.y[i],
        sry += w2 * R[i] * P.y[i];
  }
  if (!fc && !fb) {
    const double det = sw * srr - sr * sr;
    if (!(std::abs(det) > 1e-12 * sw * srr)) return;
    p[ic] = (sw * sry - sr * sy) / det;
    p[ic + 1] = (srr * sy - sr * sry) / det;
  } else if (!fc) {
    if (srr > 0) p[ic] = (sry - p[ic + 1] * sr) / srr;
  } else if (!fb) {
    p[ic + 1] = (sy - p[ic] * sr) / sw;
  }
}

// Rough (contrast, baseline) from the first and last points, for the shape estimates only.
std::pair<double, double> rough_contrast_baseline(const StartProblem& P, std::size_t ic) {
  const auto [lo, hi] = std::minmax_element(P.y.begin(), P.y.end());
  double b = P.fixed[ic + 1] ? P.value[ic + 1] : P.y.back();
  double c = P.fixed[ic] ? P.value[ic] : P.y.front() - b;
  if (!(c > 0)) {
    if (!P.fixed[ic + 1]) b = *lo;
    if (!P.fixed[ic]) c = *hi - b;
  }
  if (!(c > 0)) c = std::max(*hi - *lo, 1e-300);
  return {c, b};
}

std::vector<std::vector<double>> relaxation_starts(const StartProblem& P) {
  const std::size_t n = P.t.size();
  const bool has_beta = P.model != Model::Exponential;
  const std::size_t ic = has_beta ? 2 : 1;
  const std::size_t np = ic + (P.free_form ? 2 : 0);
  double c0 = 1, b0 = 0;
  if (P.free_form) std::tie(c0, b0) = rough_contrast_baseline(P, ic);
  std::vector<double> r(n), logt(n);
  for (std::size_t i = 0; i < n; ++i) r[i] = (P.y[i] - b0) / c0, logt[i] = std::log(P.t[i]);

  // Slope of log(-log R) against log t: beta for KWW, roughly beta for Mittag-Leffler (whose short
  // times are a stretched exponential with the same index).
  std::vector<double> X, Z;
  for (std::size_t i = 0; i < n; ++i) {
    if (r[i] > kRLow && r[i] < kRHigh) X.push_back(logt[i]), Z.push_back(std::log(-std::log(r[i])));
  }
  std::vector<double> betas;
  if (!has_beta) {
    betas = {1.0};
  } else if (P.fixed[1]) {
    betas = {P.value[1]};
  } else {
    double a, slope;
    if (line_fit(X, Z, a, slope) && slope > 0) betas.push_back(clamp_to(slope, 0.1, 3.0));
    // Every new Mittag-Leffler index costs a setup (see models.cpp), so its grid is coarser.
    const bool ml = P.model == Model::MittagLeffler || P.model == Model::MittagLefflerUnsquared;
    const std::vector<double> grid =
        ml ? std::vector<double>{0.5, 0.9} : std::vector<double>{0.3, 0.5, 0.7, 1.0, 1.5};
    for (double b : grid) {
      if (betas.empty() || std::abs(b - betas[0]) > 0.05) betas.push_back(b);
    }
  }

  std::vector<std::vector<double>> out;
  const double t_min = *std::min_element(P.t.begin(), P.t.end());
  const double t_max = *std::max_element(P.t.begin(), P.t.end());
  for (double beta : betas) {
    std::vector<double> p(np, 0.0);
    p[0] = 1.0;
    if (has_beta) p[1] = beta;
    if (P.free_form) p[ic] = 1.0, p[ic + 1] = 0.0;
    clamp_free(P, p);
    beta = has_beta ? p[1] : 1.0;
    // The model's R at t = tau; the data's first downward crossing of it puts tau.
    std::vector<double> one = {1.0}, level = {0.0};
    std::vector<double> q(np, 0.0);
    q[0] = 1.0;
    if (has_beta) q[1] = beta;
    if (P.free_form) q[ic] = 1.0;
    try {
      model_values(P.model, P.free_form, q, one, level);
    } catch (const std::exception&) {
      continue;
    }
    const double L = level[0];
    double tau = 0;
    for (std::size_t i = 0; i + 1 < n && tau == 0; ++i) {
      if (r[i] >= L && r[i + 1] < L) {
        const double f = (r[i] - L) / (r[i] - r[i + 1]);
        tau = std::exp(logt[i] + f * (logt[i + 1] - logt[i]));
      }
    }
    if (tau == 0) {
      // No crossing inside the data: invert a stretched exponential with the same initial
      // slope at every informative point and take the median.
      const double k = (P.model == Model::MittagLeffler            ? 0.5 * std::tgamma(1 + beta)
                        : P.model == Model::MittagLefflerUnsquared ? std::tgamma(1 + beta)
                                                                   : 0.5);
      std::vector<double> taus;
      for (std::size_t i = 0; i < n; ++i) {
        if (r[i] > kRLow && r[i] < kRHigh) {
          taus.push_back(P.t[i] / std::pow(-k * std::log(r[i]), 1.0 / beta));
        }
      }
      if (!taus.empty()) {
        std::nth_element(taus.begin(), taus.begin() + taus.size() / 2, taus.end());
        tau = taus[taus.size() / 2];
      } else {
        double mean_r = 0;
        for (double v : r) mean_r += v / n;
        tau = mean_r > 0.5 ? 10 * t_max : 0.1 * t_min;
      }
    }
    p[0] = tau;
    clamp_free(P, p);
    if (P.free_form) {
      linear_contrast_baseline(P, p, ic);
      clamp_free(P, p);
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<std::vector<double>> line_starts(const StartProblem& P) {
  // power: log y = log a - p log t; tas: log y = log tau0 + t / tstar.
  const bool power = P.model == Model::PowerLaw;
  std::vector<double> X, Y;
  for (std::size_t i = 0; i < P.t.size(); ++i) {
    if (P.y[i] > 0 && (!power || P.t[i] > 0)) {
      X.push_back(power ? std::log(P.t[i]) : P.t[i]);
      Y.push_back(std::log(P.y[i]));
    }
  }
  double a = 0, slope = 0;
  if (!line_fit(X, Y, a, slope)) return {};
  std::vector<double> p(2);
  if (power) {
    p[1] = P.fixed[1] ? P.value[1] : -slope;
    if (P.fixed[1]) {  // refit the intercept with the slope fixed
      a = 0;
      for (std::size_t i = 0; i < X.size(); ++i) a += (Y[i] + p[1] * X[i]) / X.size();
    }
    p[0] = std::exp(a);
  } else {
    const auto [lo, hi] = std::minmax_element(X.begin(), X.end());
    const double span = std::max(*hi - *lo, 1e-300);
    // A flat tau(t_a) has tstar -> infinity: start far out instead of dividing by ~0.
    p[1] = P.fixed[1] ? P.value[1] : (std::abs(slope) * 1e3 * span > 1 ? 1 / slope : 1e3 * span);
    if (P.fixed[1]) {
      a = 0;
      for (std::size_t i = 0; i < X.size(); ++i) a += (Y[i] - X[i] / p[1]) / X.size();
    }
    p[0] = std::exp(a);
  }
  clamp_free(P, p);
  return {p};
}

}  // namespace

std::vector<std::vector<double>> starting_points(const StartProblem& P, std::size_t keep) {
  auto cands = is_relaxation(P.model) ? relaxation_starts(P) : line_starts(P);
  std::vector<std::pair<double, std::vector<double>>> scored;
  for (auto& p : cands) {
    bool finite = true;
    for (double v : p) finite = finite && std::isfinite(v);
    if (!finite) continue;
    const double cost = weighted_cost(P, p);
    if (!std::isfinite(cost)) continue;
    bool duplicate = false;
    for (const auto& [c, q] : scored) {
      bool same = true;
      for (std::size_t k = 0; k < p.size(); ++k)
        same = same && std::abs(p[k] - q[k]) <= 1e-6 * std::abs(q[k]);
      duplicate = duplicate || same;
    }
    if (!duplicate) scored.emplace_back(cost, std::move(p));
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::vector<double>> out;
  for (std::size_t i = 0; i < scored.size() && i < keep; ++i)
    out.push_back(std::move(scored[i].second));
  return out;
}

}  // namespace glassy::fit::detail
