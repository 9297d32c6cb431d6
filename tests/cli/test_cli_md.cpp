// `glassy md` end to end on a tiny system: prepare a glass, estimate Tg, run at
// 0.8 Tg, then the three analyses; every step exits 0 and writes its file. Bad
// input exits 2 with one line and leaves no output behind.
#include "test_support.hpp"

#include <glassy/io/hdf5.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>

namespace glassy {
namespace {

using test::line_count;
using test::run_cli;
using test::ScratchDir;

TEST(CliMd, PrepareTgRunAndAnalyses) {
  ScratchDir dir;
  const auto glass = (dir / "glass.h5").string(), traj = (dir / "traj.h5").string();
  auto r = run_cli("-q md prepare --atoms 250 --cooling-rate 0.02 --melt-time 5 --out " + glass);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_cli("md tg " + glass);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Tg = "), std::string::npos) << r.output;
  r = run_cli("-q md run " + glass + " --out " + traj +
              " --temperature 0.8Tg --time 30 --every 40 --restart-every 0");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  {
    auto f = h5::File::open(traj);
    EXPECT_EQ(f.dataset("md/trajectory/time").dims().at(0),
              151u);  // 6000 steps / 40 + 1
  }
  // --spot-direction takes three numbers; the spot is widened to hold 8 q points of this box.
  r = run_cli("md xpcs " + traj + " --out " + (dir / "xpcs.h5").string() +
              " --spot-direction 1 1 0");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("shell_3d"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1D spot widened"), std::string::npos) << r.output;
  // A given width too narrow for this box: one line naming the atoms needed, exit 2.
  r = run_cli("md xpcs " + traj + " --out " + (dir / "narrow.h5").string() + " --spot-width 0.21");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("use a box of at least"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "narrow.h5"));
  {
    auto f = h5::File::open(dir / "xpcs.h5");
    EXPECT_TRUE(f.is_dataset("xpcs/twotime/correlation_map/c2_00003"));
    EXPECT_TRUE(f.is_dataset("glassy/md/xpcs/contrast"));
  }
  r = run_cli("-q md waiting " + traj + " --out " + (dir / "wait.h5").string() +
              " --threshold 0.5 --window 3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("exchange times"), std::string::npos) << r.output;
  // 250 atoms over 30 tau: far too short a tail for an exponent; none is printed, only why.
  EXPECT_EQ(r.output.find("1 + beta' ="), std::string::npos) << r.output;
  EXPECT_TRUE(r.output.find("no exponent stated") != std::string::npos ||
              r.output.find("no fit") != std::string::npos)
      << r.output;
  // The temperature series: one short run at 0.8 Tg in a runs folder, then reused.
  const auto study = (dir / "study.h5").string(), runs = (dir / "runs").string();
  const auto study_args = "-q md study " + glass + " --temperatures 0.8Tg --time 10 --every 40 " +
                          "--restart-every 400 --n-boot 5 --runs " + runs + " --out ";
  r = run_cli(study_args + study);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("T = 0.8Tg"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ran, 51 snapshots"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("trap model: not tested"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("simulated XPCS at T = 0.8Tg"), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir / "runs" / "T0.8Tg.h5"));
  r = run_cli(study_args + (dir / "study2.h5").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("reused"), std::string::npos) << r.output;
  // Two studies of the same glass taken together: nothing stated over 10 tau, so no spread and
  // no trap model, each said; the shared glass file is warned about.
  const auto ensemble = (dir / "ensemble.h5").string();
  r = run_cli("md ensemble " + study + " " + (dir / "study2.h5").string() + " --out " + ensemble);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("0.8Tg: 0 of 2 glasses stated"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("spread between glasses: not estimated"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("trap model: not tested"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("name the same glass file"), std::string::npos) << r.output;
  {
    auto f = h5::File::open(ensemble);
    EXPECT_EQ(f.read_strings("glassy/md/ensemble/studies").size(), 2u);
    EXPECT_EQ(f.read<double>("glassy/md/ensemble/temperatures/studies"), std::vector<double>{2.0});
  }
  // The same runs fitted from a fixed x_min: recorded in the study, and not mixed with KS ones.
  const auto fixed = (dir / "study_xmin.h5").string();
  r = run_cli(study_args + fixed + " --xmin 3 --no-xpcs");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  {
    auto f = h5::File::open(fixed);
    const auto summary = f.group("glassy/md/study").attrs().get_string("summary");
    EXPECT_NE(summary.find("\"xmin_intervals\":3.0"), std::string::npos) << summary;
  }
  r = run_cli("md ensemble " + study + " " + fixed + " --out " + ensemble);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("one --xmin"), std::string::npos) << r.output;
  // Its output may not be one of the studies.
  r = run_cli("md ensemble " + study + " --out " + study);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  // A longer --time extends the run from the restart kept at its end (2000 steps, every 400).
  r = run_cli("-q md study " + glass + " --temperatures 0.8Tg --time 12 --every 40 --n-boot 5 " +
              "--runs " + runs + " --out " + (dir / "study3.h5").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("extending 12 tau of MD"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("extended, 61 snapshots"), std::string::npos) << r.output;
  // md run --extend on the run above, which kept no restart: one line, exit 2, file untouched.
  const auto before = std::filesystem::file_size(traj);
  r = run_cli("md run " + glass + " --out " + traj +
              " --temperature 0.8Tg --time 40 --every 40 --restart-every 0 --extend");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("no restart was kept"), std::string::npos) << r.output;
  EXPECT_EQ(std::filesystem::file_size(traj), before);
  r = run_cli("-q md ifk " + traj + " --out " + (dir / "ifk.h5").string() +
              " --snapshots 3 --string-lag 20");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("icosahedra"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("strings: mean length"), std::string::npos) << r.output;
}

TEST(CliMd, BadInputExitsTwoWithOneLine) {
  ScratchDir dir;
  const auto out = (dir / "out.h5").string();
  const auto text = (dir / "notes.txt").string();
  std::ofstream(text) << "not a trajectory\n";
  for (const std::string args :
       {"md xpcs " + text + " --out " + out,
        "md waiting " + (dir / "missing.h5").string() + " --out " + out,
        "md run " + text + " --out " + out + " --temperature hot --time 10",
        "md run " + text + " --out " + out + " --temperature 0.5 --time 10fortnights",
        "md ifk " + text + " --out " + out + " --snapshots 0",
        "md prepare --atoms 100 --ensemble nve --out " + out,
        "md prepare --atoms 100 --protocol slowly --out " + out,
        "md prepare --atoms 100 --slow-window 0.9 0.5 --out " + out,
        "md prepare --atoms 100 --protocol relaxed --slow-window 0.05 0.02 --out " + out,
        "md study " + text + " --temperatures 0.5 --time 10 --out " + out,
        "md study " + text + " --temperatures 0.5 --time 10 --compared sideways --out " + out,
        "md study " + text + " --temperatures warm --time 10 --out " + out,
        "md study " + text + " --temperatures 0.5 --time 10 --until-stated 5 --out " + out,
        "md run " + text + " --out " + out + " --temperature 0.5 --time 10 --extend --resume",
        "md ensemble " + text + " --out " + out,
        "md ensemble " + (dir / "missing.h5").string() + " --out " + out,
        "md ensemble " + text + " --sample-spread -0.1 --out " + out}) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_EQ(line_count(r.output), 1) << args << "\n" << r.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << args;
  }
}

TEST(CliMd, MdPluginIsLoadedOnlyForMd) {
  // The other commands start without LAMMPS and its dependencies (the executable does not link
  // them; app/plugins.cpp loads glassy_md_cli.so for `glassy md`, glassy_mpi.so under mpirun).
  const auto libs = test::shell_output(std::string("ldd ") + GLASSY_CLI);
  ASSERT_FALSE(libs.empty());
  EXPECT_EQ(libs.find("liblammps"), std::string::npos) << libs;
  EXPECT_EQ(libs.find("libmpi"), std::string::npos) << libs;
  EXPECT_NE(run_cli("md --help").output.find("prepare"), std::string::npos);
  EXPECT_NE(run_cli("--help").output.find("md"), std::string::npos);

  // A broken plugin named by GLASSY_MD_PLUGIN: one line, exit 2.
  ScratchDir dir;
  const auto fake = (dir / "fake.so").string();
  std::ofstream(fake) << "not a shared library\n";
  ::setenv("GLASSY_MD_PLUGIN", fake.c_str(), 1);
  const auto r = run_cli("md prepare --atoms 100 --out " + (dir / "g.h5").string());
  ::unsetenv("GLASSY_MD_PLUGIN");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("MD plugin"), std::string::npos) << r.output;

  // Started by a parallel launcher, glassy loads the MPI plugin: a broken one is one line too.
  ::setenv("GLASSY_MPI_PLUGIN", fake.c_str(), 1);
  ::setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
  const auto m = run_cli("info " + (dir / "none.h5").string());
  ::unsetenv("OMPI_COMM_WORLD_SIZE");
  ::unsetenv("GLASSY_MPI_PLUGIN");
  EXPECT_EQ(m.exit_code, 2) << m.output;
  EXPECT_EQ(line_count(m.output), 1) << m.output;
  EXPECT_NE(m.output.find("MPI plugin"), std::string::npos) << m.output;
}

}  // namespace
}  // namespace glassy
