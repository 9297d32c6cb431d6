#include <glassy/core/error.hpp>
#include <glassy/md/tg.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace glassy::md {
namespace {

struct LineFit {
  double sse = std::numeric_limits<double>::infinity();
  Eigen::Vector3d coef = Eigen::Vector3d::Zero();  // y_g, b_glass, b_liquid
  Eigen::Matrix3d inv_normal = Eigen::Matrix3d::Zero();
  bool ok = false;
};

// Least squares of y = c0 + c1 min(T - tg, 0) + c2 max(T - tg, 0).
LineFit fit_at(const std::vector<double>& t, const std::vector<double>& y, double tg) {
  Eigen::Matrix3d a = Eigen::Matrix3d::Zero();
  Eigen::Vector3d b = Eigen::Vector3d::Zero();
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double d = t[i] - tg;
    const Eigen::Vector3d row(1.0, std::min(d, 0.0), std::max(d, 0.0));
    a += row * row.transpose();
    b += row * y[i];
  }
  LineFit f;
  Eigen::LDLT<Eigen::Matrix3d> ldlt(a);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive() || std::abs(a.determinant()) < 1e-300)
    return f;
  f.coef = ldlt.solve(b);
  f.inv_normal = ldlt.solve(Eigen::Matrix3d::Identity());
  double sse = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double d = t[i] - tg;
    const double r =
        y[i] - (f.coef[0] + f.coef[1] * std::min(d, 0.0) + f.coef[2] * std::max(d, 0.0));
    sse += r * r;
  }
  f.sse = sse;
  f.ok = std::isfinite(sse);
  return f;
}

// First point where the profile SSE crosses `level`, walking from `from` towards `to`.
double crossing(const std::vector<double>& t, const std::vector<double>& y, double from, double to,
                double level) {
  const int steps = 400;
  double prev = from;
  for (int k = 1; k <= steps; ++k) {
    const double x = from + (to - from) * k / steps;
    if (fit_at(t, y, x).sse >= level) {
      double lo = prev, hi = x;  // sse(lo) < level <= sse(hi)
      for (int it = 0; it < 60; ++it) {
        const double mid = 0.5 * (lo + hi);
        (fit_at(t, y, mid).sse < level ? lo : hi) = mid;
      }
      return 0.5 * (lo + hi);
    }
    prev = x;
  }
  return to;  // no crossing inside the range: the interval reaches its end
}

