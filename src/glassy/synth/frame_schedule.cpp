#include <glassy/core/error.hpp>
#include <glassy/synth/frame_schedule.hpp>

namespace glassy::synth {

FrameSchedule make_schedule(const SynthParams& params, const MaterialClock& clock) {
  FrameSchedule s;
  for (std::size_t i = 0; i < params.frames; ++i) {
    const double t = static_cast<double>(i) * params.frame_time;
    bool in_gap = false;
    for (const auto& g : params.gaps) in_gap = in_gap || (t >= g.start && t < g.end);
    if (in_gap) continue;
    s.time.push_back(t);
    s.slot.push_back(i);
    s.material.push_back(clock.material_time(t));
    s.decorrelation.push_back(clock.event_decorrelation(t));
    s.tau.push_back(clock.tau(t));
    std::size_t n = 0;
    for (const auto& e : params.events) n += e.time <= t ? 1 : 0;
    s.events_before.push_back(n);
  }
  require(!s.time.empty(), "every frame falls inside a gap: shorten the --gap or add --frames");
  return s;
}

}  // namespace glassy::synth
