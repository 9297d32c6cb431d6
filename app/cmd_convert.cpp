// glassy convert IN --out OUT --layout dense|sparse: between dense stacks and photon events.
#include "commands.hpp"

#include <glassy/core/atomic_file.hpp>

#include <glassy/core/memory_budget.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/io/frame_writer.hpp>

#include <cstdio>

namespace glassy::cli {

void register_convert(CLI::App& app) {
  auto* cmd = app.add_subcommand("convert",
                                 "Convert frames between dense HDF5/.npy and sparse photon events");
  struct Args {
    std::string in, out, layout = "sparse", compression, dtype = "uint32", memory = "2";
    DetectorMetadata overrides;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("IN", a->in, kFramesHelp)->required();
  cmd->add_option("--out", a->out, "Output HDF5 file")->required();
  cmd->add_option("--layout", a->layout, "dense or sparse (default sparse)");
  cmd->add_option("--compression", a->compression,
                  "none, gzip, lzf or bslz4 (default bslz4 when available)");
  cmd->add_option("--dtype", a->dtype, "Dense element type: uint8, uint16, uint32, float32");
  cmd->add_option("--memory", a->memory, "Memory budget in GB");
  add_metadata_overrides(*cmd, a->overrides);
  cmd->callback([a, cmd] {
    check_output(a->out, {a->in});
    // Options first: a typo should not wait for a large file to open.
    FrameFileSpec spec;
    spec.layout = parse_layout(a->layout);
    spec.compression =
        a->compression.empty() ? default_compression() : h5::parse_compression(a->compression);
    spec.dense_type = a->dtype;
    const auto budget = MemoryBudget::parse(a->memory);
    provenance::record_input(a->in);
    provenance::record_options(given_options(*cmd));
    auto source = open_frames(a->in, a->overrides);
    convert_frames(*source, a->in, a->out, spec, budget);
    std::printf("wrote %s (%zu frames, %s)\n", a->out.c_str(), source->info().frames,
                a->layout.c_str());
  });
}

}  // namespace glassy::cli
