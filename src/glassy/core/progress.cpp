#include <glassy/core/progress.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>

namespace glassy {
namespace {
std::atomic<bool> g_quiet{false};

std::string format_seconds(double s) {
  char buf[32];
  if (s < 120) {
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  } else if (s < 7200) {
    std::snprintf(buf, sizeof buf, "%.0fm%02.0fs", std::floor(s / 60), std::fmod(s, 60.0));
  } else {
    std::snprintf(buf, sizeof buf, "%.1fh", s / 3600);
  }
  return buf;
}
}  // namespace

void Progress::set_quiet(bool quiet) { g_quiet = quiet; }

Progress::Progress(std::string label, std::uint64_t total, bool quiet)
    : label_(std::move(label)),
      total_(std::max<std::uint64_t>(total, 1)),
      quiet_(quiet || g_quiet),
      terminal_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  // A loop left by an exception must not print a misleading 100% line.
  if (!finished_ && terminal_ && !quiet_ && done_ > 0) std::fputc('\n', stderr);
}

void Progress::advance(std::uint64_t units) {
  done_ = std::min(total_, done_ + units);
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  // Terminals redraw a few times a second; logs get a line every 10 s so they stay readable.
  const double interval = terminal_ ? 0.2 : 10.0;
  if (std::chrono::duration<double>(now - last_draw_).count() >= interval) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  done_ = total_;
  if (!quiet_) draw(true);
}

void Progress::draw(bool final_line) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction = static_cast<double>(done_) / static_cast<double>(total_);
  const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
  if (terminal_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %5.1f%%  %s elapsed  %s left ", label_.c_str(), bar.c_str(),
                 100 * fraction, format_seconds(elapsed).c_str(),
                 final_line ? "0s" : format_seconds(eta).c_str());
    if (final_line) std::fputc('\n', stderr);
  } else {
    std::fprintf(stderr, "%s: %.1f%% (%s elapsed, %s left)\n", label_.c_str(), 100 * fraction,
                 format_seconds(elapsed).c_str(), format_seconds(eta).c_str());
  }
  std::fflush(stderr);
}

}  // namespace glassy
