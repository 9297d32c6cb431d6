// The command line on files glassy did not write: an EDF series with a pause, an h5py file with
// scalar metadata and a foreign /truth, an IMM file; broken EDF files exit 2 with one line and
// leave no output.
#include "io/format_writers.hpp"
#include "test_support.hpp"

#include <fmt/format.h>

#include <random>

namespace glassy {
namespace {

using test::line_count;
using test::run_cli;
using test::ScratchDir;

test::EdfImage speckle_frame(std::size_t k, double time_of_day) {
  std::mt19937 rng(static_cast<unsigned>(k + 1));
  std::poisson_distribution<int> counts(2.0);
  test::EdfImage im;
  im.width = 12;
  im.height = 10;
  for (std::size_t i = 0; i < im.width * im.height; ++i) im.values.push_back(counts(rng));
  im.extra["time_of_day"] = fmt::format("{:.6f}", time_of_day);
  return im;
}

TEST(CliFormats, EdfSeriesInfoAndCorr) {
  ScratchDir dir;
  std::filesystem::create_directories(dir / "edf");
  // 40 frames at 0.1 s with a 5 s pause after frame 19.
  for (std::size_t k = 0; k < 40; ++k) {
    const double t = 1.7e9 + 0.1 * static_cast<double>(k) + (k >= 20 ? 5.0 : 0.0);
    test::write_edf(dir / fmt::format("edf/s_{:05d}.edf.gz", k), {speckle_frame(k, t)}, true);
  }
  auto r = run_cli("info " + (dir / "edf").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("frames: 40 x 10 x 12 (edf UnsignedShort gzip, 40 files"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("gap: no frames between 1.9 s and 7 s"), std::string::npos) << r.output;
  const auto out = (dir / "c.h5").string();
  r = run_cli("corr '" + (dir / "edf/s_*.edf.gz").string() + "' --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("40 frames"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1 gaps"), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(out));
}

TEST(CliFormats, H5pyScalarMetadataAndForeignTruth) {
  if (!test::have_h5py()) GTEST_SKIP() << "/usr/bin/python3 with h5py absent";
  ScratchDir dir;
  test::run_python(dir.path(), R"(
import h5py, numpy as np
rng = np.random.default_rng(3)
with h5py.File("beamline.h5", "w") as f:
    f["/entry/data/data"] = rng.poisson(2.0, size=(30, 8, 8)).astype("uint16")
    f["/entry/instrument/detector_1/frame_time"] = 0.5
    f["/entry/instrument/detector_1/frame_time"].attrs["units"] = "s"
    f["/entry/instrument/detector_1/count_time"] = np.array([[500.0]])
    f["/entry/instrument/detector_1/count_time"].attrs["units"] = "ms"
    t = f.create_group("truth")
    t["tau"] = np.ones(3)
    t.attrs["written_by"] = "a simulation of ours"
)");
  const auto file = (dir / "beamline.h5").string();
  auto r = run_cli("info " + file);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("frame_time = 0.5 s"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("count_time = 0.5 s"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("not written by glassy"), std::string::npos) << r.output;
  const auto out = (dir / "c.h5").string();
  r = run_cli("corr " + file + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(out));
}

TEST(CliFormats, ImmInfo) {
  ScratchDir dir;
  test::ImmFrame f;
  f.indices = {3, 10};
  f.values = {2, 1};
  test::write_imm(dir / "a.imm", {f, f, f}, 4, 5, true);
  const auto r = run_cli("info " + (dir / "a.imm").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("frames: 3 x 4 x 5 (imm sparse uint16"), std::string::npos) << r.output;
}

TEST(CliFormats, BrokenEdfExitsTwoWithOneLineAndNoFile) {
  ScratchDir dir;
  const auto good = test::edf_bytes(speckle_frame(0, 1.0));
  test::write_file(dir / "cut.edf", good.substr(0, good.size() - 7), false);
  auto wrong = speckle_frame(0, 1.0);
  wrong.size_override = 100;
  test::write_edf(dir / "size.edf", {wrong});
  const auto out = (dir / "c.h5").string();
  for (const auto& [name, fragment] : std::vector<std::pair<std::string, std::string>>{
           {"cut.edf", "truncated"}, {"size.edf", "wrong size"}}) {
    for (const std::string cmd : {"info ", "corr "}) {
      const auto r = run_cli(cmd + (dir / name).string() + (cmd == "corr " ? " --out " + out : ""));
      EXPECT_EQ(r.exit_code, 2) << r.output;
      EXPECT_EQ(line_count(r.output), 1) << r.output;
      EXPECT_NE(r.output.find(fragment), std::string::npos) << r.output;
      EXPECT_FALSE(std::filesystem::exists(out));
    }
  }
}

}  // namespace
}  // namespace glassy