// The two-line fit of points sorted by temperature (see estimate_tg).
TgEstimate fit_sorted(const std::vector<double>& t, const std::vector<double>& y,
                      const TgOptions& options) {
  const std::size_t m = std::max<std::size_t>(options.min_points_per_line, 2);
  require(t.size() >= 2 * m + 1, [&] {
    return "Tg fit: " + std::to_string(t.size()) +
           " cooling-curve points in range, need at least " + std::to_string(2 * m + 1) +
           "; record the quench more often or widen the range";
  });
  require(t.back() > t.front(), "Tg fit: all cooling-curve points have the same temperature");

  // Tg between the m-th lowest and the m-th highest temperature: both lines keep m points.
  const double lo = t[m - 1], hi = t[t.size() - m];
  require(hi > lo, "Tg fit: the temperature range is too narrow for two lines");
  const int grid = 200;
  // The constrained profile: kinks with the wrong sense count as no fit.
  auto profile = [&](double x) {
    const LineFit f = fit_at(t, y, x);
    if (!f.ok || (options.liquid_steeper && !(f.coef[2] > f.coef[1])))
      return std::numeric_limits<double>::infinity();
    return f.sse;
  };
  double best_x = lo, best_sse = std::numeric_limits<double>::infinity();
  int best_k = 0;
  for (int k = 0; k <= grid; ++k) {
    const double x = lo + (hi - lo) * k / grid;
    const double sse = profile(x);
    if (sse < best_sse) best_sse = sse, best_x = x, best_k = k;
  }
  require(std::isfinite(best_sse), [&] {
    return "Tg fit: no kink with a steeper liquid line in " + std::to_string(t.front()) + ".." +
           std::to_string(t.back()) + "; the curve shows no glass transition in this range";
  });
  // Golden-section refinement inside the neighbouring grid cells.
  double a = lo + (hi - lo) * std::max(best_k - 1, 0) / grid;
  double b = lo + (hi - lo) * std::min(best_k + 1, grid) / grid;
  const double g = 0.5 * (std::sqrt(5.0) - 1);
  double c = b - g * (b - a), d = a + g * (b - a);
  double fc = profile(c), fd = profile(d);
  for (int it = 0; it < 80; ++it) {
    if (fc < fd) {
      b = d, d = c, fd = fc;
      c = b - g * (b - a), fc = profile(c);
    } else {
      a = c, c = d, fc = fd;
      d = a + g * (b - a), fd = profile(d);
    }
  }
  const double x_refined = 0.5 * (a + b);
  if (profile(x_refined) < best_sse) best_x = x_refined;
  const LineFit fit = fit_at(t, y, best_x);
  require(fit.ok, "Tg fit: the two-line least-squares problem is singular");
  require(fit.coef[1] != fit.coef[2], "Tg fit: both lines have the same slope; no kink to fit");

  TgEstimate e;
  e.points = t.size();
  e.quantity = options.quantity;
  e.t_min = t.front();
  e.t_max = t.back();
  e.tg = best_x;
  e.value_at_tg = fit.coef[0];
  e.glass_slope = fit.coef[1];
  e.liquid_slope = fit.coef[2];
  const double dof = static_cast<double>(t.size()) - 4.0;
  const double s2 = fit.sse / std::max(dof, 1.0);
  e.rms_residual = std::sqrt(s2);
  e.glass_slope_err = std::sqrt(std::max(s2 * fit.inv_normal(1, 1), 0.0));
  e.liquid_slope_err = std::sqrt(std::max(s2 * fit.inv_normal(2, 2), 0.0));
  // Profile-likelihood interval: SSE(Tg) <= SSE_min + s^2.
  const double level = fit.sse + s2;
  const double left = crossing(t, y, best_x, lo, level);
  const double right = crossing(t, y, best_x, hi, level);
  e.tg_err = 0.5 * (right - left);
  return e;
}

// Whether y(T) on points [i0, i1) is straight: the curvature of a quadratic fit, in units of its
// standard error (residual scatter of the quadratic), is below 3 (a range grown point by point
// is tested many times: at 2 a chance failure would end it early).
bool straight(const std::vector<double>& t, const std::vector<double>& y, std::size_t i0,
              std::size_t i1) {
  const std::size_t n = i1 - i0;
  if (n < 6) return true;  // too few points to see a bend
  double tm = 0;
  for (std::size_t i = i0; i < i1; ++i) tm += t[i];
  tm /= static_cast<double>(n);
  Eigen::MatrixXd a(n, 3);
  Eigen::VectorXd b(n);
  for (std::size_t i = i0; i < i1; ++i) {
    const double d = t[i] - tm;
    a.row(static_cast<Eigen::Index>(i - i0)) << 1.0, d, d * d;
    b[static_cast<Eigen::Index>(i - i0)] = y[i];
  }
  const Eigen::Matrix3d normal = a.transpose() * a;
  Eigen::LDLT<Eigen::Matrix3d> ldlt(normal);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) return true;
  const Eigen::Vector3d c = ldlt.solve(a.transpose() * b);
  const double s2 = (b - a * c).squaredNorm() / static_cast<double>(n - 3);
  const double var_c2 = s2 * ldlt.solve(Eigen::Matrix3d::Identity())(2, 2);
  return !(var_c2 > 0) || std::abs(c[2]) < 3 * std::sqrt(var_c2);
}

}  // namespace

double two_line_sse(const std::vector<double>& temperature, const std::vector<double>& value,
                    double tg) {
  require(temperature.size() == value.size(), "two_line_sse: temperature and value sizes differ");
  return fit_at(temperature, value, tg).sse;
}

