// app/huge_pages: the correlators allocate and zero large buffers (frame blocks, tiles, the
// reducers' tables); on 4 KiB pages the page faults took a fifth of a whole `glassy corr` run
// (docs/performance.md). Linux gives transparent huge pages to memory that asks for them
// ("madvise" mode, Debian's default), and glibc's malloc asks when its tunable
// glibc.malloc.hugetlb=1 is set, which it reads only when a process starts. So the commands that
// correlate restart themselves once with it set. GLASSY_HUGE_PAGES=0 turns this off.
#include "commands.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace glassy::cli {
namespace {

bool huge_pages_on_request() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  std::getline(in, modes);
  return modes.find("[madvise]") != std::string::npos;
}

bool correlates(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    for (const char* command : {"corr", "age", "demo"})
      if (std::strcmp(argv[i], command) == 0) return true;
  return false;
}

}  // namespace

void restart_with_huge_pages(int argc, char** argv) {
  const char* off = std::getenv("GLASSY_HUGE_PAGES");
  if (off != nullptr && std::strcmp(off, "0") == 0) return;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  const std::string now = tunables ? tunables : "";
  if (now.find("glibc.malloc.hugetlb") != std::string::npos) return;  // set, or restarted
  if (!correlates(argc, argv) || !huge_pages_on_request()) return;
  const std::string with = now.empty() ? "glibc.malloc.hugetlb=1" : now + ":glibc.malloc.hugetlb=1";
  if (setenv("GLIBC_TUNABLES", with.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Only reached when the restart failed: go on with small pages.
  if (tunables != nullptr)
    setenv("GLIBC_TUNABLES", now.c_str(), 1);
  else
    unsetenv("GLIBC_TUNABLES");
}

}  // namespace glassy::cli
