// Re-analysis from a stored correlation, whole process: `glassy age FRAMES --out A.h5` (reads and
// correlates the frames) against `glassy age A.h5 --out B.h5` (the stored tables only) and a
// re-analysis with windows twice as wide (merged from the stored step). Anchor: under 10 s.
//   bench_reanalysis [FRAMES.h5 [WINDOW_S]]   (default: the demo preset, made first; pass the
//   paper preset's file, e.g. from bench_paper, for the paper-scale figure)
#include "bench_common.hpp"

#include <glassy/synth/generator.hpp>

#include <fmt/format.h>

#include <cstdlib>

using namespace glassy;

namespace {

double run(const std::string& command) {
  const double t0 = bench::now_s();
  const int rc = std::system((command + " > /dev/null").c_str());
  if (rc != 0) {
    std::fprintf(stderr, "failed (%d): %s\n", rc, command.c_str());
    std::exit(1);
  }
  return bench::now_s() - t0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto cli = std::filesystem::canonical(argv[0]).parent_path().parent_path() / "bin/glassy";
  const auto dir = bench::scratch("reanalysis");
  std::filesystem::path frames;
  double window = 1000;
  if (argc > 1) {
    frames = argv[1];
    if (argc > 2) window = std::atof(argv[2]);
  } else {
    frames = dir / "demo.h5";
    if (!std::filesystem::exists(frames)) synth::generate(synth::preset("demo"), frames);
  }
  const auto a = dir / "a.h5", b = dir / "b.h5", c = dir / "c.h5";
  const std::string age = cli.string() + " age ";
  const std::string w = fmt::format(" --window-s {:g}", window);
  const double t_frames = run(age + frames.string() + w + " --out " + a.string());
  const double t_stored = run(age + a.string() + " --out " + b.string());
  const double t_merged =
      run(age + a.string() + fmt::format(" --window-s {:g}", 2 * window) + " --out " + c.string());
  std::printf(
      "age FRAMES (%s): %.2f s; age RESULT (stored tables): %.2f s, %.0fx faster (anchor under "
      "10 s: ratio %.1f); windows x2 merged: %.2f s; result file %.1f MiB\n",
      frames.filename().c_str(), t_frames, t_stored, t_frames / t_stored, 10 / t_stored, t_merged,
      static_cast<double>(std::filesystem::file_size(a)) / (1 << 20));
  return 0;
}
