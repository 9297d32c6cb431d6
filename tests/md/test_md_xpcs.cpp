// Simulated XPCS end to end (md/xpcs): trajectories with known correlation give
// known two-time results. A frozen configuration never decorrelates (normalised
// g2 = 1 at every lag); a configuration re-drawn at random for every snapshot
// decorrelates fully after one snapshot (normalised g2 ~ 0); the stored
// contrast equals <I^2>/<I>^2 of a naive sum over atoms.
#include "test_support.hpp"

#include <glassy/core/error.hpp>
#include <glassy/core/random.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/md/model.hpp>
#include <glassy/md/trajectory.hpp>
#include <glassy/md/xpcs.hpp>

#include <cmath>
#include <complex>
#include <numbers>

namespace glassy::md {
namespace {

using test::ScratchDir;

constexpr std::size_t kAtoms = 400;
const double kSide = std::cbrt(kAtoms / 0.75);

Snapshot random_snapshot(Xoshiro256& rng, double time) {
  Snapshot s;
  s.time = time;
  s.box.hi = {kSide, kSide, kSide};
  s.positions.resize(kAtoms * 3);
  for (auto& x : s.positions) x = rng.uniform() * kSide;
  return s;
}

std::vector<int> half_and_half() {
  std::vector<int> species(kAtoms);
  for (std::size_t i = 0; i < kAtoms; ++i) species[i] = i % 2 == 0 ? kSmall : kLarge;
  return species;
}

// frozen: every snapshot the same configuration; else a new random one each
// time.
std::filesystem::path write_trajectory(const ScratchDir& dir, std::size_t frames, bool frozen) {
  TrajectoryHeader h;
  h.species = half_and_half();
  h.model = WahnstromModel{}.to_json();
  h.units = UnitMapping{}.to_json();
  const auto path = dir / (frozen ? "frozen.h5" : "random.h5");
  TrajectoryWriter w(path, h);
  Xoshiro256 rng(7, 0);
  const auto first = random_snapshot(rng, 0);
  for (std::size_t f = 0; f < frames; ++f) {
    auto s = frozen ? first : random_snapshot(rng, 0);
    s.time = 2.0 * static_cast<double>(f);
    s.step = static_cast<std::int64_t>(f) * 400;
    w.append(s);
  }
  w.commit();
  return path;
}

MdXpcsOptions small_options() {
  MdXpcsOptions o;
  o.shell = std::pair{5.0, 7.0};  // random positions have no peak; fix the shell
  return o;  // the spot width: glassy widens the paper's 0.21 1/A to hold 8 q points here
}

TEST(MdXpcs, SpotHoldsEnoughQPointsOrIsRefusedWithTheBoxNeeded) {
  ScratchDir dir;
  const auto traj = write_trajectory(dir, 6, false);
  auto o = small_options();
  const auto r = simulate_xpcs(traj, dir / "auto.h5", o);
  EXPECT_TRUE(r.spot_widened);
  EXPECT_GE(r.regions[2].q.size(), o.min_spot_points);
  EXPECT_GT(r.spot_width, o.paper_spot_width);
  // The previous step (5 % narrower) held too few: the smallest such width.
  o.spot_width = r.spot_width / 1.05;
  EXPECT_THROW(simulate_xpcs(traj, dir / "narrow.h5", o), Error);
  o.spot_width = r.spot_width;  // the width chosen, given: accepted, same points
  const auto given = simulate_xpcs(traj, dir / "given.h5", o);
  EXPECT_FALSE(given.spot_widened);
  EXPECT_EQ(given.regions[2].q.n, r.regions[2].q.n);
  {
    auto f = h5::File::open(dir / "auto.h5");
    EXPECT_DOUBLE_EQ(f.group("glassy/md/xpcs").attrs().get_double("spot_width_inv_angstrom"),
                     r.spot_width);
  }
  o.spot_width = o.paper_spot_width;  // the paper's width in a 400-atom box: a few points at most
  try {
    simulate_xpcs(traj, dir / "paper.h5", o);
    FAIL() << "a spot with too few q points accepted";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("8 are needed"), std::string::npos) << m;
    EXPECT_NE(m.find("use a box of at least"), std::string::npos) << m;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "paper.h5"));
}

