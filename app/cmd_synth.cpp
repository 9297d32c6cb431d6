// glassy synth --preset tiny|demo|paper --out FRAMES.h5 [overrides]: a synthetic XPCS experiment
// with known truth.
#include "commands.hpp"

#include <glassy/core/atomic_file.hpp>

#include <glassy/core/error.hpp>
#include <glassy/core/parse.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/synth/generator.hpp>

#include <cstdio>

namespace glassy::cli {

void register_synth(CLI::App& app) {
  auto* cmd = app.add_subcommand("synth", "Make a synthetic XPCS experiment with known truth");
  struct Args {
    std::string preset = "tiny", out, dynamics, layout, compression, dtype;
    std::optional<std::size_t> frames;
    std::vector<std::size_t> shape;
    std::optional<double> frame_time, rate, contrast, tau, beta, tstar, fast_amplitude,
        fast_coupling;
    std::optional<int> modes;
    std::vector<std::string> jumps, gaps;
    std::optional<std::uint64_t> seed;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--preset", a->preset,
                  "tiny (seconds), demo (the paper's story, < 1 min) or paper (full scale)");
  cmd->add_option("--out", a->out, "Output frames file (HDF5)")->required();
  cmd->add_option("--frames", a->frames,
                  "Frame slots over the run (frames in gaps are not written)");
  cmd->add_option("--shape", a->shape, "Detector rows and columns")->expected(2);
  cmd->add_option("--frame-time", a->frame_time, "Seconds per frame");
  cmd->add_option("--rate", a->rate, "Mean photons per pixel per frame");
  cmd->add_option("--contrast", a->contrast, "Speckle contrast (g2(0) - 1), 0.005 to 0.5");
  cmd->add_option("--modes", a->modes, "Speckle modes M (contrast <= 1/M; default 1)");
  cmd->add_option("--tau", a->tau, "Relaxation time at t = 0, s");
  cmd->add_option("--beta", a->beta, "Stretching exponent / Mittag-Leffler index, 0 < beta <= 1");
  cmd->add_option("--dynamics", a->dynamics, "kww, ml or ctrw");
  cmd->add_option("--fast-amplitude", a->fast_amplitude,
                  "Fraction of the speckle a process faster than a frame blurs, [0, 0.95) "
                  "(default 0)");
  cmd->add_option("--fast-coupling", a->fast_coupling,
                  "d(fast fraction) / d ln tau: > 0 lowers the contrast where <t> is long (the "
                  "paper's anti-correlation; default 0)");
  cmd->add_option("--aging-tstar", a->tstar, "Age the whole run: tau(t) = tau0 exp(t / t*)");
  cmd->add_option("--jump-at", a->jumps,
                  "Intermittent event T[:FRACTION[:TAU_FACTOR]] (default fraction 0.5, factor 2)");
  cmd->add_option("--gap", a->gaps, "Beam loss A:B in s (no frames)");
  cmd->add_option("--seed", a->seed, "Random seed (same seed, same frames)");
  cmd->add_option("--layout", a->layout, "dense or sparse frames file");
  cmd->add_option("--compression", a->compression, "none, gzip, lzf or bslz4");
  cmd->add_option("--dtype", a->dtype, "Dense element type: uint8, uint16, uint32, float32");
  cmd->callback([a, cmd] {
    check_output(a->out);
    synth::SynthParams p = synth::preset(a->preset);
    if (a->frames) p.frames = *a->frames;
    if (!a->shape.empty()) {
      // Keep the direct beam where it was relative to the detector's middle.
      const double off_y = *p.geometry.beam_center_y - p.height / 2.0;
      const double off_x = *p.geometry.beam_center_x - p.width / 2.0;
      p.height = a->shape[0];
      p.width = a->shape[1];
      p.geometry.beam_center_y = p.height / 2.0 + off_y;
      p.geometry.beam_center_x = p.width / 2.0 + off_x;
    }
    if (a->frame_time) {
      const double scale = *a->frame_time / p.frame_time;
      p.frame_time = *a->frame_time;
      p.geometry.frame_time = p.geometry.count_time = p.frame_time;
      p.drift_period *= scale;
    }
    // The preset's events, segments and gaps beyond a shortened run are dropped (the user's own
    // are checked by validate() below).
    p.drop_beyond_end();
    if (a->rate) p.rate = *a->rate;
    if (a->contrast) p.contrast = *a->contrast;
    if (a->modes) p.modes = *a->modes;
    if (a->tau) p.tau0 = *a->tau;
    if (a->beta) p.beta = *a->beta;
    if (a->fast_amplitude) p.fast_amplitude = *a->fast_amplitude;
    if (a->fast_coupling) p.fast_coupling = *a->fast_coupling;
    if (!a->dynamics.empty()) p.dynamics = synth::parse_dynamics(a->dynamics);
    if (a->tstar) {
      require(*a->tstar > 0, "--aging-tstar must be positive seconds");
      p.clock = {{0, p.duration(), synth::ClockSegment::Aging, *a->tstar}};
    }
    for (const auto& j : a->jumps) {
      synth::IntermittentEvent e;
      const auto parts = parse_number_list(j, "--jump-at", 1, 3, "T[:FRACTION[:TAU_FACTOR]]");
      e.time = parts.at(0);
      e.fraction = parts.size() > 1 ? parts[1] : 0.5;
      e.tau_factor = parts.size() > 2 ? parts[2] : 2.0;
      p.events.push_back(e);
    }
    if (!a->gaps.empty()) p.gaps.clear();
    for (const auto& g : a->gaps) {
      const auto [start, end] = parse_span(g, "--gap");
      p.gaps.push_back({start, end});
    }
    if (a->seed) p.seed = *a->seed;
    if (!a->layout.empty()) p.output.layout = parse_layout(a->layout);
    if (!a->compression.empty()) p.output.compression = h5::parse_compression(a->compression);
    if (!a->dtype.empty()) p.output.dense_type = a->dtype;
    provenance::record_options(given_options(*cmd));
    const auto s = synth::generate(p, a->out);
    std::printf(
        "wrote %s: %zu frames of %zu x %zu, %llu photons (%.4g per pixel per frame), %s sampling, "
        "%.1f s\n",
        a->out.c_str(), s.frames_written, p.height, p.width,
        static_cast<unsigned long long>(s.photons),
        static_cast<double>(s.photons) /
            (static_cast<double>(s.frames_written) * p.height * p.width),
        s.sampling.c_str(), s.seconds);
  });
}

}  // namespace glassy::cli
