// md::run_production: isothermal NVT with snapshots streamed from LAMMPS memory into an HDF5
// trajectory, restart files every M steps, resume.
//
// Resume is exact: at every restart boundary the uninterrupted run does what a resumed run does
// after read_restart, a full setup ("run ... pre yes": neighbour lists rebuilt, atoms sorted,
// forces recomputed). Both continue from bit-identical positions, velocities and thermostat
// state, so a resumed trajectory equals the uninterrupted one.
#include <glassy/core/error.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/md/protocols.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

namespace glassy::md {
namespace {

ThermoSample thermo_sample(LammpsSession& s, double timestep) {
  const double n = static_cast<double>(s.natoms());
  ThermoSample t;
  t.step = s.step();
  t.time = static_cast<double>(t.step) * timestep;
  t.temperature = s.thermo("temp");
  t.potential_energy = s.thermo("pe") / n;
  t.kinetic_energy = s.thermo("ke") / n;
  t.total_energy = t.potential_energy + t.kinetic_energy;
  t.pressure = s.thermo("press");
  return t;
}

void validate(const ProductionOptions& o) {
  require(o.duration_tau > 0, "md run: the duration must be positive (e.g. 2000tau or 5ns)");
  require(o.timestep > 0 && o.timestep < 0.05, "md run: timestep must be in (0, 0.05) tau");
  require(o.snapshot_every > 0, "md run: snapshot interval must be at least 1 step");
  require(o.restart_every >= 0, "md run: restart interval must be >= 0 steps (0 = none)");
  require(o.thermostat_damping > 0, "md run: thermostat damping must be positive (steps)");
  require(o.temperature >= 0 && o.tg_fraction >= 0,
          "md run: temperature and Tg fraction must be >= 0");
  require(o.temperature > 0 || o.tg_fraction > 0,
          "md run: give a temperature or a fraction of Tg (the paper: 0.8)");
  require(o.stop_after_step >= 0, "md run: stop_after_step must be >= 0");
}

}  // namespace

double production_temperature(const ProductionOptions& o, const GlassState& start) {
  if (o.temperature > 0) return o.temperature;
  require(o.tg_fraction > 0, "md run: give a temperature or a fraction of Tg (the paper: 0.8)");
  require(start.tg.has_value() && start.tg->tg > 0,
          "md run: a Tg fraction needs a glass file with a Tg estimate; run `glassy md tg` on it "
          "first or give an absolute temperature");
  if (!o.fictive_tg) return o.tg_fraction * start.tg->tg;
  require(start.tg->fictive.has_value() && start.tg->fictive->tg > 0,
          "md run: the glass file has no fictive Tg (its cooling curve does not reach both the "
          "liquid and the glass, or it predates it: run `glassy md tg` on it); use a fraction of "
          "Tg or an absolute temperature");
  return o.tg_fraction * start.tg->fictive->tg;
}

std::filesystem::path restart_path(const std::filesystem::path& out) {
  return std::filesystem::path(out.string() + ".restart");
}

std::int64_t restart_interval_steps(const ProductionOptions& o) {
  const std::int64_t k = o.snapshot_every;
  return o.restart_every == 0 ? 0 : (o.restart_every + k - 1) / k * k;
}

bool same_production_run(const nlohmann::json& stored, const ProductionOptions& p,
                         double temperature, const nlohmann::json& tg, bool any_duration) {
  if (!stored.is_object()) return false;
  const auto want = p.to_json();
  for (const char* key : {"protocol", "duration_tau", "snapshot_every", "timestep", "seed",
                          "thermostat_damping_steps", "keep_velocities"})
    if (!(any_duration && std::string(key) == "duration_tau") &&
        stored.value(key, nlohmann::json()) != want[key])
      return false;
  return stored.value("temperature_resolved", -1.0) == temperature &&
         stored.value("tg", nlohmann::json()) == tg;
}

namespace {

// --extend: checks that `out` is a complete run of these options, shorter, with its restart kept.
void check_extension(const std::filesystem::path& out, const ProductionOptions& o,
                     double temperature, const nlohmann::json& tg) {
  require(!o.resume,
          "md run: --extend continues a complete run and --resume an interrupted one; give one");
  require(std::filesystem::exists(out), [&] {
    return "md run --extend: there is no complete run '" + out.string() +
           "' to extend; make it first (with --keep-restart)";
  });
  const auto partial = TrajectoryWriter::partial_path(out);
  require(!std::filesystem::exists(partial), [&] {
    return "md run --extend: an interrupted run '" + partial.string() +
           "' is there; finish it with --resume first, or remove it";
  });
  require(std::filesystem::exists(restart_path(out)), [&] {
    return "md run --extend: no restart was kept with '" + out.string() +
           "'; make runs to be extended with --keep-restart (glassy md study keeps them)";
  });
  const auto stored = open_trajectory(out)->header().protocol;
  require(same_production_run(stored, o, temperature, tg, true), [&] {
    return "md run --extend: '" + out.string() +
           "' was made with another temperature, seed, time step, snapshot interval or glass; "
           "extend it with the options it was made with";
  });
  const double made = stored.value("duration_tau", 0.0);
  require(o.duration_tau > made, [&] {
    return "md run --extend: '" + out.string() + "' already holds " + lammps_number(made) +
           " tau; give a longer --time";
  });
}

}  // namespace

ProductionResult run_production(const std::filesystem::path& start,
                                const std::filesystem::path& out, const ProductionOptions& o) {
  validate(o);
  const auto t0 = std::chrono::steady_clock::now();
  const GlassState g = read_start_state(start);
  const double temperature = production_temperature(o, g);
  const WahnstromModel model = WahnstromModel::from_json(g.model);
  const std::int64_t total = std::llround(o.duration_tau / o.timestep);
  require(total >= 1, "md run: the duration is shorter than one timestep");
  const std::int64_t k = o.snapshot_every;
  const std::int64_t restart_every = restart_interval_steps(o);
  const auto restart = restart_path(out);

  TrajectoryHeader header;
  header.species = g.species;
  header.timestep = o.timestep;
  header.model = model.to_json();
  header.units = o.units.to_json();
  header.protocol = o.to_json();
  header.protocol["start"] = start.string();
  header.protocol["temperature_resolved"] = temperature;
  const nlohmann::json tg = g.tg ? g.tg->to_json() : nlohmann::json();
  if (g.tg) header.protocol["tg"] = tg;

  if (o.extend) check_extension(out, o, temperature, tg);
  // An extension goes on as a resume of the complete run's copy.
  const bool resume = o.resume || o.extend;
  if (o.resume) {
    require(std::filesystem::exists(restart), [&] {
      return "md run: cannot resume, no restart file '" + restart.string() +
             "' (the run stopped before its first restart, or restarts were off): start afresh";
    });
    // The run being resumed must be the same run.
    auto old = open_trajectory(TrajectoryWriter::partial_path(out));
    const auto& p = old->header().protocol;
    require(p.is_object() && p.value("temperature_resolved", -1.0) == temperature &&
                p.value("snapshot_every", std::int64_t{-1}) == k,
            "md run: the partial trajectory was made with another temperature or snapshot "
            "interval; resume with the options of the interrupted run");
  }

  LammpsSession s;
  if (resume) {
    s.read_restart(model, restart);
  } else {
    const bool keep = o.keep_velocities && !g.velocities.empty();
    s.create_system(model, g.snapshot.box, g.species, g.snapshot.positions,
                    keep ? &g.velocities : nullptr);
    if (!keep)
      s.command("velocity all create " + lammps_number(temperature) + " " +
                std::to_string(o.seed % 900000000 + 1) + " dist gaussian mom yes rot no loop geom");
  }
  s.command("timestep " + lammps_number(o.timestep));
  s.command("fix glassy_nvt all nvt temp " + lammps_number(temperature) + " " +
            lammps_number(temperature) + " " + lammps_number(o.thermostat_damping * o.timestep));

  const std::int64_t first = s.step();
  require(first <= total, [&] {
    return "md run: the restart is at step " + std::to_string(first) + ", beyond the requested " +
           std::to_string(total) + " steps; give a longer duration";
  });
  std::optional<TrajectoryWriter> writer;
  if (s.is_root()) {
    if (o.extend) std::filesystem::copy_file(out, TrajectoryWriter::partial_path(out));
    writer.emplace(out, header, resume);
    // A resumed or extended run records the protocol that completes it (its duration).
    if (resume) writer->set_protocol(header.protocol);
    if (!resume) {  // a stale restart of an earlier run must not be resumed into this one
      std::error_code ignored;
      std::filesystem::remove(restart, ignored);
    }
  }
  if (resume) {
    if (writer) {
      writer->truncate_after(first);
      require(writer->last_step() == first, [&] {
        return "md run: the partial trajectory ends at step " +
               std::to_string(writer->last_step()) + ", before the restart at step " +
               std::to_string(first) + "; cannot resume";
      });
    }
  } else {
    auto snap = s.snapshot(0.0);
    auto th = thermo_sample(s, o.timestep);
    if (writer) {
      writer->append(snap);
      writer->append_thermo(th);
    }
  }

  // The cost of the earlier calls of a resumed run, to which this call's is added.
  const RunCost earlier = writer ? writer->cost() : RunCost{};
  const double atoms = static_cast<double>(g.species.size());
  auto record_cost = [&](std::int64_t step) {
    writer->record_cost(
        {earlier.wall_seconds +
             std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
         earlier.atom_steps + atoms * static_cast<double>(step - first)});
  };

  ProductionResult r;
  r.temperature = temperature;
  r.steps = total;
  r.first_step = first;
  Progress progress("md run", static_cast<std::uint64_t>(total - first), !s.is_root());
  std::int64_t step = first;
  bool setup = true;
  bool stopped = false;
  while (step < total) {
    const std::int64_t next = std::min((step / k + 1) * k, total);
    s.run(next - step, setup);
    setup = false;
    progress.advance(static_cast<std::uint64_t>(next - step));
    step = next;
    const double time = static_cast<double>(step) * o.timestep;
    auto snap = s.snapshot(time);  // collective: every rank gathers
    auto th = thermo_sample(s, o.timestep);
    if (writer) {
      writer->append(snap);
      writer->append_thermo(th);
    }
    if (o.stop_after_step > 0 && step >= o.stop_after_step && step < total) {
      stopped = true;
      break;
    }
    if (restart_every > 0 && step % restart_every == 0 && step < total) {
      if (writer) {
        record_cost(step);
        writer->flush();  // frames up to the restart are durable before it exists
      }
      s.write_restart(restart);
      setup = true;  // what a resumed run does after read_restart (see the top of this file)
    }
  }
  if (!stopped) progress.finish();
  // A restart at the end, for a later extension; only on a restart boundary, where a longer run
  // made in one go would write one too (and rebuild its setup, as the extension will).
  if (!stopped && o.keep_restart && restart_every > 0 && step % restart_every == 0) {
    if (writer) {
      record_cost(step);
      writer->flush();
    }
    s.write_restart(restart);
  }

  if (writer) {
    r.frames = writer->frames();
    record_cost(step);
    if (stopped) {
      writer->flush();
      r.trajectory = TrajectoryWriter::partial_path(out);
    } else {
      writer->commit();
      r.trajectory = out;
    }
  }
  r.complete = !stopped;
  r.last_step = step;
  r.root = s.is_root();
  if (r.complete && !o.keep_restart && s.is_root()) {
    std::error_code ignored;
    std::filesystem::remove(restart, ignored);
  }
  s.barrier();  // the trajectory is in place for every rank once this returns
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.atom_steps_per_second = static_cast<double>(s.natoms()) * static_cast<double>(step - first) /
                            std::max(r.seconds, 1e-9);
  return r;
}

}  // namespace glassy::md
