// Protocols on LAMMPS: NVE energy conservation, unwrapped positions across the boundary, a small
// quench and its Tg, production runs and their exact resume, the Tg fit on synthetic curves, and
// bad input.
#include "md/quick_glass.hpp"
#include "test_support.hpp"

#include <glassy/core/error.hpp>
#include <glassy/md/lammps_dump.hpp>
#include <glassy/md/protocols.hpp>
#include <glassy/md/tg.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace glassy::md {
namespace {

using test::error_of;
using test::ScratchDir;

using test::quick_glass;

// quick_glass with a slow window: 0.5/tau from 2 to 1.2, 0.05/tau to 0.6, 0.5/tau to 0.3.
PrepareOptions windowed_glass() {
  PrepareOptions o = quick_glass(64);
  o.t_end = 0.3;
  o.cooling_rate = 0.05;
  o.fast_rate = 0.5;
  o.slow_from = 1.2;
  o.slow_to = 0.6;
  return o;
}

// ---------------- Tg on synthetic curves ----------------

// y = y0 + b_g (T - Tg) below Tg, y0 + b_l (T - Tg) above, plus Gaussian noise.
std::vector<double> kinked(const std::vector<double>& t, double tg, double noise,
                           std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.0, noise);
  std::vector<double> y(t.size());
  for (std::size_t i = 0; i < t.size(); ++i)
    y[i] = -7.0 + (t[i] < tg ? 1.1 : 2.6) * (t[i] - tg) + g(rng);
  return y;
}

TEST(MdTg, RecoversAKnownKinkWithACalibratedError) {
  std::vector<double> t(150);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = 1.6 - 1.5 * static_cast<double>(i) / 149;
  // Noise-free: exact.
  const auto exact = estimate_tg(t, kinked(t, 0.47, 0.0, 1));
  EXPECT_NEAR(exact.tg, 0.47, 1e-6);
  EXPECT_NEAR(exact.glass_slope, 1.1, 1e-6);
  EXPECT_NEAR(exact.liquid_slope, 2.6, 1e-6);
  EXPECT_NEAR(exact.value_at_tg, -7.0, 1e-6);
  // Noisy: over many noise draws the spread of Tg matches the reported error.
  std::vector<double> tg, err;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const auto e = estimate_tg(t, kinked(t, 0.47, 0.01, seed));
    tg.push_back(e.tg);
    err.push_back(e.tg_err);
    EXPECT_NEAR(e.glass_slope, 1.1, 5 * e.glass_slope_err + 1e-9);
    EXPECT_NEAR(e.liquid_slope, 2.6, 5 * e.liquid_slope_err + 1e-9);
    EXPECT_NEAR(e.rms_residual, 0.01, 0.003);
  }
  const double mean = std::accumulate(tg.begin(), tg.end(), 0.0) / tg.size();
  double var = 0;
  for (double v : tg) var += (v - mean) * (v - mean);
  const double spread = std::sqrt(var / (tg.size() - 1));
  const double mean_err = std::accumulate(err.begin(), err.end(), 0.0) / err.size();
  EXPECT_NEAR(mean, 0.47, 3 * spread / std::sqrt(tg.size()) + 1e-4);
  EXPECT_GT(mean_err / spread, 0.6) << "error " << mean_err << " spread " << spread;
  EXPECT_LT(mean_err / spread, 1.6) << "error " << mean_err << " spread " << spread;
  // The profile is minimal at the estimate.
  const auto one = estimate_tg(t, kinked(t, 0.47, 0.01, 99));
  const auto y = kinked(t, 0.47, 0.01, 99);
  EXPECT_LE(two_line_sse(t, y, one.tg), two_line_sse(t, y, one.tg + 0.01));
  EXPECT_LE(two_line_sse(t, y, one.tg), two_line_sse(t, y, one.tg - 0.01));
  // A restricted range ignores what lies outside it.
  TgOptions range;
  range.t_min = 0.2;
  range.t_max = 1.0;
  const auto r = estimate_tg(t, kinked(t, 0.47, 0.0, 1), range);
  EXPECT_NEAR(r.tg, 0.47, 1e-6);
  EXPECT_GE(r.t_min, 0.2);
  EXPECT_LE(r.t_max, 1.0);
}

