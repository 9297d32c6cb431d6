// The report's figures. Numbers are rounded to the digits a plot can show (shortest JSON), series
// are decimated and the map block-averaged, so a 300,000-frame run still opens quickly.
#include <glassy/report/figures.hpp>
#include <glassy/report/plotly_json.hpp>
#include <glassy/special/mittag_leffler.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace glassy::report {
namespace {

using nlohmann::json;

// Events as dashed vertical lines, the paper's marker of the intermittent event in Fig. 3.
void add_events(const ReportData& d, json& shapes, const std::string& xref = "x",
                const std::string& yref = "paper") {
  for (double t : d.event_time) shapes.push_back(vline(t, xref, yref));
}

std::string regime_color(const std::string& label) {
  if (label == "aging") return "rgba(31,119,180,0.18)";
  if (label == "stationary") return "rgba(44,160,44,0.18)";
  return "rgba(255,127,14,0.22)";  // acceleration
}

}  // namespace

json map_heatmap(const std::vector<double>& map, std::size_t side, double start, double cell_s,
                 const std::string& name) {
  std::size_t n = 0, factor = 1;
  const auto m = downsample_map(map, side, kMaxMapSide, n, factor);
  std::vector<double> off;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (i != j && std::isfinite(m[i * n + j])) off.push_back(m[i * n + j]);
  std::sort(off.begin(), off.end());
  auto pct = [&](double q) {
    return off.empty() ? 1.0 : off[static_cast<std::size_t>(q * double(off.size() - 1))];
  };
  json z = json::array();
  for (std::size_t i = 0; i < n; ++i) {
    json row = json::array();
    for (std::size_t j = 0; j < n; ++j) row.push_back(num(m[i * n + j], 5));
    z.push_back(std::move(row));
  }
  const double cell = cell_s * static_cast<double>(factor);
  return {{"type", "heatmap"},           {"z", std::move(z)},
          {"x0", num(start + cell / 2)}, {"dx", num(cell)},
          {"y0", num(start + cell / 2)}, {"dy", num(cell)},
          {"zmin", num(pct(0.02))},      {"zmax", num(pct(0.995))},
          {"colorscale", "Jet"},         {"name", name}};
}

namespace {

// Fig. 2: the two-time map with I0(t) below on the same time axis; gaps shaded, events dashed.
Figure fig2(const ReportData& d) {
  Figure f{"fig2", "Fig. 2: two-time correlation C(t1, t2) and scattered intensity I0(t)", {}, {}};
  json shapes = json::array();
  if (d.map_n > 0) {
    auto map = map_heatmap(d.map, d.map_n, d.map_start, d.cell_seconds, "C(t1, t2)");
    map["colorbar"] = {{"title", title("C")}, {"len", 0.7}, {"y", 0.64}};
    f.data.push_back(std::move(map));
  }
  std::vector<double> t, i0;
  decimate_min_max(d.time, d.i0, kMaxSeriesPoints, t, i0);
  // Break the I0 line across gaps instead of drawing a straight segment through them.
  std::vector<double> tx, iy;
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (k > 0)
      for (std::size_t g = 0; g < d.gap_start.size(); ++g)
        if (t[k - 1] <= d.gap_start[g] && t[k] >= d.gap_end[g]) {
          tx.push_back(0.5 * (t[k - 1] + t[k]));
          iy.push_back(std::nan(""));
        }
    tx.push_back(t[k]);
    iy.push_back(i0[k]);
  }
  auto trace = scatter(tx, iy, "I0(t)", "lines");
  trace["xaxis"] = "x2";
  trace["yaxis"] = "y2";
  trace["line"] = {{"width", 1}, {"color", "#333"}};
  f.data.push_back(std::move(trace));
  // Gaps shaded under I0; the map shows them as empty bands already.
  for (std::size_t g = 0; g < d.gap_start.size(); ++g)
    shapes.push_back({{"type", "rect"},
                      {"xref", "x2"},
                      {"yref", "y2 domain"},
                      {"x0", num(d.gap_start[g])},
                      {"x1", num(d.gap_end[g])},
                      {"y0", 0},
                      {"y1", 1},
                      {"fillcolor", "rgba(128,128,128,0.35)"},
                      {"line", {{"width", 0}}}});
  add_events(d, shapes, "x", "y domain");
  add_events(d, shapes, "x2", "y2 domain");
  // Both panels span the measurement: the map's extent when there is one.
  double t0 = d.time.empty() ? 0 : d.time.front(), t1 = d.time.empty() ? 1 : d.time.back();
  if (d.map_n > 0) t0 = d.map_start, t1 = d.map_start + d.cell_seconds * double(d.map_n);
  auto x = axis("t1 (s)");
  x["anchor"] = "y";
  x["range"] = {num(t0), num(t1)};
  auto y = axis("t2 (s)");
  y["domain"] = {0.3, 1.0};
  y["range"] = {num(t0), num(t1)};
  auto x2 = axis("annealing time t (s)");
  x2["anchor"] = "y2";
  x2["matches"] = "x";
  auto y2 = axis("I0(t) / mean");
  y2["domain"] = {0.0, 0.2};
  f.layout = {{"height", 1000}, {"xaxis", x},       {"yaxis", y},          {"xaxis2", x2},
              {"yaxis2", y2},   {"shapes", shapes}, {"showlegend", false}, {"margin", margin()}};
  return f;
}

