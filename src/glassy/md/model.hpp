// md/model: the Wahnström binary Lennard-Jones glass former (Phys. Rev. A 44, 3752 (1991)) and
// the mapping of its reduced LJ units onto physical seconds and Ångström.
//
// Model: 50:50 mixture of small (S, species 0) and large (L, species 1) atoms; epsilon = 1 for
// every pair; sigma_SS = 1, sigma_SL = 1.1, sigma_LL = 1.2; m_S = 1, m_L = 2; number density
// 0.75 sigma_SS^-3; each pair cut at 2.5 sigma_ab and shifted so its energy is 0 there.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace glassy::md {

struct WahnstromModel {
  double epsilon = 1.0;
  double sigma_ss = 1.0, sigma_sl = 1.1, sigma_ll = 1.2;
  double mass_s = 1.0, mass_l = 2.0;
  double cutoff_factor = 2.5;  // r_c(a,b) = cutoff_factor * sigma(a,b)
  double density = 0.75;       // atoms per sigma_SS^3 (the default for a random start)
  double small_fraction = 0.5;

  // a, b: species 0 (small) or 1 (large); anything else throws.
  double sigma(int a, int b) const;
  double cutoff(int a, int b) const { return cutoff_factor * sigma(a, b); }
  double max_cutoff() const;
  double mass(int a) const;
  // Shifted LJ: 4 eps [(s/r)^12 - (s/r)^6] - (same at r_c) for r < r_c, 0 beyond.
  double pair_energy(int a, int b, double r) const;
  // -dU/dr (positive = repulsive), 0 at and beyond r_c. The shift does not change forces.
  double pair_force(int a, int b, double r) const;

  // LAMMPS commands that must come before the box: "units lj", "atom_style atomic", an atom map.
  std::string lammps_preamble() const;
  // LAMMPS commands after the box exists: pair_style lj/cut, one pair_coeff per pair with its own
  // cutoff, pair_modify shift yes, masses. LAMMPS type = species + 1.
  std::string lammps_commands() const;

  nlohmann::json to_json() const;
  static WahnstromModel from_json(const nlohmann::json& j);  // missing keys keep defaults
};

// LJ units -> physical units. Time: tau = sigma sqrt(m / epsilon); with argon's parameters
// (sigma = 3.405 Å, epsilon / k_B = 119.8 K, m = 39.95 u) tau = 2.156 ps, the usual argon-like
// choice. Length: sigma_SS in Ångström is set by putting the first structure-factor peak q1
// (measured in sigma^-1) onto a target q (the paper's 2.63 1/Å): sigma_A = q1_lj / q_target.
struct UnitMapping {
  double tau_seconds = 2.156e-12;
  double epsilon_kelvin = 119.8;  // temperature unit (argon-like), for reports only
  double q1_lj = 6.35;            // first S(q) peak of the Wahnström glass, sigma_SS^-1
  double q_target = 2.63;         // 1/Å, the paper's probed q
  double sigma_angstrom() const { return q1_lj / q_target; }

  // Replaces q1_lj (e.g. with the peak of a measured S(q)); q values must be positive.
  static UnitMapping from_peak(double q1_lj, double q_target = 2.63);

  double to_seconds(double t_lj) const { return t_lj * tau_seconds; }
  double from_seconds(double seconds) const { return seconds / tau_seconds; }
  double to_angstrom(double length_lj) const { return length_lj * sigma_angstrom(); }
  double from_angstrom(double angstrom) const { return angstrom / sigma_angstrom(); }
  double to_inv_angstrom(double q_lj) const { return q_lj / sigma_angstrom(); }
  double from_inv_angstrom(double q_inv_angstrom) const {
    return q_inv_angstrom * sigma_angstrom();
  }
  double to_kelvin(double t_lj) const { return t_lj * epsilon_kelvin; }

  nlohmann::json to_json() const;
  static UnitMapping from_json(const nlohmann::json& j);  // missing keys keep defaults
};

// A duration given as a number with an optional unit: "2000" or "2000tau" (LJ tau), "500ps",
// "20ns", "1.5us" (also "µs"), "1e-9s", "3ms". Returns LJ tau. Throws on anything else.
double parse_duration_tau(const std::string& text, const UnitMapping& units);

}  // namespace glassy::md
