// glassy md study GLASS --temperatures 0.9Tf 1.0Tf ... --time 16000tau --out STUDY.h5: the
// temperature series of md/temperature_study (runs reused and resumed from --runs), each run's
// waiting-time law with its evidence, 1 + beta' against T beside the trap model 1 + T/T0, and
// the simulated XPCS of the hottest run fitted with KWW and Mittag-Leffler.
#include "commands.hpp"

#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/md/temperature_study.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

namespace glassy::cli {
namespace {

void print_run(const md::StudyRun& r) {
  std::printf("  T = %s (%.4f): %s, %zu snapshots over %.6g tau, %zu moves (%.3g per atom per tau)",
              r.label.c_str(), r.temperature, r.how.c_str(), r.snapshots, r.duration_tau, r.moves,
              r.moves_per_atom_per_tau);
  if (r.md_seconds > 0)
    std::printf(", MD %.0f s at %.3g atom-steps/s", r.md_seconds, r.atom_steps_per_second);
  else
    std::printf(", MD cost not recorded (an older glassy made it)");
  std::printf("\n");
  const auto& f = r.compared;
  if (f.stated) {
    std::printf("    1 + beta' = %.3f +- %.3f from %zu waits over %.2f decades (p = %.2f)\n",
                f.alpha, f.alpha_error, f.n_tail, f.tail_decades, f.p_value.value_or(0));
  } else if (!f.ok) {
    std::printf("    no exponent: %s\n", f.reason.c_str());
  } else {
    std::printf(
        "    no exponent stated (%zu waits over %.2f decades; their maximum-likelihood 1 + beta' "
        "would be %.3f +- %.3f):\n",
        f.n_tail, f.tail_decades, f.alpha, f.alpha_error);
    for (const auto& why : f.refusals) std::printf("      - %s\n", why.c_str());
  }
  if (!f.stated && f.run_factor_needed > 0)
    std::printf("    about %.3g times longer (%.3g tau) would meet the span and count conditions\n",
                f.run_factor_needed, f.run_factor_needed * r.duration_tau);
  std::fflush(stdout);
}

void print_fit(const char* name, const fit::FitResult& f, double longest_lag) {
  if (!f.ok) {
    std::printf("    %s: no fit (%s)\n", name, f.reason.c_str());
    return;
  }
  std::printf(
      "    %s: tau = %.4g +- %.2g tau, beta = %.3f +- %.3f, contrast %.3f, rms residual %.2g, "
      "AIC %.5g\n",
      name, f.param("tau"), f.error_of("tau"), f.param("beta"), f.error_of("beta"),
      f.param("contrast"), std::sqrt(f.chi2_red), f.aic);
  if (f.param("tau") > longest_lag)
    std::printf("      tau lies beyond the longest lag (%.4g tau): extrapolated by the model\n",
                longest_lag);
}

}  // namespace

void register_md_study(CLI::App& md) {
  auto* cmd = md.add_subcommand(
      "study",
      "Temperature series: waiting-time law per T, 1 + beta' vs the trap model, XPCS fits");
  struct Args {
    std::string in, out, runs, duration, until_stated, compared = "exchange";
    md::TemperatureStudyOptions o;
    bool no_xpcs = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("GLASS", a->in, "Glass file written by `glassy md prepare`")->required();
  cmd->add_option("--out", a->out, "Study file (HDF5, /glassy/md/study)")->required();
  cmd->add_option("--temperatures", a->o.temperatures,
                  "Temperatures as md run takes them: 0.9Tf 0.95Tf 1.0Tf (fictive Tg), 0.8Tg, 0.4")
      ->required();
  cmd->add_option("--time", a->duration,
                  "Length of each run: tau (16000 or 16000tau) or physical (35ns)")
      ->required();
  cmd->add_option("--until-stated", a->until_stated,
                  "Extend each run whose exponent is not stated by the length its evidence asks "
                  "for, up to this length (e.g. 120000tau), until stated; the same command goes "
                  "on after an interruption");
  cmd->add_option("--runs", a->runs,
                  "Folder of the runs, T<temperature>.h5, reused when complete and resumed when "
                  "interrupted (default OUT.runs)");
  cmd->add_option("--every", a->o.run.snapshot_every,
                  fmt::format("Steps between snapshots (default {})", a->o.run.snapshot_every));
  cmd->add_option("--seed", a->o.run.seed,
                  fmt::format("Velocity seed (default {})", a->o.run.seed));
  cmd->add_option("--restart-every", a->o.run.restart_every,
                  fmt::format("Steps between restart files (default {}); the one at the end of a "
                              "run is kept, so a later --time extends it",
                              a->o.run.restart_every));
  cmd->add_option("--timestep", a->o.run.timestep,
                  fmt::format("MD time step, tau (default {:g})", a->o.run.timestep));
  cmd->add_option("--compared", a->compared,
                  "Waiting times set against the trap model: exchange (default), persistence or "
                  "pooled");
  cmd->add_option("--window", a->o.waiting.tracking.window,
                  fmt::format("Snapshots averaged to remove vibrations (default {})",
                              a->o.waiting.tracking.window));
  cmd->add_option("--n-boot", a->o.waiting.fit.n_boot,
                  fmt::format("Simulated runs for each goodness-of-fit p (default {})",
                              a->o.waiting.fit.n_boot));
  cmd->add_option_function<double>(
         "--xmin", [a](double v) { a->o.waiting.fit.xmin = v; },
         "Fixed x_min of every run's fit in snapshot intervals, as md waiting takes it (default: "
         "by KS, per run); studies of several glasses compared at one x_min (md ensemble) then "
         "compare the same tail")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--no-xpcs", a->no_xpcs, "Skip the simulated XPCS of the hottest run");
  cmd->add_flag("--xpcs-all", a->o.xpcs_all,
                "Simulated XPCS of every run, each fitted, to see how far each decays");
  cmd->callback([a, cmd] {
    auto& o = a->o;
    require(a->compared == "exchange" || a->compared == "persistence" || a->compared == "pooled",
            "--compared must be exchange, persistence or pooled");
    o.compared = a->compared == "persistence" ? md::WaitingKind::kPersistence
                 : a->compared == "pooled"    ? md::WaitingKind::kPooled
                                              : md::WaitingKind::kExchange;
    o.run.duration_tau = md::parse_duration_tau(a->duration, o.run.units);
    if (!a->until_stated.empty())
      o.until_stated_tau = md::parse_duration_tau(a->until_stated, o.run.units);
    o.xpcs = !a->no_xpcs;
    if (!a->runs.empty()) o.runs = a->runs;
    o.on_run = print_run;
    o.on_md_start = [](const md::StudyRun& r) {
      std::printf("  T = %s (%.4f): %s %.6g tau of MD into %s\n", r.label.c_str(), r.temperature,
                  r.how.c_str(), r.duration_tau, r.trajectory.string().c_str());
      std::fflush(stdout);
    };
    provenance::record_input(a->in);
    provenance::record_options(given_options(*cmd));
    const auto s = md::run_temperature_study(a->in, a->out, o);
    const auto& t = s.trap;
    if (t.ok)
      std::printf(
          "trap model 1 + beta' = 1 + T/T0: T0 = %.4g +- %.2g from %zu temperatures, chi2 = %.3g "
          "for %zu dof (p = %.2g)\n",
          t.t0, t.t0_err, t.points, t.chi2, t.dof, t.p_value.value_or(0));
    if (t.ok)
      std::printf(
          "  (errors: this glass's fit errors only; glasses made alike differ by more, ~0.05 at "
          "N = 1000 (docs/md.md), so this chi2 alone cannot reject the model: combine studies of "
          "several glasses with `glassy md ensemble`)\n");
    else
      std::printf("trap model: not tested (%s)\n", t.reason.c_str());
    auto show = [](const md::StudyXpcs& x) {
      std::printf("simulated XPCS at T = %s: shell g2 - 1 falls to %.2f of its first lag (%s)\n",
                  x.label.c_str(), x.remaining,
                  x.decayed ? "decayed" : "not decayed enough for the fits to mean much");
      print_fit("KWW", x.kww, x.lag_tau.back());
      print_fit("Mittag-Leffler", x.ml, x.lag_tau.back());
      if (x.waiting_beta)
        std::printf("    the waiting times at this T predict beta = beta' = %.3f\n",
                    *x.waiting_beta);
    };
    if (s.xpcs) show(*s.xpcs);
    for (const auto& x : s.colder_xpcs) show(x);
    std::printf("wrote %s: MD %.0f s%s, analyses %.0f s", a->out.c_str(), s.md_seconds,
                s.runs_without_cost > 0
                    ? fmt::format(" ({} runs without a recorded cost)", s.runs_without_cost).c_str()
                    : "",
                s.analysis_seconds);
    if (s.hours_per_microsecond)
      std::printf(" (%.3g hours of MD per microsecond at this size on this machine)",
                  *s.hours_per_microsecond);
    std::printf("\n");
  });
}

}  // namespace glassy::cli