namespace {

TgEstimate two_lines(const std::vector<double>& temperature, const std::vector<double>& value,
                     const TgOptions& options) {
  require(temperature.size() == value.size(), [&] {
    return "Tg fit: " + std::to_string(temperature.size()) + " temperatures but " +
           std::to_string(value.size()) + " values";
  });
  require(options.t_min >= 0 && options.t_max >= 0 &&
              (options.t_max == 0 || options.t_max > options.t_min),
          "Tg fit: the temperature range must satisfy 0 <= t_min < t_max");
  // Points in range, sorted by temperature.
  std::vector<std::pair<double, double>> pts;
  for (std::size_t i = 0; i < temperature.size(); ++i) {
    const double t = temperature[i], v = value[i];
    if (!std::isfinite(t) || !std::isfinite(v)) continue;
    if (options.t_min > 0 && t < options.t_min) continue;
    if (options.t_max > 0 && t > options.t_max) continue;
    pts.emplace_back(t, v);
  }
  std::sort(pts.begin(), pts.end());
  std::vector<double> t(pts.size()), y(pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i) std::tie(t[i], y[i]) = pts[i];
  if (!options.range_from_data) return fit_sorted(t, y, options);
  // A first fit to start from: over the whole range, or, where the hot liquid's bend hides the
  // kink there (no kink with a steeper liquid line), over ever lower upper ends.
  const std::size_t m = std::max<std::size_t>(options.min_points_per_line, 2);
  std::size_t lo = 0, hi = t.size();
  TgEstimate e;
  while (true) {
    try {
      e = fit_sorted(std::vector<double>(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(hi)),
                     std::vector<double>(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(hi)),
                     options);
      break;
    } catch (const Error&) {
      const std::size_t next = hi * 4 / 5;
      if (next < 2 * m + 1 || next == hi) throw;
      hi = next;
    }
  }
  // The range from the data: each line only over the part of the curve that is straight. The
  // hot liquid bends (U ~ T^(3/5)), so a liquid line fitted far above Tg pulls the kink up and
  // Tg follows the range chosen; here the liquid side grows from Tg upwards while a quadratic's
  // curvature on [Tg, T_max] stays under 3 standard errors, then the two lines are refitted,
  // until the range stops moving.
  for (int iteration = 0; iteration < 8; ++iteration) {
    const std::size_t k =
        static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), e.tg) - t.begin());
    // Grown outwards from Tg while straight: from the far end inwards, a chance pass of the
    // curvature test would accept the longest, most bent range.
    std::size_t new_hi = std::min(t.size(), k + 2 * m);
    while (new_hi < t.size() && straight(t, y, k, new_hi + 1)) ++new_hi;
    const std::size_t new_lo = 0;  // the glass line is a harmonic solid's: straight, kept whole
    if (new_lo == lo && new_hi == hi) break;
    lo = new_lo, hi = new_hi;
    const std::vector<double> ts(t.begin() + static_cast<std::ptrdiff_t>(lo),
                                 t.begin() + static_cast<std::ptrdiff_t>(hi));
    const std::vector<double> ys(y.begin() + static_cast<std::ptrdiff_t>(lo),
                                 y.begin() + static_cast<std::ptrdiff_t>(hi));
    try {
      e = fit_sorted(ts, ys, options);
    } catch (const Error&) {
      break;  // the straight parts hold too few points for two lines: keep the last fit
    }
  }
  e.range_from_data = true;
  // A bend too slight for the test still moves the kink (by about its statistical error at the
  // noise of MD cooling curves): the shift when the liquid side is halved is added to the error.
  const std::size_t k =
      static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), e.tg) - t.begin());
  const std::size_t half = k + (hi - std::min(hi, k)) / 2;
  if (half > k + m) {
    try {
      const std::vector<double> ts(t.begin() + static_cast<std::ptrdiff_t>(lo),
                                   t.begin() + static_cast<std::ptrdiff_t>(half));
      const std::vector<double> ys(y.begin() + static_cast<std::ptrdiff_t>(lo),
                                   y.begin() + static_cast<std::ptrdiff_t>(half));
      e.tg_range_err = std::abs(fit_sorted(ts, ys, options).tg - e.tg);
      e.tg_err = std::hypot(e.tg_err, e.tg_range_err);
    } catch (const Error&) {
      // Too few points on the halved side: no range error estimate.
    }
  }
  return e;
}

}  // namespace

TgEstimate estimate_tg(const std::vector<double>& temperature, const std::vector<double>& value,
                       const TgOptions& options) {
  TgEstimate e = two_lines(temperature, value, options);
  try {
    e.fictive = fictive_tg(temperature, value, options);
  } catch (const Error&) {
    // A curve that does not reach the equilibrium liquid or the harmonic glass: two lines only.
  }
  return e;
}