// A liquid branch that bends like the LJ liquid's (slope falling with T), a straight glass line:
// a fixed wide range moves the kink with the range; the range chosen by the data does not.
TEST(MdTg, RangeFromTheDataDoesNotMoveWithTheUpperBound) {
  std::vector<double> t(400);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = 0.1 + 1.9 * static_cast<double>(i) / 399;
  const double tg = 0.45;
  auto curve = [&](std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> g(0.0, 0.004);
    std::vector<double> y(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
      const double d = t[i] - tg;
      y[i] = -7.0 + (d < 0 ? 1.1 * d : 2.6 * d - 0.5 * d * d) + g(rng);
    }
    return y;
  };
  int covered = 0, fixed_off = 0;
  const int seeds = 12;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const auto y = curve(seed);
    std::vector<double> chosen;
    for (double upper : {1.0, 1.5, 2.0}) {
      TgOptions o;
      o.t_max = upper;
      const auto e = estimate_tg(t, y, o);
      EXPECT_TRUE(e.range_from_data);
      EXPECT_LT(e.t_max, upper + 1e-12);
      chosen.push_back(e.tg);
      if (upper == 2.0) {
        covered += std::abs(e.tg - tg) < 2 * e.tg_err;
        std::printf("seed %d: Tg %.4f +- %.4f over %.3f..%.3f\n", static_cast<int>(seed), e.tg,
                    e.tg_err, e.t_min, e.t_max);
      }
      o.range_from_data = false;
      const auto f = estimate_tg(t, y, o);
      if (upper == 2.0) fixed_off += std::abs(f.tg - tg) > 3 * f.tg_err;
    }
    // The three upper bounds give one Tg (the range the data choose is the same).
    EXPECT_NEAR(chosen[0], chosen[2], 0.02) << "seed " << seed;
    EXPECT_NEAR(chosen[1], chosen[2], 0.02) << "seed " << seed;
  }
  EXPECT_GE(covered, 9) << "Tg within 2 errors of the truth in " << covered << " of " << seeds;
  EXPECT_GE(fixed_off, 10) << "the fixed 0.1-2.0 range is biased in " << fixed_off;
}

// A cooling curve as a fast quench gives it: an equilibrium liquid a + b T^(3/5) above 0.7, a
// harmonic glass line below 0.35 meeting the liquid's extrapolation at Tf = 0.52, and between
// them a broad transition (the curve leaves the liquid gradually). The fictive temperature finds
// Tf exactly without noise, and with noise on average, with an error that matches its spread
// over noise draws.
TEST(MdTg, FictiveTemperatureIgnoresTheBreadthOfTheTransition) {
  const double tf = 0.52, a = -8.0, b = 3.1, slope = 1.45;
  const double liquid_at_tf = a + b * std::pow(tf, 0.6);
  auto liquid = [&](double t) { return a + b * std::pow(t, 0.6); };
  auto glass = [&](double t) { return liquid_at_tf + slope * (t - tf); };
  std::vector<double> t(190);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = 2.0 - 1.9 * static_cast<double>(i) / 189;
  auto curve = [&](std::uint64_t seed, double noise) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> g(0.0, noise);
    std::vector<double> y(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
      // Smooth step from the glass (T <= 0.35) to the liquid (T >= 0.7).
      const double s = std::clamp((t[i] - 0.35) / 0.35, 0.0, 1.0);
      const double w = s * s * (3 - 2 * s);
      y[i] = (1 - w) * glass(t[i]) + w * liquid(t[i]) + g(rng);
    }
    return y;
  };
  const auto exact = estimate_tg(t, curve(1, 0.0));
  ASSERT_TRUE(exact.fictive.has_value());
  EXPECT_NEAR(exact.fictive->tg, tf, 1e-6);
  EXPECT_NEAR(exact.fictive->glass_slope, slope, 1e-6);
  std::vector<double> found, err;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const auto f = fictive_tg(t, curve(seed, 0.004));
    found.push_back(f.tg);
    err.push_back(f.tg_err);
  }
  const double mean = std::accumulate(found.begin(), found.end(), 0.0) / found.size();
  double var = 0;
  for (double v : found) var += (v - mean) * (v - mean);
  const double spread = std::sqrt(var / (found.size() - 1));
  const double mean_err = std::accumulate(err.begin(), err.end(), 0.0) / err.size();
  EXPECT_NEAR(mean, tf, 3 * spread / std::sqrt(found.size()) + 1e-4);
  EXPECT_GT(mean_err / spread, 0.6) << "error " << mean_err << " spread " << spread;
  EXPECT_LT(mean_err / spread, 1.6) << "error " << mean_err << " spread " << spread;
  // A curve that never reaches the liquid has no fictive estimate, and says why.
  const std::vector<double> cold(t.begin() + 120, t.end());
  const auto all_y = curve(1, 0.0);
  const std::vector<double> y_cold(all_y.begin() + 120, all_y.end());
  EXPECT_NE(error_of([&] { fictive_tg(cold, y_cold); }).find("in the liquid above"),
            std::string::npos);
  EXPECT_FALSE(estimate_tg(cold, y_cold).fictive.has_value());
}

