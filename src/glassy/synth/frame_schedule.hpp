// synth/frame_schedule: which frames a synthetic run records and what the material clock says
// at each: wall time, material time s, event decorrelation D, tau. Frames whose start falls in a
// beam-loss gap are not recorded; the clock keeps running through the gap.
#pragma once

#include <glassy/synth/material_clock.hpp>

#include <vector>

namespace glassy::synth {

struct FrameSchedule {
  std::vector<double> time;                // s, recorded frames only
  std::vector<std::size_t> slot;           // index of the frame slot (time / frame_time)
  std::vector<double> material;            // s(t)
  std::vector<double> decorrelation;       // D(t), see MaterialClock::event_decorrelation
  std::vector<double> tau;                 // tau(t), s
  std::vector<std::size_t> events_before;  // number of events with time <= t
  std::size_t size() const { return time.size(); }
};

FrameSchedule make_schedule(const SynthParams& params, const MaterialClock& clock);

}  // namespace glassy::synth
