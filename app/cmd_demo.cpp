// glassy demo [--out DIR]: the main job on its built-in example, as far as glassy goes today:
// a synthetic aging run with each of the paper's regimes, the aging analysis of it, and the HTML
// report with the paper's figures.
#include "commands.hpp"

#include <glassy/aging/analysis.hpp>
#include <glassy/core/atomic_file.hpp>
#include <glassy/io/info.hpp>
#include <glassy/report/report.hpp>
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
    // The aging analysis with the paper's settings, windows scaled to the demo's 40,000 s.
    const auto result = std::filesystem::path(*dir) / "aging.h5";
    aging::AgingOptions o;
    o.corr.window_s = 500;
    o.corr.multitau = false;
    auto source = open_frames(frames);
    const auto r = aging::analyse_aging(*source, o);
    AtomicOutput atomic(result);
    {
      auto file = h5::File::create(atomic.temp_path());
      write_aging(file, r);
    }
    atomic.commit();
    aging::write_history_csv(*dir, "aging", r);
    std::printf("%s", aging::summarise(r).c_str());
    std::printf("age: %s path, %zu tiles in %.1f s -> %s\n",
                to_string(r.corr.twotime_report.path).c_str(), r.corr.twotime_report.tiles,
                r.corr.twotime_report.seconds, result.c_str());
    const auto report = std::filesystem::path(*dir) / "report.html";
    report::ReportOptions ro;
    ro.command = "glassy demo --out " + *dir;
    report::write_report(result, report, ro);
    std::printf("report: %s (open it in a browser)\n", std::filesystem::absolute(report).c_str());
  });
}

}  // namespace glassy::cli
