// The library's plugins (core/plugin): Ceres (fit/solver) and OpenBLAS (core/blas) are loaded on
// first use, so a command that neither fits nor computes a dense tile starts without them and
// their ~25 shared libraries. Which libraries a run loaded comes from the dynamic loader itself
// (LD_DEBUG=files lists every object it opens, on stderr).
#include "test_support.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace glassy {
namespace {

using test::CommandResult;
using test::line_count;
using test::run_cli;
using test::ScratchDir;

// The run's output with the loader's list of opened objects.
CommandResult run_listing_libraries(const std::string& args) {
  ::setenv("LD_DEBUG", "files", 1);
  auto r = run_cli(args);
  ::unsetenv("LD_DEBUG");
  return r;
}

// Whether the loader opened an object whose file name contains `library` ("file=PATH [n]; ...").
bool loaded(const CommandResult& r, const std::string& library) {
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    const auto file = line.find("file=");
    if (file != std::string::npos && line.find(library, file) < line.find(" [", file)) return true;
  }
  return false;
}

TEST(CliPlugins, CeresAndBlasLoadOnlyWhenUsed) {
  const auto libs = test::shell_output(std::string("ldd ") + GLASSY_CLI);
  ASSERT_FALSE(libs.empty());
  // Debian's Ceres is a static library: its shared dependencies (glog, SuiteSparse) stand for it.
  for (const char* heavy : {"libopenblas", "liblapack", "libglog", "libcholmod"})
    EXPECT_EQ(libs.find(heavy), std::string::npos) << heavy << " in\n" << libs;

  ScratchDir dir;
  const auto sparse = (dir / "sparse.h5").string(), dense = (dir / "dense.h5").string();
  ASSERT_EQ(run_cli("synth --preset tiny --frames 300 --shape 16 16 --rate 0.01 --layout sparse "
                    "--out " +
                    sparse)
                .exit_code,
            0);
  ASSERT_EQ(
      run_cli("synth --preset tiny --frames 300 --shape 16 16 --rate 1 --out " + dense).exit_code,
      0);

  const auto s =
      run_listing_libraries("corr " + sparse + " --mode twotime --out " + (dir / "s.h5").string());
  ASSERT_EQ(s.exit_code, 0) << s.output;
  EXPECT_FALSE(loaded(s, "libopenblas")) << "a sparse correlation loaded OpenBLAS";
  EXPECT_FALSE(loaded(s, "glassy_fit_ceres.so") || loaded(s, "libglog"))
      << "a correlation loaded Ceres";

  const auto d = run_listing_libraries("corr " + dense + " --mode twotime --path dense --out " +
                                       (dir / "d.h5").string());
  ASSERT_EQ(d.exit_code, 0) << d.output.substr(0, 2000);
  EXPECT_TRUE(loaded(d, "glassy_blas.so")) << "the dense path did not load its BLAS plugin";
  EXPECT_TRUE(loaded(d, "libopenblas"));
  EXPECT_FALSE(loaded(d, "glassy_fit_ceres.so"));

  const auto a =
      run_listing_libraries("age " + dense + " --window-s 100 --out " + (dir / "a.h5").string());
  ASSERT_EQ(a.exit_code, 0) << a.output.substr(0, 2000);
  EXPECT_TRUE(loaded(a, "glassy_fit_ceres.so")) << "age fitted without its fit plugin";
  EXPECT_TRUE(loaded(a, "libglog"));
}

// A plugin that does not load is one line and exit code 2, and leaves no result behind.
TEST(CliPlugins, BrokenLibraryPluginIsOneLine) {
  ScratchDir dir;
  const auto frames = (dir / "dense.h5").string();
  ASSERT_EQ(
      run_cli("synth --preset tiny --frames 300 --shape 16 16 --rate 1 --out " + frames).exit_code,
      0);
  const auto fake = (dir / "fake.so").string();
  std::ofstream(fake) << "not a shared library\n";
  struct Case {
    const char* env;
    std::string args, out, says;
  };
  for (const Case& c :
       {Case{"GLASSY_BLAS_PLUGIN", "corr " + frames + " --mode twotime --path dense --out ",
             (dir / "d.h5").string(), "BLAS plugin"},
        Case{"GLASSY_FIT_PLUGIN", "age " + frames + " --window-s 100 --out ",
             (dir / "a.h5").string(), "fit plugin"}}) {
    ::setenv(c.env, fake.c_str(), 1);
    const auto r = run_cli(c.args + c.out);
    ::unsetenv(c.env);
    EXPECT_EQ(r.exit_code, 2) << c.env << "\n" << r.output;
    EXPECT_EQ(line_count(r.output), 1) << c.env << "\n" << r.output;
    EXPECT_NE(r.output.find(c.says), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(c.out)) << c.out;
  }
}

}  // namespace
}  // namespace glassy
