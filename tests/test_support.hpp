// Helpers shared by the tests: scratch folders, the shared data folder, running the CLI.
#pragma once

#include <gtest/gtest.h>

#include <glassy/core/error.hpp>

#include <omp.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace glassy::test {

// A fresh folder under the system temp dir, removed when the object goes away.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// ../shared (GLASSY_SHARED_DIR env var overrides the build-time path); empty when absent.
std::filesystem::path shared_dir();

struct CommandResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};
// Runs the glassy binary with the given arguments (a shell-quoted string).
CommandResult run_cli(const std::string& args);
// The standard output of a shell command (e.g. ldd of the executable).
std::string shell_output(const std::string& command);
// Runs f() with one OpenMP thread, then with two, and gives both results (the thread count is
// restored): for "the same bits on any thread count".
template <typename F>
auto on_one_and_two_threads(F&& f) {
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  auto one = f();
  omp_set_num_threads(2);
  auto two = f();
  omp_set_num_threads(before);
  return std::pair{std::move(one), std::move(two)};
}

// Runs fn and expects a glassy::Error whose message contains `fragment`.
template <typename Fn>
void expect_error(Fn&& fn, const std::string& fragment) {
  try {
    fn();
    ADD_FAILURE() << "no glassy::Error (expected one mentioning '" << fragment << "')";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

// The message of the glassy::Error f() throws, or "" when it throws none.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Poisson photon counts of t frames of h x w pixels from a speckle-like rate that decorrelates
// slowly: each frame the pixel's field keeps `memory` of itself plus (1 - memory) of a fresh
// exponential draw. Frame-major floats, the same for the same seed.
std::vector<float> speckle_frames(std::size_t t, std::size_t h, std::size_t w, double rate,
                                  double memory, unsigned seed);

// Lines in a command's output (the CLI promises one line for an error).
int line_count(const std::string& output);

}  // namespace glassy::test
