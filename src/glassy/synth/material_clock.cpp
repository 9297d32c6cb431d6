#include <glassy/synth/material_clock.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace glassy::synth {
namespace {

// integral_0^dt exp(-rate * u) du / tau, stable for rate * dt near zero.
double integral_inverse_tau(double tau, double rate, double dt) {
  const double x = rate * dt;
  if (std::abs(x) < 1e-8) return dt / tau * (1 - x / 2);
  return -std::expm1(-x) / (rate * tau);
}

}  // namespace

MaterialClock::MaterialClock(double tau0, const std::vector<ClockSegment>& segments,
                             const std::vector<IntermittentEvent>& events)
    : events_(events) {
  std::sort(events_.begin(), events_.end(),
            [](const auto& a, const auto& b) { return a.time < b.time; });
  // Breakpoints: segment starts and ends, and events (where tau jumps).
  struct Mark {
    double time;
    double rate;  // growth rate of ln tau from here on
    double factor;
  };
  std::vector<Mark> marks;
  for (const auto& s : segments) {
    const double rate = s.kind == ClockSegment::Aging          ? 1 / s.tstar
                        : s.kind == ClockSegment::Accelerating ? -1 / s.tstar
                                                               : 0.0;
    marks.push_back({s.start, rate, 1.0});
    marks.push_back({s.end, 0.0, 1.0});
  }
  std::stable_sort(marks.begin(), marks.end(),
                   [](const Mark& a, const Mark& b) { return a.time < b.time; });
  // An end mark at the same time as the next start must not reset that segment's rate.
  std::vector<Mark> merged;
  for (const auto& m : marks) {
    if (!merged.empty() && merged.back().time == m.time) {
      if (m.rate != 0) merged.back().rate = m.rate;
    } else {
      merged.push_back(m);
    }
  }
  pieces_.push_back({0.0, tau0, 0.0, 0.0});
  std::size_t next_event = 0;
  auto advance_to = [&](double time, double new_rate, double factor) {
    Piece& last = pieces_.back();
    const double dt = time - last.start;
    const double tau_end = last.tau * std::exp(last.rate * dt);
    const double s_end = last.s_at_start + integral_inverse_tau(last.tau, last.rate, dt);
    if (time == last.start) {
      last.rate = new_rate;
      last.tau *= factor;
    } else {
      pieces_.push_back({time, tau_end * factor, new_rate, s_end});
    }
  };
  std::size_t m = 0;
  while (m < merged.size() || next_event < events_.size()) {
    const bool take_event = next_event < events_.size() &&
                            (m >= merged.size() || events_[next_event].time < merged[m].time);
    if (take_event) {
      advance_to(events_[next_event].time, pieces_.back().rate, events_[next_event].tau_factor);
      ++next_event;
    } else {
      advance_to(merged[m].time, merged[m].rate, 1.0);
      ++m;
    }
  }
}

const MaterialClock::Piece& MaterialClock::piece_at(double t) const {
  auto it = std::upper_bound(pieces_.begin(), pieces_.end(), t,
                             [](double v, const Piece& p) { return v < p.start; });
  return it == pieces_.begin() ? pieces_.front() : *(it - 1);
}

double MaterialClock::tau(double t) const {
  const Piece& p = piece_at(t);
  return p.tau * std::exp(p.rate * (t - p.start));
}

double MaterialClock::material_time(double t) const {
  const Piece& p = piece_at(t);
  return p.s_at_start + integral_inverse_tau(p.tau, p.rate, t - p.start);
}

double MaterialClock::event_decorrelation(double t) const {
  double d = 0;
  for (const auto& e : events_) {
    if (e.time > t) break;
    d += e.fraction >= 1 ? std::numeric_limits<double>::infinity() : -std::log1p(-e.fraction);
  }
  return d;
}

}  // namespace glassy::synth