TEST(MdTg, BadInputGivesClearErrors) {
  const std::vector<double> t = {0.1, 0.2, 0.3, 0.4, 0.5};
  EXPECT_NE(error_of([&] {
              estimate_tg(t, {1, 2, 3, 4, 5});
            }).find("need at least 11"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              estimate_tg(t, {1, 2});
            }).find("5 temperatures but 2 values"),
            std::string::npos);
  std::vector<double> many(30), line(30);
  for (std::size_t i = 0; i < 30; ++i) many[i] = 0.1 * i, line[i] = 2 * many[i];
  TgOptions bad;
  bad.t_min = 1.0;
  bad.t_max = 0.5;
  EXPECT_THROW(estimate_tg(many, line, bad), Error);
}

// ---------------- engine checks ----------------

TEST(MdProtocols, NveConservesEnergy) {
  ScratchDir dir;
  auto o = quick_glass(256);
  o.t_end = 0.6;  // a hot glass: plenty of motion
  const auto glass = prepare_glass(o, dir / "g.h5");
  LammpsSession s;
  s.create_system(WahnstromModel(), glass.state.snapshot.box, glass.state.species,
                  glass.state.snapshot.positions, &glass.state.velocities);
  s.command("timestep 0.005");
  const auto e = run_nve(s, 2000, 20);
  ASSERT_EQ(e.total.size(), 101u);
  // Drift: the mean of the last quarter against the first quarter; fluctuation: the rms about
  // the mean. Both are per atom, against a kinetic energy of ~0.9 per atom.
  const std::size_t q = e.total.size() / 4;
  double first = 0, last = 0, mean = 0;
  for (std::size_t i = 0; i < q; ++i)
    first += e.total[i] / q, last += e.total[e.total.size() - 1 - i] / q;
  for (double v : e.total) mean += v / e.total.size();
  double rms = 0;
  for (double v : e.total) rms += (v - mean) * (v - mean) / e.total.size();
  rms = std::sqrt(rms);
  double ke_range = *std::max_element(e.kinetic.begin(), e.kinetic.end()) -
                    *std::min_element(e.kinetic.begin(), e.kinetic.end());
  std::printf("NVE: drift %.3g, rms %.3g, kinetic range %.3g per atom\n", last - first, rms,
              ke_range);
  EXPECT_LT(std::abs(last - first), 2e-4);
  EXPECT_LT(rms, 5e-4);
  EXPECT_GT(ke_range, 50 * rms);  // energy moves between kinetic and potential, the sum does not
}

TEST(MdProtocols, UnwrappedPositionsAreContinuousAcrossTheBoundary) {
  ScratchDir dir;
  auto o = quick_glass(128);
  const auto glass = prepare_glass(o, dir / "g.h5");
  LammpsSession s;
  s.create_system(WahnstromModel(), glass.state.snapshot.box, glass.state.species,
                  glass.state.snapshot.positions);
  s.commands(
      "velocity all create 2.0 3 loop geom\nfix hot all nvt temp 2.0 2.0 0.5\ntimestep 0.005");
  auto previous = s.positions();
  const auto box = s.box();
  const auto len = box.length();
  std::size_t crossings = 0;
  double max_jump = 0;
  for (int chunk = 0; chunk < 60; ++chunk) {
    s.run(10, chunk == 0);
    const auto x = s.positions();
    for (std::size_t i = 0; i < x.size(); ++i) {
      max_jump = std::max(max_jump, std::abs(x[i] - previous[i]));
      const int d = static_cast<int>(i % 3);
      const auto cell = [&](double v) { return std::floor((v - box.lo[d]) / len[d]); };
      if (cell(x[i]) != cell(previous[i])) ++crossings;
    }
    previous = x;
  }
  EXPECT_GT(crossings, 20u) << "atoms should cross the periodic boundary";
  EXPECT_LT(max_jump, 0.5) << "an unwrapped coordinate jumped by a box length";
}

// ---------------- prepare + Tg on a real quench ----------------