// Regimes shaded over the t_a axis, labelled at the top.
void add_regimes(const ReportData& d, json& layout) {
  json annotations = json::array();
  for (std::size_t r = 0; r < d.regime_start.size(); ++r) {
    const auto& label = r < d.regime_label.size() ? d.regime_label[r] : std::string("?");
    layout["shapes"].push_back({{"type", "rect"},
                                {"xref", "x"},
                                {"yref", "paper"},
                                {"x0", num(d.regime_start[r])},
                                {"x1", num(d.regime_end[r])},
                                {"y0", 0},
                                {"y1", 1},
                                {"layer", "below"},
                                {"fillcolor", regime_color(label)},
                                {"line", {{"width", 0}}}});
    annotations.push_back({{"x", num(0.5 * (d.regime_start[r] + d.regime_end[r]))},
                           {"y", 1.0},
                           {"xref", "x"},
                           {"yref", "paper"},
                           {"yanchor", "bottom"},
                           {"showarrow", false},
                           {"font", {{"size", 10}}},
                           {"text", label}});
  }
  layout["annotations"] = annotations;
}

// Fig. 3a: <t>(t_a) and tau(t_a) with errors, regimes, and the TAS curves on tau.
Figure fig3a(const ReportData& d) {
  Figure f{"fig3a",
           "Fig. 3a: mean relaxation time <t>(t_a) and KWW tau(t_a); shaded: aging (blue), "
           "stationary (green), acceleration (orange); lines: tau0 exp(t_a/t*)",
           {},
           {}};
  auto mt = scatter(d.t_a_centre, d.mean_time, "<t> (KWW first moment)", "markers");
  mt["error_y"] = error_bars(d.mean_time_err);
  mt["marker"] = {{"color", "#d62728"}, {"size", 5}};
  auto tau = scatter(d.t_a_centre, d.tau, "tau (KWW)", "markers");
  tau["error_y"] = error_bars(d.tau_err);
  tau["marker"] = {{"color", "#1f77b4"}, {"size", 5}, {"symbol", "circle-open"}};
  f.data = {mt, tau};
  for (std::size_t s = 0; s < d.tas_start.size(); ++s) {
    std::vector<double> x, y;
    for (int k = 0; k <= 60; ++k) {
      x.push_back(d.tas_start[s] + (d.tas_end[s] - d.tas_start[s]) * k / 60.0);
      y.push_back(d.tas_tau0[s] * std::exp(x.back() / d.tas_tstar[s]));
    }
    auto c = scatter(x, y, fmt::format("tau0 exp(t_a/t*), t* = {:.4g} s", d.tas_tstar[s]), "lines");
    c["line"] = {{"color", "#000"}, {"width", 2}};
    f.data.push_back(std::move(c));
  }
  f.layout = {{"margin", margin()},
              {"height", 480},
              {"xaxis", axis("t_a (s)")},
              {"yaxis", axis("time (s)", true)},
              {"shapes", json::array()}};
  add_regimes(d, f.layout);
  add_events(d, f.layout["shapes"]);
  return f;
}

