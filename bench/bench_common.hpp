// Shared by the benchmark programs: wall time, peak memory, a scratch folder.
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

namespace glassy::bench {

inline double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Peak resident memory of this process so far, in MiB.
inline double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

inline std::filesystem::path scratch(const char* name) {
  const char* env = std::getenv("GLASSY_BENCH_DIR");
  auto dir = std::filesystem::path(
                 env != nullptr ? env : std::filesystem::temp_directory_path().string()) /
             (std::string("glassy-bench-") + name);
  std::filesystem::create_directories(dir);
  return dir;
}

// Reads a whole file with plain read() calls: the speed of the bytes with no decoding.
inline double raw_read_seconds(const std::filesystem::path& file) {
  std::vector<char> buf(std::size_t{8} << 20);
  const double t0 = now_s();
  std::ifstream in(file, std::ios::binary);
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
  }
  return now_s() - t0;
}

}  // namespace glassy::bench
