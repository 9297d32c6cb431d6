// Writing the aging analysis: the /glassy/aging group of design.md, CSV histories, a summary.
#include <glassy/aging/analysis.hpp>
#include <glassy/core/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace glassy::aging {
namespace {

void write_fits(const h5::Group& g, const std::vector<WindowFit>& fits, bool mean_time) {
  std::vector<double> tau, tau_e, beta, beta_e, chi, mt, mt_e, ok, amp;
  std::vector<std::string> reason;
  for (const auto& f : fits) {
    const double nan = std::nan("");
    tau.push_back(f.ok ? f.tau : nan);
    tau_e.push_back(f.ok ? f.tau_err : nan);
    beta.push_back(f.ok ? f.beta : nan);
    beta_e.push_back(f.ok ? f.beta_err : nan);
    chi.push_back(f.ok ? f.chi2_red : nan);
    mt.push_back(f.ok ? f.mean_time : nan);
    mt_e.push_back(f.ok ? f.mean_time_err : nan);
    ok.push_back(f.ok ? 1 : 0);
    amp.push_back(f.ok ? f.amplitude : nan);
    reason.push_back(f.reason);
  }
  g.write<double>("tau", tau).attrs().set("units", "s");
  g.write<double>("tau_err", tau_e);
  g.write<double>("beta", beta);
  g.write<double>("beta_err", beta_e);
  g.write<double>("chi2_red", chi);
  g.write<double>("ok", ok);
  g.write<double>("amplitude", amp).attrs().set("definition", "A of R = A * model(t)");
  g.write_strings("flag", reason);
  if (mean_time) {
    g.write<double>("mean_time", mt).attrs().set("units", "s");
    g.write<double>("mean_time_err", mt_e);
  }
}

}  // namespace

