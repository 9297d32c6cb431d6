// The report page: a header naming the input, command and glassy version, the summary, the
// figures (specifications embedded as JSON, drawn by the inlined plotly.js) and the per-window
// table. A small script records drawing and JavaScript errors on <body> so a headless browser
// test can check the page renders.
#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/report/figures.hpp>
#include <glassy/report/report.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace glassy::report {
namespace {

std::string escape_html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Text inside <script> must not contain "</" (it could close the element early).
std::string escape_script(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    if (s[i] == '<' && i + 1 < s.size() && s[i + 1] == '/') out += '\\';
  }
  return out;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  require(in.good(),
          "report: cannot read plotly.js at " + path.string() +
              " (run scripts/install-deps.sh, or set GLASSY_PLOTLY_JS)",
          ErrorKind::InputOutput);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string cell(double v, double err = std::nan("")) {
  if (!std::isfinite(v)) return "";
  return std::isfinite(err) ? fmt::format("{:.4g} &plusmn; {:.2g}", v, err)
                            : fmt::format("{:.4g}", v);
}

std::string parameter_table(const ReportData& d) {
  std::string t =
      "<table><thead><tr><th>t_a (s)</th><th>tau (s)</th><th>beta</th><th>&lt;t&gt; (s)</th>"
      "<th>chi2_red</th><th>g2(0, t_a)</th><th>flag</th></tr></thead><tbody>\n";
  for (std::size_t w = 0; w < d.t_a.size(); ++w)
    t += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        cell(d.t_a_centre[w]), cell(d.tau[w], d.tau_err[w]), cell(d.beta[w], d.beta_err[w]),
        cell(d.mean_time[w], d.mean_time_err[w]), cell(d.chi2_red[w]),
        cell(d.g2_0[w], d.g2_0_err[w]), escape_html(d.flag[w]));
  return t + "</tbody></table>\n";
}

// Where the result came from (/glassy/provenance): a collapsed section, the command in its title.
std::string provenance_section(const std::optional<nlohmann::json>& provenance,
                               const std::string& id) {
  if (!provenance)
    return "<p class=\"meta\">This file has no /glassy/provenance (written by a glassy that did "
           "not record it).</p>\n";
  const auto& p = *provenance;
  auto text = [&](const char* key) {
    return p.contains(key) && p[key].is_string() ? escape_html(p[key].get<std::string>()) : "";
  };
  std::string s = fmt::format(
      "<details id=\"{}\"><summary>glassy {}: <code>{}</code></summary>\n<table "
      "class=\"provenance\">\n",
      id, text("glassy_version"), text("command"));
  for (const char* key : {"glassy_version", "command", "start_time", "end_time", "host"})
    s += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", key, text(key));
  s += "</table>\n<table class=\"provenance\"><thead><tr><th>input</th><th>bytes</th>"
       "<th>modified</th></tr></thead><tbody>\n";
  for (const auto& in : p.value("inputs", nlohmann::json::array()))
    s += fmt::format("<tr class=\"input\"><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     escape_html(in.value("path", "")),
                     escape_html(in.value("size_bytes", nlohmann::json()).dump()),
                     escape_html(in.value("modified", "")));
  s += "</tbody></table>\n<pre class=\"options\">" +
       escape_html(p.value("options", nlohmann::json()).dump(2)) + "</pre>\n</details>\n";
  return s;
}