TEST(MdProtocols, SmallQuenchGivesACoolingCurveAndTg) {
  ScratchDir dir;
  PrepareOptions o;
  o.atoms = 250;
  o.seed = 3;
  o.melt_time = 5;
  o.cooling_rate = 0.02;  // fast: 95 tau
  o.record_every_dt = 0.02;
  const auto path = dir / "glass.h5";
  const auto r = prepare_glass(o, path);
  ASSERT_TRUE(is_glass_file(path));
  const auto c = read_cooling_curve(path);
  ASSERT_EQ(c.size(), 95u);
  EXPECT_NEAR(c.target_temperature.front(), 1.99, 1e-9);
  EXPECT_NEAR(c.target_temperature.back(), 0.11, 1e-9);
  // The measured temperature follows the set point; the energy falls as it cools.
  for (std::size_t i = 0; i < c.size(); ++i)
    EXPECT_NEAR(c.temperature[i], c.target_temperature[i], 0.1 + 0.05 * c.target_temperature[i]);
  EXPECT_LT(c.potential_energy.back(), c.potential_energy.front() - 1.0);
  for (double v : c.volume) EXPECT_NEAR(v, 250 / 0.75, 1e-9);  // NVT: constant density
  const auto g = read_glass_state(path);
  EXPECT_EQ(g.species.size(), 250u);
  EXPECT_EQ(std::count(g.species.begin(), g.species.end(), 0), 125);
  EXPECT_EQ(g.velocities.size(), 750u);
  ASSERT_TRUE(g.tg.has_value());  // prepare fits Tg with the default options
  EXPECT_EQ(g.protocol.value("cooling_rate", 0.0), 0.02);
  // Tg of a 250-atom quench is noisy (the kink is weak: energy slope ~1.5 in the glass, ~1.7 in
  // the supercooled liquid), so the bounds are wide; the glass slope is physics: a harmonic solid
  // has potential energy 3T/2 per atom.
  const auto e = estimate_and_store_tg(path);
  EXPECT_EQ(e.tg, g.tg->tg);
  std::printf("Tg %.4f +- %.4f, slopes glass %.3f liquid %.3f, %zu points\n", e.tg, e.tg_err,
              e.glass_slope, e.liquid_slope, e.points);
  EXPECT_GT(e.tg, 0.25);
  EXPECT_LT(e.tg, 0.8);
  EXPECT_GT(e.tg_err, 0.0);
  EXPECT_LT(e.tg_err, 0.2);
  EXPECT_NEAR(e.glass_slope, 1.5, 0.15);
  EXPECT_GT(e.liquid_slope, e.glass_slope);
  double hottest_in_range = 0;  // the default fit range ends at T = 1 at the latest
  for (double t : c.temperature)
    if (t <= 1.0) hottest_in_range = std::max(hottest_in_range, t);
  EXPECT_LE(e.t_max, hottest_in_range);
  EXPECT_GT(e.t_max, e.tg);
  EXPECT_TRUE(e.range_from_data);
  const auto back = read_glass_state(path);
  ASSERT_TRUE(back.tg.has_value());
  EXPECT_EQ(back.tg->tg, e.tg);
  EXPECT_EQ(back.snapshot.positions, g.snapshot.positions);  // the new version keeps the state
  // The glass is a one-frame trajectory too.
  auto src = open_trajectory(path);
  EXPECT_EQ(src->frames(), 1u);
  EXPECT_EQ(src->read(0).positions, g.snapshot.positions);
  // NVT volume cannot give Tg.
  TgOptions vol;
  vol.quantity = "volume";
  EXPECT_NE(error_of([&] { estimate_and_store_tg(path, vol); }).find("volume is constant"),
            std::string::npos);
}

