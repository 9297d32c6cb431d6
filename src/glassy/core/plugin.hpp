// core/plugin: the parts of glassy that drag in heavy libraries are shared modules loaded on first
// use (dlopen), so that a command that never needs them does not pay for loading them at start:
//  - the command line's `glassy md` (LAMMPS) and MPI ranks (app/plugins: found beside the
//    executable);
//  - the library's Ceres fits (fit/solver) and OpenBLAS (core/blas): found beside libglassy.
// Each has an environment variable that names its file explicitly. The handle stays open for the
// process's life.
#pragma once

#include <filesystem>
#include <vector>

namespace glassy {

struct PluginSpec {
  const char* name;     // "MD"
  const char* file;     // glassy_md_cli.so
  const char* env;      // the variable that names it
  const char* purpose;  // for messages: "glassy md"
  const char* needs;    // what a failure to load it usually means
  // Symbols bound on first call, as for libraries linked at start, where binding them all at load
  // costs (the Ceres plugin: ~12 ms of a small `glassy age`); otherwise all at load, so that a
  // plugin that does not match this glassy fails there with one line.
  bool lazy = false;
};

// The symbol from the plugin: the file $env names if set, else the first of `places` that exists.
// Throws glassy::Error with one line that says what is missing and what to do.
void* plugin_symbol(const PluginSpec& plugin, const std::vector<std::filesystem::path>& places,
                    const char* symbol);

// Where libglassy's own plugins lie: <folder of libglassy>/glassy (installed) and the build
// tree's lib/glassy, for the named file.
std::vector<std::filesystem::path> library_plugin_places(const char* file);

}  // namespace glassy
