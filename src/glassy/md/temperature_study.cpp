// md/temperature_study: see temperature_study.hpp.
#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/core/ranks.hpp>
#include <glassy/corr/result_g2.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/md/temperature_study.hpp>

#include <fmt/format.h>
#include <boost/math/special_functions/gamma.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

namespace glassy::md {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

ProductionOptions run_options(const TemperatureStudyOptions& o, const std::string& text) {
  ProductionOptions p = o.run;
  set_temperature(text, p);
  p.resume = false;
  p.extend = false;
  p.stop_after_step = 0;
  p.keep_restart = true;  // a later study with a longer --time extends the run
  return p;
}

std::string describe(const nlohmann::json& stored) {
  if (!stored.is_object()) return "no recorded protocol";
  return fmt::format("T = {}, {} tau, snapshots every {} steps, seed {}",
                     stored.value("temperature_resolved", nlohmann::json()).dump(),
                     stored.value("duration_tau", nlohmann::json()).dump(),
                     stored.value("snapshot_every", nlohmann::json()).dump(),
                     stored.value("seed", nlohmann::json()).dump());
}

// The run's cost as its trajectory records it (every call that made it, whoever ran it).
void read_cost(StudyRun& run) {
  const auto cost = read_run_cost(run.trajectory);
  if (!cost || cost->wall_seconds <= 0) return;  // made by a glassy that did not record it
  run.md_seconds = cost->wall_seconds;
  run.atom_steps_per_second = cost->atom_steps / cost->wall_seconds;
}

// Refuses a trajectory (complete or interrupted) in the runs folder made by another run;
// `stored` is its recorded protocol.
void require_same_run(const std::filesystem::path& file, const nlohmann::json& stored,
                      const char* what, const ProductionOptions& p, double temperature,
                      const nlohmann::json& tg) {
  require(same_production_run(stored, p, temperature, tg), [&] {
    return fmt::format(
        "md study: {}{} holds another run ({}) than this study asks for (T = {}, {} tau, "
        "snapshots every {} steps, seed {}, from this glass); give another --runs folder or "
        "move it away",
        what, file.string(), describe(stored), temperature, p.duration_tau, p.snapshot_every,
        p.seed);
  });
}

// The recorded length of a trajectory's run, tau.
double recorded_duration(const nlohmann::json& stored) { return stored.value("duration_tau", 0.0); }

// Runs, resumes, extends or reuses one temperature's trajectory (run.temperature is already
// resolved). An interrupted run (or extension) of these options is resumed first: the complete
// file beside an interrupted extension stays until the longer one replaces it. With any_length
// (until_stated) a run of these options at least p's length, complete or interrupted, is taken
// at its own length.
void make_run(const std::filesystem::path& glass, const GlassState& start, ProductionOptions p,
              const TemperatureStudyOptions& o, StudyRun& run, bool any_length) {
  const nlohmann::json tg = start.tg ? start.tg->to_json() : nlohmann::json();
  const auto partial = TrajectoryWriter::partial_path(run.trajectory);
  const auto restart = restart_path(run.trajectory);
  const bool interrupted = std::filesystem::exists(partial) && std::filesystem::exists(restart);
  bool extend = false, resume = false;
  nlohmann::json interrupted_run;  // its recorded protocol
  if (interrupted) {
    interrupted_run = open_trajectory(partial)->header().protocol;
    if (any_length && same_production_run(interrupted_run, p, run.temperature, tg, true))
      p.duration_tau = std::max(p.duration_tau, recorded_duration(interrupted_run));
    resume = same_production_run(interrupted_run, p, run.temperature, tg);
  }
  if (!resume && std::filesystem::exists(run.trajectory)) {
    const auto stored = open_trajectory(run.trajectory)->header().protocol;
    const bool same_options = same_production_run(stored, p, run.temperature, tg, true);
    if (same_options && any_length && recorded_duration(stored) > p.duration_tau)
      p.duration_tau = recorded_duration(stored);
    if (same_production_run(stored, p, run.temperature, tg)) {
      run.how = "reused";
      run.duration_tau = p.duration_tau;
      run.steps = std::llround(p.duration_tau / p.timestep);
      read_cost(run);
      return;
    }
    // A shorter run of this study with its restart kept (and no other run interrupted there) is
    // extended; anything else there is refused.
    extend = same_options && recorded_duration(stored) < p.duration_tau &&
             std::filesystem::exists(restart) && !std::filesystem::exists(partial);
    if (!extend) require_same_run(run.trajectory, stored, "", p, run.temperature, tg);
  }
  if (interrupted && !resume && !extend)  // refused: it holds another run
    require_same_run(partial, interrupted_run, "the interrupted run ", p, run.temperature, tg);
  p.extend = extend;
  p.resume = resume;
  run.duration_tau = p.duration_tau;
  run.how = extend ? "extending" : resume ? "resuming" : "running";
  if (o.on_md_start) o.on_md_start(run);
  const auto r = run_production(glass, run.trajectory, p);
  require(r.complete, "md study: the run at " + run.label + " stopped before its end");
  run.how = extend ? "extended" : resume ? "resumed" : "ran";
  run.steps = r.steps;
  read_cost(run);
}

void analyse_waiting(const TemperatureStudyOptions& o, StudyRun& run) {
  WaitingStudyOptions w = o.waiting;
  w.fit.kind = o.compared;  // the main fit is exchange (or pooled); persistence is always fitted
  const auto s = study_waiting_times(run.trajectory, run.waiting_file, w);
  run.atoms = s.times.atoms;
  run.snapshots = s.times.snapshots;
  run.moves = s.times.event_count();
  const double span = s.times.snapshot_time.back() - s.times.snapshot_time.front();
  if (span > 0 && run.atoms > 0)
    run.moves_per_atom_per_tau =
        static_cast<double>(run.moves) / (static_cast<double>(run.atoms) * span);
  run.persistence = s.persistence;
  run.compared = o.compared == WaitingKind::kPersistence ? s.persistence : s.exchange;
}

StudyXpcs analyse_xpcs(const TemperatureStudyOptions& o, const StudyRun& run,
                       const std::filesystem::path& file) {
  StudyXpcs x;
  x.label = run.label;
  x.temperature = run.temperature;
  x.file = file;
  const auto sim = simulate_xpcs(run.trajectory, file, o.xpcs_options);
  ResultG2Request shell;
  shell.q_index = 0;  // region 0: the 3D shell
  const auto g = read_result_g2(file, shell);
  const double tau_s = sim.units.tau_seconds;
  for (std::size_t i = 0; i < g.t.size(); ++i) {
    if (!std::isfinite(g.g2[i]) || (!g.err.empty() && !(std::isfinite(g.err[i]) && g.err[i] > 0)))
      continue;
    x.lag_tau.push_back(g.t[i] / tau_s);
    x.g2.push_back(g.g2[i]);
    if (!g.err.empty()) x.g2_err.push_back(g.err[i]);
  }
  require(x.g2.size() >= 4, "md study: the simulated XPCS of " + run.trajectory.string() +
                                " has fewer than 4 lags; run longer or take snapshots more often");
  const double first = x.g2.front() - 1;
  x.remaining = first > 0 ? (x.g2.back() - 1) / first : 1.0;
  x.decayed = x.remaining <= o.decayed_fraction;
  // Unweighted, with errors from the residual scatter: the multi-tau errors treat the lags of one
  // trajectory as independent, which they are not (chi2_red 420 with them on 16,000 tau at
  // 1.0 Tf), and where one lag has none the file gives none at all.
  fit::FitOptions f;
  // A simulation has no shot noise and no static background: the intensities decorrelate
  // completely, so g2(inf) = 1 and only the contrast (which absorbs the vibrational drop before
  // the first lag) is free. A free baseline trades off against tau and beta when the run ends
  // before the decay does.
  f.free_contrast_baseline = true;
  f.fixed["baseline"] = 1.0;
  x.kww = fit::fit(fit::Model::Kww, x.lag_tau, x.g2, f);
  x.ml = fit::fit(fit::Model::MittagLeffler, x.lag_tau, x.g2, f);
  if (run.compared.stated) x.waiting_beta = run.compared.beta_prime;
  return x;
}

nlohmann::json fit_json(const fit::FitResult& r) {
  nlohmann::json j{{"model", r.model}, {"ok", r.ok}, {"reason", r.reason}};
  for (std::size_t k = 0; k < r.names.size(); ++k)
    j["parameters"][r.names[k]] = {{"value", r.value[k]}, {"error", r.error[k]}};
  j["chi2_red"] = r.chi2_red;
  j["errors_scaled_by_chi2"] = r.errors_scaled_by_chi2;
  j["aic"] = r.aic;
  j["n_points"] = r.n_points;
  return j;
}

nlohmann::json waiting_json(const WaitingFit& f) {
  nlohmann::json j{{"ok", f.ok},
                   {"reason", f.reason},
                   {"stated", f.stated},
                   {"refusals", f.refusals},
                   {"alpha", f.alpha},
                   {"alpha_err", f.alpha_error},
                   {"beta_prime", f.beta_prime},
                   {"xmin_tau", f.xmin_tau},
                   {"tail_decades", f.tail_decades},
                   {"n_tail", f.n_tail},
                   {"n_censored", f.n_censored},
                   {"run_factor_needed", f.run_factor_needed}};
  j["p_value"] = f.p_value ? nlohmann::json(*f.p_value) : nlohmann::json();
  return j;
}

// One run's shell g2 with its fitted curves (NaN where a fit failed).
void write_xpcs(const h5::Group& xg, const StudyXpcs& x) {
  xg.write<double>("lag_tau", x.lag_tau).attrs().set("units", "LJ tau");
  xg.write<double>("g2", x.g2).attrs().set("definition", "g2 of the 3D shell");
  if (!x.g2_err.empty()) xg.write<double>("g2_err", x.g2_err);
  std::vector<double> kww(x.lag_tau.size()), ml(x.lag_tau.size());
  for (std::size_t i = 0; i < x.lag_tau.size(); ++i) {
    kww[i] = x.kww.ok ? fit::evaluate(fit::Model::Kww, x.kww, x.lag_tau[i]) : std::nan("");
    ml[i] = x.ml.ok ? fit::evaluate(fit::Model::MittagLeffler, x.ml, x.lag_tau[i]) : std::nan("");
  }
  xg.write<double>("kww", kww);
  xg.write<double>("ml", ml);
}

nlohmann::json xpcs_json(const StudyXpcs& x, const TemperatureStudyOptions& o) {
  nlohmann::json j{{"label", x.label},
                   {"longest_lag_tau", x.lag_tau.back()},
                   {"temperature", x.temperature},
                   {"file", x.file.string()},
                   {"remaining", x.remaining},
                   {"decayed", x.decayed},
                   {"decayed_fraction", o.decayed_fraction},
                   {"kww", fit_json(x.kww)},
                   {"ml", fit_json(x.ml)}};
  j["waiting_beta"] = x.waiting_beta ? nlohmann::json(*x.waiting_beta) : nlohmann::json();
  return j;
}

void write_study_file(const h5::File& file, const std::filesystem::path& glass,
                      const TemperatureStudyOptions& o, const TemperatureStudy& s) {
  write_provenance(file);
  auto g = file.require_group("glassy/md/study");
  g.attrs().set("glass", glass.string());
  const std::size_t n = s.runs.size();
  std::vector<std::string> labels, how;
  std::vector<double> t(n), alpha(n), alpha_err(n), mle(n), mle_err(n), stated(n), decades(n),
      tail(n), p(n), moves(n), rate(n), md_seconds(n), duration(n);
  nlohmann::json runs = nlohmann::json::array();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = s.runs[i];
    labels.push_back(r.label);
    how.push_back(r.how);
    t[i] = r.temperature;
    alpha[i] = r.compared.stated ? r.compared.alpha : std::nan("");
    alpha_err[i] = r.compared.stated ? r.compared.alpha_error : std::nan("");
    mle[i] = r.compared.ok ? r.compared.alpha : std::nan("");
    mle_err[i] = r.compared.ok ? r.compared.alpha_error : std::nan("");
    stated[i] = r.compared.stated ? 1 : 0;
    decades[i] = r.compared.tail_decades;
    tail[i] = static_cast<double>(r.compared.n_tail);
    p[i] = r.compared.p_value.value_or(std::nan(""));
    moves[i] = static_cast<double>(r.moves);
    rate[i] = r.moves_per_atom_per_tau;
    md_seconds[i] = r.md_seconds;
    duration[i] = r.duration_tau;
    runs.push_back({{"label", r.label},
                    {"temperature", r.temperature},
                    {"trajectory", r.trajectory.string()},
                    {"waiting_file", r.waiting_file.string()},
                    {"how", r.how},
                    {"md_seconds", r.md_seconds},
                    {"atom_steps_per_second", r.atom_steps_per_second},
                    {"steps", r.steps},
                    {"duration_tau", r.duration_tau},
                    {"atoms", r.atoms},
                    {"snapshots", r.snapshots},
                    {"moves", r.moves},
                    {"moves_per_atom_per_tau", r.moves_per_atom_per_tau},
                    {"compared", waiting_json(r.compared)},
                    {"persistence", waiting_json(r.persistence)}});
  }
  g.write_strings("label", labels);
  g.write_strings("how", how);
  g.write<double>("temperature", t).attrs().set("units", "LJ epsilon/k_B");
  g.write<double>("alpha", alpha)
      .attrs()
      .set("definition",
           "1 + beta' of the compared waiting times; NaN "
           "where no exponent is stated");
  g.write<double>("alpha_err", alpha_err);
  g.write<double>("alpha_mle", mle)
      .attrs()
      .set("definition",
           "the maximum-likelihood 1 + beta' wherever a fit ran, stated or not (NaN: no fit); "
           "where not stated it is shown, never claimed");
  g.write<double>("alpha_mle_err", mle_err);
  g.write<double>("stated", stated);
  g.write<double>("tail_decades", decades);
  g.write<double>("n_tail", tail);
  g.write<double>("p_value", p);
  g.write<double>("moves", moves);
  g.write<double>("moves_per_atom_per_tau", rate);
  g.write<double>("md_seconds", md_seconds).attrs().set("units", "s");
  g.write<double>("duration_tau", duration).attrs().set("units", "LJ tau");

