// Generator throughput for the demo and paper presets: frames/s and photons/s beside their
// anchors (demo under a minute, paper under 30 minutes), with peak memory.
//   bench_synth            demo in full, paper on its first 6,000 frames (extrapolated)
//   bench_synth --full     paper in full (about 120,000 frames)
#include "bench_common.hpp"

#include <glassy/core/threads.hpp>
#include <glassy/synth/generator.hpp>

#include <cstring>

using namespace glassy;

namespace {

void run(synth::SynthParams p, std::size_t full_frames, double anchor_s, const char* anchor_text) {
  const auto out = bench::scratch("synth") / (p.preset + ".h5");
  const double t0 = bench::now_s();
  const auto s = synth::generate(p, out);
  const double dt = bench::now_s() - t0;
  const double fps = s.frames_written / dt;
  const double projected = static_cast<double>(full_frames) / fps;
  std::printf(
      "synth %-6s %7zu frames %4zux%-4zu %-8s: %8.1f frames/s  %.3g photons/s  %.1f s"
      "  (full run %.0f s projected; anchor %s = %.0f s: ratio %.2f)  peak RSS %.0f MiB  file %.1f "
      "MB\n",
      p.preset.c_str(), s.frames_written, p.height, p.width, s.sampling.c_str(), fps,
      static_cast<double>(s.photons) / dt, dt, projected, anchor_text, anchor_s,
      anchor_s / projected, bench::peak_rss_mib(), std::filesystem::file_size(out) / 1e6);
  std::filesystem::remove(out);
}

}  // namespace

int main(int argc, char** argv) {
  const bool full = argc > 1 && std::strcmp(argv[1], "--full") == 0;
  set_threads(0);
  std::printf("threads: %d\n", thread_count());
  run(synth::preset("demo"), 8000, 60, "demo under 1 minute");
  auto paper = synth::preset("paper");
  const std::size_t paper_frames = paper.frames;
  if (!full) {
    paper.frames = 6000;
    paper.drop_beyond_end();
  }
  run(paper, paper_frames, 1800, "paper under 30 minutes");
  return 0;
}
