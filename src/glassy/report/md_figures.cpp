// The MD figures of the paper: Fig. 4a-c (simulated two-time maps of the 3D shell, 2D cut and 1D
// spot), Fig. 4d (speckle contrast per snapshot), Fig. 4e (normalised g2), the Fig. 1c inset
// (waiting-time density with its power-law fit and the range it was fitted over), the cooling
// curve with Tg, the icosahedral/Frank-Kasper structure, and a temperature series (md study).
#include <glassy/report/figures.hpp>
#include <glassy/report/plotly_json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace glassy::report {
namespace {

std::string region_title(const std::string& r) {
  if (r == "shell_3d") return "3D shell";
  if (r == "cross_section_2d") return "2D cut";
  if (r == "spot_1d") return "1D spot";
  return r;
}

json layout(double height, json x, json y) {
  return {
      {"margin", margin()}, {"height", height}, {"xaxis", std::move(x)}, {"yaxis", std::move(y)}};
}

void add_xpcs(const MdXpcsView& v, const std::string& id, std::vector<Figure>& out) {
  for (std::size_t k = 0; k < v.maps.size(); ++k) {
    const auto& m = v.maps[k];
    Figure f{
        fmt::format("{}map{}", id, k),
        fmt::format("Fig. 4{}: simulated two-time correlation C(t1, t2), {}",
                    static_cast<char>('a' + std::min<std::size_t>(k, 2)), region_title(m.region)),
        {},
        {}};
    auto h = map_heatmap(m.values, m.side, m.start, m.cell_seconds, "C(t1, t2)");
    h["colorbar"] = {{"title", title("C")}};
    f.data.push_back(std::move(h));
    // Both axes span the map exactly (a square map in a wide plot would otherwise pad them).
    const double end = m.start + m.cell_seconds * static_cast<double>(m.side);
    auto x = axis("t1 (s)"), y = axis("t2 (s)");
    x["range"] = {num(m.start), num(end)};
    y["range"] = {num(m.start), num(end)};
    f.layout = layout(520, std::move(x), std::move(y));
    out.push_back(std::move(f));
  }
  const std::size_t nr = v.regions.size(), nt = v.time_s.size(), nl = v.lag_s.size();
  Figure c{
      id + "contrast", "Fig. 4d: speckle contrast <I^2>/<I>^2 per snapshot and region", {}, {}};
  for (std::size_t r = 0; r < nr; ++r) {
    std::vector<double> y(v.contrast.begin() + static_cast<std::ptrdiff_t>(r * nt),
                          v.contrast.begin() + static_cast<std::ptrdiff_t>((r + 1) * nt));
    auto t = scatter(v.time_s, y,
                     fmt::format("{} ({:g} q points)", region_title(v.regions[r]),
                                 r < v.q_points.size() ? v.q_points[r] : 0.0),
                     "lines");
    t["line"] = {{"color", kPalette[r % 6]}};
    c.data.push_back(std::move(t));
  }
  c.layout = layout(380, axis("t (s)"), axis("<I^2>/<I>^2"));
  out.push_back(std::move(c));
  Figure g{id + "g2", "Fig. 4e: normalised g2(t) per region, (g2 - 1)/(<contrast> - 1)", {}, {}};
  for (std::size_t r = 0; r < nr; ++r) {
    std::vector<double> x, y;
    for (std::size_t l = 0; l < nl; ++l)
      if (v.lag_s[l] > 0) x.push_back(v.lag_s[l]), y.push_back(v.g2_normalized[l * nr + r]);
    auto t = scatter(x, y, region_title(v.regions[r]), "lines+markers");
    t["line"] = {{"color", kPalette[r % 6]}};
    g.data.push_back(std::move(t));
  }
  g.layout = layout(380, axis("lag t (s)", true), axis("normalised g2 - 1"));
  out.push_back(std::move(g));
  if (!v.sq_q.empty()) {
    Figure s{id + "sq",
             fmt::format("Static structure factor S(q); first peak q1 = {:.3f} 1/sigma", v.q1),
             {},
             {}};
    s.data.push_back(scatter(v.sq_q, v.sq, "S(q)", "lines"));
    s.layout = layout(340, axis("q (1/sigma)"), axis("S(q)"));
    s.layout["shapes"] = json::array({vline(v.q1, "x", "paper")});
    out.push_back(std::move(s));
  }
}

std::string fit_words(const char* name, const MdWaitingFitView& f) {
  if (!f.ok) return fmt::format("{}: no fit ({})", name, f.reason);
  if (!f.stated) return fmt::format("{}: no exponent stated ({})", name, f.reason);
  return fmt::format("{}: 1 + beta' = {:.3f} +- {:.3f} over {:.2f} decades from {:.4g} tau", name,
                     f.alpha, f.alpha_err, f.tail_decades, f.xmin_tau);
}

void add_waiting(const MdWaitingView& v, const std::string& id, std::vector<Figure>& out) {
  Figure f{id + "waiting",
           "Fig. 1c inset: waiting-time density p(t) to move one bond length. " +
               fit_words("exchange", v.exchange) + ". " + fit_words("persistence", v.persistence) +
               ".",
           {},
           {}};
  auto add = [&](const std::vector<double>& t, const std::vector<double>& p,
                 const MdWaitingFitView& fit, const std::string& name, const char* colour) {
    if (t.empty()) return;
    auto s = scatter(t, p, name, "markers");
    s["marker"] = {{"color", colour}, {"size", 7}};
    f.data.push_back(std::move(s));
    if (!fit.ok || fit.xmin_tau <= 0 || fit.n <= 0) return;
    // The fitted law over the range it was fitted on, normalised like the density: the tail
    // holds n_tail of the n waits, p(t) = (n_tail / n) (alpha - 1) / x_min (t / x_min)^-alpha.
    const double hi = fit.xmin_tau * std::pow(10.0, std::max(fit.tail_decades, 0.05));
    std::vector<double> x = log_grid(fit.xmin_tau, hi, 40), y;
    for (double tt : x)
      y.push_back(fit.n_tail / fit.n * (fit.alpha - 1) / fit.xmin_tau *
                  std::pow(tt / fit.xmin_tau, -fit.alpha));
    auto l = scatter(x, y,
                     fit.stated ? fmt::format("{} fit, 1 + beta' = {:.3f}", name, fit.alpha)
                                : fmt::format("{} MLE {:.3f} (not stated)", name, fit.alpha),
                     "lines");
    l["line"] = {{"color", colour}, {"dash", fit.stated ? "solid" : "dot"}};
    f.data.push_back(std::move(l));
  };
  add(v.exchange_t, v.exchange_p, v.exchange, "exchange", kPalette[0]);
  add(v.persistence_t, v.persistence_p, v.persistence, "persistence", kPalette[1]);
  f.layout = layout(460, axis("waiting time t (tau)", true), axis("p(t) (1/tau)", true));
  out.push_back(std::move(f));
}

void add_glass(const MdGlassView& v, const std::string& id, std::vector<Figure>& out) {
  if (v.temperature.empty()) return;
  std::string caption =
      fmt::format("Cooling curve ({} atoms): potential energy per atom vs temperature", v.atoms);
  if (v.tg)
    caption +=
        fmt::format("; two-line Tg = {:.4f} +- {:.4f} (dashed)", *v.tg, v.tg_err.value_or(0));
  if (v.fictive)
    caption += fmt::format(
        "; fictive Tg = {:.4f} +- {:.4f} (dotted), where the glass line meets the liquid's "
        "a + b T^(3/5) (grey); the two differ when the quench leaves the liquid gradually",
        v.fictive->tg, v.fictive->tg_err);
  Figure f{id + "cooling", caption, {}, {}};
  auto s = scatter(v.temperature, v.potential_energy, "E_pot / N", "markers");
  s["marker"] = {{"size", 4}};
  f.data.push_back(std::move(s));
  if (v.fictive) {
    const auto& fc = *v.fictive;
    const auto [t_lo, t_hi] = std::minmax_element(v.temperature.begin(), v.temperature.end());
    auto liquid = [&](double t) { return fc.liquid_a + fc.liquid_b * std::pow(t, 0.6); };
    std::vector<double> tl, yl, tg, yg;
    for (int k = 0; k <= 40; ++k) {
      const double t = fc.tg + (*t_hi - fc.tg) * k / 40.0;
      tl.push_back(t), yl.push_back(liquid(t));
    }
    for (const double t : {*t_lo, fc.tg})
      tg.push_back(t), yg.push_back(liquid(fc.tg) + fc.glass_slope * (t - fc.tg));
    auto l = scatter(tl, yl, "liquid a + b T^(3/5)", "lines");
    l["line"] = {{"color", "#888"}};
    f.data.push_back(std::move(l));
    auto g = scatter(tg, yg, "glass line", "lines");
    g["line"] = {{"color", "#888"}, {"dash", "dash"}};
    f.data.push_back(std::move(g));
  }
  f.layout = layout(400, axis("T (LJ)"), axis("potential energy per atom (LJ)"));
  f.layout["shapes"] = json::array();
  if (v.tg && std::isfinite(*v.tg)) f.layout["shapes"].push_back(vline(*v.tg, "x", "paper"));
  if (v.fictive && std::isfinite(v.fictive->tg)) {
    auto dotted = vline(v.fictive->tg, "x", "paper");
    dotted["line"]["dash"] = "dot";
    f.layout["shapes"].push_back(std::move(dotted));
  }
  out.push_back(std::move(f));
}

void add_ifk(const MdIfkView& v, const std::string& id, std::vector<Figure>& out) {
  Figure f{id + "ifk",
           "Icosahedral and Frank-Kasper order: fraction of atoms per motif and the largest IFK "
           "cluster (fraction of all atoms) per analysed snapshot",
           {},
           {}};
  for (std::size_t m = 0; m < v.motifs.size(); ++m) {
    auto s = scatter(v.time_tau, v.fraction[m], v.motifs[m], "lines+markers");
    s["line"] = {{"color", kPalette[m % 6]}};
    f.data.push_back(std::move(s));
  }
  if (!v.largest_cluster.empty()) {
    auto s = scatter(v.time_tau, v.largest_cluster, "largest IFK cluster", "lines+markers");
    s["line"] = {{"color", "#000"}, {"dash", "dash"}};
    f.data.push_back(std::move(s));
  }
  f.layout = layout(400, axis("t (tau)"), axis("fraction of atoms"));
  out.push_back(std::move(f));
  if (v.string_length_counts.size() > 2) {
    Figure g{id + "strings", "String-like motion: number of strings of n atoms", {}, {}};
    std::vector<double> n, c;
    for (std::size_t k = 2; k < v.string_length_counts.size(); ++k)
      n.push_back(static_cast<double>(k)), c.push_back(v.string_length_counts[k]);
    g.data.push_back({{"type", "bar"}, {"x", arr(n)}, {"y", arr(c)}, {"name", "strings"}});
    g.layout = layout(340, axis("string length n (atoms)"), axis("count", true));
    out.push_back(std::move(g));
  }
}

// Exponents fitted where none is stated: hollow grey markers with their fit errors, shown but
// not claimed (nothing drawn when there are none).
void add_unstated(const std::vector<double>& t, const std::vector<double>& alpha,
                  const std::vector<double>& err, const std::string& name, Figure& f) {
  if (t.empty()) return;
  auto mle = scatter(t, alpha, name, "markers");
  mle["error_y"] = error_bars(err);
  mle["marker"] = {{"size", 8}, {"color", "#999"}, {"symbol", "circle-open"}};
  f.data.push_back(std::move(mle));
}

// The trap model's 1 + T/T0 as a dashed line across the temperatures drawn (5 % either side).
void add_trap_line(const std::vector<double>& temperature, double t0, Figure& f) {
  if (temperature.empty()) return;
  const auto [lo, hi] = std::minmax_element(temperature.begin(), temperature.end());
  std::vector<double> x{0.95 * *lo, 1.05 * *hi}, y{1 + x[0] / t0, 1 + x[1] / t0};
  auto l = scatter(x, y, "trap model 1 + T/T0", "lines");
  l["line"] = {{"color", kPalette[1]}, {"dash", "dash"}};
  f.data.push_back(std::move(l));
}

// 1 + beta' against T with the trap model's 1 + T/T0, and the rate of moves (md study).
void add_study(const MdStudyView& v, const std::string& id, std::vector<Figure>& out) {
  std::vector<double> t, a, e, tm, am, em;  // stated; maximum likelihood where not stated
  std::string unstated;
  for (std::size_t i = 0; i < v.temperature.size(); ++i) {
    if (v.stated[i] > 0) {
      t.push_back(v.temperature[i]), a.push_back(v.alpha[i]), e.push_back(v.alpha_err[i]);
      continue;
    }
    unstated += (unstated.empty() ? "" : ", ") + v.labels[i];
    if (i < v.alpha_mle.size() && std::isfinite(v.alpha_mle[i]))
      tm.push_back(v.temperature[i]), am.push_back(v.alpha_mle[i]),
          em.push_back(v.alpha_mle_err[i]);
  }
  std::string caption =
      fmt::format("Waiting-time exponent 1 + beta' of the {} times against temperature (md study)",
                  v.compared.empty() ? "compared" : v.compared);
  if (!unstated.empty())
    caption += "; no exponent stated at " + unstated +
               " (tail too short, too few moves or a failed test: hollow grey markers are the "
               "maximum-likelihood values there, shown but not claimed)";
  const bool trap = v.trap.is_object() && v.trap.value("ok", false);
  if (trap)
    caption += fmt::format(
        "; trap model 1 + T/T0 (line): T0 = {:.4g} +- {:.2g}, chi2 = {:.3g} for "
        "{} dof",
        v.trap.value("t0", 0.0), v.trap.value("t0_err", 0.0), v.trap.value("chi2", 0.0),
        v.trap.value("dof", 0));
  else if (v.trap.is_object())
    caption += "; trap model not tested: " + v.trap.value("reason", std::string());
  Figure f{id + "study-exponent", caption, {}, {}};
  auto pts = scatter(t, a, "1 + beta'", "markers");
  pts["error_y"] = error_bars(e);
  pts["marker"] = {{"size", 8}, {"color", kPalette[0]}};
  f.data.push_back(std::move(pts));
  add_unstated(tm, am, em, "MLE, not stated", f);
  if (trap) add_trap_line(v.temperature, v.trap.value("t0", 1.0), f);
  f.layout = layout(400, axis("T (LJ)"), axis("1 + beta'"));
  out.push_back(std::move(f));

  if (!v.moves_per_atom_per_tau.empty()) {
    Figure r{id + "study-rate",
             "Moves of one bond length per atom per tau against temperature: how long a run at "
             "each T must be for a tail over a decade",
             {},
             {}};
    auto m =
        scatter(v.temperature, v.moves_per_atom_per_tau, "moves per atom per tau", "markers+lines");
    r.data.push_back(std::move(m));
    r.layout = layout(360, axis("T (LJ)"), axis("moves per atom per tau", true));
    out.push_back(std::move(r));
  }

  if (!v.lag_tau.empty() && v.xpcs.is_object()) {
    auto words = [&](const char* key, const char* name) {
      const auto j = v.xpcs.value(key, nlohmann::json());
      if (!j.is_object() || !j.value("ok", false))
        return fmt::format("{}: no fit ({})", name,
                           j.is_object() ? j.value("reason", std::string()) : "absent");
      const auto& p = j["parameters"];
      return fmt::format("{}: tau = {:.4g} +- {:.2g} tau, beta = {:.3f} +- {:.3f}", name,
                         p["tau"].value("value", 0.0), p["tau"].value("error", 0.0),
                         p["beta"].value("value", 0.0), p["beta"].value("error", 0.0));
    };
    Figure g{id + "study-xpcs",
             fmt::format("Simulated XPCS g2 of the 3D shell at T = {} (the hottest run): g2 - 1 "
                         "falls to {:.2f} of its first lag ({}). {}; {}",
                         v.xpcs.value("label", std::string()), v.xpcs.value("remaining", 0.0),
                         v.xpcs.value("decayed", false) ? "decayed" : "not decayed enough",
                         words("kww", "KWW"), words("ml", "Mittag-Leffler")),
             {},
             {}};
    if (!v.colder.empty()) g.caption += ". The colder runs' g2 (fainter) show how far each decays";
    auto d = scatter(v.lag_tau, v.g2, "g2", "markers");
    if (!v.g2_err.empty()) d["error_y"] = error_bars(v.g2_err);
    g.data.push_back(std::move(d));
    if (!v.kww.empty()) {
      auto k = scatter(v.lag_tau, v.kww, "KWW", "lines");
      k["line"] = {{"color", kPalette[1]}};
      g.data.push_back(std::move(k));
    }
    if (!v.ml.empty()) {
      auto m = scatter(v.lag_tau, v.ml, "Mittag-Leffler", "lines");
      m["line"] = {{"color", kPalette[2]}, {"dash", "dash"}};
      g.data.push_back(std::move(m));
    }
    for (std::size_t k = 0; k < v.colder.size(); ++k) {
      const auto& c = v.colder[k];
      auto d = scatter(c.lag_tau, c.g2,
                       fmt::format("g2 at T = {} (falls to {:.2f})", c.label, c.remaining),
                       "markers+lines");
      d["opacity"] = 0.6;
      d["marker"] = {{"size", 4}, {"color", kPalette[(3 + k) % std::size(kPalette)]}};
      g.data.push_back(std::move(d));
    }
    g.layout = layout(400, axis("lag (tau)", true), axis("g2"));
    out.push_back(std::move(g));
  }
}

// Every glass's 1 + beta' against T (one colour per study), the means per temperature, and the
// trap model fitted with the spread between glasses (md ensemble).
void add_ensemble(const MdEnsembleView& v, const std::string& id, std::vector<Figure>& out) {
  const auto& j = v.summary;
  const auto number = [](const nlohmann::json& o, const char* key) {
    return o.is_object() && o.contains(key) && o[key].is_number() ? o[key].get<double>()
                                                                  : std::nan("");
  };
  std::string caption = fmt::format(
      "Waiting-time exponent 1 + beta' of {} glasses against temperature (md ensemble, {} "
      "times): each glass's stated exponent (colour), error bars its fit error and the spread "
      "between glasses in quadrature; black diamonds the mean at each temperature",
      v.studies.size(), j.value("compared", std::string("compared")));
  const auto spread = j.value("spread_estimate", nlohmann::json());
  if (spread.is_object() && spread.value("ok", false))
    caption += fmt::format(
        "; spread between glasses {:.3f} from {} degrees of freedom of {} (rms fit error {:.3f})",
        number(spread, "spread"), spread.value("dof", 0),
        j.value("spread_from", std::string("stated exponents")), number(spread, "rms_fit_error"));
  else if (spread.is_object())
    caption += "; spread between glasses not estimated: " + spread.value("reason", std::string());
  const auto used = number(j, "spread");
  if (std::isfinite(used) && !(spread.is_object() && spread.value("ok", false)))
    caption += fmt::format(" (spread {:.3f} as given)", used);
  const auto trap = j.value("trap_model", nlohmann::json());
  const bool fitted = trap.is_object() && trap.value("ok", false);
  if (fitted) {
    caption += fmt::format("; trap model 1 + T/T0 (line): T0 = {:.4g} +- {:.2g}",
                           number(trap, "t0"), number(trap, "t0_err"));
    caption += trap.contains("p_value") && trap["p_value"].is_number()
                   ? fmt::format(", chi2 = {:.3g} for {} dof (p = {:.2g})", number(trap, "chi2"),
                                 trap.value("dof", 0), number(trap, "p_value"))
                   : "; " + trap.value("reason", std::string());
  } else if (trap.is_object()) {
    caption += "; trap model not tested: " + trap.value("reason", std::string());
  }
  // Fitted where no exponent is stated: drawn hollow, shown but not claimed (as md study draws it).
  std::vector<double> ut, ua, ue;
  const auto& pt = v.points;
  const auto& fi = v.fitted;
  for (std::size_t i = 0; i < fi.alpha.size(); ++i) {
    bool stated = false;
    for (std::size_t p = 0; p < pt.alpha.size(); ++p)
      stated = stated || (pt.study[p] == fi.study[i] && pt.label[p] == fi.label[i]);
    if (!stated)
      ut.push_back(fi.temperature[i]), ua.push_back(fi.alpha[i]), ue.push_back(fi.err[i]);
  }
  if (!ut.empty())
    caption += fmt::format(
        "; hollow grey: {} fitted exponents not stated (tail too short, too few moves or a failed "
        "test), with their fit errors, shown but not claimed",
        ut.size());
  Figure f{id + "ensemble", caption, {}, {}};
  for (std::size_t s = 0; s < v.studies.size(); ++s) {
    std::vector<double> t, a, e;
    for (std::size_t i = 0; i < pt.study.size(); ++i)
      if (static_cast<std::size_t>(pt.study[i]) == s)
        t.push_back(pt.temperature[i]), a.push_back(pt.alpha[i]), e.push_back(pt.err_total[i]);
    auto pts = scatter(t, a, std::filesystem::path(v.studies[s]).filename().string(), "markers");
    pts["error_y"] = error_bars(e);
    pts["marker"] = {{"size", 8}, {"color", kPalette[s % std::size(kPalette)]}};
    f.data.push_back(std::move(pts));
  }
  add_unstated(ut, ua, ue, "fitted, not stated", f);
  std::vector<double> mt, ma, me;
  for (std::size_t i = 0; i < v.labels.size(); ++i)
    if (v.stated[i] > 0 && std::isfinite(v.mean_alpha[i]))
      mt.push_back(v.mean_temperature[i]), ma.push_back(v.mean_alpha[i]),
          me.push_back(v.se_alpha[i]);
  auto means = scatter(mt, ma, "mean of the glasses", "markers");
  means["error_y"] = error_bars(me);
  means["marker"] = {{"size", 10}, {"color", "#000"}, {"symbol", "diamond"}};
  f.data.push_back(std::move(means));
  if (fitted) add_trap_line(pt.temperature, number(trap, "t0"), f);
  f.layout = layout(400, axis("T (LJ)"), axis("1 + beta'"));
  out.push_back(std::move(f));
}

}  // namespace

