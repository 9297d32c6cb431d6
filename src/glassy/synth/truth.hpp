// synth/truth: what a synthetic experiment really was, written under /truth of its frames file so
// every analysis can be checked against it: parameters, the static intensity, I0(t), the
// material clock (tau, s, event decorrelation) per frame, events, gaps, regimes and the
// field correlation imposed (target and as realised by the generator).
#pragma once

#include <glassy/io/hdf5.hpp>
#include <glassy/synth/frame_schedule.hpp>
#include <glassy/synth/relaxation.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace glassy::synth {

// Static mean photon rate per pixel (row-major), a smooth amorphous-halo profile with mean
// equal to params.rate.
std::vector<double> static_intensity(const SynthParams& params);
// I0(f) per recorded frame: a slow oscillation of relative amplitude `drift` times
// frame-to-frame jitter (1 + jitter * N(0,1)), mean 1.
std::vector<double> incident_intensity(const SynthParams& params, const FrameSchedule& schedule,
                                       std::uint64_t seed);

struct TruthRecord {
  const SynthParams& params;
  const FrameSchedule& schedule;
  const std::vector<double>& mean_rate;
  const std::vector<double>& i0;
  double coherent_fraction;   // gamma
  const PronySeries& series;  // empty for ctrw
  std::string sampling;
  double thinning_bound;
  std::uint64_t thinning_bound_exceeded;
  double ctrw_waiting_scale = 0;
};

void write_truth(const h5::File& file, const TruthRecord& truth);

}  // namespace glassy::synth
