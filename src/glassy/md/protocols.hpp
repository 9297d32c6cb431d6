// md/protocols: the simulation protocols of `glassy md prepare | tg | run`, all on in-process
// LAMMPS (md::LammpsSession), in LJ units, run in chunks ("run K pre no post no") so that progress
// (with ETA), snapshots and restarts happen between chunks.
//
//   prepare_glass   random start -> soft push-off and minimisation -> melt at T_melt -> linear
//                   quench to T_end at a rate, recording the cooling curve -> optional anneal ->
//                   glass file (md/glass_file.hpp)
//   estimate_and_store_tg (md/glass_file.hpp) fits Tg to the cooling curve (md/tg.hpp)
//   run_production  isothermal NVT (Nose-Hoover) from a glass or LAMMPS data file at T or a
//                   fraction of Tg, snapshots streamed from LAMMPS memory into an HDF5 trajectory,
//                   restart files for resume
//   run_nve         constant-energy run that records the energies (tests, checks)
#pragma once

#include <glassy/md/glass_file.hpp>
#include <glassy/md/lammps_session.hpp>
#include <glassy/md/model.hpp>
#include <glassy/md/trajectory.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace glassy::md {

// ---------------- prepare ----------------

struct PrepareOptions {
  WahnstromModel model;        // its density (0.75) sets the box of the random start
  std::size_t atoms = 4000;    // N; round(N * small_fraction) small atoms, the rest large
  std::uint64_t seed = 12345;  // random start and initial velocities
  double timestep = 0.005;     // LJ tau per step
  double t_melt = 2.0;         // melt temperature (well above the liquid's Tg ~ 0.5)
  double melt_time = 50;       // tau at t_melt (the liquid forgets the random start in ~1 tau)
  double t_end = 0.1;          // end of the quench
  // Linear quench rate in T per tau. 1e-3 (default) takes 1900 tau from 2.0 to 0.1, about
  // 10 min for N = 4000 on one core; 1e-4 gives a better-relaxed glass at 10x the cost.
  double cooling_rate = 1e-3;
  // A slow window (fast_rate > 0): cooling_rate only across [slow_to, slow_from], fast_rate
  // above and below it. Above the window the liquid is in equilibrium at any rate, below it the
  // glass is frozen (docs/md.md, measured), so only the window sets how relaxed the glass is.
  double fast_rate = 0;  // T per tau; 0: cooling_rate over the whole quench
  double slow_from = 0, slow_to = 0;
  double anneal_time = 0;  // tau at t_end after the quench
  // Cooling curve: one point (averaged over the interval, sampled every 10 steps) per
  // `record_every_dt` of temperature; 0.01 gives ~190 points from 2.0 to 0.1.
  double record_every_dt = 0.01;
  double thermostat_damping = 100;  // steps (Nose-Hoover T damping = 100 dt)
  std::string ensemble = "nvt";     // "nvt" (constant density, default) or "npt"
  // Pressure for "npt" (LJ units); required then: the liquid at T = 2 needs a positive pressure
  // (about 10 at density 0.75) or it boils.
  double pressure = std::numeric_limits<double>::quiet_NaN();
  double barostat_damping = 1000;  // steps
  UnitMapping units;               // stored in the file for later conversions
  // Fit Tg to the cooling curve with the TgOptions defaults and store it when the fit succeeds
  // (`glassy md tg` refits with other options); a failed fit leaves the file without Tg.
  bool estimate_tg = true;
  // Resumable runs: every `restart_every` steps (0: never) a LAMMPS restart "<out>.restart"
  // and "<out>.prepare.json" (where the protocol is, the cooling curve so far); `resume`
  // continues from them, giving the uninterrupted glass. `stop_after_step` (> 0) stops at the
  // first restart at or after it, leaving both, as an interruption would.
  std::int64_t restart_every = 0;
  bool resume = false;
  std::int64_t stop_after_step = 0;

  nlohmann::json to_json() const;  // the protocol (not how it is run: restarts, resume, stop)
};

struct PrepareResult {
  GlassState state;
  CoolingCurve cooling;
  double seconds = 0;           // wall time of this call
  bool complete = true;         // false: stopped by stop_after_step, resumable
  std::int64_t first_step = 0;  // where this call started (> 0 after a resume)
};

std::filesystem::path prepare_checkpoint_path(const std::filesystem::path& out);

// `glassy md prepare --protocol relaxed`: a slow window across the transition of the Wahnström
// model (0.9 -> 0.45: above it the liquid is in equilibrium at 2e-3/tau, below it the glass is
// frozen), 1e-4/tau inside it and 1e-2/tau outside, on `base`'s other settings: a 1000-atom glass
// with a system-spanning IFK network (96 % of the IFK atoms in one cluster) in ~11 min on two
// cores, a quarter of the cost of a 1e-4/tau quench from the melt (docs/md.md, measured).
PrepareOptions relaxed_protocol(PrepareOptions base);

