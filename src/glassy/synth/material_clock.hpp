// synth/material_clock: the sample's internal time. Aging is imposed by letting the material clock
// slow down or speed up: tau(t) = tau0 * exp(t/t*) while aging, constant while stationary,
// falling while accelerating, and jumping by a factor at intermittent events. Structural
// decorrelation between two frames depends only on the material time between them,
// s(t2) - s(t1) = integral dt / tau(t), and on the events in between.
#pragma once

#include <glassy/synth/params.hpp>

#include <vector>

namespace glassy::synth {

class MaterialClock {
 public:
  MaterialClock(double tau0, const std::vector<ClockSegment>& segments,
                const std::vector<IntermittentEvent>& events);

  double tau(double t) const;            // relaxation time at wall time t (s)
  double material_time(double t) const;  // s(t) = integral_0^t dt' / tau(t'), dimensionless
  // D(t) = sum over events at or before t of -ln(1 - fraction): the field's correlation across
  // [t1, t2] carries the factor exp(-(D(t2) - D(t1))). Infinite after a full decorrelation.
  double event_decorrelation(double t) const;

 private:
  // tau(t) = tau * exp(rate * (t - start)) on [start, next piece's start).
  struct Piece {
    double start, tau, rate, s_at_start;
  };
  const Piece& piece_at(double t) const;
  std::vector<Piece> pieces_;
  std::vector<IntermittentEvent> events_;
};

}  // namespace glassy::synth
