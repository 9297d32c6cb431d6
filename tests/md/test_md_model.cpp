// The Wahnström model, the unit mapping, and LAMMPS's energies and forces against an independent
// O(N^2) minimum-image evaluation written here.
#include "test_support.hpp"

#include <glassy/core/error.hpp>
#include <glassy/md/lammps_session.hpp>
#include <glassy/md/model.hpp>

#include <cmath>
#include <random>

namespace glassy::md {
namespace {

// The model written out again, independently of md/model.cpp.
double sigma_ref(int a, int b) { return a != b ? 1.1 : (a == 0 ? 1.0 : 1.2); }
double lj_ref(double s, double r) { return 4 * (std::pow(s / r, 12) - std::pow(s / r, 6)); }
double energy_ref(int a, int b, double r) {
  const double s = sigma_ref(a, b), rc = 2.5 * s;
  return r < rc ? lj_ref(s, r) - lj_ref(s, rc) : 0.0;
}
// -dU/dr by its closed form.
double force_ref(int a, int b, double r) {
  const double s = sigma_ref(a, b), rc = 2.5 * s;
  if (r >= rc) return 0.0;
  return 24 * (2 * std::pow(s / r, 12) - std::pow(s / r, 6)) / r;
}

TEST(MdModel, PairEnergyAndForceMatchTheClosedForm) {
  const WahnstromModel m;
  EXPECT_DOUBLE_EQ(m.sigma(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(m.sigma(0, 1), 1.1);
  EXPECT_DOUBLE_EQ(m.sigma(1, 0), 1.1);
  EXPECT_DOUBLE_EQ(m.sigma(1, 1), 1.2);
  EXPECT_DOUBLE_EQ(m.cutoff(1, 1), 3.0);
  EXPECT_DOUBLE_EQ(m.mass(0), 1.0);
  EXPECT_DOUBLE_EQ(m.mass(1), 2.0);
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b)
      for (double r = 0.8; r < 3.2; r += 0.037) {
        EXPECT_NEAR(m.pair_energy(a, b, r), energy_ref(a, b, r),
                    1e-12 * (1 + std::abs(energy_ref(a, b, r))));
        EXPECT_NEAR(m.pair_force(a, b, r), force_ref(a, b, r),
                    1e-12 * (1 + std::abs(force_ref(a, b, r))));
        // Force is -dU/dr (central difference) inside the cutoff.
        if (r + 1e-5 < m.cutoff(a, b)) {
          const double h = 1e-6;
          const double numeric =
              -(m.pair_energy(a, b, r + h) - m.pair_energy(a, b, r - h)) / (2 * h);
          EXPECT_NEAR(m.pair_force(a, b, r), numeric, 1e-5 * (1 + std::abs(numeric)));
        }
      }
  // Shifted: zero at and beyond the cutoff, continuous there.
  EXPECT_EQ(m.pair_energy(0, 1, 2.75), 0.0);
  EXPECT_NEAR(m.pair_energy(0, 1, 2.75 - 1e-9), 0.0, 1e-9);
  EXPECT_THROW(m.sigma(0, 2), Error);
}

TEST(MdModel, JsonRoundTripAndCommands) {
  WahnstromModel m;
  m.sigma_ll = 1.25;
  const auto back = WahnstromModel::from_json(m.to_json());
  EXPECT_DOUBLE_EQ(back.sigma_ll, 1.25);
  EXPECT_DOUBLE_EQ(back.mass_l, 2.0);
  const std::string cmds = WahnstromModel().lammps_commands();
  EXPECT_NE(cmds.find("pair_coeff 1 2 1 1.1000000000000001 2.75\n"), std::string::npos) << cmds;
  EXPECT_NE(cmds.find("pair_modify shift yes"), std::string::npos);
  EXPECT_NE(cmds.find("mass 2 2"), std::string::npos);
  EXPECT_THROW(WahnstromModel::from_json({{"sigma_ss", -1.0}}), Error);
}

TEST(MdModel, UnitMapping) {
  const UnitMapping u;  // tau 2.156 ps, q1 6.35 sigma^-1 on 2.63 1/A
  EXPECT_NEAR(u.sigma_angstrom(), 6.35 / 2.63, 1e-15);
  EXPECT_NEAR(u.to_inv_angstrom(6.35), 2.63, 1e-12);  // the peak lands on the target q
  EXPECT_NEAR(u.to_seconds(1000), 2.156e-9, 1e-21);
  EXPECT_NEAR(u.from_seconds(u.to_seconds(123.4)), 123.4, 1e-12);
  EXPECT_NEAR(u.from_angstrom(u.to_angstrom(3.3)), 3.3, 1e-12);
  const auto v = UnitMapping::from_peak(7.0, 2.5);
  EXPECT_NEAR(v.sigma_angstrom(), 2.8, 1e-15);
  EXPECT_NEAR(UnitMapping::from_json(v.to_json()).sigma_angstrom(), 2.8, 1e-15);
  EXPECT_DOUBLE_EQ(parse_duration_tau("2000", u), 2000);
  EXPECT_DOUBLE_EQ(parse_duration_tau("2000tau", u), 2000);
  EXPECT_NEAR(parse_duration_tau("5ns", u), 5e-9 / 2.156e-12, 1e-9);
  EXPECT_NEAR(parse_duration_tau("1.5 us", u), 1.5e-6 / 2.156e-12, 1e-6);
  EXPECT_NEAR(parse_duration_tau("431.2ps", u), 200, 1e-9);
  EXPECT_THROW(parse_duration_tau("5 parsecs", u), Error);
  EXPECT_THROW(parse_duration_tau("fast", u), Error);
  EXPECT_THROW(UnitMapping::from_peak(0, 2.63), Error);
}

// LAMMPS's total energy and per-atom forces of ~50 random atoms against the brute-force sum.
TEST(MdModel, LammpsEnergyAndForcesMatchBruteForce) {
  const std::size_t n = 50;
  Box box;
  box.lo = {-1.0, 0.5, 2.0};
  box.hi = {6.2, 7.9, 9.1};  // every side > 2 x the largest cutoff: minimum image is exact
  const auto len = box.length();
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u01(0, 1);
  std::vector<double> x;
  std::vector<int> species;
  while (species.size() < n) {  // random, but no pair closer than 0.85 (no astronomic forces)
    double p[3];
    for (int d = 0; d < 3; ++d) p[d] = box.lo[d] + u01(rng) * len[d];
    bool ok = true;
    for (std::size_t j = 0; j < species.size() && ok; ++j) {
      double r2 = 0;
      for (int d = 0; d < 3; ++d) {
        double dx = p[d] - x[3 * j + d];
        dx -= len[d] * std::round(dx / len[d]);
        r2 += dx * dx;
      }
      ok = r2 > 0.85 * 0.85;
    }
    if (!ok) continue;
    for (int d = 0; d < 3; ++d) x.push_back(p[d]);
    species.push_back(static_cast<int>(species.size() % 2));
  }
  // Some atoms given unwrapped several boxes away: the session must fold them.
  for (std::size_t i = 0; i < n; i += 7) x[3 * i + 1] += 2 * len[1], x[3 * i + 2] -= 3 * len[2];

  // Brute force, minimum image.
  double energy = 0;
  std::vector<double> force(3 * n, 0.0);
  std::size_t beyond = 0, inside = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      double d[3], r2 = 0;
      for (int k = 0; k < 3; ++k) {
        d[k] = x[3 * i + k] - x[3 * j + k];
        d[k] -= len[k] * std::round(d[k] / len[k]);
        r2 += d[k] * d[k];
      }
      const double r = std::sqrt(r2);
      const int a = species[i], b = species[j];
      (r < 2.5 * sigma_ref(a, b) ? inside : beyond) += 1;
      energy += energy_ref(a, b, r);
      const double f = force_ref(a, b, r);
      for (int k = 0; k < 3; ++k) {
        force[3 * i + k] += f * d[k] / r;
        force[3 * j + k] -= f * d[k] / r;
      }
    }
  ASSERT_GT(beyond, 100u);
  ASSERT_GT(inside, 100u);

  LammpsSession s;
  s.create_system(WahnstromModel(), box, species, x);
  EXPECT_EQ(s.natoms(), static_cast<std::int64_t>(n));
  EXPECT_EQ(s.species(), species);
  const double pe = s.thermo("pe");
  EXPECT_NEAR(pe, energy, 1e-10 * std::abs(energy)) << "total potential energy";
  const auto f = s.forces();
  double fmax = 0;
  for (double v : force) fmax = std::max(fmax, std::abs(v));
  for (std::size_t i = 0; i < 3 * n; ++i)
    EXPECT_NEAR(f[i], force[i], 1e-10 * fmax) << "atom " << i / 3 << " axis " << i % 3;
  // Unwrapped positions come back as given.
  const auto back = s.positions();
  for (std::size_t i = 0; i < 3 * n; ++i) EXPECT_NEAR(back[i], x[i], 1e-12);
}

// A LAMMPS error: an exception where LAMMPS has them, else the process ends with exit code 2 and
// LAMMPS's own message as one line (Debian's build has no exceptions).
TEST(MdSessionDeathTest, LammpsErrorsBecomeOneLine) {
  if (LammpsSession::errors_are_exceptions()) {
    LammpsSession s;
    EXPECT_THROW(s.command("units ljx"), Error);
    return;
  }
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        LammpsSession s;
        s.command("units ljx");
      },
      testing::ExitedWithCode(2), "glassy: LAMMPS failed on 'units ljx': ERROR: Illegal units");
}

}  // namespace
}  // namespace glassy::md