void write_aging(const h5::File& file, const AgingResult& r) {
  write_correlation(file, r.corr);
  auto g = file.require_group("glassy/aging");
  const std::size_t nw = r.t_a.size(), nl = r.lag.size();
  g.attrs().set("window_s", r.window_s);
  g.attrs().set("age_step_s", r.corr.band->window_s());
  g.attrs().set("correlation", r.corr.origin);
  g.attrs().set("q_bin", std::int64_t{1});
  g.write<double>("t_a", r.t_a)
      .attrs()
      .set("units", "s, window start (t_a = t2, the earlier frame)");
  g.write<double>("t_a_centre", r.window_centre).attrs().set("units", "s");
  g.write<double>("lag", r.lag).attrs().set("units", "s");
  g.write<double>("g2", r.g2, {nw, nl});
  g.write<double>("g2_err", r.g2_err, {nw, nl});
  std::vector<double> R(nw * nl);
  for (std::size_t w = 0; w < nw; ++w)
    for (std::size_t l = 0; l < nl; ++l)
      R[w * nl + l] = (r.g2[w * nl + l] - r.g2_inf) / (r.g2_0[w] - r.g2_inf);
  g.write<double>("R", R, {nw, nl});
  auto chi4 = g.require_group("chi4");
  chi4.attrs().set(
      "definition",
      "chi4 = variance of C(t_a + t, t_a) over the window's pairs at each lag / "
      "(g2(0, t_a) - g2(inf))^2; excess = chi4 - its mean over the window's last three "
      "lag bins (the shot-noise floor); peak = max of the excess over lags");
  chi4.write<double>("chi4", r.chi4, {nw, nl});
  chi4.write<double>("excess", r.chi4_excess, {nw, nl});
  chi4.write<double>("peak", r.chi4_peak);
  chi4.write<double>("peak_lag", r.chi4_peak_lag).attrs().set("units", "s");
  g.write<double>("g2_0", r.g2_0);
  g.write<double>("g2_0_err", r.g2_0_err);
  auto inf = g.write<double>("g2_inf", {r.g2_inf}, {1});
  inf.attrs().set("err", r.g2_inf_err);
  inf.attrs().set("method", r.g2_inf_method);
  g.attrs().set("straddling_pairs", r.straddling.empty() ? std::string("-") : r.straddling);
  inf.attrs().set("measured", std::int64_t{r.g2_inf_measured ? 1 : 0});
  write_fits(g.require_group("kww"), r.kww, true);
  g.group("kww").attrs().set("formula",
                             "R = exp(-2 (t/tau)^beta); mean_time = (tau/beta) Gamma(1/beta)");
  write_fits(g.require_group("ml"), r.ml, false);
  g.group("ml").attrs().set("formula", "R = E_beta(-(t/tau)^beta)^2 (squared form)");
  for (const auto& [name, cal] : {std::pair{"kww", &r.kww_errors}, {"ml", &r.ml_errors}}) {
    if (!g.is_group(name)) continue;
    const auto fits = g.group(name);  // the attributes live as long as the open group
    fits.attrs().set("error_method", cal->method);
    fits.attrs().set("error_factors_tau_beta_mean_time",
                     std::vector<double>{cal->tau, cal->beta, cal->mean_time});
  }

  auto contrast = g.require_group("contrast");
  contrast.attrs().set("slope_m", r.contrast_slope);
  contrast.write<double>("g2_0_detrended", r.contrast_detrended);
  contrast.attrs().set("pearson_all", r.pearson_all);
  contrast.attrs().set("pearson_all_p", r.pearson_all_p);
  std::vector<double> pt, pr, pp;
  for (const auto& p : r.pearson) pt.push_back(p.t_a), pr.push_back(p.r), pp.push_back(p.p_value);
  contrast.write<double>("pearson_t_a", pt);
  contrast.write<double>("pearson_r", pr);
  contrast.write<double>("pearson_p", pp);

  auto one = g.require_group("onetime");
  const auto& v = r.onetime;
  one.write<double>("lag", v.lag).attrs().set("units", "s");
  one.write<double>("g2", v.g2);
  one.write<double>("g2_err", v.g2_err);
  one.write<double>("R", v.r);
  one.write<double>("R_err", v.r_err);
  one.attrs().set("preferred", v.preferred);
  one.attrs().set("max_difference_time", v.max_difference_time);
  for (const auto& [name, f, res] :
       {std::tuple{"kww", &v.kww, &v.kww_residual}, std::tuple{"ml", &v.ml, &v.ml_residual}}) {
    auto m = one.require_group(name);
    m.write<double>("tau", {f->ok ? f->param("tau") : std::nan("")}, {1})
        .attrs()
        .set("err", f->ok ? f->error_of("tau") : 0.0);
    m.write<double>("beta", {f->ok ? f->param("beta") : std::nan("")}, {1})
        .attrs()
        .set("err", f->ok ? f->error_of("beta") : 0.0);
    m.write<double>("residual", *res).attrs().set("definition", "(R - model) / model");
    m.attrs().set("ok", static_cast<std::int64_t>(f->ok));
    m.attrs().set("amplitude", f->ok ? f->param("contrast") : 0.0);
    m.attrs().set("reason", f->reason);
    m.attrs().set("aic", f->aic);
    m.attrs().set("bic", f->bic);
    m.attrs().set("chi2_red", f->chi2_red);
    if (f->tail_exponent) m.attrs().set("tail_exponent", *f->tail_exponent);
  }

  std::vector<double> et, es, ee, ez, ep, ed, eb, ea;
  for (const auto& e : r.events) {
    et.push_back(e.event.time), es.push_back(e.event.strength), ez.push_back(e.event.significance);
    ee.push_back(e.event.strength_err);
    ep.push_back(e.event.p_value), ed.push_back(e.event.correlation_drop);
    eb.push_back(e.mean_time_before), ea.push_back(e.mean_time_after);
  }
  auto ev = g.require_group("events");
  ev.write<double>("time", et).attrs().set("units", "s");
  ev.write<double>("strength", es)
      .attrs()
      .set("meaning", "fraction of the correlation g2 - 1 lost across the event (matched filter)");
  ev.write<double>("strength_err", ee);
  ev.write<double>("significance", ez);
  ev.write<double>("p_value", ep);
  ev.write<double>("correlation_drop", ed);
  ev.write<double>("mean_time_before", eb);
  ev.write<double>("mean_time_after", ea);

  std::vector<double> rs, re, rslope, rslope_e, rconf;
  std::vector<std::string> rl;
  for (const auto& s : r.regimes.segments) {
    rs.push_back(s.start), re.push_back(s.end), rl.push_back(s.label);
    rslope.push_back(s.slope), rslope_e.push_back(s.slope_err), rconf.push_back(s.confidence);
  }
  auto reg = g.require_group("regimes");
  reg.write<double>("start", rs).attrs().set("units", "s");
  reg.write<double>("end", re);
  reg.write_strings("label", rl);
  reg.write<double>("slope", rslope).attrs().set("units", "log10(<t>/s) per s");
  reg.write<double>("slope_err", rslope_e);
  reg.write<double>("confidence", rconf);
  std::vector<double> st, sj, sje;
  for (const auto& s : r.regimes.steps)
    st.push_back(s.time), sj.push_back(s.jump), sje.push_back(s.jump_err);
  reg.write<double>("step_time", st);
  reg.write<double>("step_jump", sj);
  reg.write<double>("step_jump_err", sje);

  std::vector<double> ts, te, t0, t0e, tt, tte;
  for (const auto& t : r.tas)
    if (t.ok)
      ts.push_back(t.start), te.push_back(t.end), t0.push_back(t.tau0), t0e.push_back(t.tau0_err),
          tt.push_back(t.tstar), tte.push_back(t.tstar_err);
  auto tas = g.require_group("tas");
  tas.attrs().set("formula", "tau(t_a) = tau0 exp(t_a / tstar)");
  tas.write<double>("start", ts);
  tas.write<double>("end", te);
  tas.write<double>("tau0", t0);
  tas.write<double>("tau0_err", t0e);
  tas.write<double>("tstar", tt);
  tas.write<double>("tstar_err", tte);

  auto in = g.require_group("intensity");
  const auto& stats = r.corr.stats;
  std::vector<double> time(stats.frames), i0(stats.frames);
  double mean = 0, n = 0;
  for (std::size_t f = 0; f < stats.frames; ++f)
    if (stats.frame_valid[f]) mean += stats.frame_total[f], n += 1;
  mean /= std::max(n, 1.0);
  for (std::size_t f = 0; f < stats.frames; ++f)
    time[f] = r.corr.clock->time(f), i0[f] = stats.frame_total[f] / mean;
  in.write<double>("time", time).attrs().set("units", "s");
  in.write<double>("I0", i0).attrs().set("definition",
                                         "photons in the mask per frame / mean over valid frames");
  std::vector<double> gs, ge;
  for (const auto& [a, b] : r.gaps) gs.push_back(a), ge.push_back(b);
  g.write<double>("gaps/start", gs);
  g.write<double>("gaps/end", ge);
}

