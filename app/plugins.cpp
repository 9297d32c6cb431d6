// app/plugins: the command line's plugins (core/plugin) lie beside the executable (build tree,
// then install tree; app/CMakeLists.txt), loaded only when needed:
//  - glassy_md_cli.so: `glassy md`, LAMMPS and its ~60 dependencies;
//  - glassy_mpi.so: the MPI ranks (core/ranks), only when mpirun or srun started the process.
// An environment variable names either one explicitly (GLASSY_MD_PLUGIN, GLASSY_MPI_PLUGIN).
#include "commands.hpp"

#include <glassy/core/error.hpp>
#include <glassy/core/plugin.hpp>
#include <glassy/core/ranks.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace glassy::cli {
namespace {

struct Plugin {
  PluginSpec spec;
  const char* build;    // path relative to the executable in the build tree
  const char* install;  // and once installed
};

constexpr Plugin kMd{{"MD", "glassy_md_cli.so", "GLASSY_MD_PLUGIN", "glassy md",
                      "check that LAMMPS (liblammps) is installed"},
                     GLASSY_MD_PLUGIN_BUILD_REL,
                     GLASSY_MD_PLUGIN_INSTALL_REL};
constexpr Plugin kMpi{{"MPI", "glassy_mpi.so", "GLASSY_MPI_PLUGIN", "glassy under mpirun",
                       "check that OpenMPI (libopenmpi3) is installed"},
                      GLASSY_MPI_PLUGIN_BUILD_REL,
                      GLASSY_MPI_PLUGIN_INSTALL_REL};

// The plugin's symbol, from beside the executable (build tree, then install tree).
void* load_symbol(const Plugin& p, const char* symbol) {
  std::vector<std::filesystem::path> places;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    places.push_back(exe.parent_path() / p.build);
    places.push_back(exe.parent_path() / p.install);
  }
  return plugin_symbol(p.spec, places, symbol);
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
