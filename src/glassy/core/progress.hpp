// core/progress: progress reporting for long loops. The library only counts: it prints nothing
// unless the program installs a sink (the command line draws a bar on a terminal, and plain
// lines in logs when asked with --progress). Python and other callers stay silent by default.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace glassy {

struct ProgressUpdate {
  const std::string& label;  // what is being done ("synth", "corr")
  double fraction;           // 0..1
  double elapsed_s, remaining_s;
  bool final;  // the loop has finished
};
using ProgressSink = std::function<void(const ProgressUpdate&)>;

class Progress {
 public:
  // total: number of work units; label: what is being done ("synth", "corr").
  Progress(std::string label, std::uint64_t total, bool quiet = false);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::uint64_t units = 1);
  void finish();

  // Process-wide: where updates go (none by default) and how often (s between updates).
  static void set_sink(ProgressSink sink, double interval_s = 0.2);
  // Global switch (--quiet, Python's set_quiet): no updates even with a sink.
  static void set_quiet(bool quiet);

 private:
  void emit(bool final_update);

  std::string label_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  bool quiet_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_emit_;
};

// Sinks the command line uses: a redrawn bar on a terminal (cleared when its loop ends, so a
// later error stays the only line), or one plain line per update for logs.
ProgressSink terminal_progress_sink();
ProgressSink line_progress_sink();
// Clears a bar left on the terminal (before an error line).
void clear_progress_line();

}  // namespace glassy