// Fig. 3b: the short-time plateau g2(0, t_a).
Figure fig3b(const ReportData& d) {
  Figure f{"fig3b", "Fig. 3b: short-time plateau g2(0, t_a)", {}, {}};
  auto g = scatter(d.t_a_centre, d.g2_0, "g2(0, t_a)", "markers");
  g["error_y"] = error_bars(d.g2_0_err);
  g["marker"] = {{"color", "#2ca02c"}, {"size", 5}};
  f.data = {g};
  f.layout = {{"margin", margin()},
              {"height", 380},
              {"xaxis", axis("t_a (s)")},
              {"yaxis", axis("g2(0, t_a)")},
              {"shapes", json::array()}};
  add_events(d, f.layout["shapes"]);
  return f;
}

// A history on a right-hand axis beside <t> (left), events marked: Fig. 3c and the chi4 peak.
struct RightHistory {
  const std::vector<double>& y;
  std::string name, colour, axis_title;
  bool reversed;
};

Figure beside_mean_time(const ReportData& d, std::string id, std::string title,
                        const RightHistory& right) {
  Figure f{std::move(id), std::move(title), {}, {}};
  auto mt = scatter(d.t_a_centre, d.mean_time, "<t>", "lines+markers");
  mt["marker"] = {{"color", "#d62728"}, {"size", 4}};
  mt["line"] = {{"color", "#d62728"}, {"width", 1}};
  auto c = scatter(d.t_a_centre, right.y, right.name, "lines+markers");
  c["yaxis"] = "y2";
  c["marker"] = {{"color", right.colour}, {"size", 4}};
  c["line"] = {{"color", right.colour}, {"width", 1}};
  f.data = {mt, c};
  auto y2 = axis(right.axis_title);
  y2["overlaying"] = "y";
  y2["side"] = "right";
  if (right.reversed) y2["autorange"] = "reversed";
  f.layout = {{"margin", margin()},
              {"height", 380},
              {"xaxis", axis("t_a (s)")},
              {"yaxis", axis("<t> (s)")},
              {"yaxis2", y2},
              {"shapes", json::array()},
              {"legend", {{"x", 0.01}, {"y", 0.99}}}};
  add_events(d, f.layout["shapes"]);
  return f;
}

// Fig. 3c: detrended contrast (flipped axis, as in the paper) against <t>.
Figure fig3c(const ReportData& d) {
  return beside_mean_time(
      d, "fig3c",
      fmt::format("Fig. 3c: detrended contrast g2'(0, t_a) (flipped) and <t>; Pearson r = {:.2f}",
                  d.pearson_all),
      {d.contrast_detrended, "g2'(0, t_a) = g2(0, t_a) - m t_a", "#2ca02c",
       "g2'(0, t_a) (reversed)", true});
}

// Dynamical heterogeneity beside <t>: the peak of chi4(t, t_a) over lags per window.
Figure fig_chi4(const ReportData& d) {
  return beside_mean_time(
      d, "figchi4",
      "Dynamical heterogeneity: peak of chi4(t, t_a) above its shot-noise floor, beside <t>",
      {d.chi4_peak, "chi4 peak (excess over the noise floor)", "#9467bd", "chi4 peak", false});
}

