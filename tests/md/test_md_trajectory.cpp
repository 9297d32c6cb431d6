// Trajectory files: glassy HDF5 round trip (bitwise), resume and truncation, LAMMPS dumps written
// here by hand and by LAMMPS itself, data files, and bad input with one-line errors.
#include "test_support.hpp"

#include <glassy/core/error.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/md/lammps_dump.hpp>
#include <glassy/md/lammps_session.hpp>
#include <glassy/md/trajectory.hpp>

#include <cmath>
#include <fstream>
#include <numeric>
#include <random>

namespace glassy::md {
namespace {

using test::error_of;
using test::ScratchDir;

// A random walk of n atoms over `frames` frames in a box; some atoms drift across several boxes.
std::vector<Snapshot> random_walk(std::size_t n, std::size_t frames, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-0.4, 0.4);
  std::vector<Snapshot> out(frames);
  Box box;
  box.lo = {-2.5, 0.0, 1.0};
  box.hi = {2.5, 6.0, 5.5};
  std::vector<double> x(3 * n);
  for (std::size_t i = 0; i < 3 * n; ++i) {
    const int d = static_cast<int>(i % 3);
    x[i] = box.lo[d] + (box.hi[d] - box.lo[d]) * (u(rng) + 0.5);
  }
  for (std::size_t f = 0; f < frames; ++f) {
    out[f].step = static_cast<std::int64_t>(100 * f);
    out[f].time = 0.5 * static_cast<double>(f);  // dt = 0.005
    out[f].box = box;
    out[f].positions = x;
    for (std::size_t i = 0; i < 3 * n; ++i) x[i] += u(rng) + (i % 7 == 0 ? 1.7 : 0.0);
  }
  return out;
}

std::vector<int> alternating_species(std::size_t n) {
  std::vector<int> s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<int>(i % 2);
  return s;
}

enum class DumpStyle { Unwrapped, WrappedImages, ScaledImages, WrappedOnly };

// A LAMMPS text dump written by hand (atoms in shuffled order, like a parallel LAMMPS run).
void write_dump(const std::filesystem::path& file, const std::vector<Snapshot>& frames,
                const std::vector<int>& species, DumpStyle style) {
  std::ofstream out(file);
  std::mt19937_64 rng(3);
  char buf[256];
  for (const auto& s : frames) {
    const std::size_t n = s.atoms();
    out << "ITEM: TIMESTEP\n" << s.step << "\nITEM: NUMBER OF ATOMS\n" << n << "\n";
    out << "ITEM: BOX BOUNDS pp pp pp\n";
    for (int d = 0; d < 3; ++d) {
      std::snprintf(buf, sizeof buf, "%.17g %.17g\n", s.box.lo[d], s.box.hi[d]);
      out << buf;
    }
    switch (style) {
      case DumpStyle::Unwrapped:
        out << "ITEM: ATOMS id type xu yu zu\n";
        break;
      case DumpStyle::WrappedImages:
        out << "ITEM: ATOMS id type x y z ix iy iz\n";
        break;
      case DumpStyle::ScaledImages:
        out << "ITEM: ATOMS id type xs ys zs ix iy iz\n";
        break;
      case DumpStyle::WrappedOnly:
        out << "ITEM: ATOMS type id x y z\n";
        break;
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t i : order) {
      double w[3], sc[3];
      long image[3];
      for (int d = 0; d < 3; ++d) {
        const double l = s.box.hi[d] - s.box.lo[d];
        image[d] = static_cast<long>(std::floor((s.positions[3 * i + d] - s.box.lo[d]) / l));
        w[d] = s.positions[3 * i + d] - image[d] * l;
        sc[d] = (w[d] - s.box.lo[d]) / l;
      }
      const double* p = &s.positions[3 * i];
      switch (style) {
        case DumpStyle::Unwrapped:
          std::snprintf(buf, sizeof buf, "%zu %d %.17g %.17g %.17g\n", i + 1, species[i] + 1, p[0],
                        p[1], p[2]);
          break;
        case DumpStyle::WrappedImages:
          std::snprintf(buf, sizeof buf, "%zu %d %.17g %.17g %.17g %ld %ld %ld\n", i + 1,
                        species[i] + 1, w[0], w[1], w[2], image[0], image[1], image[2]);
          break;
        case DumpStyle::ScaledImages:
          std::snprintf(buf, sizeof buf, "%zu %d %.17g %.17g %.17g %ld %ld %ld\n", i + 1,
                        species[i] + 1, sc[0], sc[1], sc[2], image[0], image[1], image[2]);
          break;
        case DumpStyle::WrappedOnly:
          std::snprintf(buf, sizeof buf, "%d %zu %.17g %.17g %.17g\n", species[i] + 1, i + 1, w[0],
                        w[1], w[2]);
          break;
      }
      out << buf;
    }
  }
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

TEST(MdTrajectory, Hdf5RoundTripIsBitwise) {
  ScratchDir dir;
  const auto frames = random_walk(37, 6, 11);
  TrajectoryHeader h;
  h.species = alternating_species(37);
  h.timestep = 0.005;
  h.model = {{"name", "wahnstrom"}, {"sigma_ll", 1.2}};
  h.units = {{"tau_seconds", 2.156e-12}};
  {
    TrajectoryWriter w(dir / "t.h5", h);
    for (const auto& s : frames) w.append(s);
    w.append_thermo({100, 0.5, 0.8, -7.1, 1.2, -5.9, 3.3});
    EXPECT_EQ(w.frames(), 6u);
    EXPECT_FALSE(std::filesystem::exists(dir / "t.h5"));  // nothing before commit
    w.commit();
  }
  EXPECT_FALSE(std::filesystem::exists(TrajectoryWriter::partial_path(dir / "t.h5")));
  auto src = open_trajectory(dir / "t.h5");
  ASSERT_EQ(src->frames(), 6u);
  EXPECT_EQ(src->atoms(), 37u);
  EXPECT_EQ(src->header().species, h.species);
  EXPECT_EQ(src->header().timestep, 0.005);
  EXPECT_EQ(src->header().model, h.model);
  EXPECT_EQ(src->header().units, h.units);
  for (std::size_t f = 0; f < 6; ++f) {
    const auto s = src->read(f);
    EXPECT_EQ(s.positions, frames[f].positions) << "frame " << f;  // bitwise
    EXPECT_EQ(s.step, frames[f].step);
    EXPECT_EQ(s.time, frames[f].time);
    EXPECT_EQ(s.box.lo, frames[f].box.lo);
    EXPECT_EQ(s.box.hi, frames[f].box.hi);
  }
  const auto thermo = read_thermo_log(dir / "t.h5");
  ASSERT_EQ(thermo.size(), 1u);
  EXPECT_EQ(thermo[0].potential_energy, -7.1);
  EXPECT_EQ(thermo[0].pressure, 3.3);
  // Layout other tools rely on.
  auto f = h5::File::open(dir / "t.h5");
  EXPECT_EQ(f.dataset("md/trajectory/position").dims(), (h5::Dims{6, 37, 3}));
  EXPECT_EQ(f.dataset("md/trajectory/position").chunk(), (h5::Dims{1, 37, 3}));
  EXPECT_NE(f.dataset("md/trajectory/position").compression(), h5::Compression::None);
  EXPECT_EQ(f.dataset("md/trajectory/box").dims(), (h5::Dims{6, 2, 3}));
  EXPECT_THROW(src->read(6), Error);
}

TEST(MdTrajectory, ResumeAppendsAfterTruncation) {
  ScratchDir dir;
  const auto frames = random_walk(10, 8, 5);
  TrajectoryHeader h;
  h.species = alternating_species(10);
  {
    TrajectoryWriter w(dir / "r.h5", h);
    for (std::size_t f = 0; f < 6; ++f) {
      w.append(frames[f]);
      w.append_thermo({frames[f].step, frames[f].time, 1, 2, 3, 4, 5});
    }
    w.flush();
  }  // dropped without commit: the partial file stays
  ASSERT_TRUE(std::filesystem::exists(TrajectoryWriter::partial_path(dir / "r.h5")));
  {
    TrajectoryWriter w(dir / "r.h5", h, true);
    EXPECT_EQ(w.frames(), 6u);
    EXPECT_EQ(w.last_step(), 500);
    w.truncate_after(300);  // frames at 0..300 stay
    EXPECT_EQ(w.frames(), 4u);
    EXPECT_EQ(w.last_step(), 300);
    EXPECT_THROW(w.append(frames[2]), Error);  // steps must increase
    for (std::size_t f = 4; f < 8; ++f) w.append(frames[f]);
    w.commit();
  }
  auto src = open_trajectory(dir / "r.h5");
  ASSERT_EQ(src->frames(), 8u);
  for (std::size_t f = 0; f < 8; ++f) EXPECT_EQ(src->read(f).positions, frames[f].positions);
  EXPECT_EQ(read_thermo_log(dir / "r.h5").size(), 4u);
  // Resuming needs the partial file, and the same atoms.
  EXPECT_NE(error_of([&] { TrajectoryWriter w(dir / "none.h5", h, true); }).find("no partial"),
            std::string::npos);
  {
    TrajectoryWriter w(dir / "s.h5", h);
    w.append(frames[0]);
  }
  TrajectoryHeader other = h;
  other.species[0] = 1;
  EXPECT_NE(error_of([&] { TrajectoryWriter w(dir / "s.h5", other, true); }).find("species"),
            std::string::npos);
}

TEST(MdTrajectory, HandWrittenDumpsReadBackUnwrapped) {
  ScratchDir dir;
  const auto frames = random_walk(23, 7, 9);
  const auto species = alternating_species(23);
  for (auto style : {DumpStyle::Unwrapped, DumpStyle::WrappedImages, DumpStyle::ScaledImages,
                     DumpStyle::WrappedOnly}) {
    const auto file = dir / ("d" + std::to_string(static_cast<int>(style)) + ".dump");
    write_dump(file, frames, species, style);
    auto src = open_trajectory(file);
    ASSERT_EQ(src->frames(), 7u);
    EXPECT_EQ(src->header().species, species);
    // Random access in both directions (the continuity unwrapping walks from checkpoints).
    for (std::size_t f : {0, 3, 6, 1, 5, 2, 4}) {
      const auto s = src->read(f);
      EXPECT_EQ(s.step, frames[f].step);
      EXPECT_DOUBLE_EQ(s.time, static_cast<double>(frames[f].step) * 0.005);
      ASSERT_EQ(s.positions.size(), frames[f].positions.size());
      for (std::size_t i = 0; i < s.positions.size(); ++i) {
        if (style == DumpStyle::Unwrapped)
          ASSERT_EQ(s.positions[i], frames[f].positions[i]);
        else
          ASSERT_NEAR(s.positions[i], frames[f].positions[i], 1e-12)
              << "style " << static_cast<int>(style) << " frame " << f << " value " << i;
      }
    }
  }
}

// A small LAMMPS system that has moved across the boundaries.
void hot_system(LammpsSession& s, std::size_t n) {
  Box box;
  box.hi = {6.0, 6.5, 7.0};
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> x;
  std::vector<int> species;
  while (species.size() < n) {
    double p[3] = {u(rng) * 6.0, u(rng) * 6.5, u(rng) * 7.0};
    bool ok = true;
    for (std::size_t j = 0; j < species.size() && ok; ++j) {
      double r2 = 0;
      for (int d = 0; d < 3; ++d) {
        double dx = p[d] - x[3 * j + d];
        const double l = box.hi[d];
        dx -= l * std::round(dx / l);
        r2 += dx * dx;
      }
      ok = r2 > 0.9 * 0.9;
    }
    if (!ok) continue;
    x.insert(x.end(), p, p + 3);
    species.push_back(static_cast<int>(species.size() % 2));
  }
  s.create_system(WahnstromModel(), box, species, x);
  s.commands(
      "velocity all create 1.5 4 loop geom\nfix hot all nvt temp 1.5 1.5 0.5\ntimestep 0.005");
  s.run(400);
}

TEST(MdTrajectory, DumpsAndDataFilesWrittenByLammps) {
  ScratchDir dir;
  LammpsSession s;
  hot_system(s, 60);
  const auto x = s.positions();
  const auto v = s.velocities();
  const auto box = s.box();
  // Some atoms crossed the boundary: unwrapped positions outside the box.
  std::size_t outside = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    outside += (x[i] < box.lo[i % 3] || x[i] >= box.hi[i % 3]) ? 1 : 0;
  ASSERT_GT(outside, 0u);
  const auto a = (dir / "a.dump").string(), b = (dir / "b.dump").string();
  const auto data = (dir / "lmp.data").string();
  s.command("write_dump all custom " + a + " id type xu yu zu modify format float %.17g");
  s.command("write_dump all custom " + b + " id type x y z ix iy iz modify format float %.17g");
  s.command("write_data " + data);
  for (const auto& file : {a, b}) {
    auto src = open_trajectory(file);
    ASSERT_EQ(src->frames(), 1u);
    EXPECT_EQ(src->header().species, s.species());
    const auto snap = src->read(0);
    EXPECT_EQ(snap.step, s.step());
    for (std::size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(snap.positions[i], x[i], 1e-12) << file;
  }
  const auto d = read_lammps_data(data);
  EXPECT_EQ(d.species, s.species());
  EXPECT_EQ(d.snapshot.step, s.step());
  ASSERT_EQ(d.velocities.size(), v.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_NEAR(d.snapshot.positions[i], x[i], 1e-12);
    ASSERT_NEAR(d.velocities[i], v[i], 1e-14);
  }
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(d.snapshot.box.hi[k], box.hi[k], 1e-14);
  // glassy's own data writer, read back by LAMMPS (read_data) and by glassy.
  const auto mine = dir / "mine.data";
  Snapshot snap;
  snap.box = box;
  snap.positions = x;
  snap.step = 42;
  write_lammps_data(mine, snap, s.species(), v, {1.0, 2.0});
  const auto back = read_lammps_data(mine);
  EXPECT_EQ(back.snapshot.step, 42);
  EXPECT_EQ(back.velocities, v);
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(back.snapshot.positions[i], x[i], 1e-12);
  LammpsSession t;
  t.commands(WahnstromModel().lammps_preamble());
  t.command("read_data " + mine.string());
  t.commands(WahnstromModel().lammps_commands());
  const auto tx = t.positions();
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(tx[i], x[i], 1e-12);
  EXPECT_EQ(open_trajectory(mine)->frames(), 1u);
}

const char* kGoodFrame =
    "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 5\n0 5\n0 5\n"
    "ITEM: ATOMS id type x y z\n1 1 0.5 0.5 0.5\n2 2 1.5 1.5 1.5\n";

TEST(MdTrajectory, BadDumpsGiveOneLineErrors) {
  ScratchDir dir;
  struct Case {
    std::string name, text, expect;
  };
  const std::vector<Case> cases = {
      {"notype",
       "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS pp pp pp\n0 5\n0 5\n0 5\n"
       "ITEM: ATOMS id x y z\n1 0.5 0.5 0.5\n",
       ":9: the dump has no 'type' column"},
      {"badbox",
       "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS pp pp pp\n0 5\n0 five\n"
       "0 5\nITEM: ATOMS id type x y z\n1 1 0.5 0.5 0.5\n",
       ":7: box line '0 five' must be two numbers"},
      {"flatbox",
       "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS pp pp pp\n0 5\n0 5\n"
       "3 3\nITEM: ATOMS id type x y z\n1 1 0.5 0.5 0.5\n",
       ":8: box line '3 3' is degenerate"},
      {"tilted",
       "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS xy xz yz pp pp pp\n0 5 0\n"
       "0 5 0\n0 5 0\nITEM: ATOMS id type x y z\n1 1 0.5 0.5 0.5\n",
       ":5: triclinic"},
      {"truncated",
       std::string(kGoodFrame) + kGoodFrame +
           "ITEM: TIMESTEP\n2\n"
           "ITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 5\n0 5\n0 5\n"
           "ITEM: ATOMS id type x y z\n1 1 0.5 0.5 0.5\n",
       ":33: frame 2 (step 2) has 1 of 2 atom lines: the dump is truncated"},
      {"natoms",
       std::string(kGoodFrame) +
           "ITEM: TIMESTEP\n1\nITEM: NUMBER OF ATOMS\n3\nITEM: BOX BOUNDS pp pp pp\n0 5\n"
           "0 5\n0 5\nITEM: ATOMS id type x y z\n1 1 0.5 0.5 0.5\n2 2 1 1 1\n3 1 2 2 2\n",
       ":15: the atom count changes from 2 to 3 in frame 1"},
      {"cutline",
       std::string(kGoodFrame) +
           "ITEM: TIMESTEP\n1\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 5\n"
           "0 5\n0 5\nITEM: ATOMS id type x y z\n1 1 0.5 0.5 0.5\n2 2 1.5",
       ":22: atom line has 3 of 5 columns"},
      {"garbage", "hello\nworld\n", "no 'N atoms' line"},
  };
  for (const auto& c : cases) {
    const auto file = dir / (c.name + ".txt");
    write_text(file, c.text);
    const std::string message = error_of([&] {
      auto src = open_trajectory(file);
      for (std::size_t f = 0; f < src->frames(); ++f) src->read(f);
    });
    EXPECT_NE(message.find(c.expect), std::string::npos) << c.name << ": got '" << message << "'";
    EXPECT_EQ(message.find('\n'), std::string::npos) << c.name << ": one line";
    if (c.name != "garbage") EXPECT_NE(message.find(file.string()), std::string::npos) << c.name;
  }
  // The good frame itself reads.
  write_text(dir / "good.dump", kGoodFrame);
  EXPECT_EQ(open_trajectory(dir / "good.dump")->read(0).positions[3], 1.5);
}

TEST(MdTrajectory, BadDataFilesAndFilesGiveOneLineErrors) {
  ScratchDir dir;
  const std::string head =
      "LAMMPS data file\n\n3 atoms\n2 atom types\n\n0 4 xlo xhi\n0 4 ylo yhi\n0 4 zlo zhi\n\n";
  struct Case {
    std::string name, text, expect;
  };
  const std::vector<Case> cases = {
      {"truncated", head + "Atoms # atomic\n\n1 1 0 0 0\n2 2 1 1 1\n",
       "Atoms section has 2 of 3 atom lines"},
      {"nobox", "LAMMPS data file\n\n1 atoms\n\n0 4 xlo xhi\n0 4 ylo yhi\n\nAtoms\n\n1 1 0 0 0\n",
       "no 'zlo zhi' box line"},
      {"flat", "LAMMPS data file\n\n1 atoms\n0 4 xlo xhi\n4 4 ylo yhi\n0 4 zlo zhi\n",
       ":5: box line '4 4 ylo yhi' is degenerate"},
      {"tilted", head + "0 0 0 xy xz yz\nAtoms\n\n1 1 0 0 0\n", "triclinic"},
      {"style", head + "Atoms # ellipsoid\n\n1 1 1 1 0 0 0\n2 1 1 1 0 0 0\n3 1 1 1 0 0 0\n",
       "atom style 'ellipsoid' is not supported"},
      {"noatoms", head + "Masses\n\n1 1\n2 2\n", "no Atoms section"},
  };
  for (const auto& c : cases) {
    const auto file = dir / (c.name + ".data");
    write_text(file, c.text);
    const std::string message = error_of([&] { open_trajectory(file); });
    EXPECT_NE(message.find(c.expect), std::string::npos) << c.name << ": got '" << message << "'";
    EXPECT_NE(message.find(file.string()), std::string::npos) << c.name;
  }
  // An HDF5 file that is not a trajectory; a missing file.
  h5::File::create(dir / "other.h5").write<double>("x", {1.0});
  EXPECT_NE(error_of([&] { open_trajectory(dir / "other.h5"); }).find("not a glassy MD trajectory"),
            std::string::npos);
  EXPECT_NE(error_of([&] { open_trajectory(dir / "missing.h5"); }).find("does not exist"),
            std::string::npos);
}

}  // namespace
}  // namespace glassy::md
