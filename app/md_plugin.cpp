// app/md_plugin: `glassy md` lives in a plugin (glassy_md_cli.so, app/CMakeLists.txt) so that the
// other commands never load LAMMPS and its ~60 dependencies. The plugin is found beside the
// executable (build tree, then install tree) or at $GLASSY_MD_PLUGIN.
#include "commands.hpp"

#include <glassy/core/error.hpp>

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace glassy::cli {
namespace {

using RegisterFn = void (*)(CLI::App&);

std::vector<std::filesystem::path> plugin_candidates() {
  std::vector<std::filesystem::path> out;
  if (const char* env = std::getenv("GLASSY_MD_PLUGIN"); env && *env) out.emplace_back(env);
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back(exe.parent_path() / GLASSY_MD_PLUGIN_BUILD_REL);
    out.push_back(exe.parent_path() / GLASSY_MD_PLUGIN_INSTALL_REL);
  }
  return out;
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
  std::string tried;
  for (const auto& path : plugin_candidates()) {
    if (!std::filesystem::exists(path)) {
      tried += (tried.empty() ? "" : ", ") + path.lexically_normal().string();
      continue;
    }
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      throw Error("glassy md: the MD plugin " + path.string() + " does not load (" +
                  (why ? why : "unknown reason") + "): check that LAMMPS (liblammps) is installed");
    }
    auto fn = reinterpret_cast<RegisterFn>(dlsym(handle, "glassy_register_md"));
    require(fn != nullptr, "glassy md: " + path.string() + " is not the glassy MD plugin");
    fn(app);
    return;  // the handle stays open for the process's life
  }
  throw Error("glassy md: the MD plugin glassy_md_cli.so is not installed (looked for " + tried +
              "); set GLASSY_MD_PLUGIN to its path");
}

}  // namespace glassy::cli
