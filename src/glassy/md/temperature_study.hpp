// md/temperature_study: `glassy md study`, the paper's atomistic result where two cores reach it.
// From one glass, an isothermal run per temperature (md/production), the waiting-time law of each
// with its evidence (md/waiting: the exponent is stated only when the tail holds it), 1 + beta'
// against T beside the trap model's 1 + T/T0, and simulated XPCS (md/xpcs) of the hottest run
// fitted with KWW and Mittag-Leffler (the paper could not fit at 0.8 Tg: g2 had not decayed).
//
// The runs live in a folder of trajectories, T<label>.h5 (temperature_label: 1.0Tf -> T1Tf.h5),
// which the study reuses when a
// run with the same options is complete there and resumes when it was interrupted (its
// .partial and .restart, as `md run --resume`). A run made by hand with `glassy md run`
// (under mpirun too) into that folder, named so and with the same options, is reused as well;
// a file there from other options is refused, never overwritten.
#pragma once

#include <glassy/fit/fit.hpp>
#include <glassy/md/protocols.hpp>
#include <glassy/md/studies.hpp>
#include <glassy/md/xpcs.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace glassy::md {

struct StudyRun;

struct TemperatureStudyOptions {
  // md run's forms: "0.9Tf", "0.95Tg", "0.42" (LJ). At least one; distinct.
  std::vector<std::string> temperatures;
  // Duration, snapshot interval, seed, time step of every run; the temperature fields are set per
  // run from `temperatures`. Snapshots every 400 steps (2 tau) keep an 8,000-snapshot trajectory
  // of 1000 atoms near 200 MB; the waiting-time window (5 snapshots) then averages 10 tau.
  ProductionOptions run = [] {
    ProductionOptions o;
    o.snapshot_every = 400;
    return o;
  }();
  WaitingStudyOptions waiting;  // tracking and fit of every run
  // Which fitted waiting time enters 1 + beta'(T): exchange (the renewal waits; default),
  // persistence (the first move, more numerous but age-dependent) or pooled.
  WaitingKind compared = WaitingKind::kExchange;
  bool xpcs = true;       // simulated XPCS of the hottest run
  bool xpcs_all = false;  // and of every other run (colder_xpcs), to see how far each decays
  MdXpcsOptions xpcs_options;
  // The XPCS g2 of the shell must fall to this fraction of its first-lag amplitude (g2 - 1) for
  // the relaxation to count as seen; the fits are made either way and the verdict stated.
  double decayed_fraction = 0.5;
  std::filesystem::path runs;  // folder of the trajectories; empty: "<out>.runs"
  // 0: every run is run.duration_tau long. > 0 (tau): a run whose exponent is not stated is
  // extended by the length its evidence asks for (WaitingFit::run_factor_needed x 1.25, or 2x
  // when only the goodness of fit fails), rounded up to a restart boundary, up to this length,
  // and analysed again, until it is stated or this long. Runs of the study's options already
  // longer than run.duration_tau are taken at their length, interrupted ones resumed to theirs,
  // so a series of hours goes on across interruptions with the same command.
  double until_stated_tau = 0;
  // Called after each temperature's run and analysis, and before an MD run starts or resumes
  // (how = "running", "resuming" or "extending": a run of hours should say so before it begins).
  std::function<void(const StudyRun&)> on_run, on_md_start;
};

struct StudyRun {
  std::string label;  // "0.9Tf": the temperature as given, its number written shortest
  double temperature = 0;
  std::filesystem::path trajectory, waiting_file;
  std::string how;  // "ran", "resumed", "extended" or "reused"
  // The MD's cost as the trajectory records it (md/trajectory RunCost: every call that made it,
  // here or by hand); 0 for a trajectory of an older glassy, which did not record it.
  double md_seconds = 0;
  double atom_steps_per_second = 0;
  std::int64_t steps = 0;
  double duration_tau = 0;
  std::size_t atoms = 0, snapshots = 0, moves = 0;
  double moves_per_atom_per_tau = 0;
  WaitingFit compared, persistence;  // `compared` is the kind TemperatureStudyOptions::compared
};

// beta' = T / T0: the trap model's exponent (Bouchaud; exponential density of trap depths with
// width T0), fitted through the origin to the stated exponents by weighted least squares.
struct TrapModelFit {
  bool ok = false;
  std::string reason;      // why not ok
  std::size_t points = 0;  // stated exponents used
  double t0 = 0, t0_err = 0;
  double chi2 = 0;                // of beta' against T / T0, weights 1 / err^2
  std::size_t dof = 0;            // points - 1
  std::optional<double> p_value;  // chi2 survival (dof >= 1)
};

TrapModelFit fit_trap_model(std::span<const double> temperature, std::span<const double> beta_prime,
                            std::span<const double> beta_prime_err);

struct StudyXpcs {
  std::string label;
  double temperature = 0;
  std::filesystem::path file;
  std::vector<double> lag_tau, g2, g2_err;  // the 3D shell's g2
  double remaining = 0;  // (g2 - 1) at the longest lag over (g2 - 1) at the first
  bool decayed = false;  // remaining <= decayed_fraction
  fit::FitResult kww,
      ml;  // g2 = 1 + contrast R(t), tau in LJ tau; errors x sqrt(chi2_red) when > 1
  std::optional<double> waiting_beta;  // the stated beta' of that run's waiting times
};

struct TemperatureStudy {
  std::vector<StudyRun> runs;  // in the order given
  TrapModelFit trap;
  std::optional<StudyXpcs> xpcs;       // the hottest run
  std::vector<StudyXpcs> colder_xpcs;  // the others, in the order given (xpcs_all)
  double md_seconds = 0;               // MD wall time of the runs, as recorded (see StudyRun)
  std::size_t runs_without_cost = 0;   // runs whose trajectories record no cost
  double analysis_seconds = 0;         // this call
  // Hours of MD per microsecond at this atom count, from the recorded rate of the runs (absent
  // when none recorded its cost).
  std::optional<double> hours_per_microsecond;
};

// Runs (or reuses) the series and writes `out` (/glassy/md/study) atomically; the per-run
// waiting-time files T<label>.waiting.h5 and the XPCS file T<label>.xpcs.h5 go into the runs
// folder. One process: under mpirun, run each temperature with `mpirun ... md run` into the
// folder and let the study reuse them.
TemperatureStudy run_temperature_study(const std::filesystem::path& glass,
                                       const std::filesystem::path& out,
                                       const TemperatureStudyOptions& options);

// until_stated_tau: the next length of `run` (made with `run_options`, analysed) while its
// exponent is not stated, on a restart boundary so the next extension starts from the restart
// kept at its end, capped at until_stated_tau; 0 when stated, at the cap, or until_stated off.
double next_study_duration(const TemperatureStudyOptions& options,
                           const ProductionOptions& run_options, const StudyRun& run);

// The label of a temperature as md run takes it: its number written shortest and its unit
// ("0.90Tf" -> "0.9Tf", "0.4" -> "0.4"); throws glassy::Error on a malformed one.
std::string temperature_label(const std::string& text);

// "T<label><suffix>" in the runs folder: the trajectory (".h5"), its waiting-time result
// (".waiting.h5") and simulated XPCS (".xpcs.h5").
std::filesystem::path study_run_file(const std::filesystem::path& runs, const std::string& label,
                                     const std::string& suffix = ".h5");

}  // namespace glassy::md
