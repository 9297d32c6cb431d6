// The `glassy` subcommands. Each file cmd_<name>.cpp registers one subcommand on the app; the
// callback it installs does the work and throws glassy::Error on bad input.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <glassy/corr/correlate.hpp>
#include <glassy/io/metadata.hpp>

namespace glassy::cli {

void register_synth(CLI::App& app);
void register_info(CLI::App& app);
void register_convert(CLI::App& app);
void register_demo(CLI::App& app);
void register_corr(CLI::App& app);
void register_age(CLI::App& app);
void register_fit(CLI::App& app);
void register_report(CLI::App& app);
void register_plan(CLI::App& app);
void register_md(CLI::App& app);  // in the plugin glassy_md_cli.so
// app/plugins.cpp: does the command line name "md"? If so the plugin is loaded and registers
// the md subcommands (throws glassy::Error when it cannot be loaded); if not a placeholder keeps
// `md` in the help.
bool mentions_md(int argc, char** argv);
void register_md_lazily(CLI::App& app, bool load);
// Under mpirun or srun, loads the MPI plugin and installs its ranks (core/ranks); otherwise
// nothing (the run is one process and never loads MPI).
void join_mpi_ranks_if_launched();
// The `glassy md` subcommands (cmd_md_*.cpp), registered on the md group.
void register_md_engine(CLI::App& md);    // prepare, tg, run
void register_md_xpcs(CLI::App& md);      // xpcs
void register_md_analysis(CLI::App& md);  // waiting, ifk
void register_md_study(CLI::App& md);     // study
void register_md_ensemble(CLI::App& md);  // ensemble

// What a FRAMES argument may be (io/frames.hpp open_frames), for the commands' help.
inline constexpr const char* kFramesHelp =
    "Frames: HDF5 (dense or sparse), .npy, APS .imm, or EDF (.edf/.edf.gz file, the first of a "
    "numbered series, a folder or a quoted glob)";

// --frame-time, --pixel-size, --distance, --beam-center, --energy, --dataset: overrides of what
// the frames file says.
void add_metadata_overrides(CLI::App& cmd, DetectorMetadata& overrides);

// Options shared by corr and age: partition, mask, path, band, map, budget.
struct CorrelateOptionsArgs {
  CorrelateOptions o;
  std::string qmap, q_range, mask, plateau_span, path = "auto", memory = "2";
  bool no_flatfield = false;
  DetectorMetadata overrides;
};
void add_correlate_options(CLI::App& cmd, CorrelateOptionsArgs& args);
// Also records the q-map and mask files as inputs of /glassy/provenance.
CorrelateOptions finish_correlate_options(CorrelateOptionsArgs& args);

// The options given to `cmd`, {"--name": value}, for /glassy/provenance of commands whose
// options have no JSON form of their own.
nlohmann::json given_options(const CLI::App& cmd);

}  // namespace glassy::cli