void write_history_csv(const std::filesystem::path& dir, const std::string& prefix,
                       const AgingResult& r) {
  auto open = [&](const std::string& name) {
    std::ofstream out(dir / (prefix + "_" + name + ".csv"));
    require(out.good(), "cannot write " + (dir / (prefix + "_" + name + ".csv")).string(),
            ErrorKind::InputOutput);
    return out;
  };
  {
    auto out = open("history");
    out << "t_a_s,g2_0,g2_0_err,g2_0_detrended,kww_tau_s,kww_tau_err,kww_beta,kww_beta_err,mean_"
           "time_s,mean_time_err,"
           "kww_chi2_red,ml_tau_s,ml_tau_err,ml_beta,ml_beta_err,ml_chi2_red,flag\n";
    for (std::size_t w = 0; w < r.t_a.size(); ++w) {
      const auto& k = r.kww[w];
      const auto& m = r.ml[w];
      auto num = [](bool ok, double v) { return ok ? fmt::format("{:.8g}", v) : std::string(); };
      out << fmt::format(
          "{:.8g},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},\"{}\"\n", r.window_centre[w],
          num(std::isfinite(r.g2_0[w]), r.g2_0[w]), num(std::isfinite(r.g2_0[w]), r.g2_0_err[w]),
          num(std::isfinite(r.contrast_detrended[w]), r.contrast_detrended[w]), num(k.ok, k.tau),
          num(k.ok, k.tau_err), num(k.ok, k.beta), num(k.ok, k.beta_err), num(k.ok, k.mean_time),
          num(k.ok, k.mean_time_err), num(k.ok, k.chi2_red), num(m.ok, m.tau), num(m.ok, m.tau_err),
          num(m.ok, m.beta), num(m.ok, m.beta_err), num(m.ok, m.chi2_red), k.ok ? "" : k.reason);
    }
  }
  {
    auto out = open("onetime");
    out << "lag_s,g2,g2_err,R,R_err,kww_rel_residual,ml_rel_residual\n";
    const auto& v = r.onetime;
    for (std::size_t i = 0; i < v.lag.size(); ++i)
      out << fmt::format("{:.8g},{:.10g},{:.4g},{:.8g},{:.4g},{},{}\n", v.lag[i], v.g2[i],
                         v.g2_err[i], v.r[i], v.r_err[i],
                         i < v.kww_residual.size() ? fmt::format("{:.4g}", v.kww_residual[i]) : "",
                         i < v.ml_residual.size() ? fmt::format("{:.4g}", v.ml_residual[i]) : "");
  }
  {
    auto out = open("events");
    out << "time_s,strength,strength_err,significance,p_value,correlation_drop,mean_time_before_"
           "s,mean_time_after_s\n";
    for (const auto& e : r.events)
      out << fmt::format("{:.8g},{:.6g},{:.3g},{:.4g},{:.3g},{:.6g},{:.6g},{:.6g}\n", e.event.time,
                         e.event.strength, e.event.strength_err, e.event.significance,
                         e.event.p_value, e.event.correlation_drop, e.mean_time_before,
                         e.mean_time_after);
  }
  {
    auto out = open("regimes");
    out << "start_s,end_s,label,slope_log10_per_s,slope_err,confidence\n";
    for (const auto& s : r.regimes.segments)
      out << fmt::format("{:.8g},{:.8g},{},{:.6g},{:.3g},{:.4g}\n", s.start, s.end, s.label,
                         s.slope, s.slope_err, s.confidence);
  }
}

