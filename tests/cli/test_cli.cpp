// The command line end to end: synth + info + convert work; bad input exits 2 with one line
// and leaves no output file behind.
#include "test_support.hpp"

#include <glassy/io/frames.hpp>

#include <algorithm>
#include <fstream>

namespace glassy {
namespace {

using test::line_count;
using test::run_cli;
using test::ScratchDir;

TEST(Cli, SynthInfoConvert) {
  ScratchDir dir;
  const auto out = (dir / "tiny.h5").string();
  auto r = run_cli("synth --preset tiny --frames 200 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_cli("info " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("frames: 200 x 48 x 48"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("truth: synthetic run, preset tiny, dynamics kww"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("frame_time = 1 s"), std::string::npos) << r.output;
  const auto sparse = (dir / "sparse.h5").string();
  r = run_cli("convert " + out + " --layout sparse --out " + sparse);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_cli("info " + sparse);
  EXPECT_NE(r.output.find("sparse events"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("truth: synthetic run"), std::string::npos) << r.output;
}

TEST(Cli, SynthOverridesReachTheFile) {
  ScratchDir dir;
  const auto out = (dir / "o.h5").string();
  auto r = run_cli(
      "synth --preset tiny --frames 300 --shape 20 30 --frame-time 0.5 --rate 3 --contrast 0.1 "
      "--tau 4 --beta 0.5 --dynamics ml --aging-tstar 100 --jump-at 100:0.3:1.5 --gap 20:30 "
      "--seed 9 --layout sparse --out " +
      out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_cli("info " + out);
  EXPECT_NE(r.output.find("frames: 280 x 20 x 30"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("dynamics ml, beta 0.5, contrast 0.1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("event at 100 s"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("beam loss from 20 s to 30 s"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("gap: no frames between 19.5 s and 30 s"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("regime aging from 0 s to 150 s"), std::string::npos) << r.output;
}

TEST(Cli, BadInputExitsTwoWithOneLine) {
  ScratchDir dir;
  const auto out = (dir / "x.h5").string();
  std::ofstream(dir / "junk.h5") << "not hdf5 at all";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"synth --preset huge --out " + out, "unknown preset"},
      {"synth --preset tiny --beta 2 --out " + out, "--beta"},
      {"synth --preset tiny --gap 5 --out " + out, "--gap"},
      {"synth --preset tiny --frames 0 --out " + out, "--frames"},
      {"synth --preset tiny --out " + (dir / "no/such/dir/x.h5").string(), "does not exist"},
      {"info " + (dir / "missing.h5").string(), "no such file"},
      {"info " + (dir / "junk.h5").string(), "neither HDF5 nor .npy"},
      {"convert " + (dir / "junk.h5").string() + " --out " + out, "neither HDF5 nor .npy"},
      {"convert " + (dir / "junk.h5").string() + " --layout wide --out " + out, "layout"},
  };
  for (const auto& [args, fragment] : cases) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(fragment), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(line_count(r.output), 1) << args << "\n" << r.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << args << " left an output file";
  }
  // No stray temporary files either.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename().string().find(".part"), std::string::npos) << entry.path();
}

}  // namespace
}  // namespace glassy

namespace glassy {
namespace {

TEST(Cli, CorrWritesAResultAndRefusesBadInput) {
  test::ScratchDir dir;
  const auto frames = (dir / "f.h5").string();
  ASSERT_EQ(test::run_cli("synth --preset tiny --frames 200 --out " + frames).exit_code, 0);
  const auto out = (dir / "r.h5").string();
  auto r = test::run_cli("corr " + frames + " --out " + out + " --window-s 50");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("dense path"), std::string::npos) << r.output;
  r = test::run_cli("info " + out);
  EXPECT_NE(r.output.find("result: XPCS analysis groups"), std::string::npos) << r.output;
  // Sparse input, forced sparse path, resume flag on a finished run.
  const auto events = (dir / "e.h5").string();
  ASSERT_EQ(test::run_cli("convert " + frames + " --layout sparse --out " + events).exit_code, 0);
  r = test::run_cli("corr " + events + " --mode twotime --path sparse --resume --out " +
                    (dir / "s.h5").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("sparse path"), std::string::npos) << r.output;

  std::ofstream(dir / "m.npy") << "not a mask";
  const auto bad = (dir / "bad.h5").string();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"corr " + frames + " --q-range 5:6 --out " + bad, "no pixel falls in the q range"},
      {"corr " + frames + " --q-range 6:5 --out " + bad, "--q-range"},
      {"corr " + frames + " --mask " + (dir / "nomask.npy").string() + " --out " + bad,
       "does not exist"},
      {"corr " + frames + " --mask " + (dir / "m.npy").string() + " --out " + bad,
       "neither HDF5 nor .npy"},
      {"corr " + frames + " --mode both2 --out " + bad, "--mode"},
      {"corr " + frames + " --path fast --out " + bad, "unknown correlator path"},
      {"corr " + frames + " --memory 0.0001 --out " + bad, "memory budget"},
      {"corr " + (dir / "none.h5").string() + " --out " + bad, "no such file"},
  };
  for (const auto& [args, fragment] : cases) {
    const auto res = test::run_cli(args);
    EXPECT_EQ(res.exit_code, 2) << args << "\n" << res.output;
    EXPECT_NE(res.output.find(fragment), std::string::npos) << args << "\n" << res.output;
    EXPECT_EQ(line_count(res.output), 1) << args << "\n" << res.output;
    EXPECT_FALSE(std::filesystem::exists(bad)) << args;
  }
}

}  // namespace
}  // namespace glassy
