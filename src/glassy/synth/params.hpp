// synth/params: everything that defines a synthetic XPCS experiment, the three presets
// (tiny, demo, paper) and the checks that reject impossible parameters with a clear message.
#pragma once

#include <glassy/io/frame_writer.hpp>
#include <glassy/io/metadata.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace glassy::synth {

enum class Dynamics { Kww, MittagLeffler, Ctrw };
Dynamics parse_dynamics(const std::string& name);  // kww|ml|ctrw
std::string to_string(Dynamics d);

// A span of wall time in which the material clock runs differently: tau(t) is multiplied by
// exp((t - start) / tstar) while aging, exp(-(t - start) / tstar) while accelerating, and held
// while stationary. Time not covered by any segment is stationary.
struct ClockSegment {
  enum Kind { Aging, Stationary, Accelerating };
  double start = 0, end = 0;
  Kind kind = Stationary;
  double tstar = 0;  // s; unused when stationary
};
std::string to_string(ClockSegment::Kind k);

// An intermittent event: between the last frame before `time` and the next one, the field's
// correlation with its past drops by the factor (1 - fraction), and tau is multiplied by
// tau_factor.
struct IntermittentEvent {
  double time = 0;
  double fraction = 0.5;
  double tau_factor = 1.0;
};

struct Gap {  // beam loss: no frames with start time in [start, end)
  double start = 0, end = 0;
};

struct SynthParams {
  std::string preset = "custom";
  std::size_t frames = 0;  // frame slots over the run; those inside gaps are not written
  std::size_t height = 0, width = 0;
  double frame_time = 1.0;  // s
  double rate = 1.0;        // mean photons per pixel per frame (detector and run average)
  double contrast = 0.2;    // speckle contrast: g2(0) - 1 of the intensity
  int modes = 1;            // speckle modes M; contrast below 1/M comes from an incoherent part
  Dynamics dynamics = Dynamics::Kww;
  double tau0 = 10.0;  // s, relaxation time at t = 0
  double beta = 0.7;   // stretching (KWW) or Mittag-Leffler index, 0 < beta <= 1
  std::vector<ClockSegment> clock;
  std::vector<IntermittentEvent> events;
  std::vector<Gap> gaps;
  double halo_variation = 0.3;  // relative variation of the static intensity across the detector
  double drift = 0.0;           // relative amplitude of the slow I0(t) oscillation
  double drift_period = 0.0;    // s (0: one period over the run)
  double jitter = 0.0;          // relative std of frame-to-frame I0 fluctuations
  double ctrw_jump_correlation = 0.5;  // <exp(i q.dr)> per jump of a walker
  int ctrw_walkers = 24;               // walkers per speckle mode
  // A process faster than one frame (the paper's short-time plateau, Fig. 3c): the fraction a(t)
  // of the coherent scattering that decorrelates within a frame, so the contrast seen at lags of a
  // frame or more is contrast (1 - a)^2. a(t) = fast_amplitude + fast_coupling ln(tau(t) / tau0),
  // clipped to [0, 0.95]: a positive coupling lowers the contrast where <t> is long (the paper's
  // anti-correlation). fast_contrast() gives the contrast a frame sees.
  double fast_amplitude = 0.0;
  double fast_coupling = 0.0;
  double fast_fraction(double tau) const;
  std::uint64_t seed = 1;
  FrameFileSpec output;       // layout, compression, element type
  DetectorMetadata geometry;  // written to the frames file
  int prony_per_decade = 4;   // relaxation modes per decade of the Gaussian generator

  double duration() const { return static_cast<double>(frames) * frame_time; }
  // Drops events, clock segments and gaps that start after the run ends and clips segments to
  // it: a preset shortened with --frames stays valid.
  void drop_beyond_end();
  // Throws glassy::Error naming the first impossible parameter and what to do.
  void validate() const;
  std::string to_json() const;
};

SynthParams preset(const std::string& name);  // tiny|demo|paper
std::vector<std::string> preset_names();

}  // namespace glassy::synth
