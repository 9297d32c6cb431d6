// glassy: long-time XPCS of aging glasses, from frames to physics. This file only wires the
// subcommands together and turns errors into one line on stderr and exit code 2.
#include "commands.hpp"

#include <glassy/core/error.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/core/threads.hpp>

#include <cstdio>
#include <exception>

namespace glassy::cli {

void add_metadata_overrides(CLI::App& cmd, DetectorMetadata& o) {
  auto opt = [&](const char* flag, std::optional<double>& target, const char* help) {
    cmd.add_option_function<double>(
        flag, [&target](double v) { target = v; }, help);
  };
  opt("--frame-time", o.frame_time, "Seconds between frames (overrides the file)");
  opt("--distance", o.distance, "Sample-detector distance in m (overrides the file)");
  opt("--energy", o.energy_kev, "Incident energy in keV (overrides the file)");
  cmd.add_option_function<double>(
      "--pixel-size", [&o](double v) { o.x_pixel_size = o.y_pixel_size = v; },
      "Pixel size in m (overrides the file)");
  cmd.add_option_function<std::vector<double>>(
         "--beam-center",
         [&o](const std::vector<double>& v) {
           o.beam_center_x = v.at(0);
           o.beam_center_y = v.at(1);
         },
         "Direct-beam position X Y in pixels (column, row; may lie off the detector)")
      ->expected(2);
}

}  // namespace glassy::cli

int main(int argc, char** argv) {
  CLI::App app{"glassy: long-time XPCS of aging glasses and the simulations that explain it"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("glassy ") + GLASSY_VERSION_STRING);
  int threads = 0;
  bool quiet = false;
  app.add_option("--threads", threads, "Threads to use (default: GLASSY_THREADS or all cores)");
  app.add_flag("--quiet,-q", quiet, "No progress output");
  app.parse_complete_callback([&] {
    glassy::set_threads(threads);
    glassy::Progress::set_quiet(quiet);
  });
  glassy::cli::register_synth(app);
  glassy::cli::register_info(app);
  glassy::cli::register_convert(app);
  glassy::cli::register_demo(app);
  glassy::cli::register_corr(app);
  glassy::cli::register_age(app);
  glassy::cli::register_fit(app);
  glassy::cli::register_report(app);
  glassy::cli::register_md(app);
  glassy::provenance::record_command_line(argc, argv);  // for /glassy/provenance
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const glassy::Error& e) {
    std::fprintf(stderr, "glassy: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "glassy: internal error: %s (please report it)\n", e.what());
    return 3;
  }
  return 0;
}