const char* const kStyle = R"(
body { font-family: sans-serif; margin: 1.5em auto; max-width: 1300px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.1em; margin-top: 2em; }
.meta { color: #555; font-size: 0.9em; } .meta code { background: #f3f3f3; padding: 0 0.3em; }
pre.summary { background: #f7f7f7; padding: 0.8em; border: 1px solid #ddd; }
.plot { width: 100%; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
th { background: #eee; position: sticky; top: 0; }
.tablebox { max-height: 600px; overflow-y: auto; display: inline-block; }
table.provenance { margin: 0.5em 0; } table.provenance td { text-align: left; }
pre.options { background: #f7f7f7; padding: 0.8em; border: 1px solid #ddd; font-size: 0.85em; }
)";

// Records errors and, once every figure has drawn, their count on <body> (data-plots-drawn).
const char* const kDrawScript = R"(
(function () {
  var errors = [];
  function record(msg) {
    errors.push(String(msg));
    document.body.dataset.jsErrors = errors.join(' | ');
  }
  window.onerror = function (msg, src, line) { record(msg + ' (line ' + line + ')'); };
  window.addEventListener('unhandledrejection', function (e) { record(e.reason); });
  var figures = JSON.parse(document.getElementById('glassy-figures').textContent);
  Promise.all(figures.map(function (f) {
    return Plotly.newPlot(f.id, f.data, f.layout, {responsive: true, displaylogo: false});
  })).then(function () {
    document.body.dataset.plotsDrawn = String(figures.length);
  }).catch(record);
})();
)";

}  // namespace

std::filesystem::path plotly_js_path() {
  if (const char* env = std::getenv("GLASSY_PLOTLY_JS"); env != nullptr && *env != '\0') return env;
  return GLASSY_PLOTLY_JS;
}

std::string summarise(const ReportData& d) {
  std::string s;
  std::size_t fitted = 0;
  double lo = 1e300, hi = 0;
  for (double m : d.mean_time)
    if (std::isfinite(m)) ++fitted, lo = std::min(lo, m), hi = std::max(hi, m);
  s +=
      fmt::format("age windows: {} of {:g} s, {} fitted (KWW)\n", d.t_a.size(), d.window_s, fitted);
  if (fitted) s += fmt::format("<t>: {:.4g} s to {:.4g} s\n", lo, hi);
  s += fmt::format("g2(inf) = {:.6f} +- {:.2g} ({})\n", d.g2_inf, d.g2_inf_err, d.g2_inf_method);
  s += fmt::format("detrended g2(0) vs <t>: Pearson r = {:.2f}\n", d.pearson_all);
  s += fmt::format("events: {}\n", d.event_time.size());
  for (double t : d.event_time) s += fmt::format("  at {:.0f} s\n", t);
  s += fmt::format("regimes: {}\n", d.regime_start.size());
  for (std::size_t r = 0; r < d.regime_start.size(); ++r)
    s += fmt::format("  {:<13} {:>9.0f} s to {:>9.0f} s\n",
                     r < d.regime_label.size() ? d.regime_label[r] : "?", d.regime_start[r],
                     d.regime_end[r]);
  for (std::size_t t = 0; t < d.tas_start.size(); ++t)
    s += fmt::format("time-aging superposition {:.0f}-{:.0f} s: tau0 = {:.4g} s, t* = {:.4g} s\n",
                     d.tas_start[t], d.tas_end[t], d.tas_tau0[t], d.tas_tstar[t]);
  s += fmt::format(
      "long-time g2(t): preferred model {} (KWW tau = {:.4g} s, beta = {:.3f}; "
      "ML tau = {:.4g} s, beta = {:.3f})\n",
      d.preferred, d.kww.tau, d.kww.beta, d.ml.tau, d.ml.beta);
  return s;
}

std::string render_html(const ReportInputs& in, const std::string& plotly_js,
                        const ReportOptions& options) {
  std::vector<Figure> figures;
  std::string summary, names;
  if (in.aging) {
    figures = make_figures(*in.aging);
    summary = summarise(*in.aging);
    names = in.aging->source.string();
  }
  for (std::size_t k = 0; k < in.md.size(); ++k) {
    auto more = make_md_figures(in.md[k], fmt::format("md{}-", k));
    figures.insert(figures.end(), std::make_move_iterator(more.begin()),
                   std::make_move_iterator(more.end()));
    if (!summary.empty()) summary += '\n';
    summary += summarise_md(in.md[k]);
    if (!names.empty()) names += ", ";
    names += in.md[k].source.string();
  }
  nlohmann::json specs = nlohmann::json::array();
  for (const auto& f : figures)
    specs.push_back({{"id", f.id}, {"data", f.data}, {"layout", f.layout}});
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += fmt::format("<title>glassy report: {}</title>\n", escape_html(names));
  html += fmt::format("<style>{}</style>\n", kStyle);
  html += "<script>" + escape_script(plotly_js) + "</script>\n</head>\n";
  html += "<body data-js-errors=\"\">\n";
  html += fmt::format("<h1>glassy report: {}</h1>\n", escape_html(names));
  html += fmt::format("<p class=\"meta\">Made by <code>{}</code> with glassy {}.</p>\n",
                      escape_html(options.command), GLASSY_VERSION);
  html += "<h2>Summary</h2>\n<pre class=\"summary\">" + escape_html(summary) + "</pre>\n";
  for (const auto& f : figures)
    html += fmt::format("<h2>{}</h2>\n<div id=\"{}\" class=\"plot\"></div>\n",
                        escape_html(f.caption), f.id);
  if (in.aging)
    html += "<h2>Per-window KWW parameters</h2>\n<div class=\"tablebox\">" +
            parameter_table(*in.aging) + "</div>\n";
  html += "<script type=\"application/json\" id=\"glassy-figures\">" + escape_script(specs.dump()) +
          "</script>\n";
  if (in.aging)
    html += "<h2>Provenance</h2>\n" + provenance_section(in.aging->provenance, "provenance");
  for (std::size_t k = 0; k < in.md.size(); ++k)
    html += fmt::format("<h2>Provenance of {}</h2>\n", escape_html(in.md[k].source.string())) +
            provenance_section(in.md[k].provenance, fmt::format("provenance-md{}", k));
  html += std::string("<script>") + kDrawScript + "</script>\n</body>\n</html>\n";
  return html;
}

std::string render_html(const ReportData& d, const std::string& plotly_js,
                        const ReportOptions& options) {
  ReportInputs in;
  in.aging = d;
  return render_html(in, plotly_js, options);
}

ReportInputs read_report_inputs(const std::vector<std::filesystem::path>& files) {
  require(!files.empty(), "report: give at least one result file");
  ReportInputs in;
  for (const auto& file : files) {
    if (is_md_result(file)) {
      in.md.push_back(read_md_report_data(file));
      continue;
    }
    auto d = read_report_data(file);  // the aging result, or the error naming what is missing
    require(!in.aging, "report: " + file.string() + " is a second aging result (" +
                           in.aging->source.string() +
                           " is the first); one report draws one aging run");
    in.aging = std::move(d);
  }
  return in;
}

void write_report(const std::vector<std::filesystem::path>& files, const std::filesystem::path& out,
                  const ReportOptions& options) {
  const auto inputs = read_report_inputs(files);
  const auto plotly_path = plotly_js_path();
  require(std::filesystem::is_regular_file(plotly_path),
          "report: plotly.js not found at " + plotly_path.string() +
              " (run scripts/install-deps.sh, or set GLASSY_PLOTLY_JS)");
  const auto html = render_html(inputs, read_text(plotly_path), options);
  AtomicOutput atomic(out, files);
  {
    std::ofstream o(atomic.temp_path(), std::ios::binary);
    o << html;
    require(o.good(), "report: cannot write " + out.string(), ErrorKind::InputOutput);
  }
  atomic.commit();
}

void write_report(const std::filesystem::path& aging_file, const std::filesystem::path& out,
                  const ReportOptions& options) {
  write_report(std::vector<std::filesystem::path>{aging_file}, out, options);
}

}  // namespace glassy::report
