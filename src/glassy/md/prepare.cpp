// md::prepare_glass: random start, push-off, melt, linear quench with a recorded cooling curve,
// optional anneal, glass file.
#include <glassy/core/error.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/md/protocols.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <random>

namespace glassy::md {
namespace {

std::int64_t round_up(std::int64_t v, std::int64_t multiple) {
  return (v + multiple - 1) / multiple * multiple;
}

void validate(const PrepareOptions& o) {
  require(o.atoms >= 2, "prepare: need at least 2 atoms");
  require(o.model.density > 0, "prepare: density must be positive");
  require(o.timestep > 0 && o.timestep < 0.05, "prepare: timestep must be in (0, 0.05) tau");
  require(o.t_melt > 0 && o.t_end > 0 && o.t_end < o.t_melt,
          "prepare: temperatures must satisfy 0 < t_end < t_melt");
  require(o.cooling_rate > 0, "prepare: cooling rate must be positive (T per tau)");
  require(o.fast_rate == 0 || (o.fast_rate >= o.cooling_rate && o.t_end < o.slow_to &&
                               o.slow_to < o.slow_from && o.slow_from < o.t_melt),
          "prepare: a slow window needs t_end < slow_to < slow_from < t_melt and a fast rate at "
          "least the cooling rate");
  require(o.restart_every >= 0 && o.stop_after_step >= 0 &&
              (o.stop_after_step == 0 || o.restart_every > 0),
          "prepare: stopping early needs restarts (restart_every > 0) to resume from");
  require(o.melt_time >= 0 && o.anneal_time >= 0, "prepare: melt and anneal times must be >= 0");
  require(o.record_every_dt > 0 && o.record_every_dt < o.t_melt - o.t_end,
          "prepare: record_every_dt must be positive and smaller than t_melt - t_end");
  require(o.thermostat_damping > 0 && o.barostat_damping > 0,
          "prepare: damping times must be positive (steps)");
  require(o.ensemble == "nvt" || o.ensemble == "npt",
          "prepare: ensemble '" + o.ensemble + "' unknown: use nvt or npt");
  require(o.ensemble == "nvt" || std::isfinite(o.pressure),
          "prepare: an npt quench needs a pressure (LJ units, e.g. 10 at density 0.75)");
}

// The thermostat (and barostat) fix from t1 to t2.
std::string integrator(const PrepareOptions& o, double t1, double t2) {
  std::string s = "fix glassy_int all " + o.ensemble + " temp " + lammps_number(t1) + " " +
                  lammps_number(t2) + " " + lammps_number(o.thermostat_damping * o.timestep);
  if (o.ensemble == "npt")
    s += " iso " + lammps_number(o.pressure) + " " + lammps_number(o.pressure) + " " +
         lammps_number(o.barostat_damping * o.timestep);
  return s;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  require(in.good(), "cannot read '" + file.string() + "'", ErrorKind::InputOutput);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Written beside and renamed: an interruption leaves the previous checkpoint whole.
void write_text_atomically(const std::filesystem::path& file, const std::string& text) {
  const auto temp = std::filesystem::path(file.string() + ".tmp");
  {
    std::ofstream o(temp, std::ios::trunc);
    o << text;
    require(o.good(), "cannot write '" + temp.string() + "'", ErrorKind::InputOutput);
  }
  std::error_code ec;
  std::filesystem::rename(temp, file, ec);
  require(!ec, "cannot move '" + temp.string() + "' onto '" + file.string() + "'",
          ErrorKind::InputOutput);
}

// One linear ramp of the quench.
struct Ramp {
  double from, to, rate;
};

std::vector<Ramp> ramps(const PrepareOptions& o) {
  if (o.fast_rate == 0) return {{o.t_melt, o.t_end, o.cooling_rate}};
  return {{o.t_melt, o.slow_from, o.fast_rate},
          {o.slow_from, o.slow_to, o.cooling_rate},
          {o.slow_to, o.t_end, o.fast_rate}};
}

}  // namespace

PrepareOptions relaxed_protocol(PrepareOptions base) {
  base.cooling_rate = 1e-4;
  base.fast_rate = 1e-2;
  base.slow_from = 0.9;
  base.slow_to = 0.45;
  return base;
}

nlohmann::json PrepareOptions::to_json() const {
  nlohmann::json j = {{"protocol", "prepare"},
                      {"atoms", atoms},
                      {"seed", seed},
                      {"timestep", timestep},
                      {"t_melt", t_melt},
                      {"melt_time", melt_time},
                      {"t_end", t_end},
                      {"cooling_rate", cooling_rate},
                      {"fast_rate", fast_rate},
                      {"slow_from", slow_from},
                      {"slow_to", slow_to},
                      {"anneal_time", anneal_time},
                      {"record_every_dt", record_every_dt},
                      {"thermostat_damping_steps", thermostat_damping},
                      {"ensemble", ensemble},
                      {"estimate_tg", estimate_tg},
                      {"model", model.to_json()}};
  if (ensemble == "npt") {
    j["pressure"] = pressure;
    j["barostat_damping_steps"] = barostat_damping;
  }
  return j;
}

std::filesystem::path prepare_checkpoint_path(const std::filesystem::path& out) {
  return std::filesystem::path(out.string() + ".prepare.json");
}

PrepareResult prepare_glass(const PrepareOptions& o, const std::filesystem::path& out) {
  validate(o);
  const auto t0 = std::chrono::steady_clock::now();
  const WahnstromModel& model = o.model;
  const std::size_t n = o.atoms;
  const auto n_small = static_cast<std::size_t>(std::llround(n * model.small_fraction));
  const auto restart = restart_path(out), checkpoint = prepare_checkpoint_path(out);

  // Step counts. Each ramp records one point per record_every_dt of temperature, averaged over
  // an interval that is a multiple of 10 steps (sampling every 10 steps); melt and ramps are
  // whole intervals so the averaging windows line up with the ramp.
  const auto plan = ramps(o);
  std::vector<std::int64_t> record(plan.size()), ramp_steps(plan.size());
  for (std::size_t r = 0; r < plan.size(); ++r)
    record[r] = std::max<std::int64_t>(
        10, round_up(std::llround(o.record_every_dt / plan[r].rate / o.timestep), 10));
  // LAMMPS's ave/time averages end on multiples of their interval, so every ramp must begin on
  // one: the slow window's interval is a multiple of the fast one's, and the melt is extended
  // (by less than one slow interval, in the hot liquid) so that the window begins on its own.
  if (plan.size() == 3) record[1] = round_up(record[1], record[0]), record[2] = record[0];
  std::int64_t quench = 0;
  for (std::size_t r = 0; r < plan.size(); ++r) {
    ramp_steps[r] = std::max<std::int64_t>(
        record[r],
        round_up(std::llround((plan[r].from - plan[r].to) / plan[r].rate / o.timestep), record[r]));
    quench += ramp_steps[r];
  }
  std::int64_t melt = round_up(std::llround(o.melt_time / o.timestep), record[0]);
  if (plan.size() == 3) melt = round_up(melt + ramp_steps[0], record[1]) - ramp_steps[0];
  const std::int64_t anneal = std::llround(o.anneal_time / o.timestep);

  // The phases: melt, the ramps (recorded), anneal; run in chunks of their interval.
  struct Phase {
    double from, to;
    std::int64_t steps, chunk;
    int ramp;  // index into plan, or -1
  };
  std::vector<Phase> phases{{o.t_melt, o.t_melt, melt, record[0], -1}};
  for (std::size_t r = 0; r < plan.size(); ++r)
    phases.push_back({plan[r].from, plan[r].to, ramp_steps[r], record[r], static_cast<int>(r)});
  if (anneal > 0) phases.push_back({o.t_end, o.t_end, anneal, record.back(), -1});

  PrepareResult result;
  CoolingCurve& c = result.cooling;
  std::vector<std::int64_t> first_steps;
  std::size_t phase = 0;
  std::int64_t done = 0;  // steps of the current phase already run
  LammpsSession s;
  if (o.resume) {
    require(std::filesystem::exists(restart) && std::filesystem::exists(checkpoint), [&] {
      return "md prepare: cannot resume, no '" + restart.string() + "' and '" +
             checkpoint.string() + "' (the run stopped before its first restart): start afresh";
    });
    const auto j = nlohmann::json::parse(read_text(checkpoint));
    require(j.at("protocol") == o.to_json(),
            "md prepare: the interrupted run had other options; resume with the same ones");
    phase = j.at("phase").get<std::size_t>();
    done = j.at("done").get<std::int64_t>();
    first_steps = j.at("first_steps").get<std::vector<std::int64_t>>();
    const auto& cj = j.at("cooling");
    c.time = cj.at("time").get<std::vector<double>>();
    c.target_temperature = cj.at("target_temperature").get<std::vector<double>>();
    c.temperature = cj.at("temperature").get<std::vector<double>>();
    c.potential_energy = cj.at("potential_energy").get<std::vector<double>>();
    c.pressure = cj.at("pressure").get<std::vector<double>>();
    c.volume = cj.at("volume").get<std::vector<double>>();
    s.read_restart(model, restart);
    s.command("timestep " + lammps_number(o.timestep));
    result.first_step = s.step();
  } else {
    // Random start (same numbers on every MPI rank: they all build the same list).
    const double side = std::cbrt(static_cast<double>(n) / model.density);
    Box box;
    box.hi = {side, side, side};
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> uniform(0.0, side);
    std::vector<double> x(3 * n);
    for (double& v : x) v = uniform(rng);
    std::vector<int> species(n, kLarge);
    std::fill(species.begin(), species.begin() + static_cast<std::ptrdiff_t>(n_small), kSmall);
    s.create_system(model, box, species, x);
    // Push-off: a bounded soft repulsion (cut at sigma_ab) removes overlaps that would give the
    // LJ core astronomic forces; then the real potential is minimised.
    s.command("pair_style soft " + lammps_number(model.sigma(1, 1)));
    for (int a = 0; a < 2; ++a)
      for (int b = a; b < 2; ++b)
        s.command("pair_coeff " + std::to_string(a + 1) + " " + std::to_string(b + 1) + " 20 " +
                  lammps_number(model.sigma(a, b)));
    s.command("minimize 0 1e-6 1000 10000");
    s.commands(model.lammps_commands());
    s.command("minimize 0 1e-6 1000 10000");
    s.command("reset_timestep 0");
    s.command("timestep " + lammps_number(o.timestep));
    s.command("velocity all create " + lammps_number(o.t_melt) + " " +
              std::to_string(o.seed % 900000000 + 1) + " dist gaussian mom yes rot no loop geom");
    if (s.is_root()) {  // a stale checkpoint of an earlier run must not be resumed into this one
      std::error_code ignored;
      std::filesystem::remove(restart, ignored);
      std::filesystem::remove(checkpoint, ignored);
    }
  }
  std::int64_t total = 0, before = 0;
  for (std::size_t p = 0; p < phases.size(); ++p) {
    total += phases[p].steps;
    if (p < phase) before += phases[p].steps;
  }
  Progress progress("md prepare", static_cast<std::uint64_t>(total), !s.is_root());
  progress.advance(static_cast<std::uint64_t>(before + done));

  // A restart (LAMMPS state) and the checkpoint (where the protocol is, the cooling curve so
  // far) between chunks; the run after one sets up again, as a resumed run does, so that an
  // interrupted and resumed glass is the uninterrupted one.
  std::int64_t since_restart = 0;
  auto write_checkpoint = [&] {
    s.write_restart(restart);
    if (!s.is_root()) return;
    const nlohmann::json j = {{"protocol", o.to_json()},
                              {"phase", phase},
                              {"done", done},
                              {"first_steps", first_steps},
                              {"cooling",
                               {{"time", c.time},
                                {"target_temperature", c.target_temperature},
                                {"temperature", c.temperature},
                                {"potential_energy", c.potential_energy},
                                {"pressure", c.pressure},
                                {"volume", c.volume}}}};
    write_text_atomically(checkpoint, j.dump());
  };

  s.command("variable glassy_vol equal vol");
  bool stopped = false, integrating = false;
  for (; phase < phases.size() && !stopped; ++phase, done = 0) {
    const Phase& ph = phases[phase];
    if (integrating) s.command("unfix glassy_int");
    integrating = true;
    s.command(integrator(o, ph.from, ph.to));
    double elapsed = 0;  // tau from the start of the quench to this ramp's start
    for (std::size_t p = 1; p < phase && ph.ramp >= 0; ++p)
      elapsed += static_cast<double>(phases[p].steps) * o.timestep;
    const std::int64_t begin = s.step() - done;
    if (ph.ramp >= 0) {
      s.command("fix glassy_avg all ave/time 10 " + std::to_string(ph.chunk / 10) + " " +
                std::to_string(ph.chunk) +
                " c_thermo_temp c_thermo_pe c_thermo_press v_glassy_vol");
      require(begin % ph.chunk == 0, "internal: a ramp must begin on its averaging interval");
      if (done == 0) first_steps.push_back(begin);
    }
    bool setup = true;
    while (done < ph.steps) {
      const std::int64_t k = std::min(ph.chunk, ph.steps - done);
      if (ph.ramp >= 0) {
        s.run_ramped(k, begin, begin + ph.steps, setup);
        const double mid = static_cast<double>(done) + 0.5 * static_cast<double>(k);
        c.time.push_back(elapsed + mid * o.timestep);
        c.target_temperature.push_back(ph.from + (ph.to - ph.from) * mid / ph.steps);
        c.temperature.push_back(s.fix_vector("glassy_avg", 0));
        c.potential_energy.push_back(s.fix_vector("glassy_avg", 1) / static_cast<double>(n));
        c.pressure.push_back(s.fix_vector("glassy_avg", 2));
        c.volume.push_back(s.fix_vector("glassy_avg", 3));
      } else {
        s.run(k, setup);
      }
      setup = false;
      done += k;
      since_restart += k;
      progress.advance(static_cast<std::uint64_t>(k));
      const bool last = phase + 1 == phases.size() && done == ph.steps;
      if (last) break;
      if (o.restart_every > 0 && since_restart >= o.restart_every) {
        write_checkpoint();
        since_restart = 0;
        setup = true;
        // Stops only where the uninterrupted run writes a restart too: the same chunks follow.
        if (o.stop_after_step > 0 && s.step() >= o.stop_after_step) {
          stopped = true;
          break;
        }
      }
    }
    if (ph.ramp >= 0) s.command("unfix glassy_avg");
    if (stopped) break;
  }
  if (stopped) {
    s.barrier();
    result.complete = false;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
  }
  progress.finish();

  GlassState& g = result.state;
  g.snapshot = s.snapshot(static_cast<double>(s.step()) * o.timestep);
  g.velocities = s.velocities();
  g.species = s.species();
  g.model = model.to_json();
  g.units = o.units.to_json();
  g.protocol = o.to_json();
  g.protocol["melt_steps"] = melt;
  g.protocol["quench_steps"] = quench;
  g.protocol["anneal_steps"] = anneal;
  g.protocol["record_every_steps"] = record.front();
  g.protocol["actual_cooling_rate"] = (o.t_melt - o.t_end) / (quench * o.timestep);
  nlohmann::json ramp_list = nlohmann::json::array();
  for (std::size_t r = 0; r < plan.size(); ++r)
    ramp_list.push_back({{"from", plan[r].from},
                         {"to", plan[r].to},
                         {"first_step", first_steps[r]},
                         {"steps", ramp_steps[r]},
                         {"record_every_steps", record[r]},
                         {"rate", (plan[r].from - plan[r].to) / (ramp_steps[r] * o.timestep)}});
  g.protocol["ramps"] = ramp_list;
  g.protocol["final_temperature"] = s.thermo("temp");
  g.protocol["final_potential_energy"] = s.thermo("pe") / static_cast<double>(n);
  if (o.estimate_tg) {
    try {
      g.tg = estimate_tg(c.temperature, c.potential_energy);
    } catch (const Error&) {
      // Too few points or no kink: the glass is still good; `glassy md tg` can try other options.
    }
  }
  if (s.is_root()) {
    write_glass_file(out, g, c);
    std::error_code ignored;
    std::filesystem::remove(restart, ignored);
    std::filesystem::remove(checkpoint, ignored);
  }
  s.barrier();  // the glass exists for every rank once this returns
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace glassy::md