namespace {

struct FictiveFit {
  Eigen::Vector2d glass, liquid;  // y = g0 + g1 T; y = l0 + l1 T^(3/5)
};

Eigen::Vector2d least_squares(const std::vector<double>& x, const std::vector<double>& y) {
  Eigen::MatrixXd a(static_cast<Eigen::Index>(x.size()), 2);
  Eigen::VectorXd b(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i) {
    a.row(static_cast<Eigen::Index>(i)) << 1.0, x[i];
    b[static_cast<Eigen::Index>(i)] = y[i];
  }
  return a.colPivHouseholderQr().solve(b);
}

// Where the glass line meets the liquid in (lo, hi), by bisection on their difference; NaN when
// they do not cross there.
double meeting(const FictiveFit& f, double lo, double hi) {
  auto gap = [&](double t) {
    return f.liquid[0] + f.liquid[1] * std::pow(t, 0.6) - (f.glass[0] + f.glass[1] * t);
  };
  double glo = gap(lo), ghi = gap(hi);
  if (!(glo * ghi < 0)) return std::numeric_limits<double>::quiet_NaN();
  for (int it = 0; it < 100; ++it) {
    const double mid = 0.5 * (lo + hi), gm = gap(mid);
    (gm * glo > 0 ? lo : hi) = mid;
    if (gm * glo > 0) glo = gm;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

FictiveTg fictive_tg(const std::vector<double>& temperature, const std::vector<double>& value,
                     const TgOptions& o) {
  require(temperature.size() == value.size(), "fictive Tg: temperature and value sizes differ");
  require(o.fictive_glass_max > 0 && o.fictive_liquid_min > o.fictive_glass_max &&
              o.fictive_liquid_max > o.fictive_liquid_min,
          "fictive Tg: need 0 < fictive_glass_max < fictive_liquid_min < fictive_liquid_max");
  std::vector<double> tg, yg, tl, yl;  // glass branch (T), liquid branch (T^(3/5))
  for (std::size_t i = 0; i < temperature.size(); ++i) {
    const double t = temperature[i], v = value[i];
    if (!std::isfinite(t) || !std::isfinite(v) || t <= 0) continue;
    if (t <= o.fictive_glass_max) tg.push_back(t), yg.push_back(v);
    if (t >= o.fictive_liquid_min && t <= o.fictive_liquid_max)
      tl.push_back(std::pow(t, 0.6)), yl.push_back(v);
  }
  require(tg.size() >= 5 && tl.size() >= 5, [&] {
    return "fictive Tg: the cooling curve has " + std::to_string(tg.size()) +
           " points below T = " + std::to_string(o.fictive_glass_max) + " and " +
           std::to_string(tl.size()) + " in the liquid above " +
           std::to_string(o.fictive_liquid_min) + " (5 each needed)";
  });
  FictiveFit fit{least_squares(tg, yg), least_squares(tl, yl)};
  FictiveTg r;
  r.tg = meeting(fit, o.fictive_glass_max, o.fictive_liquid_min);
  require(std::isfinite(r.tg), "fictive Tg: the glass line and the liquid do not meet between " +
                                   std::to_string(o.fictive_glass_max) + " and " +
                                   std::to_string(o.fictive_liquid_min));
  r.glass_slope = fit.glass[1];
  r.liquid_a = fit.liquid[0];
  r.liquid_b = fit.liquid[1];
  r.glass_points = tg.size();
  r.liquid_points = tl.size();
  std::vector<double> rg(tg.size()), rl(tl.size());
  for (std::size_t i = 0; i < tg.size(); ++i) rg[i] = yg[i] - (fit.glass[0] + fit.glass[1] * tg[i]);
  for (std::size_t i = 0; i < tl.size(); ++i)
    rl[i] = yl[i] - (fit.liquid[0] + fit.liquid[1] * tl[i]);
  auto rms = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x * x;
    return std::sqrt(s / static_cast<double>(v.size() - 2));
  };
  r.glass_rms = rms(rg);
  r.liquid_rms = rms(rl);
  // Error: residual bootstrap of both branches (fixed seed: the same file gives the same error).
  // Residuals are resampled as they are, so correlated noise along the curve is not modelled.
  constexpr int kResamples = 400;
  std::mt19937_64 rng(20261206);
  std::vector<double> boot_g(tg.size()), boot_l(tl.size()), crossings;
  for (int b = 0; b < kResamples; ++b) {
    std::uniform_int_distribution<std::size_t> pick_g(0, rg.size() - 1), pick_l(0, rl.size() - 1);
    for (std::size_t i = 0; i < tg.size(); ++i)
      boot_g[i] = fit.glass[0] + fit.glass[1] * tg[i] + rg[pick_g(rng)];
    for (std::size_t i = 0; i < tl.size(); ++i)
      boot_l[i] = fit.liquid[0] + fit.liquid[1] * tl[i] + rl[pick_l(rng)];
    const double t = meeting({least_squares(tg, boot_g), least_squares(tl, boot_l)},
                             o.fictive_glass_max, o.fictive_liquid_min);
    if (std::isfinite(t)) crossings.push_back(t);
  }
  double mean = 0, var = 0;
  for (double t : crossings) mean += t;
  mean /= static_cast<double>(std::max<std::size_t>(crossings.size(), 1));
  for (double t : crossings) var += (t - mean) * (t - mean);
  r.tg_err = crossings.size() > 1 ? std::sqrt(var / static_cast<double>(crossings.size() - 1))
                                  : std::numeric_limits<double>::quiet_NaN();
  return r;
}

nlohmann::json TgEstimate::to_json() const {
  return {{"tg", tg},
          {"tg_err", tg_err},
          {"glass_slope", glass_slope},
          {"glass_slope_err", glass_slope_err},
          {"liquid_slope", liquid_slope},
          {"liquid_slope_err", liquid_slope_err},
          {"value_at_tg", value_at_tg},
          {"rms_residual", rms_residual},
          {"points", points},
          {"quantity", quantity},
          {"t_min", t_min},
          {"t_max", t_max},
          {"range_from_data", range_from_data},
          {"tg_range_err", tg_range_err},
          {"method", "two lines meeting at Tg; error from the profile SSE (delta chi^2 = 1)"},
          {"fictive", fictive ? nlohmann::json{{"tg", fictive->tg},
                                               {"tg_err", fictive->tg_err},
                                               {"glass_slope", fictive->glass_slope},
                                               {"liquid_a", fictive->liquid_a},
                                               {"liquid_b", fictive->liquid_b},
                                               {"glass_points", fictive->glass_points},
                                               {"liquid_points", fictive->liquid_points},
                                               {"glass_rms", fictive->glass_rms},
                                               {"liquid_rms", fictive->liquid_rms},
                                               {"method",
                                                "glass line (T <= glass max) meets a + b T^(3/5) "
                                                "(liquid, T >= liquid min); residual bootstrap"}}
                              : nlohmann::json(nullptr)}};
}

TgEstimate TgEstimate::from_json(const nlohmann::json& j) {
  TgEstimate e;
  e.tg = j.value("tg", 0.0);
  e.tg_err = j.value("tg_err", 0.0);
  e.glass_slope = j.value("glass_slope", 0.0);
  e.glass_slope_err = j.value("glass_slope_err", 0.0);
  e.liquid_slope = j.value("liquid_slope", 0.0);
  e.liquid_slope_err = j.value("liquid_slope_err", 0.0);
  e.value_at_tg = j.value("value_at_tg", 0.0);
  e.rms_residual = j.value("rms_residual", 0.0);
  e.points = j.value("points", std::size_t{0});
  e.quantity = j.value("quantity", std::string("potential_energy"));
  e.t_min = j.value("t_min", 0.0);
  e.t_max = j.value("t_max", 0.0);
  e.range_from_data = j.value("range_from_data", false);
  e.tg_range_err = j.value("tg_range_err", 0.0);
  if (j.contains("fictive") && j["fictive"].is_object()) {
    const auto& f = j["fictive"];
    FictiveTg t;
    t.tg = f.value("tg", 0.0);
    t.tg_err = f.value("tg_err", 0.0);
    t.glass_slope = f.value("glass_slope", 0.0);
    t.liquid_a = f.value("liquid_a", 0.0);
    t.liquid_b = f.value("liquid_b", 0.0);
    t.glass_points = f.value("glass_points", std::size_t{0});
    t.liquid_points = f.value("liquid_points", std::size_t{0});
    t.glass_rms = f.value("glass_rms", 0.0);
    t.liquid_rms = f.value("liquid_rms", 0.0);
    e.fictive = t;
  }
  return e;
}

}  // namespace glassy::md
