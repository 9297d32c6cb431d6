// The paper-scale run (120,000 frames of 516 x 516, ~0.005 photons per pixel per frame):
//   correlation: band to 40,000 s lag, 1000 s age windows, the 2048 x 2048 map and the plateaus
//   (anchor: under 10 minutes, peak memory under 4 GiB), inside the whole aging analysis
//   (anchor: glassy age under 15 minutes and 4 GiB).
//   bench_paper [FRAMES.h5]   (without a file, `glassy synth --preset paper` is made first, timed)
#include "bench_common.hpp"

#include <glassy/aging/analysis.hpp>
#include <glassy/core/threads.hpp>
#include <glassy/synth/generator.hpp>

using namespace glassy;

int main(int argc, char** argv) {
  set_threads(0);
  std::filesystem::path frames;
  if (argc > 1) {
    frames = argv[1];
  } else {
    frames = bench::scratch("paper") / "paper.h5";
    if (!std::filesystem::exists(frames)) {
      const double t0 = bench::now_s();
      const auto s = synth::generate(synth::preset("paper"), frames);
      std::printf(
          "synth paper: %zu frames in %.0f s (%.1f frames/s; anchor 30 min = 1800 s: ratio %.2f), "
          "peak RSS %.0f MiB\n",
          s.frames_written, bench::now_s() - t0, s.frames_written / (bench::now_s() - t0),
          1800 / (bench::now_s() - t0), bench::peak_rss_mib());
    }
  }
  auto source = open_frames(frames);
  aging::AgingOptions o;
  o.corr.max_lag_s = 40000;
  o.corr.window_s = 1000;
  o.corr.map_size = 2048;
  o.corr.multitau = false;
  o.corr.budget = MemoryBudget(std::size_t{4} << 30);
  const double t0 = bench::now_s();
  const auto r = aging::analyse_aging(*source, o);
  const double total = bench::now_s() - t0;
  const auto& c = r.corr;
  std::printf(
      "corr paper: %zu frames, %s path, %zu tiles, band to 40,000 s, %zu windows, map %zu: "
      "two-time %.0f s"
      " (anchor 600 s for the correlation: ratio %.2f)\n",
      c.info.frames, to_string(c.twotime_report.path).c_str(), c.twotime_report.tiles,
      c.band->windows(), c.map->size(), c.twotime_report.seconds, 600 / c.twotime_report.seconds);
  std::printf(
      "age paper: whole analysis (statistics, correlation, fits of %zu windows, events, regimes) "
      "%.0f s"
      " (anchor 900 s: ratio %.2f), peak RSS %.0f MiB (anchor 4096 MiB: ratio %.2f)\n",
      r.t_a.size(), total, 900 / total, bench::peak_rss_mib(), 4096 / bench::peak_rss_mib());
  std::printf("%s", aging::summarise(r).c_str());
  return 0;
}
