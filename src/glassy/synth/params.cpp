#include <glassy/core/error.hpp>
#include <glassy/synth/params.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace glassy::synth {

Dynamics parse_dynamics(const std::string& name) {
  if (name == "kww") return Dynamics::Kww;
  if (name == "ml") return Dynamics::MittagLeffler;
  if (name == "ctrw") return Dynamics::Ctrw;
  throw Error("unknown dynamics '" + name + "': use kww, ml or ctrw");
}

std::string to_string(Dynamics d) {
  switch (d) {
    case Dynamics::Kww:
      return "kww";
    case Dynamics::MittagLeffler:
      return "ml";
    case Dynamics::Ctrw:
      return "ctrw";
  }
  return "?";
}

std::string to_string(ClockSegment::Kind k) {
  switch (k) {
    case ClockSegment::Aging:
      return "aging";
    case ClockSegment::Stationary:
      return "stationary";
    case ClockSegment::Accelerating:
      return "accelerating";
  }
  return "?";
}

namespace {

// The wide-angle geometry of the paper: 7.32 keV, 1.1 m, 55 um pixels, the direct beam far off
// the detector on a 2theta ~ 41 deg arm (q ~ 2.63 1/A at the detector centre).
DetectorMetadata paper_geometry(std::size_t height, std::size_t width, double frame_time) {
  DetectorMetadata m;
  m.frame_time = frame_time;
  m.count_time = frame_time;
  m.x_pixel_size = m.y_pixel_size = 55e-6;
  m.distance = 1.1;
  m.energy_kev = 7.32;
  // The arm at 2theta = 41.5 deg puts q = 2.63 1/A at the detector centre; the direct beam meets
  // the extended detector plane tan(41.5 deg) * 1.1 m / 55 um ~ 17,700 pixels below the centre.
  constexpr double kTwoTheta = 41.5;
  m.tilt_angle = kTwoTheta;
  m.beam_center_x = static_cast<double>(width) / 2;
  m.beam_center_y =
      static_cast<double>(height) / 2 + std::tan(kTwoTheta * M_PI / 180) * 1.1 / 55e-6;
  return m;
}

}  // namespace

std::vector<std::string> preset_names() { return {"tiny", "demo", "paper"}; }

SynthParams preset(const std::string& name) {
  SynthParams p;
  p.preset = name;
  p.output.compression = default_compression();
  if (name == "tiny") {
    // Seconds to make: a stationary KWW run for unit tests.
    p.frames = 600;
    p.height = p.width = 48;
    p.frame_time = 1.0;
    p.rate = 2.0;
    p.contrast = 0.3;
    p.tau0 = 15.0;
    p.beta = 0.7;
    p.halo_variation = 0.3;
  } else if (name == "demo") {
    // The paper's story compressed into 40,000 s: monotonic aging, stationary dynamics, a beam
    // loss, aging again, an intermittent event that doubles tau, acceleration, stationary.
    p.frames = 8000;
    p.height = p.width = 80;
    p.frame_time = 5.0;
    p.rate = 0.3;
    p.contrast = 0.1;
    p.dynamics = Dynamics::Kww;
    p.tau0 = 100.0;
    p.beta = 0.65;
    p.clock = {{0, 8000, ClockSegment::Aging, 5000},
               {8000, 16000, ClockSegment::Stationary, 0},
               {17500, 24000, ClockSegment::Aging, 10000},
               {26000, 34000, ClockSegment::Accelerating, 5000},
               {34000, 40000, ClockSegment::Stationary, 0}};
    p.events = {{24000, 0.6, 2.0}};
    p.gaps = {{16000, 17500}};
    p.drift = 0.05;
    p.jitter = 0.01;
  } else if (name == "paper") {
    // The paper's scale: 120,000 frames of 516 x 516 at 2.5 s, ~0.005 photons per pixel per
    // frame, the regimes of its Fig. 3a, a beam loss near 95,000 s, an event near 202,500 s.
    p.frames = 120000;
    p.height = p.width = 516;
    p.frame_time = 2.5;
    p.rate = 0.005;
    // 55 um pixels at 1.1 m see ~9 speckles of ~19 um (10 um beam, 1.69 A): contrast ~0.05. At
    // 0.025 the 1000 s windows of this photon rate hold only ~2.5 sigma of signal at the shortest
    // lags.
    p.contrast = 0.05;
    p.dynamics = Dynamics::MittagLeffler;
    p.tau0 = 300.0;
    p.beta = 0.6;
    p.clock = {{0, 25000, ClockSegment::Aging, 12000},
               {25000, 60000, ClockSegment::Aging, 60000},
               {60000, 75000, ClockSegment::Stationary, 0},
               {75000, 95000, ClockSegment::Aging, 50000},
               {96500, 110000, ClockSegment::Stationary, 0},
               {110000, 132000, ClockSegment::Accelerating, 60000},
               {132000, 145000, ClockSegment::Aging, 15000},
               {150000, 165000, ClockSegment::Stationary, 0},
               {205000, 222000, ClockSegment::Accelerating, 5000},
               {224000, 250000, ClockSegment::Aging, 20000}};
    p.events = {{202500, 0.5, 2.0}};
    p.gaps = {{95000, 96500}};
    p.drift = 0.03;
    p.jitter = 0.01;
    p.output.layout = FrameLayout::Sparse;
  } else {
    throw Error("unknown preset '" + name + "': use tiny, demo or paper");
  }
  p.drift_period = p.duration() / 3;
  p.geometry = paper_geometry(p.height, p.width, p.frame_time);
  return p;
}