// The slow window: the cooling rate only between slow_from and slow_to, the fast rate outside;
// one cooling-curve point per record_every_dt of temperature in every ramp, the ramps recorded.
TEST(MdProtocols, SlowWindowCoolsSlowlyOnlyInsideIt) {
  ScratchDir dir;
  PrepareOptions o = windowed_glass();
  const auto path = dir / "w.h5";
  prepare_glass(o, path);
  const auto c = read_cooling_curve(path);
  // (2.0 - 1.2 + 1.2 - 0.6 + 0.6 - 0.3) / 0.05 = 34 points, 16 + 12 + 6 by ramp.
  ASSERT_EQ(c.size(), 34u);
  for (std::size_t i = 1; i < c.size(); ++i) {
    EXPECT_GT(c.time[i], c.time[i - 1]);
    EXPECT_NEAR(c.target_temperature[i - 1] - c.target_temperature[i], 0.05, 1e-9) << i;
  }
  // Tau per point: record_every_dt / rate, 10x longer inside the window.
  EXPECT_NEAR(c.time[1] - c.time[0], 0.05 / 0.5, 1e-9);
  EXPECT_NEAR(c.time[20] - c.time[19], 0.05 / 0.05, 1e-9);
  EXPECT_NEAR(c.time[33] - c.time[32], 0.05 / 0.5, 1e-9);
  // In the window the measured temperature follows the set point (outside it the thermostat lags
  // a ramp this fast by ~rate x damping = 0.25): an average missing because its interval did not
  // line up would read 0 here.
  for (std::size_t i = 16; i < 28; ++i)
    EXPECT_NEAR(c.temperature[i], c.target_temperature[i], 0.1 + 0.1 * c.target_temperature[i])
        << i;
  const auto g = read_glass_state(path);
  const auto& ramps = g.protocol.at("ramps");
  ASSERT_EQ(ramps.size(), 3u);
  const double rates[] = {0.5, 0.05, 0.5}, ends[] = {1.2, 0.6, 0.3};
  for (std::size_t r = 0; r < 3; ++r) {
    // LAMMPS's averages end on multiples of the interval: each ramp begins on one.
    EXPECT_EQ(ramps[r].at("first_step").get<std::int64_t>() %
                  ramps[r].at("record_every_steps").get<std::int64_t>(),
              0)
        << r;
    EXPECT_NEAR(ramps[r].at("rate").get<double>(), rates[r], 1e-9) << r;
    EXPECT_NEAR(ramps[r].at("to").get<double>(), ends[r], 1e-12) << r;
  }
  // The relaxed preset is such a window, and a window outside the quench is refused.
  const auto relaxed = relaxed_protocol(PrepareOptions{});
  EXPECT_GT(relaxed.fast_rate, relaxed.cooling_rate);
  EXPECT_LT(relaxed.slow_to, relaxed.slow_from);
  PrepareOptions bad = o;
  bad.slow_to = 0.2;  // below t_end
  EXPECT_NE(error_of([&] { prepare_glass(bad, dir / "b.h5"); }).find("slow window"),
            std::string::npos);
}

// An interrupted quench (stopped at a restart inside the slow window) resumed from its restart
// and checkpoint gives the glass and cooling curve of the uninterrupted run, bit for bit.
TEST(MdProtocols, PrepareResumeGivesTheUninterruptedGlass) {
  ScratchDir dir;
  PrepareOptions o = windowed_glass();
  o.anneal_time = 1;
  o.restart_every = 300;
  const auto whole = prepare_glass(o, dir / "a.h5");
  ASSERT_TRUE(whole.complete);
  EXPECT_FALSE(std::filesystem::exists(restart_path(dir / "a.h5")));  // cleaned up
  EXPECT_FALSE(std::filesystem::exists(prepare_checkpoint_path(dir / "a.h5")));

  PrepareOptions first = o;
  first.stop_after_step = 1500;  // inside the window (melt 400, fast ramp 320 steps)
  const auto stopped = prepare_glass(first, dir / "b.h5");
  EXPECT_FALSE(stopped.complete);
  EXPECT_FALSE(std::filesystem::exists(dir / "b.h5"));
  ASSERT_TRUE(std::filesystem::exists(restart_path(dir / "b.h5")));
  ASSERT_TRUE(std::filesystem::exists(prepare_checkpoint_path(dir / "b.h5")));
  // Other options than the interrupted run's are refused.
  PrepareOptions other = o;
  other.resume = true;
  other.cooling_rate = 0.04;
  EXPECT_NE(error_of([&] { prepare_glass(other, dir / "b.h5"); }).find("other options"),
            std::string::npos);
  PrepareOptions rest = o;
  rest.resume = true;
  const auto resumed = prepare_glass(rest, dir / "b.h5");
  ASSERT_TRUE(resumed.complete);
  EXPECT_GE(resumed.first_step, 1500);  // it continued, not started again

  const auto a = read_glass_state(dir / "a.h5"), b = read_glass_state(dir / "b.h5");
  EXPECT_EQ(a.snapshot.step, b.snapshot.step);
  EXPECT_EQ(a.snapshot.positions, b.snapshot.positions);
  EXPECT_EQ(a.velocities, b.velocities);
  const auto ca = read_cooling_curve(dir / "a.h5"), cb = read_cooling_curve(dir / "b.h5");
  EXPECT_EQ(ca.time, cb.time);
  EXPECT_EQ(ca.temperature, cb.temperature);
  EXPECT_EQ(ca.potential_energy, cb.potential_energy);
  // Nothing to resume from: a clear error.
  EXPECT_NE(error_of([&] { prepare_glass(rest, dir / "c.h5"); }).find("cannot resume"),
            std::string::npos);
}

