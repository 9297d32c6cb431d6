#include "test_support.hpp"

#include <algorithm>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <random>

namespace glassy::test {

ScratchDir::ScratchDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("glassy-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path shared_dir() {
  const char* env = std::getenv("GLASSY_SHARED_DIR");
  std::filesystem::path dir = env != nullptr && *env != '\0' ? env : GLASSY_SHARED_DIR;
  return std::filesystem::is_directory(dir) ? dir : std::filesystem::path();
}

std::string shell_output(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf;
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) out += buf.data();
  pclose(pipe);
  return out;
}

CommandResult run_cli(const std::string& args) {
  const std::string command = std::string(GLASSY_CLI) + " --quiet " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  CommandResult result{-1, ""};
  if (pipe == nullptr) return result;
  std::array<char, 4096> buf;
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) result.output += buf.data();
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::vector<float> speckle_frames(std::size_t t, std::size_t h, std::size_t w, double rate,
                                  double memory, unsigned seed) {
  std::vector<float> frames(t * h * w);
  std::mt19937 rng(seed);
  std::vector<double> field(h * w, 1.0);
  std::exponential_distribution<double> expo(1.0);
  for (std::size_t f = 0; f < t; ++f) {
    for (auto& v : field) v = memory * v + (1.0 - memory) * expo(rng);
    for (std::size_t p = 0; p < h * w; ++p)
      frames[f * h * w + p] =
          static_cast<float>(std::poisson_distribution<int>(rate * field[p])(rng));
  }
  return frames;
}

int line_count(const std::string& output) {
  return static_cast<int>(std::count(output.begin(), output.end(), '\n'));
}

}  // namespace glassy::test
