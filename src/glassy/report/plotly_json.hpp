// report/plotly_json (internal to report/*figures*): the small builders every figure uses, so
// the aging and the MD figures look alike and round numbers the same way.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace glassy::report {

using nlohmann::json;

inline constexpr std::size_t kMaxSeriesPoints = 5000;
inline constexpr std::size_t kMaxMapSide = 1024;
inline const char* const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c",
                                       "#9467bd", "#ff7f0e", "#17becf"};

// v rounded to `sig` significant digits; both branches divide or multiply by an exact power of
// ten so the result is the double nearest the short decimal and JSON prints it short.
inline double round_sig(double v, int sig) {
  if (v == 0 || !std::isfinite(v)) return v;
  const int e = sig - 1 - static_cast<int>(std::floor(std::log10(std::abs(v))));
  if (e >= 0 && e <= 22) {
    const double p = std::pow(10.0, e);
    return std::round(v * p) / p;
  }
  if (e < 0 && e >= -22) {
    const double p = std::pow(10.0, -e);
    return std::round(v / p) * p;
  }
  return v;
}

inline json num(double v, int sig = 6) {
  return std::isfinite(v) ? json(round_sig(v, sig)) : json(nullptr);  // null: a gap in plotly
}

inline json arr(const std::vector<double>& v, int sig = 6) {
  json a = json::array();
  for (double x : v) a.push_back(num(x, sig));
  return a;
}

inline json title(const std::string& text) { return json{{"text", text}}; }

// Small top margin: the page's <h2> above each plot is its title.
inline json margin() { return json{{"t", 30}, {"b", 60}}; }

inline json axis(const std::string& text, bool log = false) {
  json a{{"title", title(text)}, {"showline", true}, {"mirror", true}, {"zeroline", false}};
  if (log) a["type"] = "log";
  return a;
}

inline json error_bars(const std::vector<double>& err) {
  return json{{"type", "data"}, {"array", arr(err, 3)}, {"visible", true}, {"thickness", 1}};
}

inline json vline(double x, const std::string& xref, const std::string& yref) {
  return json{{"type", "line"}, {"xref", xref},
              {"yref", yref},   {"x0", num(x)},
              {"x1", num(x)},   {"y0", 0},
              {"y1", 1},        {"line", {{"color", "black"}, {"dash", "dash"}}}};
}

inline json scatter(const std::vector<double>& x, const std::vector<double>& y,
                    const std::string& name, const std::string& mode) {
  return json{{"type", "scatter"}, {"x", arr(x)}, {"y", arr(y)}, {"name", name}, {"mode", mode}};
}

inline std::vector<double> log_grid(double lo, double hi, std::size_t n) {
  std::vector<double> g(n);
  for (std::size_t i = 0; i < n; ++i)
    g[i] = lo * std::pow(hi / lo, static_cast<double>(i) / static_cast<double>(n - 1));
  return g;
}

// A two-time map (square, row-major, cell i covering start + [i, i+1) * cell) as a heatmap,
// block-averaged to at most kMaxMapSide per side; colour range from the off-diagonal cells (the
// diagonal carries the shot-noise or speckle-contrast term).
json map_heatmap(const std::vector<double>& map, std::size_t side, double start, double cell,
                 const std::string& name);

}  // namespace glassy::report