  const char* kinds[] = {"exchange", "persistence", "pooled"};
  nlohmann::json summary{{"compared", kinds[static_cast<int>(o.compared)]},
                         {"runs", runs},
                         {"md_seconds", s.md_seconds},
                         {"runs_without_cost", s.runs_without_cost},
                         {"analysis_seconds", s.analysis_seconds},
                         {"until_stated_tau", o.until_stated_tau}};
  // How every run's x_min was chosen: null by KS, else fixed in snapshot intervals (md ensemble
  // compares only studies that chose it alike).
  summary["xmin_intervals"] =
      o.waiting.fit.xmin ? nlohmann::json(*o.waiting.fit.xmin) : nlohmann::json();
  summary["hours_per_microsecond"] =
      s.hours_per_microsecond ? nlohmann::json(*s.hours_per_microsecond) : nlohmann::json();
  summary["trap_model"] = {{"ok", s.trap.ok},  {"reason", s.trap.reason}, {"points", s.trap.points},
                           {"t0", s.trap.t0},  {"t0_err", s.trap.t0_err}, {"chi2", s.trap.chi2},
                           {"dof", s.trap.dof}};
  summary["trap_model"]["p_value"] =
      s.trap.p_value ? nlohmann::json(*s.trap.p_value) : nlohmann::json();
  if (s.xpcs) {
    write_xpcs(g.require_group("xpcs"), *s.xpcs);
    summary["xpcs"] = xpcs_json(*s.xpcs, o);
  }
  if (!s.colder_xpcs.empty()) {
    auto colder = g.require_group("xpcs_colder");
    summary["xpcs_colder"] = nlohmann::json::array();
    for (const auto& x : s.colder_xpcs) {
      write_xpcs(colder.require_group("T" + x.label), x);
      summary["xpcs_colder"].push_back(xpcs_json(x, o));
    }
  }
  g.attrs().set("summary", summary.dump());
}