void SynthParams::drop_beyond_end() {
  const double end = duration();
  std::erase_if(events, [end](const auto& e) { return e.time >= end; });
  std::erase_if(clock, [end](const auto& s) { return s.start >= end; });
  for (auto& s : clock) s.end = std::min(s.end, end);
  std::erase_if(gaps, [end](const auto& g) { return g.start >= end; });
}

void SynthParams::validate() const {
  auto bad = [](bool wrong, const std::string& message) { require(!wrong, message); };
  bad(frames == 0, "--frames must be at least 1");
  bad(height == 0 || width == 0, "--shape needs two positive sizes (rows columns)");
  bad(height * width > (std::size_t{1} << 31), "--shape is too large (over 2^31 pixels)");
  bad(!(frame_time > 0), "--frame-time must be positive seconds");
  bad(!(rate >= 1e-4 && rate <= 1e4),
      "--rate must be between 1e-4 and 1e4 photons per pixel per frame");
  bad(!(contrast > 0 && contrast <= 1), "--contrast must be in (0, 1]");
  bad(modes < 1 || modes > 1000, "--modes must be between 1 and 1000");
  bad(contrast * modes > 1 + 1e-12,
      fmt::format(
          "--contrast {} is above 1/M = {:.4g} for M = {} modes: lower --modes or --contrast",
          contrast, 1.0 / modes, modes));
  bad(!(tau0 > 0), "--tau must be positive seconds");
  bad(!(beta > 0 && beta <= 1),
      "--beta must be in (0, 1]: a compressed decay (beta > 1) is not a superposition of "
      "relaxations");
  bad(dynamics == Dynamics::Ctrw && beta == 1.0,
      "ctrw dynamics needs beta < 1 (power-law waiting times); use kww for beta = 1");
  bad(!(ctrw_jump_correlation >= 0 && ctrw_jump_correlation < 1),
      "ctrw jump correlation must be in [0, 1)");
  bad(ctrw_walkers < 1, "ctrw needs at least one walker per speckle");
  bad(!(halo_variation >= 0 && halo_variation < 1), "halo variation must be in [0, 1)");
  bad(!(drift >= 0 && drift < 1), "I0 drift amplitude must be in [0, 1)");
  bad(!(jitter >= 0 && jitter < 0.3), "I0 jitter must be in [0, 0.3)");
  bad(prony_per_decade < 1 || prony_per_decade > 20, "relaxation modes per decade must be 1..20");
  bad(!(fast_amplitude >= 0 && fast_amplitude < 0.95),
      "--fast-amplitude must be in [0, 0.95): the fraction of the speckle a fast process blurs");
  bad(!std::isfinite(fast_coupling), "--fast-coupling must be a finite number");
  for (const auto& s : clock) {
    bad(!(s.end > s.start) || s.start < 0,
        fmt::format("clock segment [{}, {}] is empty or negative", s.start, s.end));
    bad(s.kind != ClockSegment::Stationary && !(s.tstar > 0),
        fmt::format("clock segment at {} s needs a positive t* (--aging-tstar)", s.start));
  }
  for (std::size_t i = 1; i < clock.size(); ++i)
    bad(clock[i].start < clock[i - 1].end,
        "clock segments overlap: order them in time without overlap");
  for (const auto& e : events) {
    bad(!(e.time > 0 && e.time < duration()),
        fmt::format("event time {} s lies outside the run (0, {}) s", e.time, duration()));
    bad(!(e.fraction >= 0 && e.fraction <= 1), "event fraction must be in [0, 1]");
    bad(!(e.tau_factor > 0), "event tau factor must be positive");
  }
  for (const auto& g : gaps) {
    bad(!(g.end > g.start) || g.start < 0,
        fmt::format("gap {}:{} is empty or negative: give --gap A:B with A < B", g.start, g.end));
    bad(g.start >= duration(),
        fmt::format("gap {}:{} starts after the run ends at {} s", g.start, g.end, duration()));
  }
}

double SynthParams::fast_fraction(double tau) const {
  return std::clamp(fast_amplitude + fast_coupling * std::log(tau / tau0), 0.0, 0.95);
}

std::string SynthParams::to_json() const {
  nlohmann::json j;
  j["preset"] = preset;
  j["frames"] = frames;
  j["shape"] = {height, width};
  j["frame_time"] = frame_time;
  j["rate"] = rate;
  j["contrast"] = contrast;
  j["modes"] = modes;
  j["dynamics"] = to_string(dynamics);
  j["tau0"] = tau0;
  j["beta"] = beta;
  j["fast_amplitude"] = fast_amplitude;
  j["fast_coupling"] = fast_coupling;
  for (const auto& s : clock)
    j["clock"].push_back(
        {{"start", s.start}, {"end", s.end}, {"kind", to_string(s.kind)}, {"tstar", s.tstar}});
  for (const auto& e : events)
    j["events"].push_back(
        {{"time", e.time}, {"fraction", e.fraction}, {"tau_factor", e.tau_factor}});
  for (const auto& g : gaps) j["gaps"].push_back({{"start", g.start}, {"end", g.end}});
  j["halo_variation"] = halo_variation;
  j["drift"] = drift;
  j["drift_period"] = drift_period;
  j["jitter"] = jitter;
  j["ctrw_jump_correlation"] = ctrw_jump_correlation;
  j["ctrw_walkers"] = ctrw_walkers;
  j["seed"] = seed;
  j["prony_per_decade"] = prony_per_decade;
  return j.dump();
}

}  // namespace glassy::synth
