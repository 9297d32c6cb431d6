// glassy info FILE: what a frames, events or result file holds, in a few readable lines.
#include "commands.hpp"

#include <glassy/io/frames.hpp>
#include <glassy/io/info.hpp>

#include <cstdio>

namespace glassy::cli {

void register_info(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "Describe a frames, events or result file");
  auto file = std::make_shared<std::string>();
  auto overrides = std::make_shared<DetectorMetadata>();
  cmd->add_option("FILE", *file,
                  "HDF5, .npy or .imm file; EDF frames: a .edf/.edf.gz file (the first of a "
                  "numbered series), a folder or a quoted glob")
      ->required();
  add_metadata_overrides(*cmd, *overrides);
  cmd->callback([file, overrides] {
    for (const auto& line : describe_file(*file, *overrides)) std::printf("%s\n", line.c_str());
  });
}

}  // namespace glassy::cli
