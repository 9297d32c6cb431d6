// synth/generator: makes a synthetic XPCS experiment with known truth and writes it as a frames
// file (dense /entry/data/data or sparse events) plus /truth. Photon counts are Poisson draws of
//   lambda(p, f) = I0(f) * mean_rate(p) * [(1 - gamma) + gamma * S(p, f)],
// where S is the speckle intensity of M modes (mean 1, contrast 1/M) and gamma^2 / M is the
// requested contrast: the part (1 - gamma) is incoherent light, as fluorescence or a partially
// coherent beam gives. Hence g2(t1, t2) - 1 = contrast * |F(t1, t2)|^2 with the field correlation
// F of speckle_field.hpp. Deterministic for a seed, whatever the thread count.
#pragma once

#include <glassy/synth/params.hpp>

#include <filesystem>
#include <string>

namespace glassy::synth {

struct SynthSummary {
  std::size_t frames_written = 0;
  std::uint64_t photons = 0;
  double seconds = 0;
  std::string sampling;  // "dense" or "thinning"
  double max_isf_error = 0;
};

SynthSummary generate(const SynthParams& params, const std::filesystem::path& out);

}  // namespace glassy::synth
