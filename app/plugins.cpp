// app/plugins: the parts of glassy that drag in heavy libraries live in plugins beside the
// executable (build tree, then install tree; app/CMakeLists.txt), loaded only when needed:
//  - glassy_md_cli.so: `glassy md`, LAMMPS and its ~60 dependencies;
//  - glassy_mpi.so: the MPI ranks (core/ranks), only when mpirun or srun started the process.
// An environment variable names either one explicitly (GLASSY_MD_PLUGIN, GLASSY_MPI_PLUGIN).
#include "commands.hpp"

#include <glassy/core/error.hpp>
#include <glassy/core/ranks.hpp>

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace glassy::cli {
namespace {

struct Plugin {
  const char* name;     // "MD"
  const char* file;     // glassy_md_cli.so
  const char* env;      // variable that names it
  const char* build;    // path relative to the executable in the build tree
  const char* install;  // and once installed
  const char* purpose;  // for messages: "glassy md"
  const char* needs;    // what its loading failure usually means
};

constexpr Plugin kMd{"MD",
                     "glassy_md_cli.so",
                     "GLASSY_MD_PLUGIN",
                     GLASSY_MD_PLUGIN_BUILD_REL,
                     GLASSY_MD_PLUGIN_INSTALL_REL,
                     "glassy md",
                     "check that LAMMPS (liblammps) is installed"};
constexpr Plugin kMpi{"MPI",
                      "glassy_mpi.so",
                      "GLASSY_MPI_PLUGIN",
                      GLASSY_MPI_PLUGIN_BUILD_REL,
                      GLASSY_MPI_PLUGIN_INSTALL_REL,
                      "glassy under mpirun",
                      "check that OpenMPI (libopenmpi3) is installed"};

// The plugin's symbol, from the first candidate path that exists; the handle stays open for the
// process's life.
void* load_symbol(const Plugin& p, const char* symbol) {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv(p.env); env && *env) candidates.emplace_back(env);
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / p.build);
    candidates.push_back(exe.parent_path() / p.install);
  }
  std::string tried;
  for (const auto& path : candidates) {
    if (!std::filesystem::exists(path)) {
      tried += (tried.empty() ? "" : ", ") + path.lexically_normal().string();
      continue;
    }
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      throw Error(std::string(p.purpose) + ": the " + p.name + " plugin " + path.string() +
                  " does not load (" + (why ? why : "unknown reason") + "): " + p.needs);
    }
    void* fn = dlsym(handle, symbol);
    require(fn != nullptr, std::string(p.purpose) + ": " + path.string() + " is not the " + p.file +
                               " plugin of this glassy");
    return fn;
  }
  throw Error(std::string(p.purpose) + ": the " + p.name + " plugin " + p.file +
              " is not installed (looked for " + tried + "); set " + p.env + " to its path");
}

}  // namespace

bool mentions_md(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "md") return true;
  return false;
}

void register_md_lazily(CLI::App& app, bool load) {
  if (!load) {
    // Listed in `glassy --help`; the real subcommands come with the plugin when "md" is given.
    app.add_subcommand(
        "md", "Molecular dynamics: Wahnström glass on LAMMPS, simulated XPCS, waiting times, IFK");
    return;
  }
  using RegisterFn = void (*)(CLI::App&);
  reinterpret_cast<RegisterFn>(load_symbol(kMd, "glassy_register_md"))(app);
}

void join_mpi_ranks_if_launched() {
  if (!started_by_mpi_launcher()) return;
  using RanksFn = Ranks* (*)();
  set_ranks(
      std::unique_ptr<Ranks>(reinterpret_cast<RanksFn>(load_symbol(kMpi, "glassy_mpi_ranks"))()));
}

}  // namespace glassy::cli
