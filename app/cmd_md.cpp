// glassy md prepare|tg|run|xpcs|waiting|ifk|study|ensemble: the atomistic half. A Wahnström glass
// made and run on LAMMPS in-process, then the paper's Fig. 4 (simulated XPCS), the waiting-time
// power law of its Fig. 1c inset and the icosahedral/Frank-Kasper network. This file only groups
// the subcommands; each lives in its own cmd_md_<name>.cpp.
#include "commands.hpp"

namespace glassy::cli {

void register_md(CLI::App& app) {
  auto* md = app.add_subcommand(
      "md", "Molecular dynamics: Wahnström glass on LAMMPS, simulated XPCS, waiting times, IFK");
  md->require_subcommand(1);
  register_md_engine(*md);
  register_md_xpcs(*md);
  register_md_analysis(*md);
  register_md_study(*md);
  register_md_ensemble(*md);
}

}  // namespace glassy::cli

// The plugin's entry point, looked up by app/plugins.cpp.
extern "C" __attribute__((visibility("default"))) void glassy_register_md(CLI::App& app) {
  glassy::cli::register_md(app);
}