// ---------------- production ----------------

TEST(MdProtocols, ProductionWritesTrajectoryAndThermoLog) {
  ScratchDir dir;
  prepare_glass(quick_glass(128), dir / "g.h5");
  ProductionOptions p;
  p.temperature = 0.4;
  p.duration_tau = 3.0;  // 600 steps
  p.snapshot_every = 50;
  p.restart_every = 200;
  const auto r = run_production(dir / "g.h5", dir / "traj.h5", p);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.steps, 600);
  EXPECT_EQ(r.frames, 13u);
  EXPECT_FALSE(std::filesystem::exists(restart_path(dir / "traj.h5")));
  auto src = open_trajectory(dir / "traj.h5");
  ASSERT_EQ(src->frames(), 13u);
  EXPECT_EQ(src->header().protocol.value("temperature_resolved", 0.0), 0.4);
  EXPECT_EQ(src->header().model.value("sigma_ll", 0.0), 1.2);
  for (std::size_t f = 0; f < 13; ++f) {
    const auto s = src->read(f);
    EXPECT_EQ(s.step, static_cast<std::int64_t>(50 * f));
    EXPECT_DOUBLE_EQ(s.time, 0.25 * f);
  }
  const auto thermo = read_thermo_log(dir / "traj.h5");
  ASSERT_EQ(thermo.size(), 13u);
  double mean_t = 0;
  for (std::size_t i = 1; i < thermo.size(); ++i) mean_t += thermo[i].temperature / 12;
  EXPECT_NEAR(mean_t, 0.4, 0.08);
  EXPECT_NEAR(thermo[3].total_energy, thermo[3].potential_energy + thermo[3].kinetic_energy, 1e-12);
  // The same run started from a LAMMPS data file of the same glass gives the same trajectory.
  const auto g = read_glass_state(dir / "g.h5");
  write_lammps_data(dir / "g.data", g.snapshot, g.species);
  run_production(dir / "g.data", dir / "from_data.h5", p);
  auto other = open_trajectory(dir / "from_data.h5");
  ASSERT_EQ(other->frames(), 13u);
  const auto a = src->read(12).positions, b = other->read(12).positions;
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  EXPECT_LT(worst, 1e-6);  // the data file rounds the start at 1e-16; chaos amplifies it a bit
}

TEST(MdProtocols, ResumeGivesTheUninterruptedTrajectory) {
  ScratchDir dir;
  prepare_glass(quick_glass(128), dir / "g.h5");
  ProductionOptions p;
  p.temperature = 0.45;
  p.duration_tau = 5.0;  // 1000 steps
  p.snapshot_every = 20;
  p.restart_every = 200;
  run_production(dir / "g.h5", dir / "whole.h5", p);
  // Interrupted after step 460: the last restart is at 400, frames up to 460 are on disk.
  ProductionOptions first = p;
  first.stop_after_step = 460;
  const auto r1 = run_production(dir / "g.h5", dir / "split.h5", first);
  EXPECT_FALSE(r1.complete);
  EXPECT_EQ(r1.last_step, 460);  // where it stopped, not the planned end
  EXPECT_EQ(r1.steps, 1000);
  EXPECT_TRUE(r1.root);
  EXPECT_EQ(r1.frames, 24u);
  EXPECT_FALSE(std::filesystem::exists(dir / "split.h5"));
  ASSERT_TRUE(std::filesystem::exists(TrajectoryWriter::partial_path(dir / "split.h5")));
  ASSERT_TRUE(std::filesystem::exists(restart_path(dir / "split.h5")));
  ProductionOptions second = p;
  second.resume = true;
  const auto r2 = run_production(dir / "g.h5", dir / "split.h5", second);
  EXPECT_TRUE(r2.complete);
  EXPECT_EQ(r2.first_step, 400);
  EXPECT_EQ(r2.last_step, 1000);
  auto whole = open_trajectory(dir / "whole.h5");
  auto split = open_trajectory(dir / "split.h5");
  ASSERT_EQ(whole->frames(), 51u);
  ASSERT_EQ(split->frames(), 51u);
  for (std::size_t f = 0; f < 51; ++f) {
    const auto a = whole->read(f), b = split->read(f);
    ASSERT_EQ(a.step, b.step);
    ASSERT_EQ(a.positions, b.positions) << "frame " << f << " differs after resume";
  }
  const auto ta = read_thermo_log(dir / "whole.h5"), tb = read_thermo_log(dir / "split.h5");
  ASSERT_EQ(ta.size(), tb.size());
  for (std::size_t i = 0; i < ta.size(); ++i) EXPECT_EQ(ta[i].total_energy, tb[i].total_energy);
  // Resuming a run whose options differ is refused.
  first.temperature = 0.5;
  run_production(dir / "g.h5", dir / "other.h5", first);
  ProductionOptions changed = p;
  changed.resume = true;
  EXPECT_NE(error_of([&] {
              run_production(dir / "g.h5", dir / "other.h5", changed);
            }).find("another temperature"),
            std::string::npos);
}