std::vector<Figure> make_md_figures(const MdReportData& d, const std::string& id_prefix) {
  std::vector<Figure> out;
  if (d.glass) add_glass(*d.glass, id_prefix, out);
  if (d.xpcs) add_xpcs(*d.xpcs, id_prefix, out);
  if (d.waiting) add_waiting(*d.waiting, id_prefix, out);
  if (d.ifk) add_ifk(*d.ifk, id_prefix, out);
  if (d.study) add_study(*d.study, id_prefix, out);
  if (d.ensemble) add_ensemble(*d.ensemble, id_prefix, out);
  return out;
}

std::string summarise_md(const MdReportData& d) {
  std::string s = d.source.filename().string() + ":\n";
  if (d.glass) {
    s += fmt::format("  glass: {} atoms", d.glass->atoms);
    if (d.glass->tg) s += fmt::format(", Tg = {:.4f} +- {:.4f}", *d.glass->tg, *d.glass->tg_err);
    s += "\n";
  }
  if (d.xpcs) {
    const auto& x = *d.xpcs;
    s +=
        fmt::format("  simulated XPCS: {} snapshots, q1 = {:.3f} 1/sigma\n", x.time_s.size(), x.q1);
    for (std::size_t r = 0; r < x.regions.size(); ++r)
      s += fmt::format("    {}: {:g} q points\n", region_title(x.regions[r]),
                       r < x.q_points.size() ? x.q_points[r] : 0.0);
    if (x.spot_widened)
      s += fmt::format("    1D spot widened to {:.3g} 1/A to hold enough q points\n", x.spot_width);
  }
  if (d.waiting) {
    s += fmt::format("  waiting times: {:g} moves\n", d.waiting->events);
    s += "    " + fit_words("exchange", d.waiting->exchange) + "\n";
    s += "    " + fit_words("persistence", d.waiting->persistence) + "\n";
  }
  if (d.ifk && !d.ifk->time_tau.empty()) {
    const auto& v = *d.ifk;
    const std::size_t last = v.time_tau.size() - 1;
    for (std::size_t m = 0; m < v.motifs.size(); ++m)
      if (v.motifs[m] == "ifk")
        s += fmt::format("  structure: IFK fraction {:.3f} at t = {:.4g} tau", v.fraction[m][last],
                         v.time_tau[last]);
    if (!v.largest_cluster.empty())
      s += fmt::format(
          ", largest cluster {:.3f} of all atoms, {}", v.largest_cluster[last],
          !v.percolates.empty() && v.percolates[last] > 0 ? "percolates" : "does not percolate");
    s += "\n";
  }
  if (d.study) {
    const auto& v = *d.study;
    s += fmt::format("  temperature series: {} runs", v.temperature.size());
    if (v.trap.is_object() && v.trap.value("ok", false))
      s += fmt::format(", trap model T0 = {:.4g} +- {:.2g}", v.trap.value("t0", 0.0),
                       v.trap.value("t0_err", 0.0));
    s += "\n";
    for (std::size_t i = 0; i < v.temperature.size(); ++i)
      s += v.stated[i] > 0 ? fmt::format("    T = {}: 1 + beta' = {:.3f} +- {:.3f}\n", v.labels[i],
                                         v.alpha[i], v.alpha_err[i])
                           : fmt::format("    T = {}: no exponent stated\n", v.labels[i]);
  }
  if (d.ensemble) {
    const auto& v = *d.ensemble;
    s += fmt::format("  ensemble: {} glasses, {} stated exponents", v.studies.size(),
                     v.points.alpha.size());
    const auto spread = v.summary.value("spread_estimate", nlohmann::json());
    if (spread.is_object() && spread.value("ok", false))
      s += fmt::format(", spread between glasses {:.3f}", spread.value("spread", 0.0));
    const auto trap = v.summary.value("trap_model", nlohmann::json());
    if (trap.is_object() && trap.value("ok", false))
      s += fmt::format(", trap model T0 = {:.4g} +- {:.2g}", trap.value("t0", 0.0),
                       trap.value("t0_err", 0.0));
    s += "\n";
  }
  return s;
}

}  // namespace glassy::report
