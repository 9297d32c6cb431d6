// core/progress: progress reporting for long loops. A bar with rate and ETA on a terminal,
// plain lines every few seconds otherwise (logs, CI), nothing when quiet.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace glassy {

class Progress {
 public:
  // total: number of work units; label: what is being done ("synth", "corr").
  Progress(std::string label, std::uint64_t total, bool quiet = false);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::uint64_t units = 1);
  void finish();

  // Global switch set by the command line (--quiet) and honoured by every Progress.
  static void set_quiet(bool quiet);

 private:
  void draw(bool final_line);

  std::string label_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  bool quiet_;
  bool terminal_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace glassy
