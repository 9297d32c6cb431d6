#include <glassy/aging/regimes.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/median.hpp>

#include <fmt/format.h>
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace glassy::aging {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Weighted sums of a run of windows, in coordinates the caller keeps small (times relative to a
// nearby window, levels relative to a nearby mean) so that the centred sums do not cancel.
struct Sums {
  double w = 0, t = 0, tt = 0, y = 0, ty = 0, yy = 0;
  void add(double wi, double ti, double yi) {
    w += wi, t += wi * ti, tt += wi * ti * ti, y += wi * yi, ty += wi * ti * yi, yy += wi * yi * yi;
  }
  // Weighted residual sum of squares of the best line.
  double rss() const {
    const double stt = tt - t * t / w, sty = ty - t * y / w, syy = yy - y * y / w;
    return std::max(0.0, stt > 0 ? syy - sty * sty / stt : syy);
  }
};

// Weighted least-squares line through windows idx, centred at the weighted mean time tm, with the
// covariance scaled by max(1, chi2_red) (errors that understate the scatter must not make every
// slope significant).
struct Line {
  std::size_t n = 0;
  double sw = 0, tm = 0, ym = 0, stt = 0, slope = 0, rss = 0, chi2_red = kNaN, inflate = 1;
  double at(double t) const { return ym + slope * (t - tm); }
  double var_at(double t) const { return inflate * (1.0 / sw + (t - tm) * (t - tm) / stt); }
};

Line fit_line(std::span<const double> t, std::span<const double> y, std::span<const double> err,
              std::span<const std::size_t> idx) {
  Line l;
  l.n = idx.size();
  double swt = 0, swy = 0;
  for (std::size_t i : idx) {
    const double w = 1.0 / (err[i] * err[i]);
    l.sw += w, swt += w * t[i], swy += w * y[i];
  }
  l.tm = swt / l.sw;
  l.ym = swy / l.sw;
  double sty = 0;
  for (std::size_t i : idx) {
    const double w = 1.0 / (err[i] * err[i]), dt = t[i] - l.tm;
    l.stt += w * dt * dt, sty += w * dt * (y[i] - l.ym);
  }
  l.slope = sty / l.stt;
  for (std::size_t i : idx) {
    const double r = (y[i] - l.at(t[i])) / err[i];
    l.rss += r * r;
  }
  if (l.n > 2) {
    l.chi2_red = l.rss / static_cast<double>(l.n - 2);
    l.inflate = std::max(1.0, l.chi2_red);
  }
  return l;
}

// Smallest weighted residual sum of squares of a continuous broken line (one hinge, placed at each
// inner window in turn) through windows idx. Two independent lines fitted to a kink, with the
// boundary a few windows off, meet with a jump; the hinge fits such a kink as well as two lines do,
// but not a true step.
double hinge_rss(std::span<const double> t, std::span<const double> y, std::span<const double> err,
                 std::span<const std::size_t> idx) {
  const double span = t[idx.back()] - t[idx.front()];
  double sw = 0, swy = 0;
  for (std::size_t i : idx) sw += 1.0 / (err[i] * err[i]), swy += y[i] / (err[i] * err[i]);
  const double ym = swy / sw;
  double best = kInf;
  for (std::size_t k = 1; k + 1 < idx.size(); ++k) {
    const double hinge = t[idx[k]];
    Eigen::Matrix3d a = Eigen::Matrix3d::Zero();
    Eigen::Vector3d b = Eigen::Vector3d::Zero();
    double yy = 0;
    for (std::size_t i : idx) {
      const double w = 1.0 / (err[i] * err[i]), x = (t[i] - hinge) / span, yc = y[i] - ym;
      const Eigen::Vector3d phi(1.0, std::min(x, 0.0), std::max(x, 0.0));
      a.noalias() += w * phi * phi.transpose();
      b.noalias() += w * yc * phi;
      yy += w * yc * yc;
    }
    best = std::min(best, std::max(0.0, yy - b.dot(a.ldlt().solve(b))));
  }
  return best;
}

// Optimal partition of one gap-free block of fitted windows (exact dynamic programming):
// returns the block-relative start of each piece.
std::vector<std::size_t> partition(std::span<const double> t, std::span<const double> y,
                                   std::span<const double> err, std::span<const std::size_t> idx,
                                   std::size_t min_windows, double penalty,
                                   std::span<const double> breaks) {
  // break_before[i]: a break between window i - 1 and window i of the block, honoured where it
  // leaves min_windows windows on each side (else no partition exists).
  std::vector<std::uint8_t> break_before(idx.size(), 0);
  for (std::size_t i = 1, last = 0; i < idx.size(); ++i) {
    const bool here = std::any_of(breaks.begin(), breaks.end(),
                                  [&](double b) { return t[idx[i - 1]] < b && b <= t[idx[i]]; });
    if (here && i - last >= min_windows && idx.size() - i >= min_windows)
      break_before[i] = 1, last = i;
  }
  const std::size_t m = idx.size();
  const double t0 = t[idx.front()];
  const double span = std::max(t[idx.back()] - t0, 1e-300);
  double y0 = 0;
  for (std::size_t i : idx) y0 += y[i] / static_cast<double>(m);
  std::vector<double> best(m + 1, kInf);
  std::vector<std::size_t> from(m + 1, 0);
  best[0] = 0;
  for (std::size_t j = min_windows; j <= m; ++j) {
    // Grow the last piece [i, j) backwards, one window at a time.
    Sums s;
    const double tj = t[idx[j - 1]];
    for (std::size_t i = j; i-- > 0;) {
      const std::size_t w = idx[i];
      s.add(1.0 / (err[w] * err[w]), (t[w] - tj) / span, y[w] - y0);
      if (i + 1 < j && break_before[i + 1]) break;  // the piece would span a break
      if (j - i < min_windows || best[i] == kInf) continue;
      const double cost = best[i] + s.rss() + (i > 0 ? penalty : 0.0);
      if (cost < best[j]) best[j] = cost, from[j] = i;
    }
  }
  std::vector<std::size_t> starts;
  for (std::size_t j = m; j > 0; j = from[j]) starts.push_back(from[j]);
  std::reverse(starts.begin(), starts.end());
  return starts;
}

// How many times the data scatter more than their errors say, from first differences of
// neighbouring windows (robust to trends, steps and outliers); 1 when there are too few.
double excess_scatter(std::span<const double> y, std::span<const double> err,
                      const std::vector<std::vector<std::size_t>>& blocks) {
  std::vector<double> d;
  for (const auto& b : blocks)
    for (std::size_t k = 1; k < b.size(); ++k)
      d.push_back((y[b[k]] - y[b[k - 1]]) / std::hypot(err[b[k]], err[b[k - 1]]));
  if (d.size() < 10) return 1.0;
  const double center = median(d);
  for (double& v : d) v = std::abs(v - center);
  return std::max(1.0, 1.4826 * median(d));
}

Segment make_segment(std::span<const double> t, const Line& l, std::size_t first, std::size_t last,
                     double slope_sigma) {
  Segment s;
  s.start = t[first], s.end = t[last];
  s.first = first, s.last = last;
  s.slope = l.slope;
  s.slope_err = std::sqrt(l.inflate / l.stt);
  s.intercept = l.ym - l.slope * l.tm;
  s.chi2_red = l.chi2_red;
  const double z = s.slope / s.slope_err;
  s.label = z > slope_sigma ? "aging" : z < -slope_sigma ? "acceleration" : "stationary";
  s.confidence =
      s.label == "stationary" ? 2.0 * (1.0 - normal_cdf(std::abs(z))) : normal_cdf(std::abs(z));
  return s;
}

void check_input(std::span<const double> t, std::span<const double> y,
                 std::span<const double> y_err, std::span<const std::pair<double, double>> gaps,
                 const RegimeOptions& o) {
  require(y.size() == t.size() && y_err.size() == t.size(),
          fmt::format("aging regimes: {} times, {} values and {} errors must match", t.size(),
                      y.size(), y_err.size()));
  for (std::size_t i = 0; i < t.size(); ++i)
    require(
        std::isfinite(t[i]) && (i == 0 || t[i] > t[i - 1]),
        fmt::format("aging regimes: window times must be finite and increasing (window {})", i));
  for (const auto& [start, end] : gaps)
    require(std::isfinite(start) && std::isfinite(end) && start < end,
            fmt::format("aging regimes: gap [{}, {}) must be a finite span with start < end", start,
                        end));
  require(o.min_windows >= 2, "aging regimes: min_windows must be at least 2 (a line)");
  require(!o.penalty || (std::isfinite(*o.penalty) && *o.penalty > 0),
          "aging regimes: penalty must be > 0 (or unset for the BIC-like default)");
  require(o.slope_sigma > 0 && o.step_sigma > 0 && o.step_scatter >= 0,
          "aging regimes: slope_sigma and step_sigma must be positive, step_scatter >= 0");
}

}  // namespace

Regimes segment_history(std::span<const double> t, std::span<const double> y,
                        std::span<const double> y_err,
                        std::span<const std::pair<double, double>> gaps,
                        const RegimeOptions& options, std::span<const double> breaks) {
  check_input(t, y, y_err, gaps, options);

  // Fitted windows, cut into gap-free blocks.
  auto in_gap = [&](double a, double b) {  // does a gap meet [a, b]?
    return std::any_of(gaps.begin(), gaps.end(),
                       [&](const auto& g) { return g.first <= b && g.second > a; });
  };
  std::vector<std::vector<std::size_t>> blocks;
  std::size_t n = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!std::isfinite(y[i]) || !(y_err[i] > 0) || !std::isfinite(y_err[i]) || in_gap(t[i], t[i]))
      continue;
    if (blocks.empty() || in_gap(t[blocks.back().back()], t[i])) blocks.emplace_back();
    blocks.back().push_back(i);
    ++n;
  }

  const double scatter = excess_scatter(y, y_err, blocks);
  const double penalty =
      options.penalty
          ? *options.penalty
          : 3.0 * std::log(std::max<double>(static_cast<double>(n), 2.0)) * scatter * scatter;

  Regimes out;
  for (const auto& block : blocks) {
    if (block.size() < options.min_windows) continue;
    const std::vector<std::size_t> starts =
        partition(t, y, y_err, block, options.min_windows, penalty, breaks);
    std::vector<Line> lines;
    for (std::size_t p = 0; p < starts.size(); ++p) {
      const std::size_t end = p + 1 < starts.size() ? starts[p + 1] : block.size();
      const std::span<const std::size_t> idx(block.data() + starts[p], end - starts[p]);
      lines.push_back(fit_line(t, y, y_err, idx));
      out.segments.push_back(
          make_segment(t, lines.back(), idx.front(), idx.back(), options.slope_sigma));
    }
    // Steps between neighbouring pieces of the block, the two lines compared midway between the
    // facing windows. A step must (1) stand out of its error, (2) be no kink: two lines beat one
    // continuous broken line through both pieces by step_sigma^2 in chi-square, and (3) be large
    // against the single-window scatter, as a step marked by eye would be.
    for (std::size_t p = 1; p < lines.size(); ++p) {
      const Line &a = lines[p - 1], &b = lines[p];
      const double when = 0.5 * (t[block[starts[p] - 1]] + t[block[starts[p]]]);
      const double jump = b.at(when) - a.at(when);
      const double err = std::sqrt(a.var_at(when) + b.var_at(when));
      const double dof = static_cast<double>(a.n + b.n) - 4.0;
      const double chi2 = dof > 0 ? std::max(1.0, (a.rss + b.rss) / dof) : 1.0;
      const double window_scatter =
          std::sqrt(chi2 * static_cast<double>(a.n + b.n) / (a.sw + b.sw));
      if (std::abs(jump) <= options.step_sigma * err ||
          std::abs(jump) <= options.step_scatter * window_scatter)
        continue;
      const std::size_t end = p + 1 < starts.size() ? starts[p + 1] : block.size();
      const std::span<const std::size_t> both(block.data() + starts[p - 1], end - starts[p - 1]);
      const double excess = hinge_rss(t, y, y_err, both) - (a.rss + b.rss);
      if (excess > options.step_sigma * options.step_sigma * chi2)
        out.steps.push_back({when, jump, err});
    }
  }
  return out;
}

}  // namespace glassy::aging