// A complete run with its restart kept, made longer with extend, equals the longer run made in
// one go: from a restart at its end (a restart boundary) or from the last one before its end.
TEST(MdProtocols, ExtendGivesTheRunMadeInOneGo) {
  ScratchDir dir;
  prepare_glass(quick_glass(128), dir / "g.h5");
  ProductionOptions p;
  p.temperature = 0.45;
  p.snapshot_every = 20;
  p.restart_every = 200;
  p.duration_tau = 7.0;  // 1400 steps
  run_production(dir / "g.h5", dir / "whole.h5", p);
  EXPECT_FALSE(std::filesystem::exists(restart_path(dir / "whole.h5")));
  auto whole = open_trajectory(dir / "whole.h5");
  ASSERT_EQ(whole->frames(), 71u);
  const auto thermo_whole = read_thermo_log(dir / "whole.h5");
  for (const double made : {4.0, 4.5}) {  // 800 steps (a boundary), 900 (the restart at 800)
    const auto out = dir / ("part" + std::to_string(static_cast<int>(made * 10)) + ".h5");
    ProductionOptions shorter = p;
    shorter.duration_tau = made;
    shorter.keep_restart = true;
    run_production(dir / "g.h5", out, shorter);
    ASSERT_TRUE(std::filesystem::exists(restart_path(out)));
    ProductionOptions longer = p;
    longer.extend = true;
    const auto r = run_production(dir / "g.h5", out, longer);
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(r.first_step, 800);
    EXPECT_EQ(r.last_step, 1400);
    EXPECT_FALSE(std::filesystem::exists(TrajectoryWriter::partial_path(out)));
    EXPECT_FALSE(std::filesystem::exists(restart_path(out)));  // not kept this time
    auto t = open_trajectory(out);
    ASSERT_EQ(t->frames(), 71u) << made;
    for (std::size_t f = 0; f < 71; ++f) {
      const auto a = whole->read(f), b = t->read(f);
      ASSERT_EQ(a.step, b.step);
      ASSERT_EQ(a.positions, b.positions) << "frame " << f << " differs after extending " << made;
    }
    const auto thermo = read_thermo_log(out);
    ASSERT_EQ(thermo.size(), thermo_whole.size());
    for (std::size_t i = 0; i < thermo.size(); ++i)
      EXPECT_EQ(thermo[i].total_energy, thermo_whole[i].total_energy);
    EXPECT_EQ(t->header().protocol["duration_tau"], 7.0);
    // The cost adds both calls, the steps made again included.
    EXPECT_EQ(read_run_cost(out)->atom_steps, 128.0 * (made / 0.005 + 600));
  }
}