// `inputs`: the glass and every file of the runs folder, none of which `out` may be.
void write_study(const std::filesystem::path& out, const std::vector<std::filesystem::path>& inputs,
                 const TemperatureStudyOptions& o, const TemperatureStudy& s,
                 const std::filesystem::path& glass) {
  AtomicOutput result(out, inputs);
  write_study_file(h5::File::create(result.temp_path()), glass, o, s);
  result.commit();
}

}  // namespace

std::string temperature_label(const std::string& text) {
  ProductionOptions p;
  set_temperature(text, p);
  if (p.temperature > 0) return fmt::format("{:g}", p.temperature);
  return fmt::format("{:g}{}", p.tg_fraction, p.fictive_tg ? "Tf" : "Tg");
}

std::filesystem::path study_run_file(const std::filesystem::path& runs, const std::string& label,
                                     const std::string& suffix) {
  return runs / ("T" + label + suffix);
}

TrapModelFit fit_trap_model(std::span<const double> temperature, std::span<const double> beta_prime,
                            std::span<const double> beta_prime_err) {
  require(temperature.size() == beta_prime.size() && beta_prime.size() == beta_prime_err.size(),
          "fit_trap_model: temperature, beta' and errors must have one value each");
  TrapModelFit f;
  f.points = temperature.size();
  if (f.points < 2) {
    f.reason = fmt::format(
        "{} stated exponent(s); the trap model's T/T0 needs at least 2 to be "
        "tested",
        f.points);
    return f;
  }
  // beta' = s T, s = 1 / T0: weighted least squares through the origin.
  double stt = 0, sty = 0;
  for (std::size_t i = 0; i < f.points; ++i) {
    require(std::isfinite(temperature[i]) && temperature[i] > 0 && std::isfinite(beta_prime[i]) &&
                std::isfinite(beta_prime_err[i]) && beta_prime_err[i] > 0,
            "fit_trap_model: temperatures, exponents and errors must be finite, T and errors > 0");
    const double w = 1 / (beta_prime_err[i] * beta_prime_err[i]);
    stt += w * temperature[i] * temperature[i];
    sty += w * temperature[i] * beta_prime[i];
  }
  const double slope = sty / stt, slope_err = 1 / std::sqrt(stt);
  if (!(slope > 0)) {
    f.reason = fmt::format(
        "the exponents fall with temperature (1/T0 = {:.3g}); the trap model "
        "needs beta' to grow with T",
        slope);
    return f;
  }
  for (std::size_t i = 0; i < f.points; ++i) {
    const double r = (beta_prime[i] - slope * temperature[i]) / beta_prime_err[i];
    f.chi2 += r * r;
  }
  f.ok = true;
  f.t0 = 1 / slope;
  f.t0_err = slope_err / (slope * slope);
  f.dof = f.points - 1;
  f.p_value = boost::math::gamma_q(0.5 * static_cast<double>(f.dof), 0.5 * f.chi2);
  return f;
}

