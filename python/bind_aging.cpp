// Python bindings: the age-resolved analysis (the paper's Fig. 3 and 5 numbers) and the HTML
// report.
#include "bind_common.hpp"

#include <glassy/aging/analysis.hpp>
#include <glassy/aging/options_json.hpp>
#include <glassy/core/atomic_file.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/report/report.hpp>

#include <filesystem>
#include <vector>

#include <cmath>

namespace glassy::python {
namespace {

// Per-window fits as parallel arrays, so histories plot directly (fit_ok masks the failures).
py::dict window_fits_dict(const std::vector<aging::WindowFit>& fits) {
  const auto n = fits.size();
  std::vector<double> tau(n), tau_err(n), beta(n), beta_err(n), chi2(n), mt(n), mt_err(n);
  std::vector<bool> ok(n);
  py::list reason;
  for (std::size_t w = 0; w < n; ++w) {
    const auto& f = fits[w];
    ok[w] = f.ok;
    // Failed windows carry placeholder zeros in C++; NaN keeps them out of plots and means.
    tau[w] = f.ok ? f.tau : NAN;
    tau_err[w] = f.ok ? f.tau_err : NAN;
    beta[w] = f.ok ? f.beta : NAN;
    beta_err[w] = f.ok ? f.beta_err : NAN;
    chi2[w] = f.ok ? f.chi2_red : NAN;
    mt[w] = f.ok && f.mean_time > 0 ? f.mean_time : NAN;
    mt_err[w] = f.ok && f.mean_time > 0 ? f.mean_time_err : NAN;
    reason.append(f.reason);
  }
  py::array_t<bool> ok_a(static_cast<py::ssize_t>(n));
  std::copy(ok.begin(), ok.end(), ok_a.mutable_data());
  py::dict d;
  d["ok"] = ok_a;
  d["reason"] = reason;
  d["tau"] = to_numpy(tau);
  d["tau_err"] = to_numpy(tau_err);
  d["beta"] = to_numpy(beta);
  d["beta_err"] = to_numpy(beta_err);
  d["chi2_red"] = to_numpy(chi2);
  d["mean_time"] = to_numpy(mt);
  d["mean_time_err"] = to_numpy(mt_err);
  return d;
}

py::dict aging_dict(const aging::AgingResult& r) {
  const auto nw = r.t_a.size(), nl = r.lag.size();
  const std::vector<py::ssize_t> shape = {static_cast<py::ssize_t>(nw),
                                          static_cast<py::ssize_t>(nl)};
  py::dict d;
  d["t_a"] = to_numpy(r.t_a);
  d["window_centre"] = to_numpy(r.window_centre);
  d["lag"] = to_numpy(r.lag);
  d["g2"] = to_numpy(r.g2, shape);
  d["g2_err"] = to_numpy(r.g2_err, shape);
  d["g2_0"] = to_numpy(r.g2_0);
  d["chi4"] = to_numpy(r.chi4, shape);
  d["chi4_excess"] = to_numpy(r.chi4_excess, shape);
  d["chi4_peak"] = to_numpy(r.chi4_peak);
  d["chi4_peak_lag"] = to_numpy(r.chi4_peak_lag);
  d["g2_0_err"] = to_numpy(r.g2_0_err);
  d["g2_inf"] = r.g2_inf;
  d["g2_inf_err"] = r.g2_inf_err;
  d["g2_inf_method"] = r.g2_inf_method;
  d["g2_inf_measured"] = r.g2_inf_measured;
  d["straddling_pairs"] = r.straddling;
  d["kww"] = window_fits_dict(r.kww);
  d["ml"] = window_fits_dict(r.ml);
  d["contrast_slope"] = r.contrast_slope;
  d["contrast_detrended"] = to_numpy(r.contrast_detrended);
  d["pearson_all"] = r.pearson_all;
  d["pearson_all_p"] = r.pearson_all_p;
  std::vector<double> pt, pr, pp;
  for (const auto& p : r.pearson) {
    pt.push_back(p.t_a);
    pr.push_back(p.r);
    pp.push_back(p.p_value);
  }
  d["pearson"] = py::dict(py::arg("t_a") = to_numpy(pt), py::arg("r") = to_numpy(pr),
                          py::arg("p_value") = to_numpy(pp));
  py::list tas;
  for (const auto& t : r.tas)
    tas.append(py::dict(py::arg("start") = t.start, py::arg("end") = t.end, py::arg("ok") = t.ok,
                        py::arg("reason") = t.reason, py::arg("tau0") = t.tau0,
                        py::arg("tau0_err") = t.tau0_err, py::arg("tstar") = t.tstar,
                        py::arg("tstar_err") = t.tstar_err));
  d["tas"] = tas;
  py::list events;
  for (const auto& e : r.events)
    events.append(py::dict(
        py::arg("frame") = e.event.frame, py::arg("time") = e.event.time,
        py::arg("strength") = e.event.strength, py::arg("strength_err") = e.event.strength_err,
        py::arg("significance") = e.event.significance, py::arg("p_value") = e.event.p_value,
        py::arg("correlation_drop") = e.event.correlation_drop,
        py::arg("mean_time_before") = e.mean_time_before,
        py::arg("mean_time_after") = e.mean_time_after));
  d["events"] = events;
  py::list segments, steps;
  for (const auto& s : r.regimes.segments)
    segments.append(
        py::dict(py::arg("start") = s.start, py::arg("end") = s.end, py::arg("first") = s.first,
                 py::arg("last") = s.last, py::arg("label") = s.label, py::arg("slope") = s.slope,
                 py::arg("slope_err") = s.slope_err, py::arg("intercept") = s.intercept,
                 py::arg("chi2_red") = s.chi2_red, py::arg("confidence") = s.confidence));
  for (const auto& s : r.regimes.steps)
    steps.append(py::dict(py::arg("time") = s.time, py::arg("jump") = s.jump,
                          py::arg("jump_err") = s.jump_err));
  d["regimes"] = segments;
  d["steps"] = steps;
  const auto& o = r.onetime;
  py::dict ot;
  ot["lag"] = to_numpy(o.lag);
  ot["g2"] = to_numpy(o.g2);
  ot["g2_err"] = to_numpy(o.g2_err);
  ot["r"] = to_numpy(o.r);
  ot["r_err"] = to_numpy(o.r_err);
  ot["kww"] = fit_result_dict(o.kww);
  ot["ml"] = fit_result_dict(o.ml);
  ot["kww_residual"] = to_numpy(o.kww_residual);
  ot["ml_residual"] = to_numpy(o.ml_residual);
  ot["max_difference_time"] = o.max_difference_time;
  ot["preferred"] = o.preferred;
  d["onetime"] = ot;
  py::list gaps;
  for (const auto& g : r.gaps) gaps.append(py::make_tuple(g.first, g.second));
  d["gaps"] = gaps;
  d["summary"] = aging::summarise(r);
  return d;
}

constexpr const char* kAgingKeys = "bin, fit_kww, fit_ml, tas_spans";

py::dict analyse_aging_py(const std::string& path, std::optional<double> window_s,
                          const std::optional<std::string>& out, const py::kwargs& kwargs) {
  py::dict kw(kwargs);
  aging::AgingOptions o;
  o.corr = correlate_options(kw);
  if (window_s) o.corr.window_s = *window_s;  // else the struct's default
  // The aging analysis works on the two-time band; multi-tau would only cost time.
  o.corr.multitau = false;
  auto take = [&](const char* key) -> std::optional<py::object> {
    if (!kw.contains(key)) return std::nullopt;
    py::object v = kw[key];
    PyDict_DelItemString(kw.ptr(), key);
    if (v.is_none()) return std::nullopt;
    return v;
  };
  if (auto v = take("bin")) o.bin = v->cast<int>();
  if (auto v = take("fit_kww")) o.fit_kww = v->cast<bool>();
  if (auto v = take("fit_ml")) o.fit_ml = v->cast<bool>();
  if (auto v = take("tas_spans")) o.tas_spans = v->cast<std::vector<std::pair<double, double>>>();
  take_fields(kw, o, aging::aging_fields());  // the aging table (its correlation part is taken)
  reject_unknown(
      kw, "analyse_aging",
      std::string(kAgingKeys) + ", " + field_names(aging::aging_fields()) + ", " + kCorrelateKeys);
  provenance::reset();
  provenance::record_command("python: glassy.analyse_aging");
  provenance::record_input(path);
  provenance::record_options(o);
  std::optional<py::dict> result;
  {
    py::gil_scoped_release release;
    auto source = open_frames(path);
    const auto r = aging::analyse_aging(*source, o);
    if (out) {
      AtomicOutput atomic(*out, {path}, "out");  // never over the frames it reads
      {
        auto file = h5::File::create(atomic.temp_path());
        aging::write_aging(file, r);
      }
      atomic.commit();
    }
    py::gil_scoped_acquire acquire;
    result = aging_dict(r);
  }
  return *result;
}

// analyse_aging()'s docstring: the numeric options (the aging table with the correlation's)
// come from their table with meaning, unit, range and default.
const std::string& aging_doc() {
  static const std::string doc =
      "The age-resolved analysis of a frames file, as `glassy age` runs it.\n\nwindow_s: age "
      "window of g2(t, t_a) in s (None: the default below). out: also write the aging result "
      "file (the input of write_report). Options (keywords):\n  bin (0-based dynamic bin, 0); "
      "fit_kww, fit_ml (True); tas_spans=[(start, end), ...] (None: each aging regime)\n" +
      fields_doc(aging::aging_fields()) +
      "  and correlate()'s other options (q_range, qmap_file, mask, flatfield, path, "
      "plateau_span, memory).\n"
      R"doc(The GIL is released while analysing.

Returns a dict: t_a, window_centre, lag (s); g2, g2_err [windows, lags]; g2_0, g2_0_err
[windows]; chi4, chi4_excess [windows, lags], chi4_peak, chi4_peak_lag [windows]; g2_inf,
g2_inf_err, g2_inf_method, g2_inf_measured, straddling_pairs; kww, ml: per-window arrays {ok, reason, tau,
tau_err, beta, beta_err, chi2_red, mean_time, mean_time_err} (NaN where a fit failed; mean_time
for KWW only); contrast_slope, contrast_detrended; pearson_all, pearson_all_p, pearson {t_a, r,
p_value}; tas (list of dicts); events (list of dicts: frame, time, strength (fraction of g2 - 1 lost), strength_err, significance,
p_value, correlation_drop, mean_time_before, mean_time_after); regimes (list of dicts: start,
end, label, slope, ...); steps; onetime {lag, g2, g2_err, r, r_err, kww, ml (fit dicts),
kww_residual, ml_residual, max_difference_time, preferred}; gaps; summary (text).)doc";
  return doc;
}

}  // namespace

