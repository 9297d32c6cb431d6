// md::prepare_glass: random start, push-off, melt, linear quench with a recorded cooling curve,
// optional anneal, glass file.
#include <glassy/core/error.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/md/protocols.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
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
  base.cooling_rate = 2.5e-4;
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

PrepareResult prepare_glass(const PrepareOptions& o, const std::filesystem::path& out) {
  validate(o);
  const auto t0 = std::chrono::steady_clock::now();
  const WahnstromModel& model = o.model;
  const std::size_t n = o.atoms;
  const auto n_small = static_cast<std::size_t>(std::llround(n * model.small_fraction));

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

  LammpsSession s;
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
  Progress progress("md prepare", static_cast<std::uint64_t>(melt + quench + anneal), !s.is_root());

  // Melt.
  s.command(integrator(o, o.t_melt, o.t_melt));
  for (std::int64_t done = 0; done < melt;) {
    const std::int64_t k = std::min(record[0], melt - done);
    s.run(k, done == 0);
    done += k;
    progress.advance(static_cast<std::uint64_t>(k));
  }

  // Quench, ramp by ramp, one averaging window per chunk.
  s.command("variable glassy_vol equal vol");
  PrepareResult result;
  CoolingCurve& c = result.cooling;
  double elapsed = 0;  // tau since the quench began
  std::vector<std::int64_t> first_steps;
  for (std::size_t r = 0; r < plan.size(); ++r) {
    s.command("unfix glassy_int");
    s.command(integrator(o, plan[r].from, plan[r].to));
    s.command("fix glassy_avg all ave/time 10 " + std::to_string(record[r] / 10) + " " +
              std::to_string(record[r]) + " c_thermo_temp c_thermo_pe c_thermo_press v_glassy_vol");
    const std::int64_t begin = s.step(), steps = ramp_steps[r];
    require(begin % record[r] == 0, "internal: a ramp must begin on its averaging interval");
    first_steps.push_back(begin);
    for (std::int64_t done = 0; done < steps; done += record[r]) {
      s.run_ramped(record[r], begin, begin + steps, done == 0);
      const double mid = static_cast<double>(done) + 0.5 * static_cast<double>(record[r]);
      c.time.push_back(elapsed + mid * o.timestep);
      c.target_temperature.push_back(plan[r].from + (plan[r].to - plan[r].from) * mid / steps);
      c.temperature.push_back(s.fix_vector("glassy_avg", 0));
      c.potential_energy.push_back(s.fix_vector("glassy_avg", 1) / static_cast<double>(n));
      c.pressure.push_back(s.fix_vector("glassy_avg", 2));
      c.volume.push_back(s.fix_vector("glassy_avg", 3));
      progress.advance(static_cast<std::uint64_t>(record[r]));
    }
    elapsed += static_cast<double>(steps) * o.timestep;
    s.command("unfix glassy_avg");
  }

  // Anneal.
  if (anneal > 0) {
    s.command("unfix glassy_int");
    s.command(integrator(o, o.t_end, o.t_end));
    for (std::int64_t done = 0; done < anneal;) {
      const std::int64_t k = std::min(record.back(), anneal - done);
      s.run(k, done == 0);
      done += k;
      progress.advance(static_cast<std::uint64_t>(k));
    }
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
  if (s.is_root()) write_glass_file(out, g, c);
  s.barrier();  // the glass exists for every rank once this returns
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace glassy::md