double next_study_duration(const TemperatureStudyOptions& o, const ProductionOptions& p,
                           const StudyRun& run) {
  if (o.until_stated_tau <= 0 || run.compared.stated || run.duration_tau >= o.until_stated_tau)
    return 0;
  const double factor =
      run.compared.run_factor_needed > 1 ? 1.25 * run.compared.run_factor_needed : 2.0;
  double next = run.duration_tau * factor;
  if (const std::int64_t steps = restart_interval_steps(p); steps > 0) {
    const double boundary = static_cast<double>(steps) * p.timestep;  // tau
    next = std::ceil(next / boundary - 1e-9) * boundary;
  }
  return std::min(next, o.until_stated_tau);
}

TemperatureStudy run_temperature_study(const std::filesystem::path& glass,
                                       const std::filesystem::path& out,
                                       const TemperatureStudyOptions& o) {
  require(ranks().size() == 1,
          "md study runs in one process: under mpirun, run each temperature with `mpirun ... "
          "glassy md run GLASS --out RUNS/T<temperature>.h5` and the study's options, then run "
          "the study without mpirun to reuse them");
  require(!o.temperatures.empty(), "md study: give at least one temperature (--temperatures)");
  require(o.run.duration_tau > 0, "md study: the run length (--time) must be positive");
  require(o.until_stated_tau == 0 || o.until_stated_tau >= o.run.duration_tau,
          "md study: --until-stated is the longest a run may grow: give at least --time");
  require(o.decayed_fraction > 0 && o.decayed_fraction < 1,
          "md study: the decayed fraction must lie in (0, 1)");
  check_output(out, {glass});
  const auto runs_dir = o.runs.empty() ? std::filesystem::path(out.string() + ".runs") : o.runs;
  const GlassState start = read_start_state(glass);

  TemperatureStudy s;
  std::set<std::string> seen;
  std::vector<ProductionOptions> plan;
  for (const auto& text : o.temperatures) {
    StudyRun r;
    r.label = temperature_label(text);
    require(seen.insert(r.label).second, "md study: temperature " + r.label + " is given twice");
    plan.push_back(run_options(o, text));
    r.temperature = production_temperature(plan.back(), start);  // refuses 0.8Tf without Tf
    r.trajectory = study_run_file(runs_dir, r.label);
    r.waiting_file = study_run_file(runs_dir, r.label, ".waiting.h5");
    s.runs.push_back(r);
  }
  // The study reads its trajectories and writes the other files of the runs folder: --out there
  // would destroy a run (or the analyses just written), and a glass there would be written over.
  // Compared by path before anything runs (the files may not exist yet), and by identity (links)
  // when the study file is written.
  std::vector<std::filesystem::path> run_files;
  for (const auto& r : s.runs)
    for (const auto& f :
         {r.trajectory, TrajectoryWriter::partial_path(r.trajectory), restart_path(r.trajectory),
          r.waiting_file, study_run_file(runs_dir, r.label, ".xpcs.h5")})
      run_files.push_back(f);
  const auto same = [](const std::filesystem::path& a, const std::filesystem::path& b) {
    return std::filesystem::weakly_canonical(a) == std::filesystem::weakly_canonical(b);
  };
  for (const auto& f : run_files) {
    require(!same(out, f), "--out " + out.string() + " is " + f.string() +
                               ", a file the study keeps in its runs folder: writing there would "
                               "destroy it; choose another --out or --runs");
    require(!same(glass, f), "the glass " + glass.string() + " is " + f.string() +
                                 ", where the study keeps one of its run files; give another "
                                 "--runs folder");
  }
  std::filesystem::create_directories(runs_dir);

  double atom_steps = 0;
  const bool any_length = o.until_stated_tau > 0;
  for (std::size_t i = 0; i < s.runs.size(); ++i) {
    auto& r = s.runs[i];
    // until_stated: longer, from the restart kept at the end, while the evidence asks for it.
    for (ProductionOptions p = plan[i]; p.duration_tau > 0;
         p.duration_tau = next_study_duration(o, plan[i], r)) {
      make_run(glass, start, p, o, r, any_length);
      const auto t0 = Clock::now();
      analyse_waiting(o, r);
      s.analysis_seconds += seconds_since(t0);
    }
    s.md_seconds += r.md_seconds;
    atom_steps += r.atom_steps_per_second * r.md_seconds;
    if (r.md_seconds <= 0) ++s.runs_without_cost;
    if (o.on_run) o.on_run(r);
  }
  if (s.md_seconds > 0 && atom_steps > 0) {
    // One microsecond of this model's time at the measured atom-steps per second.
    const double steps_per_us = 1e-6 / (o.run.units.tau_seconds * o.run.timestep);
    s.hours_per_microsecond = steps_per_us * static_cast<double>(start.species.size()) /
                              (atom_steps / s.md_seconds) / 3600;
  }

  std::vector<double> t, beta, err;
  for (const auto& r : s.runs)
    if (r.compared.stated) {
      t.push_back(r.temperature);
      beta.push_back(r.compared.beta_prime);
      err.push_back(r.compared.beta_prime_error);
    }
  s.trap = fit_trap_model(t, beta, err);

  if (o.xpcs) {
    const auto hottest = std::max_element(
        s.runs.begin(), s.runs.end(),
        [](const StudyRun& a, const StudyRun& b) { return a.temperature < b.temperature; });
    const auto t0 = Clock::now();
    s.xpcs = analyse_xpcs(o, *hottest, study_run_file(runs_dir, hottest->label, ".xpcs.h5"));
    if (o.xpcs_all)
      for (const auto& r : s.runs)
        if (r.label != hottest->label)
          s.colder_xpcs.push_back(
              analyse_xpcs(o, r, study_run_file(runs_dir, r.label, ".xpcs.h5")));
    s.analysis_seconds += seconds_since(t0);
  }
  run_files.push_back(glass);
  write_study(out, run_files, o, s, glass);
  return s;
}

}  // namespace glassy::md