std::string summarise(const AgingResult& r) {
  std::string s;
  std::size_t fitted = 0;
  double lo = 1e300, hi = 0;
  for (const auto& k : r.kww)
    if (k.ok) ++fitted, lo = std::min(lo, k.mean_time), hi = std::max(hi, k.mean_time);
  s += fmt::format("correlation: {}\n", r.corr.origin);
  s += fmt::format("age windows: {} of {:g} s{}, {} fitted (KWW)\n", r.t_a.size(), r.window_s,
                   r.window_s != r.corr.band->window_s()
                       ? fmt::format(" (merged from a {:g} s age step)", r.corr.band->window_s())
                       : std::string(),
                   fitted);
  if (fitted) s += fmt::format("<t>: {:.4g} s to {:.4g} s\n", lo, hi);
  {
    std::vector<double> chi;
    for (const auto& k : r.kww)
      if (k.ok) chi.push_back(k.chi2_red);
    std::sort(chi.begin(), chi.end());
    const auto& e = r.kww_errors;
    if (!chi.empty())
      s += fmt::format(
          "window fits: median chi2_red {:.2f}; errors of tau, beta, <t>: {} (factors {:.2f}, "
          "{:.2f}, {:.2f})\n",
          chi[chi.size() / 2], e.method, e.tau, e.beta, e.mean_time);
  }
  s += fmt::format("g2(inf) = {:.6f} +- {:.2g} ({})\n", r.g2_inf, r.g2_inf_err, r.g2_inf_method);
  s += fmt::format("pairs across events and gaps in g2(t, t_a): {}\n", r.straddling);
  s += fmt::format(
      "contrast trend m = {:.3g} /s; detrended g2(0) vs <t>: Pearson r = {:.2f} (p = {:.2g})\n",
      r.contrast_slope, r.pearson_all, r.pearson_all_p);
  if (r.events_note.empty())
    s += fmt::format("events: {}\n", r.events.size());
  else
    s += "events: " + r.events_note + "\n";
  for (const auto& e : r.events)
    s += fmt::format(
        "  at {:.0f} s: loss of correlation across it {:.3g} +- {:.2g} ({:.1f} sigma), <t> {:.4g} "
        "s -> {:.4g} s\n",
        e.event.time, e.event.strength, e.event.strength_err, e.event.significance,
        e.mean_time_before, e.mean_time_after);
  s += fmt::format("regimes: {}\n", r.regimes.segments.size());
  for (const auto& seg : r.regimes.segments)
    s += fmt::format("  {:<13} {:>9.0f} s to {:>9.0f} s (confidence {:.2f})\n", seg.label,
                     seg.start, seg.end, seg.confidence);
  for (const auto& st : r.regimes.steps)
    s += fmt::format("  step at {:.0f} s: log10 tau jumps by {:.3f}\n", st.time, st.jump);
  for (const auto& t : r.tas)
    if (t.ok)
      s += fmt::format(
          "time-aging superposition {:.0f}-{:.0f} s: tau0 = {:.4g} s, t* = {:.4g} +- {:.2g} s\n",
          t.start, t.end, t.tau0, t.tstar, t.tstar_err);
  const auto& v = r.onetime;
  s += fmt::format(
      "long-time g2(t): preferred model {} (AIC KWW {:.1f}, ML {:.1f}), fits differ most at {:.4g} "
      "s",
      v.preferred, v.kww.aic, v.ml.aic, v.max_difference_time);
  if (v.ml.tail_exponent) s += fmt::format(", ML tail exponent {:.3f}", *v.ml.tail_exponent);
  s += "\n";
  return s;
}

}  // namespace glassy::aging
