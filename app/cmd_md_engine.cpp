// glassy md prepare|tg|run: make a Wahnström glass (random start, melt, quench, anneal), estimate
// its Tg from the cooling curve, and run it isothermally (the paper: 0.8 Tg) with snapshots
// streamed from LAMMPS memory into an HDF5 trajectory. All in-process on LAMMPS; under
// `mpirun -np N glassy md run ...` LAMMPS runs on N ranks and rank 0 writes the files.
#include "commands.hpp"

#include <glassy/core/atomic_file.hpp>

#include <glassy/core/error.hpp>
#include <glassy/md/protocols.hpp>

#include <fmt/format.h>

#include <cstdio>

namespace glassy::cli {
namespace {

// The second estimate (md/tg FictiveTg), beside the two lines; they differ by the breadth of
// the transition, which a fast quench widens (docs/md.md).
void print_fictive(const md::TgEstimate& tg) {
  if (!tg.fictive) return;
  const auto& f = *tg.fictive;
  std::printf(
      "  fictive Tg = %.4f +- %.4f (glass line of %zu points meets the liquid's a + b "
      "T^(3/5), %zu points; on quench rates see docs/md.md)\n",
      f.tg, f.tg_err, f.glass_points, f.liquid_points);
}

void register_prepare(CLI::App& md) {
  auto* cmd = md.add_subcommand(
      "prepare", "Make a Wahnström glass: random start, melt, quench, anneal (+ cooling curve)");
  struct Args {
    std::string out, protocol = "quench";
    std::vector<double> slow_window;
    md::PrepareOptions o;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--out", a->out, "Glass file (HDF5: final state, cooling curve, Tg)")->required();
  cmd->add_option("--protocol", a->protocol,
                  "quench (one rate; default) or relaxed: 1e-4/tau across 0.9..0.45, 1e-2/tau "
                  "elsewhere (the options below override its values)");
  cmd->add_option("--atoms", a->o.atoms, "Number of atoms (default 4000, 50:50)");
  cmd->add_option("--density", a->o.model.density, "Number density, sigma_SS^-3 (default 0.75)");
  cmd->add_option("--seed", a->o.seed, "Random seed (default 12345)");
  cmd->add_option("--t-melt", a->o.t_melt, "Melt temperature, LJ (default 2.0)");
  cmd->add_option("--melt-time", a->o.melt_time, "Time at the melt temperature, tau (default 50)");
  cmd->add_option("--t-end", a->o.t_end, "Temperature at the end of the quench (default 0.1)");
  cmd->add_option("--cooling-rate", a->o.cooling_rate,
                  "Quench rate, LJ temperature per tau (default 1e-3)");
  cmd->add_option("--fast-rate", a->o.fast_rate,
                  "Rate outside the slow window, T per tau (with --slow-window)");
  cmd->add_option("--slow-window", a->slow_window,
                  "HIGH LOW: cool at --cooling-rate only between these temperatures")
      ->expected(2);
  cmd->add_option("--anneal-time", a->o.anneal_time, "Time at --t-end after the quench, tau");
  cmd->add_option("--ensemble", a->o.ensemble, "nvt (constant density; default) or npt");
  cmd->add_option("--pressure", a->o.pressure, "Pressure for npt, LJ units");
  cmd->add_option("--timestep", a->o.timestep, "MD time step, tau (default 0.005)");
  cmd->add_option("--restart-every", a->o.restart_every,
                  "Steps between restart files for --resume (default 0: none)");
  cmd->add_flag("--resume", a->o.resume,
                "Continue an interrupted run from OUT.restart and OUT.prepare.json");
  cmd->add_option("--stop-after-step", a->o.stop_after_step,
                  "Stop (resumably) at the first restart after this step");
  cmd->callback([a, cmd] {
    check_output(a->out);
    require(a->o.stop_after_step == 0 || a->o.restart_every > 0,
            "--stop-after-step needs --restart-every (the restart it stops at)");
    require(a->o.ensemble == "nvt" || a->o.ensemble == "npt", "--ensemble must be nvt or npt");
    require(a->protocol == "quench" || a->protocol == "relaxed",
            "--protocol '" + a->protocol + "' unknown: use quench or relaxed");
    if (a->protocol == "relaxed") {
      const auto relaxed = md::relaxed_protocol(a->o);
      if (cmd->count("--cooling-rate") == 0) a->o.cooling_rate = relaxed.cooling_rate;
      if (cmd->count("--fast-rate") == 0) a->o.fast_rate = relaxed.fast_rate;
      if (cmd->count("--slow-window") == 0)
        a->o.slow_from = relaxed.slow_from, a->o.slow_to = relaxed.slow_to;
    }
    if (!a->slow_window.empty()) {
      a->o.slow_from = a->slow_window[0];
      a->o.slow_to = a->slow_window[1];
      require(a->o.fast_rate > 0, "--slow-window needs --fast-rate (or --protocol relaxed)");
    }
    const auto r = md::prepare_glass(a->o, a->out);
    if (!r.complete) {
      std::printf("stopped; resume with --resume: %s.restart and %s (%.1f s)\n", a->out.c_str(),
                  md::prepare_checkpoint_path(a->out).c_str(), r.seconds);
      return;
    }
    std::printf(
        "wrote %s: %zu atoms, quenched %.3g -> %.3g at %.3g per tau%s, %zu cooling-curve "
        "points (%.1f s)\n",
        a->out.c_str(), r.state.species.size(), a->o.t_melt, a->o.t_end, a->o.cooling_rate,
        a->o.fast_rate > 0 ? fmt::format(" between {:.3g} and {:.3g} ({:.3g} per tau outside)",
                                         a->o.slow_from, a->o.slow_to, a->o.fast_rate)
                                 .c_str()
                           : "",
        r.cooling.size(), r.seconds);
    if (r.state.tg) {
      std::printf("  Tg = %.4f +- %.4f (LJ), from the %s cooling curve\n", r.state.tg->tg,
                  r.state.tg->tg_err, r.state.tg->quantity.c_str());
      print_fictive(*r.state.tg);
    }
  });
}

void register_tg(CLI::App& md) {
  auto* cmd = md.add_subcommand(
      "tg", "Estimate Tg of a glass file from its cooling curve (two-line fit) and store it");
  struct Args {
    std::string in;
    md::TgOptions o;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("GLASS", a->in, "Glass file written by `glassy md prepare`")->required();
  cmd->add_option("--quantity", a->o.quantity,
                  "potential_energy (default) or volume (for npt quenches)");
  cmd->add_option("--t-min", a->o.t_min, "Lowest temperature fitted (default: the curve's)");
  cmd->add_option("--t-max", a->o.t_max,
                  "Highest temperature fitted (default 1.0: above it the liquid branch curves)");
  cmd->add_flag("!--fixed-range", a->o.range_from_data,
                "Fit exactly --t-min..--t-max (default: each line only where the curve is "
                "straight inside it, chosen by the data and reported)");
  cmd->callback([a] {
    require(a->o.quantity == "potential_energy" || a->o.quantity == "volume",
            "--quantity must be potential_energy or volume");
    const auto tg = md::estimate_and_store_tg(a->in, a->o);
    std::printf(
        "Tg = %.4f +- %.4f (LJ) from %zu points of %s in T = %.3g..%.3g (%s); slopes: glass "
        "%.4g +- %.2g, liquid %.4g +- %.2g; rms residual %.3g; stored in %s\n",
        tg.tg, tg.tg_err, tg.points, tg.quantity.c_str(), tg.t_min, tg.t_max,
        tg.range_from_data ? "where the curve is straight, chosen by the data" : "as given",
        tg.glass_slope, tg.glass_slope_err, tg.liquid_slope, tg.liquid_slope_err, tg.rms_residual,
        a->in.c_str());
    print_fictive(tg);
  });
}

void register_run(CLI::App& md) {
  auto* cmd = md.add_subcommand(
      "run", "Isothermal NVT production from a glass, snapshots streamed to an HDF5 trajectory");
  struct Args {
    std::string in, out, temperature, duration;
    md::ProductionOptions o;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("START", a->in, "Glass file (or LAMMPS data file) to start from")->required();
  cmd->add_option("--out", a->out, "Trajectory file (HDF5)")->required();
  cmd->add_option("--temperature", a->temperature,
                  "LJ temperature (0.35), fraction of the glass's Tg (0.8Tg) or of its fictive "
                  "Tg (0.8Tf)")
      ->required();
  cmd->add_option("--time", a->duration,
                  "Run length: tau (2000 or 2000tau) or physical (500ps, 20ns, 1.5us)")
      ->required();
  cmd->add_option("--every", a->o.snapshot_every, "Steps between snapshots (default 100)");
  cmd->add_option("--restart-every", a->o.restart_every,
                  "Steps between restart files (default 10000; 0: none)");
  cmd->add_option("--timestep", a->o.timestep, "MD time step, tau (default 0.005)");
  cmd->add_option("--seed", a->o.seed, "Velocity seed (default 1)");
  cmd->add_flag("--keep-velocities", a->o.keep_velocities,
                "Start from the file's velocities instead of fresh ones at T");
  cmd->add_flag("--resume", a->o.resume, "Continue an interrupted run from its restart file");
  cmd->add_flag("--keep-restart", a->o.keep_restart,
                "Keep the restart file after the run, so that --extend can make it longer");
  cmd->add_flag("--extend", a->o.extend,
                "Make the complete run OUT longer (to --time) from the restart kept with it; "
                "the frames equal one run of the whole length");
  cmd->add_option("--stop-after-step", a->o.stop_after_step,
                  "Stop (resumably) after this step, e.g. to fit a batch time limit");
  cmd->callback([a] {
    check_output(a->out, {a->in});
    md::set_temperature(a->temperature, a->o);
    a->o.duration_tau = md::parse_duration_tau(a->duration, a->o.units);
    const auto r = md::run_production(a->in, a->out, a->o);
    if (!r.root) return;  // under mpirun only rank 0 writes the file and reports it
    std::printf(
        "%s %s: T = %.4f, steps %lld..%lld of %lld, %zu snapshots, %.3g atom-steps/s (%.1f s)\n",
        r.complete ? "wrote" : "stopped; resume with --resume:", r.trajectory.string().c_str(),
        r.temperature, static_cast<long long>(r.first_step), static_cast<long long>(r.last_step),
        static_cast<long long>(r.steps), r.frames, r.atom_steps_per_second, r.seconds);
  });
}

}  // namespace

void register_md_engine(CLI::App& md) {
  register_prepare(md);
  register_tg(md);
  register_run(md);
}

}  // namespace glassy::cli
