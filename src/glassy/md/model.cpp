#include <glassy/core/error.hpp>
#include <glassy/md/model.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace glassy::md {
namespace {

void check_species(int a) {
  require(a == 0 || a == 1, [&] {
    return "species " + std::to_string(a) + " is not part of the Wahnström model (0 = small, " +
           "1 = large)";
  });
}

double lj(double eps, double sigma, double r) {
  const double s6 = std::pow(sigma / r, 6);
  return 4 * eps * (s6 * s6 - s6);
}

std::string format(const char* fmt, double a, double b = 0, double c = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  return buf;
}

}  // namespace

double WahnstromModel::sigma(int a, int b) const {
  check_species(a);
  check_species(b);
  if (a != b) return sigma_sl;
  return a == 0 ? sigma_ss : sigma_ll;
}

double WahnstromModel::max_cutoff() const {
  return cutoff_factor * std::max({sigma_ss, sigma_sl, sigma_ll});
}

double WahnstromModel::mass(int a) const {
  check_species(a);
  return a == 0 ? mass_s : mass_l;
}

double WahnstromModel::pair_energy(int a, int b, double r) const {
  const double s = sigma(a, b), rc = cutoff_factor * s;
  if (r >= rc) return 0.0;
  return lj(epsilon, s, r) - lj(epsilon, s, rc);
}

double WahnstromModel::pair_force(int a, int b, double r) const {
  const double s = sigma(a, b), rc = cutoff_factor * s;
  if (r >= rc) return 0.0;
  const double s6 = std::pow(s / r, 6);
  return 24 * epsilon * (2 * s6 * s6 - s6) / r;
}

std::string WahnstromModel::lammps_preamble() const {
  // An atom map (array) lets the library gather atoms in id order.
  return "units lj\natom_style atomic\natom_modify map array\nboundary p p p\n";
}

std::string WahnstromModel::lammps_commands() const {
  // %.17g: the exact doubles, so LAMMPS evaluates the same potential as pair_energy().
  std::string s = format("pair_style lj/cut %.17g\n", max_cutoff());
  for (int a = 0; a < 2; ++a)
    for (int b = a; b < 2; ++b)
      s += "pair_coeff " + std::to_string(a + 1) + " " + std::to_string(b + 1) + " " +
           format("%.17g %.17g %.17g\n", epsilon, sigma(a, b), cutoff(a, b));
  s += "pair_modify shift yes\n";
  s += format("mass 1 %.17g\nmass 2 %.17g\n", mass_s, mass_l);
  return s;
}

nlohmann::json WahnstromModel::to_json() const {
  return {{"name", "wahnstrom"},
          {"epsilon", epsilon},
          {"sigma_ss", sigma_ss},
          {"sigma_sl", sigma_sl},
          {"sigma_ll", sigma_ll},
          {"mass_s", mass_s},
          {"mass_l", mass_l},
          {"density", density},
          {"cutoff_factor", cutoff_factor},
          {"small_fraction", small_fraction},
          {"shifted", true}};
}

WahnstromModel WahnstromModel::from_json(const nlohmann::json& j) {
  WahnstromModel m;
  if (!j.is_object()) return m;
  m.epsilon = j.value("epsilon", m.epsilon);
  m.sigma_ss = j.value("sigma_ss", m.sigma_ss);
  m.sigma_sl = j.value("sigma_sl", m.sigma_sl);
  m.sigma_ll = j.value("sigma_ll", m.sigma_ll);
  m.mass_s = j.value("mass_s", m.mass_s);
  m.mass_l = j.value("mass_l", m.mass_l);
  m.density = j.value("density", m.density);
  m.cutoff_factor = j.value("cutoff_factor", m.cutoff_factor);
  m.small_fraction = j.value("small_fraction", m.small_fraction);
  require(m.epsilon > 0 && m.sigma_ss > 0 && m.sigma_sl > 0 && m.sigma_ll > 0 && m.mass_s > 0 &&
              m.mass_l > 0 && m.cutoff_factor > 1 && m.density > 0,
          "model parameters must be positive (cutoff_factor > 1): " + j.dump());
  return m;
}

UnitMapping UnitMapping::from_peak(double q1_lj, double q_target) {
  require(q1_lj > 0 && q_target > 0, "structure-factor peak and target q must be positive");
  UnitMapping u;
  u.q1_lj = q1_lj;
  u.q_target = q_target;
  return u;
}

nlohmann::json UnitMapping::to_json() const {
  return {{"tau_seconds", tau_seconds},
          {"epsilon_kelvin", epsilon_kelvin},
          {"q1_lj", q1_lj},
          {"q_target_inv_angstrom", q_target},
          {"sigma_angstrom", sigma_angstrom()},
          {"note", "tau argon-like (2.156 ps); sigma_SS = q1_lj / q_target"}};
}

UnitMapping UnitMapping::from_json(const nlohmann::json& j) {
  UnitMapping u;
  if (!j.is_object()) return u;
  u.tau_seconds = j.value("tau_seconds", u.tau_seconds);
  u.epsilon_kelvin = j.value("epsilon_kelvin", u.epsilon_kelvin);
  u.q1_lj = j.value("q1_lj", u.q1_lj);
  u.q_target = j.value("q_target_inv_angstrom", u.q_target);
  require(u.tau_seconds > 0 && u.q1_lj > 0 && u.q_target > 0,
          "unit mapping values must be positive: " + j.dump());
  return u;
}

double parse_duration_tau(const std::string& text, const UnitMapping& units) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  std::string unit(end);
  unit.erase(0, unit.find_first_not_of(" \t"));
  unit.erase(unit.find_last_not_of(" \t") + 1);
  require(end != begin && std::isfinite(value) && value >= 0, [&] {
    return "duration '" + text + "' is not a non-negative number with a unit (e.g. 2000tau, 5ns)";
  });
  if (unit.empty() || unit == "tau") return value;
  double seconds_per_unit = 0;
  if (unit == "s")
    seconds_per_unit = 1;
  else if (unit == "ms")
    seconds_per_unit = 1e-3;
  else if (unit == "us" || unit == "µs")
    seconds_per_unit = 1e-6;
  else if (unit == "ns")
    seconds_per_unit = 1e-9;
  else if (unit == "ps")
    seconds_per_unit = 1e-12;
  else if (unit == "fs")
    seconds_per_unit = 1e-15;
  require(seconds_per_unit > 0, [&] {
    return "duration '" + text + "': unknown unit '" + unit + "' (use tau, s, ms, us, ns, ps, fs)";
  });
  return units.from_seconds(value * seconds_per_unit);
}

}  // namespace glassy::md
