// glassy demo [--out DIR]: the main job on its built-in example, as far as glassy goes today:
// a synthetic aging run with each of the paper's regimes, then its two-time correlation.
#include "commands.hpp"

#include <glassy/core/atomic_file.hpp>
#include <glassy/corr/correlate.hpp>
#include <glassy/io/info.hpp>
#include <glassy/synth/generator.hpp>

#include <cstdio>
#include <filesystem>

namespace glassy::cli {

void register_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand("demo", "Run the main job on the built-in demo experiment");
  auto dir = std::make_shared<std::string>("demo-out");
  cmd->add_option("--out", *dir, "Folder for the demo's files (default demo-out)");
  cmd->callback([dir] {
    std::filesystem::create_directories(*dir);
    const auto frames = std::filesystem::path(*dir) / "frames.h5";
    const auto params = synth::preset("demo");
    const auto s = synth::generate(params, frames);
    std::printf("synth: %zu frames, %.4g photons per pixel per frame, %.1f s -> %s\n",
                s.frames_written,
                static_cast<double>(s.photons) /
                    (static_cast<double>(s.frames_written) * params.height * params.width),
                s.seconds, frames.c_str());
    for (const auto& line : describe_file(frames)) std::printf("%s\n", line.c_str());
    // Correlation with the paper's settings, scaled to the demo: 500 s age windows.
    const auto result = std::filesystem::path(*dir) / "result.h5";
    CorrelateOptions o;
    o.window_s = 500;
    auto source = open_frames(frames);
    const auto c = correlate(*source, o);
    AtomicOutput atomic(result);
    {
      auto file = h5::File::create(atomic.temp_path());
      write_correlation(file, c);
    }
    atomic.commit();
    std::printf("corr: %s path, %zu tiles in %.1f s, %zu age windows, map %zu x %zu -> %s\n",
                to_string(c.twotime_report.path).c_str(), c.twotime_report.tiles,
                c.twotime_report.seconds, c.band->windows(), c.map->size(), c.map->size(),
                result.c_str());
  });
}

}  // namespace glassy::cli