// Fig. 5: one-time R(t) with KWW and ML fits (log-log), relative residuals below.
Figure fig5(const ReportData& d) {
  Figure f{"fig5",
           "Fig. 5: one-time correlation R(t) with KWW and Mittag-Leffler fits; relative "
           "residuals below",
           {},
           {}};
  auto r = scatter(d.one_lag, d.one_r, "R(t)", "markers");
  r["error_y"] = error_bars(d.one_r_err);
  r["marker"] = {{"color", "#333"}, {"size", 5}};
  f.data.push_back(r);
  double lo = 1e300, hi = 0, rmin = 1;
  for (std::size_t i = 0; i < d.one_lag.size(); ++i) {
    if (d.one_lag[i] > 0) lo = std::min(lo, d.one_lag[i]), hi = std::max(hi, d.one_lag[i]);
    if (i < d.one_r.size() && d.one_r[i] > 0) rmin = std::min(rmin, d.one_r[i]);
  }
  // Curves below a third of the smallest positive point would only stretch the log axis.
  const double floor = std::max(rmin / 3, 1e-4);
  const std::string kww_color = "#ff7f0e", ml_color = "#9467bd";
  if (hi > lo) {
    const auto grid = log_grid(lo, hi, 200);
    for (const auto& [m, name, color, ml] :
         {std::tuple{&d.kww, "KWW A exp(-2 (t/tau)^beta)", kww_color, false},
          std::tuple{&d.ml, "ML A E_beta(-(t/tau)^beta)^2", ml_color, true}}) {
      if (!std::isfinite(m->tau) || !std::isfinite(m->beta) || m->tau <= 0) continue;
      const auto shape = [m = m, ml = ml](double t) {
        const double x = t / m->tau;
        return ml ? std::pow(mittag_leffler_relaxation(m->beta, x), 2)
                  : std::exp(-2 * std::pow(x, m->beta));
      };
      const double a = m->amplitude;
      std::vector<double> y;
      for (double t : grid) {
        const double v = a * shape(t);
        y.push_back(v >= floor ? v : std::nan(""));
      }
      auto c = scatter(
          grid, y,
          fmt::format("{}: A = {:.3f}, tau = {:.4g} s, beta = {:.3f}", name, a, m->tau, m->beta),
          "lines");
      c["line"] = {{"color", color}, {"width", 2}};
      f.data.push_back(std::move(c));
    }
  }
  for (const auto& [m, name, color] : {std::tuple{&d.kww, "KWW residual", kww_color},
                                       std::tuple{&d.ml, "ML residual", ml_color}}) {
    const std::size_t n = std::min(m->residual.size(), d.one_lag.size());
    auto c = scatter(std::vector<double>(d.one_lag.begin(), d.one_lag.begin() + n),
                     std::vector<double>(m->residual.begin(), m->residual.begin() + n), name,
                     "lines+markers");
    c["xaxis"] = "x2";
    c["yaxis"] = "y2";
    c["line"] = {{"color", color}};
    c["marker"] = {{"color", color}, {"size", 4}};
    f.data.push_back(std::move(c));
  }
  auto x = axis("", true);
  x["anchor"] = "y";
  auto y = axis("R(t)", true);
  y["domain"] = {0.35, 1.0};
  y["range"] = {std::log10(floor), std::log10(1.5)};
  auto x2 = axis("t (s)", true);
  x2["anchor"] = "y2";
  x2["matches"] = "x";
  auto y2 = axis("(R - model) / model");
  y2["domain"] = {0.0, 0.27};
  // Where R has decayed to noise the relative residual explodes; scale the panel to the points
  // that still carry signal (zooming out shows the rest).
  double span = 0;
  for (const auto* m : {&d.kww, &d.ml})
    for (std::size_t i = 0; i < std::min(m->residual.size(), d.one_r.size()); ++i)
      if (d.one_r[i] > 0.02 && std::isfinite(m->residual[i]))
        span = std::max(span, std::abs(m->residual[i]));
  if (span > 0) y2["range"] = {-1.3 * std::max(span, 0.02), 1.3 * std::max(span, 0.02)};
  f.layout = {{"margin", margin()}, {"height", 620}, {"xaxis", x},
              {"yaxis", y},         {"xaxis2", x2},  {"yaxis2", y2}};
  return f;
}

// g2(t, t_a) for a few ages with their KWW fits g2 = g2_inf + (g2_0 - g2_inf) A exp(-2 (t/tau)^b).
Figure fig_g2(const ReportData& d) {
  Figure f{"figg2", "g2(t, t_a) at selected ages with their KWW fits (lines)", {}, {}};
  const std::size_t nl = d.lag.size();
  double lo = 1e300, hi = 0;
  for (double t : d.lag)
    if (t > 0) lo = std::min(lo, t), hi = std::max(hi, t);
  const auto picked = select_windows(d, 6);
  for (std::size_t k = 0; k < picked.size(); ++k) {
    const std::size_t w = picked[k];
    const std::string color = kPalette[k % std::size(kPalette)];
    const std::vector<double> g(d.g2.begin() + w * nl, d.g2.begin() + (w + 1) * nl);
    const std::vector<double> e(d.g2_err.begin() + w * nl, d.g2_err.begin() + (w + 1) * nl);
    const std::string label = fmt::format("t_a = {:.4g} s", d.t_a_centre[w]);
    auto pts = scatter(d.lag, g, label, "markers");
    pts["error_y"] = error_bars(e);
    pts["marker"] = {{"color", color}, {"size", 5}};
    pts["legendgroup"] = label;
    f.data.push_back(std::move(pts));
    if (hi <= lo) continue;
    // The window fit is R = A exp(-2 (t/tau)^beta) with R = (g2 - g2_inf) / (g2_0 - g2_inf).
    const double h = d.g2_0[w] - d.g2_inf;
    const auto shape = [&](double t) { return std::exp(-2 * std::pow(t / d.tau[w], d.beta[w])); };
    const double a = d.amplitude[w];
    std::vector<double> y;
    for (double t : log_grid(lo, hi, 120)) y.push_back(d.g2_inf + h * a * shape(t));
    auto c = scatter(
        log_grid(lo, hi, 120), y,
        fmt::format("KWW A = {:.2f}, tau = {:.4g} s, beta = {:.2f}", a, d.tau[w], d.beta[w]),
        "lines");
    c["line"] = {{"color", color}};
    c["legendgroup"] = label;
    f.data.push_back(std::move(c));
  }
  f.layout = {{"margin", margin()},
              {"height", 520},
              {"xaxis", axis("t (s)", true)},
              {"yaxis", axis("g2(t, t_a)")}};
  return f;
}

}  // namespace

