#include <glassy/core/progress.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>

namespace glassy {
namespace {
std::atomic<bool> g_quiet{false};
std::mutex g_sink_mutex;
std::shared_ptr<const ProgressSink> g_sink;
std::atomic<double> g_interval{0.2};
std::atomic<bool> g_bar_drawn{false};

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

std::shared_ptr<const ProgressSink> current_sink() {
  std::lock_guard lock(g_sink_mutex);
  return g_sink;
}
}  // namespace

void Progress::set_quiet(bool quiet) { g_quiet = quiet; }

void Progress::set_sink(ProgressSink sink, double interval_s) {
  std::lock_guard lock(g_sink_mutex);
  g_sink = sink ? std::make_shared<const ProgressSink>(std::move(sink)) : nullptr;
  g_interval = interval_s;
}

Progress::Progress(std::string label, std::uint64_t total, bool quiet)
    : label_(std::move(label)),
      total_(std::max<std::uint64_t>(total, 1)),
      quiet_(quiet || g_quiet),
      start_(std::chrono::steady_clock::now()),
      last_emit_(start_) {}

Progress::~Progress() {
  // A loop left by an exception must not leave a half-drawn bar behind the error line.
  if (!finished_) clear_progress_line();
}

void Progress::advance(std::uint64_t units) {
  done_ = std::min(total_, done_ + units);
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_emit_).count() >= g_interval) {
    last_emit_ = now;
    emit(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  done_ = total_;
  if (!quiet_) emit(true);
}

void Progress::emit(bool final_update) {
  const auto sink = current_sink();
  if (!sink) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction = static_cast<double>(done_) / static_cast<double>(total_);
  const double eta = fraction > 0 && !final_update ? elapsed * (1 - fraction) / fraction : 0;
  (*sink)(ProgressUpdate{label_, fraction, elapsed, eta, final_update});
}

ProgressSink terminal_progress_sink() {
  return [](const ProgressUpdate& u) {
    if (u.final) {
      clear_progress_line();
      return;
    }
    constexpr int kWidth = 30;
    std::string bar(static_cast<std::size_t>(u.fraction * kWidth), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r\033[K%s [%s] %5.1f%%  %s elapsed  %s left", u.label.c_str(),
                 bar.c_str(), 100 * u.fraction, format_seconds(u.elapsed_s).c_str(),
                 format_seconds(u.remaining_s).c_str());
    std::fflush(stderr);
    g_bar_drawn = true;
  };
}

ProgressSink line_progress_sink() {
  return [](const ProgressUpdate& u) {
    std::fprintf(stderr, "%s: %.1f%% (%s elapsed, %s left)\n", u.label.c_str(), 100 * u.fraction,
                 format_seconds(u.elapsed_s).c_str(), format_seconds(u.remaining_s).c_str());
    std::fflush(stderr);
  };
}

void clear_progress_line() {
  if (g_bar_drawn.exchange(false)) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }
}

}  // namespace glassy
