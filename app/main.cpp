// glassy: long-time XPCS of aging glasses, from frames to physics. This file only wires the
// subcommands together and turns errors into one line on stderr and exit code 2.
#include "commands.hpp"

#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/options.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/core/ranks.hpp>
#include <glassy/core/threads.hpp>

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <new>
#include <string>

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
  cmd.add_option_function<std::string>(
      "--dataset", [&o](const std::string& v) { o.frames_dataset = v; },
      "HDF5 path of the frame stack [T,H,W] when it is not at a usual path "
      "(/entry/data/data, /entry/instrument/detector/data, /entry_0000/measurement/data)");
}

}  // namespace glassy::cli

namespace {

// The one-line contract: control characters and bytes that are not printable ASCII (a binary
// file's contents quoted in a message) become '?', line breaks become "; ", and very long
// messages are cut, so whatever went wrong prints as exactly one readable line.
std::string one_printable_line(const std::string& text) {
  constexpr std::size_t kMaxLength = 600;
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= kMaxLength) {
      out += " ...";
      break;
    }
    if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out += "; ";
    } else if (c == '\t') {
      out += ' ';
    } else {
      out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
  return out;
}

int report_error(const char* kind, const std::string& message, int code) {
  // Every MPI rank meets a bad input alike: rank 0 says it once. What only one rank can meet
  // (an internal error, memory) is said by that rank.
  const int rank = glassy::ranks().rank();
  if (rank != 0 && code == 2 && std::string(kind) == "error") return code;
  if (rank != 0) kind = "internal error on an MPI rank";
  glassy::clear_progress_line();
  std::fflush(stdout);
  std::fprintf(stderr, "glassy: %s: %s\n", kind, one_printable_line(message).c_str());
  return code;
}

// The subcommand path that was being parsed ("corr", "md run"), for "see --help" hints.
std::string command_path(const CLI::App& app) {
  std::string path;
  const CLI::App* at = &app;
  while (true) {
    const auto subs = at->get_subcommands();
    if (subs.empty()) break;
    at = subs.front();
    path += (path.empty() ? "" : " ") + at->get_name();
  }
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  glassy::stop_blas_threads();
  CLI::App app{"glassy: long-time XPCS of aging glasses and the simulations that explain it"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("glassy ") + GLASSY_VERSION_STRING);
  int threads = 0;
  bool quiet = false;
  std::string progress = "auto";
  app.add_option("--threads", threads, "Threads to use (default: GLASSY_THREADS or all cores)")
      ->capture_default_str();
  app.add_flag("--quiet,-q", quiet, "No progress output");
  app.add_option("--progress", progress,
                 "auto (a bar on a terminal, nothing otherwise), bar, lines (for logs) or none")
      ->capture_default_str();
  app.parse_complete_callback([&] {
    glassy::require(threads >= 0, "--threads " + std::to_string(threads) +
                                      ": give a positive count, or 0 for all cores");
    glassy::require(
        progress == "auto" || progress == "bar" || progress == "lines" || progress == "none",
        "--progress '" + progress + "': use auto, bar, lines or none");
    glassy::set_threads(threads);
    glassy::Progress::set_quiet(quiet || progress == "none" || glassy::ranks().rank() != 0);
    const bool terminal = isatty(STDERR_FILENO) != 0;
    if (progress == "lines")
      glassy::Progress::set_sink(glassy::line_progress_sink(), 10.0);
    else if (progress == "bar" || (progress == "auto" && terminal))
      glassy::Progress::set_sink(glassy::terminal_progress_sink(), 0.2);
  });
  // A half-written result must not survive Ctrl-C or a batch system's SIGTERM.
  glassy::remove_partial_outputs_on_signal();
  glassy::cli::register_synth(app);
  glassy::cli::register_info(app);
  glassy::cli::register_convert(app);
  glassy::cli::register_demo(app);
  glassy::cli::register_corr(app);
  glassy::cli::register_age(app);
  glassy::cli::register_fit(app);
  glassy::cli::register_report(app);
  glassy::cli::register_plan(app);
  glassy::provenance::record_command_line(argc, argv);  // for /glassy/provenance
  try {
    const bool md = glassy::cli::mentions_md(argc, argv);
    glassy::cli::register_md_lazily(app, md);
    // `glassy md` runs LAMMPS, which takes the MPI ranks itself.
    if (!md) glassy::cli::join_mpi_ranks_if_launched();
    // Rank 0 reports and writes; the other ranks compute their share in silence.
    if (glassy::ranks().rank() != 0 && std::freopen("/dev/null", "w", stdout) == nullptr)
      return report_error("error", "cannot silence the standard output of an MPI rank", 2);
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const auto where = command_path(app);
    return report_error(
        "error",
        std::string(e.what()) + "; see 'glassy " + (where.empty() ? "" : where + " ") + "--help'",
        2);
  } catch (const glassy::Error& e) {
    // The library names option fields ("window_s = ..."); show the flag the user typed.
    std::string message = e.what();
    const std::string prefix = e.field() + " = ";
    if (const auto flag = glassy::flag_of(e.field());
        flag && !e.field().empty() && message.rfind(prefix, 0) == 0)
      message = *flag + " " + message.substr(prefix.size());
    return report_error("error", message, 2);
  } catch (const std::bad_alloc&) {
    return report_error("error",
                        "out of memory: the input or an option asks for more memory than this "
                        "machine has; lower --memory, --map-size or the run's size",
                        2);
  } catch (const std::exception& e) {
    return report_error("internal error", std::string(e.what()) + " (please report it)", 3);
  }
  glassy::ranks().finish();
  return 0;
}
