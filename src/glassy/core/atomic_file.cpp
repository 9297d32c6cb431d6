#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <system_error>

namespace glassy {
namespace fs = std::filesystem;
namespace {

// Identity of a file: device and inode, so every spelling of a path and every hard link agree.
struct FileId {
  dev_t dev;
  ino_t ino;
  bool operator==(const FileId&) const = default;
};

bool file_id(const fs::path& p, FileId& id) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return false;
  id = {st.st_dev, st.st_ino};
  return true;
}

// Temporary outputs alive now, for the signal handler: fixed storage, so the handler touches
// no allocator (only async-signal-safe calls: unlink, _exit).
constexpr std::size_t kMaxTemps = 16, kMaxPath = 4096;
std::array<std::array<char, kMaxPath>, kMaxTemps> g_temps{};
std::array<std::atomic<bool>, kMaxTemps> g_temp_used{};

int track_temp(const fs::path& p) {
  const auto& s = p.native();
  if (s.size() >= kMaxPath) return -1;
  for (std::size_t i = 0; i < kMaxTemps; ++i) {
    bool expected = false;
    if (g_temp_used[i].compare_exchange_strong(expected, true)) {
      std::memcpy(g_temps[i].data(), s.c_str(), s.size() + 1);
      return static_cast<int>(i);
    }
  }
  return -1;
}

void untrack_temp(const fs::path& p) {
  for (std::size_t i = 0; i < kMaxTemps; ++i)
    if (g_temp_used[i] && p.native() == g_temps[i].data()) g_temp_used[i] = false;
}

extern "C" void on_fatal_signal(int sig) {
  for (std::size_t i = 0; i < kMaxTemps; ++i)
    if (g_temp_used[i]) ::unlink(g_temps[i].data());
  ::_exit(128 + sig);
}

}  // namespace

namespace {
// The part of check_output that does not depend on inputs.
bool check_target_kind(const fs::path& target, const std::string& option) {
  require(!target.empty(), option + " is empty: give the path of the file to write");
  const auto dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  require(fs::is_directory(dir, ec),
          option + " " + target.string() + ": folder '" + dir.string() +
              "' does not exist: create it or choose another " + option,
          ErrorKind::InputOutput);
  const auto status = fs::status(target, ec);
  if (!fs::exists(status)) return false;  // a new name: nothing to protect
  require(fs::is_regular_file(status),
          option + " " + target.string() + " exists and is not a regular file (" +
              (fs::is_directory(status) ? "a folder" : "a device, fifo or socket") +
              "): glassy only replaces regular files; choose a file name",
          ErrorKind::InputOutput);
  return true;
}
}  // namespace

void check_output(const fs::path& target, const std::vector<fs::path>& inputs,
                  const std::string& option) {
  if (!check_target_kind(target, option)) return;
  FileId out{};
  if (!file_id(target, out)) return;
  for (const auto& in : inputs) {
    FileId id{};
    require(!(file_id(in, id) && id == out),
            option + " " + target.string() + " is the input " + in.string() +
                ": writing there would destroy it; choose another " + option,
            ErrorKind::InputOutput);
  }
}

void remove_partial_outputs_on_signal() {
  struct sigaction sa {};
  sa.sa_handler = on_fatal_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

AtomicOutput::AtomicOutput(fs::path target, const std::vector<fs::path>& inputs, std::string option)
    : target_(std::move(target)), option_(std::move(option)), inputs_(inputs) {
  check();
  make_temp();
}

AtomicOutput::AtomicOutput(fs::path target, UpdateInPlace)
    : target_(std::move(target)), option_("--out"), in_place_(true) {
  check();
  make_temp();
}

void AtomicOutput::check() const {
  if (in_place_)
    check_target_kind(target_, option_);
  else
    check_output(target_, inputs_, option_);
}

void AtomicOutput::make_temp() {
  const auto dir = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  temp_ = dir / ("." + target_.filename().string() + ".part" + std::to_string(::getpid()));
  track_temp(temp_);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ignored;
    fs::remove(temp_, ignored);
  }
  untrack_temp(temp_);
}

void AtomicOutput::commit() {
  // Inputs opened after the constructor ran are known by now.
  check();
  std::error_code ec;
  fs::rename(temp_, target_, ec);
  require(!ec, "cannot move finished output onto '" + target_.string() + "': " + ec.message(),
          ErrorKind::InputOutput);
  committed_ = true;
  untrack_temp(temp_);
}

}  // namespace glassy