void bind_aging(py::module_& m) {
  m.def("analyse_aging", &analyse_aging_py, py::arg("path"), py::arg("window_s") = py::none(),
        py::arg("out") = py::none(), aging_doc().c_str());

  m.def(
      "write_report",
      [](const py::object& results, const std::string& out_html, const std::string& command) {
        std::vector<std::filesystem::path> files;
        if (py::isinstance<py::str>(results) || py::hasattr(results, "__fspath__")) {
          files.emplace_back(py::str(results).cast<std::string>());
        } else {
          for (const auto& r : results) files.emplace_back(py::str(r).cast<std::string>());
        }
        report::ReportOptions o;
        o.command = command;
        py::gil_scoped_release release;
        report::write_report(files, out_html, o);
      },
      py::arg("results"), py::arg("out_html"), py::arg("command") = "",
      "Writes the self-contained HTML report of result files: an aging result (analyse_aging(out="
      "...) or `glassy age`; the paper's Figs. 2, 3, 5, parameter table, summary) and/or MD "
      "results "
      "(`glassy md prepare|xpcs|waiting|ifk`, glassy.md.xpcs(out=...); Fig. 4, the Fig. 1c inset). "
      "results: one path or a list. command: text shown as the command that made it. Raises "
      "glassy.Error on bad input or when plotly.js is missing.");
}

}  // namespace glassy::python