// Runs the protocol and writes `out` (glass file, atomically, on the root rank only). Every MPI
// rank must call it.
PrepareResult prepare_glass(const PrepareOptions& options, const std::filesystem::path& out);

// ---------------- production ----------------

struct ProductionOptions {
  double temperature = 0;  // absolute T (LJ); > 0 takes precedence over tg_fraction
  double tg_fraction = 0;  // T = tg_fraction * Tg from the glass file (the paper: 0.8)
  // Which Tg the fraction is of: the two-line kink (false) or the fictive temperature (true;
  // md/tg FictiveTg), which does not wander with the quench rate (docs/md.md).
  bool fictive_tg = false;
  double duration_tau = 0;  // run length in tau (parse_duration_tau() converts ns, us, ...)
  std::int64_t snapshot_every = 100;  // steps between trajectory frames (frame 0 = the start)
  // Steps between LAMMPS restart files ("<out>.restart"), rounded up to a multiple of
  // snapshot_every; 0 = none (no resume possible).
  std::int64_t restart_every = 10000;
  double timestep = 0.005;
  double thermostat_damping = 100;  // steps (Nose-Hoover T damping = 100 dt)
  // Fresh Gaussian velocities at T (seeded, zero total momentum) unless keep_velocities and the
  // start file has velocities.
  std::uint64_t seed = 1;
  bool keep_velocities = false;
  bool resume = false;  // continue "<out>.partial" from "<out>.restart"
  // Stop after the frame at this step (> 0), leaving the partial trajectory and the last restart
  // for a later resume, as an interrupted run would; for batch time limits and tests.
  std::int64_t stop_after_step = 0;
  // Keep "<out>.restart" after a complete run, so that it can be extended: written at the end
  // when the run's length is a multiple of restart_every, else the last one before the end.
  bool keep_restart = false;
  // Continue the complete run `out` to this longer duration from the restart kept with it. The
  // frames after that restart are made again, so the longer trajectory equals one run of the
  // whole duration with the same restart_every, bit for bit; the complete file stays in place until
  // the longer one replaces it, and an interrupted extension resumes like any run.
  bool extend = false;
  UnitMapping units;  // stored in the trajectory header

  nlohmann::json to_json() const;
};

struct ProductionResult {
  std::filesystem::path trajectory;  // `out` when complete, else the partial file
  bool complete = false;
  double temperature = 0;
  std::int64_t steps = 0;            // total steps of the run (not only this call)
  std::int64_t first_step = 0;       // where this call started (> 0 after a resume)
  std::int64_t last_step = 0;        // where this call ended (steps when complete)
  bool root = true;                  // MPI rank 0 (the rank that writes and reports)
  std::size_t frames = 0;            // frames in the trajectory (root rank; 0 on the others)
  double seconds = 0;                // wall time of this call
  double atom_steps_per_second = 0;  // of this call, snapshots included
};

// Reads a temperature as `glassy md run --temperature` and `md study --temperatures` take it:
// "0.8Tg" (a fraction of the glass's two-line Tg), "0.8Tf" (of its fictive Tg) or an absolute LJ
// temperature "0.35"; sets temperature, tg_fraction and fictive_tg of `options`.
void set_temperature(const std::string& text, ProductionOptions& options);

// The run's temperature: options.temperature, or tg_fraction * Tg of the start state (clear error
// when it has none).
double production_temperature(const ProductionOptions& options, const GlassState& start);

std::filesystem::path restart_path(const std::filesystem::path& out);  // "<out>.restart"

// Steps between the restarts a run writes: restart_every rounded up to a multiple of
// snapshot_every (restarts fall on snapshots); 0 = none.
std::int64_t restart_interval_steps(const ProductionOptions& options);

// Whether a trajectory's recorded protocol (`stored`) is the run `options` asks for at the
// resolved `temperature` from the glass with this Tg record (restart_every and the start file's
// path do not change a trajectory). With any_duration, of any length.
bool same_production_run(const nlohmann::json& stored, const ProductionOptions& options,
                         double temperature, const nlohmann::json& tg, bool any_duration = false);

// `start`: glass file or LAMMPS data file. Every MPI rank must call it; the root rank writes.
ProductionResult run_production(const std::filesystem::path& start,
                                const std::filesystem::path& out, const ProductionOptions& options);

// ---------------- NVE ----------------

struct EnergySeries {
  std::vector<std::int64_t> step;
  std::vector<double> potential, kinetic, total;  // per atom
};

// Constant-energy velocity-Verlet run of `steps` on the session's current state; energies at the
// start and every `record_every` steps.
EnergySeries run_nve(LammpsSession& session, std::int64_t steps, std::int64_t record_every);

}  // namespace glassy::md