void decimate_min_max(const std::vector<double>& x, const std::vector<double>& y,
                      std::size_t max_points, std::vector<double>& out_x,
                      std::vector<double>& out_y) {
  out_x.clear();
  out_y.clear();
  const std::size_t n = std::min(x.size(), y.size());
  const std::size_t buckets = std::max<std::size_t>(max_points / 2, 1);
  if (n <= max_points) {
    out_x.assign(x.begin(), x.begin() + n);
    out_y.assign(y.begin(), y.begin() + n);
    return;
  }
  for (std::size_t b = 0; b < buckets; ++b) {
    const std::size_t i0 = b * n / buckets, i1 = (b + 1) * n / buckets;
    std::size_t lo = n, hi = n;
    for (std::size_t i = i0; i < i1; ++i) {
      if (!std::isfinite(y[i])) continue;
      if (lo == n || y[i] < y[lo]) lo = i;
      if (hi == n || y[i] > y[hi]) hi = i;
    }
    if (lo == n) continue;
    for (std::size_t i : {std::min(lo, hi), std::max(lo, hi)}) {
      out_x.push_back(x[i]);
      out_y.push_back(y[i]);
      if (lo == hi) break;
    }
  }
}

std::vector<double> downsample_map(const std::vector<double>& map, std::size_t n, std::size_t max_n,
                                   std::size_t& out_n, std::size_t& factor) {
  factor = std::max<std::size_t>(1, (n + max_n - 1) / max_n);
  out_n = n / factor;
  if (factor == 1) return map;
  std::vector<double> out(out_n * out_n, std::nan(""));
  for (std::size_t i = 0; i < out_n; ++i)
    for (std::size_t j = 0; j < out_n; ++j) {
      double sum = 0;
      std::size_t count = 0;
      for (std::size_t a = i * factor; a < (i + 1) * factor; ++a)
        for (std::size_t b = j * factor; b < (j + 1) * factor; ++b)
          if (std::isfinite(map[a * n + b])) sum += map[a * n + b], ++count;
      if (count) out[i * out_n + j] = sum / static_cast<double>(count);
    }
  return out;
}

std::vector<std::size_t> select_windows(const ReportData& d, std::size_t count) {
  std::vector<std::size_t> fitted;
  for (std::size_t w = 0; w < d.tau.size(); ++w)
    if (std::isfinite(d.tau[w]) && std::isfinite(d.beta[w]) && d.tau[w] > 0) fitted.push_back(w);
  if (fitted.size() <= count) return fitted;
  std::vector<std::size_t> picked;
  for (std::size_t k = 0; k < count; ++k)
    picked.push_back(fitted[k * (fitted.size() - 1) / std::max<std::size_t>(count - 1, 1)]);
  return picked;
}

std::vector<Figure> make_figures(const ReportData& d) {
  std::vector<Figure> figures{fig2(d), fig3a(d), fig3b(d), fig3c(d)};
  if (!d.chi4_peak.empty()) figures.push_back(fig_chi4(d));
  for (auto f : {fig5(d), fig_g2(d)}) figures.push_back(std::move(f));
  return figures;
}

}  // namespace glassy::report