TEST(MdXpcs, FrozenConfigurationNeverDecorrelates) {
  ScratchDir dir;
  const auto traj = write_trajectory(dir, 24, true);
  const auto out = dir / "xpcs.h5";
  auto o = small_options();
  o.spot_direction = {0, 1, 0};  // spot points that are the -q partners of shell points
  const auto r = simulate_xpcs(traj, out, o);
  ASSERT_EQ(r.regions.size(), 3u);
  ASSERT_GT(r.regions[2].q.size(), 0u);
  auto f = h5::File::open(out);
  const auto norm = f.read<double>("glassy/md/xpcs/g2_normalized");
  ASSERT_FALSE(norm.empty());
  std::size_t finite = 0;
  for (double v : norm) {
    if (!std::isfinite(v)) continue;  // lags no pair of snapshots has
    EXPECT_NEAR(v, 1.0, 1e-6);
    ++finite;
  }
  EXPECT_GT(finite, 10u);
  // The two-time map of a frozen run is flat: every C(t1, t2) equals the
  // contrast.
  const auto map = f.read<double>("xpcs/twotime/correlation_map/c2_00001");
  const double c0 = r.regions[0].contrast[0];
  const auto n = static_cast<std::size_t>(std::lround(std::sqrt(double(map.size()))));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i; j < n; ++j)  // the upper triangle holds the map (APS layout)
      if (std::isfinite(map[i * n + j])) EXPECT_NEAR(map[i * n + j], c0, 1e-5 * c0);
}

TEST(MdXpcs, RandomConfigurationsDecorrelateAndContrastMatchesANaiveSum) {
  ScratchDir dir;
  const auto traj = write_trajectory(dir, 40, false);
  const auto out = dir / "xpcs.h5";
  const auto o = small_options();
  const auto r = simulate_xpcs(traj, out, o);
  auto f = h5::File::open(out);
  const auto norm = f.read<double>("glassy/md/xpcs/g2_normalized");
  const std::size_t bins = 3, lags = norm.size() / bins;
  // The shell (hundreds of q) decorrelates at the first lag: within a few
  // standard errors of 0.
  ASSERT_GT(lags, 2u);
  for (std::size_t l = 0; l < lags; ++l)
    if (std::isfinite(norm[l * bins])) EXPECT_LT(std::abs(norm[l * bins]), 0.1) << "lag " << l;

  // Contrast of frame 3, region shell, from an O(N Q) sum written here.
  auto source = open_trajectory(traj);
  const auto snap = source->read(3);
  const auto& q = r.regions[0].q;
  double s1 = 0, s2 = 0;
  for (std::size_t k = 0; k < q.size(); ++k) {
    const auto qv = q.q_vector(k);
    std::complex<double> a = 0;
    for (std::size_t j = 0; j < kAtoms; ++j) {
      const double phase = qv[0] * snap.positions[3 * j] + qv[1] * snap.positions[3 * j + 1] +
                           qv[2] * snap.positions[3 * j + 2];
      a += std::polar(1.0, phase);
    }
    const double i = std::norm(a);
    s1 += i, s2 += i * i;
  }
  const double n = static_cast<double>(q.size());
  const double expected = (s2 / n) / ((s1 / n) * (s1 / n));
  EXPECT_NEAR(r.regions[0].contrast[3], expected, 1e-9 * expected);
  // Random positions: fully developed speckle, contrast ~ 2 (within sampling
  // noise).
  EXPECT_NEAR(r.regions[0].contrast[3], 2.0, 0.5);
}

TEST(MdXpcs, BadInputIsRefusedWithoutAResult) {
  ScratchDir dir;
  const auto traj = write_trajectory(dir, 2, true);
  const auto out = dir / "xpcs.h5";
  try {
    simulate_xpcs(traj, out, small_options());
    FAIL() << "two snapshots accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("at least 3"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(out));
  auto o = small_options();
  o.spot_width = -1;
  EXPECT_THROW(simulate_xpcs(write_trajectory(dir, 5, true), out, o), Error);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_THROW(simulate_xpcs(dir / "missing.h5", out, small_options()), Error);
}

}  // namespace
}  // namespace glassy::md
