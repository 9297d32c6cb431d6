// Test helpers for synthetic runs: make one, load its frames and truth, and measure intensity
// correlations by brute force (per pixel, normalised by the true mean rate and I0), with
// standard errors from the scatter between pixels (pixels are independent by construction).
#pragma once

#include "test_support.hpp"

#include <glassy/synth/generator.hpp>
#include <glassy/synth/relaxation.hpp>

#include <vector>

namespace glassy::test {

struct SynthRun {
  synth::SynthParams params;
  std::size_t frames = 0, pixels = 0;
  std::vector<float> counts;  // [frame][pixel]
  std::vector<double> time, material, decorrelation, tau, i0, mean_rate;
  double coherent_fraction = 0;
  std::string sampling;
  float n(std::size_t f, std::size_t p) const { return counts[f * pixels + p]; }
};

// The tiny preset as a stationary speckle run of `side` x `side` pixels (uncompressed frames),
// the starting point of the analysis tests; segments, events and gaps are added by each test.
synth::SynthParams speckle_params(std::size_t frames, std::size_t side, double rate,
                                  double contrast, double tau, double beta, std::uint64_t seed = 1);

SynthRun make_run(const synth::SynthParams& params, const std::filesystem::path& file);
SynthRun load_run(const std::filesystem::path& file);

struct Estimate {
  double value = 0, error = 0;
};

// g2 - 1 over frame pairs (f, f + lag) with f in [first, last): mean over pixels of the per-pixel
// mean of n1 n2 / (rate^2 I0_1 I0_2), minus 1.
Estimate measured_g2_minus_1(const SynthRun& run, std::size_t lag, std::size_t first,
                             std::size_t last);
// The truth for the same pairs: contrast * F0(ds)^2 * exp(-2 dD), averaged.
double expected_g2_minus_1(const SynthRun& run, std::size_t lag, std::size_t first,
                           std::size_t last);
// Contrast from photon statistics: mean of n (n - 1) / (rate I0)^2 - 1, i.e. <n^2>/<n>^2 - 1 -
// 1/<n>.
Estimate measured_contrast(const SynthRun& run);

}  // namespace glassy::test