TEST(MdProtocols, ExtendBadInput) {
  ScratchDir dir;
  prepare_glass(quick_glass(64), dir / "g.h5");
  ProductionOptions p;
  p.temperature = 0.45;
  p.snapshot_every = 20;
  p.restart_every = 200;
  p.duration_tau = 2.0;
  run_production(dir / "g.h5", dir / "plain.h5", p);  // no restart kept
  ProductionOptions kept = p;
  kept.keep_restart = true;
  run_production(dir / "g.h5", dir / "kept.h5", kept);
  const auto size = std::filesystem::file_size(dir / "kept.h5");
  ProductionOptions longer = p;
  longer.duration_tau = 3.0;
  longer.extend = true;
  auto error = [&](const ProductionOptions& o, const char* name) {
    return error_of([&] { run_production(dir / "g.h5", dir / name, o); });
  };
  EXPECT_NE(error(longer, "none.h5").find("no complete run"), std::string::npos);
  EXPECT_NE(error(longer, "plain.h5").find("no restart was kept"), std::string::npos);
  ProductionOptions same = longer;
  same.duration_tau = 2.0;
  EXPECT_NE(error(same, "kept.h5").find("already holds 2 tau"), std::string::npos);
  ProductionOptions hotter = longer;
  hotter.temperature = 0.5;
  EXPECT_NE(error(hotter, "kept.h5").find("another temperature"), std::string::npos);
  ProductionOptions both = longer;
  both.resume = true;
  EXPECT_NE(error(both, "kept.h5").find("give one"), std::string::npos);
  // Nothing was touched by the refusals.
  EXPECT_EQ(std::filesystem::file_size(dir / "kept.h5"), size);
  EXPECT_FALSE(std::filesystem::exists(TrajectoryWriter::partial_path(dir / "kept.h5")));
  // An extension stopped part-way resumes like any run and ends where one run would.
  ProductionOptions stopped = longer;
  stopped.stop_after_step = 500;
  EXPECT_FALSE(run_production(dir / "g.h5", dir / "kept.h5", stopped).complete);
  EXPECT_EQ(std::filesystem::file_size(dir / "kept.h5"), size);  // still the complete run
  EXPECT_NE(error(longer, "kept.h5").find("interrupted run"), std::string::npos);
  ProductionOptions resume = p;
  resume.duration_tau = 3.0;
  resume.resume = true;
  const auto r = run_production(dir / "g.h5", dir / "kept.h5", resume);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.first_step, 400);
  EXPECT_EQ(open_trajectory(dir / "kept.h5")->frames(), 31u);
}

TEST(MdProtocols, ProductionBadInput) {
  ScratchDir dir;
  auto o = quick_glass(64);
  o.estimate_tg = false;
  const auto glass = prepare_glass(o, dir / "g.h5");
  EXPECT_FALSE(glass.state.tg.has_value());
  write_lammps_data(dir / "g.data", glass.state.snapshot, glass.state.species);
  ProductionOptions p;
  p.tg_fraction = 0.8;
  p.duration_tau = 1;
  // A Tg fraction needs a Tg: neither the fresh glass nor a data file has one.
  EXPECT_NE(error_of([&] { run_production(dir / "g.h5", dir / "t.h5", p); }).find("Tg estimate"),
            std::string::npos);
  EXPECT_NE(error_of([&] { run_production(dir / "g.data", dir / "t.h5", p); }).find("Tg estimate"),
            std::string::npos);
  // With a stored Tg the fraction resolves.
  TgEstimate tg;
  tg.tg = 0.5;
  store_tg(dir / "g.h5", tg);
  EXPECT_DOUBLE_EQ(production_temperature(p, read_start_state(dir / "g.h5")), 0.4);
  // A fraction of the fictive Tg ("0.8Tf") needs one; with it, it resolves against it.
  ProductionOptions pf = p;
  pf.fictive_tg = true;
  EXPECT_NE(error_of([&] {
              production_temperature(pf, read_start_state(dir / "g.h5"));
            }).find("no fictive Tg"),
            std::string::npos);
  tg.fictive = FictiveTg{};
  tg.fictive->tg = 0.52;
  store_tg(dir / "g.h5", tg);
  EXPECT_DOUBLE_EQ(production_temperature(pf, read_start_state(dir / "g.h5")), 0.8 * 0.52);
  EXPECT_DOUBLE_EQ(production_temperature(p, read_start_state(dir / "g.h5")), 0.4);
  ProductionOptions none;
  none.duration_tau = 1;
  EXPECT_NE(error_of([&] { run_production(dir / "g.h5", dir / "t.h5", none); }).find("temperature"),
            std::string::npos);
  ProductionOptions resume;
  resume.temperature = 0.3;
  resume.duration_tau = 1;
  resume.resume = true;
  EXPECT_NE(
      error_of([&] { run_production(dir / "g.h5", dir / "t.h5", resume); }).find("no restart"),
      std::string::npos);
  EXPECT_NE(error_of([&] {
              run_production(dir / "missing.h5", dir / "t.h5", resume);
            }).find("does not exist"),
            std::string::npos);
  PrepareOptions npt = quick_glass(64);
  npt.ensemble = "npt";
  EXPECT_NE(error_of([&] { prepare_glass(npt, dir / "n.h5"); }).find("needs a pressure"),
            std::string::npos);
}

}  // namespace
}  // namespace glassy::md
