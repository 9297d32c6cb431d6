// md/protocols: option records and the NVE helper (prepare.cpp and production.cpp hold the rest).
#include <glassy/core/error.hpp>
#include <glassy/md/protocols.hpp>

#include <algorithm>
#include <cmath>

namespace glassy::md {

nlohmann::json ProductionOptions::to_json() const {
  return {{"protocol", "production-nvt"},
          {"temperature", temperature},
          {"tg_fraction", tg_fraction},
          {"fictive_tg", fictive_tg},
          {"duration_tau", duration_tau},
          {"snapshot_every", snapshot_every},
          {"restart_every", restart_every},
          {"timestep", timestep},
          {"thermostat", "nose-hoover"},
          {"thermostat_damping_steps", thermostat_damping},
          {"seed", seed},
          {"keep_velocities", keep_velocities}};
}

void set_temperature(const std::string& text, ProductionOptions& o) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    const std::string rest = text.substr(used);
    const bool tg = rest == "Tg" || rest == "tg", tf = rest == "Tf" || rest == "tf";
    require(std::isfinite(v) && v > 0 && (rest.empty() || tg || tf), "");
    o.temperature = rest.empty() ? v : 0;
    o.tg_fraction = rest.empty() ? 0 : v;
    o.fictive_tg = tf;
  } catch (const std::exception&) {
    throw Error("temperature '" + text +
                "' must be a positive LJ temperature (0.35), a fraction of Tg (0.8Tg) or of the "
                "fictive Tg (0.8Tf)");
  }
}

EnergySeries run_nve(LammpsSession& s, std::int64_t steps, std::int64_t record_every) {
  require(steps >= 0 && record_every > 0, "run_nve: steps >= 0 and record_every > 0 needed");
  const double n = static_cast<double>(s.natoms());
  EnergySeries e;
  auto record = [&] {
    e.step.push_back(s.step());
    e.potential.push_back(s.thermo("pe") / n);
    e.kinetic.push_back(s.thermo("ke") / n);
    e.total.push_back(e.potential.back() + e.kinetic.back());
  };
  s.command("fix glassy_nve all nve");
  record();
  bool setup = true;
  for (std::int64_t done = 0; done < steps;) {
    const std::int64_t k = std::min(record_every, steps - done);
    s.run(k, setup);
    setup = false;
    done += k;
    record();
  }
  s.command("unfix glassy_nve");
  return e;
}

}  // namespace glassy::md
