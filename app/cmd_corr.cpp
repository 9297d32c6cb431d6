// glassy corr FRAMES --out RESULT.h5: two-time maps, g2(t, t_a), plateaus and multi-tau g2 in the
// layout pyXpcsViewer reads, for runs of any length under a memory budget.
#include "commands.hpp"
#include "option_binding.hpp"

#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/parse.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/core/ranks.hpp>
#include <glassy/corr/correlate.hpp>

#include <cstdio>
#include <optional>

namespace glassy::cli {

void add_correlate_options(CLI::App& cmd, CorrelateOptionsArgs& a) {
  cmd.add_option("--qmap", a.qmap, "APS q map file (/xpcs/qmap or /data layout)");
  cmd.add_option("--q-range", a.q_range,
                 "QMIN:QMAX in 1/A (needs the geometry in the file or options)");
  cmd.add_option("--mask", a.mask, "Mask file (HDF5[:/dataset] or .npy; non-zero = usable)");
  cmd.add_flag("--no-flatfield", a.no_flatfield,
               "Skip the static background (flat-field) correction");
  cmd.add_option("--path", a.path, "Two-time path: auto (by photon density), dense or sparse")
      ->capture_default_str();
  cmd.add_option("--plateau-span-s", a.plateau_span, "A:B, span for the long-time plateau g2(inf)");
  cmd.add_option("--memory", a.memory, "Memory budget in GB")->capture_default_str();
  bind_fields(cmd, a.o, correlate_fields(),
              {"dynamic_q", "static_q", "dynamic_phi", "static_phi", "hot_sigma", "max_count",
               "max_lag_s", "window_s", "per_decade", "map_size"});
  add_metadata_overrides(cmd, a.overrides);
}

CorrelateOptions finish_correlate_options(CorrelateOptionsArgs& a) {
  CorrelateOptions o = a.o;
  if (!a.qmap.empty()) o.qmap_file = a.qmap;
  if (!a.q_range.empty()) o.q_range = parse_span(a.q_range, "--q-range");
  if (!a.mask.empty()) o.mask = a.mask;
  if (!a.plateau_span.empty()) o.plateau_span = parse_span(a.plateau_span, "--plateau-span-s");
  o.flatfield = !a.no_flatfield;
  o.path = parse_corr_path(a.path);
  o.budget = MemoryBudget::parse(a.memory);
  o.validate();  // before any file is opened: a typo must not wait for a large file
  if (o.qmap_file) provenance::record_input(*o.qmap_file);
  if (o.mask) provenance::record_input(o.mask->substr(0, o.mask->rfind(":/")));
  return o;
}

void register_corr(CLI::App& app) {
  auto* cmd = app.add_subcommand("corr", "Two-time and multi-tau correlation of a frames file");
  struct Args : CorrelateOptionsArgs {
    std::string in, out, mode = "both";
    bool resume = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("FRAMES", a->in, kFramesHelp)->required();
  cmd->add_option("--out", a->out, "Result file (HDF5)")->required();
  cmd->add_option("--mode", a->mode, "twotime, multitau or both (default both)");
  cmd->add_flag("--resume", a->resume, "Continue an interrupted run from its checkpoint");
  add_correlate_options(*cmd, *a);
  cmd->callback([a] {
    check_output(a->out, {a->in});
    CorrelateOptions o = finish_correlate_options(*a);
    require(a->mode == "twotime" || a->mode == "multitau" || a->mode == "both",
            "--mode must be twotime, multitau or both");
    o.twotime = a->mode != "multitau";
    o.multitau = a->mode != "twotime";
    o.checkpoint = a->out + ".checkpoint.h5";
    o.resume = a->resume;
    provenance::record_input(a->in);
    provenance::record_options(o);
    // Under mpirun every rank computes its share and rank 0 alone writes.
    std::optional<AtomicOutput> atomic;
    if (ranks().rank() == 0) atomic.emplace(a->out, std::vector<std::filesystem::path>{a->in});
    auto source = open_frames(a->in, a->overrides);
    const auto c = correlate(*source, o);
    if (!atomic) return;
    {
      auto file = h5::File::create(atomic->temp_path());
      write_correlation(file, c);
    }
    atomic->commit();
    std::printf(
        "wrote %s: %zu frames, %d q bins, %s path, photon density %.3g, %zu hot pixels masked, %zu "
        "empty frames, %zu gaps",
        a->out.c_str(), c.info.frames, c.partition.n_dynamic(),
        to_string(c.twotime_report.path).c_str(), c.stats.photon_density, c.hot_pixels,
        c.stats.empty_frames.size(), c.stats.gaps.size());
    if (c.band)
      std::printf(", two-time %.1f s (%zu tiles)", c.twotime_report.seconds,
                  c.twotime_report.tiles);
    if (c.multitau) std::printf(", multi-tau %.0f frames/s", c.multitau->frames_per_second);
    std::printf("\n");
  });
}

}  // namespace glassy::cli
