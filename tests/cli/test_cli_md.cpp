// `glassy md` end to end on a tiny system: prepare a glass, estimate Tg, run at
// 0.8 Tg, then the three analyses; every step exits 0 and writes its file. Bad
// input exits 2 with one line and leaves no output behind.
#include "test_support.hpp"

#include <glassy/io/hdf5.hpp>

#include <algorithm>
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
  r = run_cli("-q md xpcs " + traj + " --out " + (dir / "xpcs.h5").string() + " --spot-width 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("shell_3d"), std::string::npos) << r.output;
  {
    auto f = h5::File::open(dir / "xpcs.h5");
    EXPECT_TRUE(f.is_dataset("xpcs/twotime/correlation_map/c2_00003"));
    EXPECT_TRUE(f.is_dataset("glassy/md/xpcs/contrast"));
  }
  r = run_cli("-q md waiting " + traj + " --out " + (dir / "wait.h5").string() +
              " --threshold 0.5 --window 3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("exchange times"), std::string::npos) << r.output;
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
        "md prepare --atoms 100 --ensemble nve --out " + out}) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_EQ(line_count(r.output), 1) << args << "\n" << r.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << args;
  }
}

}  // namespace
}  // namespace glassy
