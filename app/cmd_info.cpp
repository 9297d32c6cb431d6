// glassy info FILE: what a frames, events or result file holds, in a few readable lines.
#include "commands.hpp"

#include <glassy/io/frames.hpp>
#include <glassy/io/info.hpp>

#include <cstdio>

namespace glassy::cli {

void register_info(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "Describe a frames, events or result file");
  auto file = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "HDF5 or .npy file")->required();
  cmd->callback([file] {
    for (const auto& line : describe_file(*file)) std::printf("%s\n", line.c_str());
  });
}

}  // namespace glassy::cli
