#include <glassy/synth/truth.hpp>

#include <boost/random/normal_distribution.hpp>

#include <glassy/core/random.hpp>

#include <cmath>

namespace glassy::synth {

std::vector<double> static_intensity(const SynthParams& p) {
  // The halo peaks on a ring around the (far away) direct beam; across a detector that sees a
  // slice of it, the intensity varies smoothly with the distance from the beam.
  const double cy = p.geometry.beam_center_y.value_or(p.height / 2.0);
  const double cx = p.geometry.beam_center_x.value_or(p.width / 2.0);
  const double r_mid = std::hypot(p.height / 2.0 - cy, p.width / 2.0 - cx);
  const double half_span =
      0.5 * std::hypot(static_cast<double>(p.height), static_cast<double>(p.width));
  std::vector<double> rate(p.height * p.width);
  double sum = 0;
  for (std::size_t y = 0; y < p.height; ++y)
    for (std::size_t x = 0; x < p.width; ++x) {
      const double r = std::hypot(y + 0.5 - cy, x + 0.5 - cx);
      const double u = (r - r_mid) / half_span;  // about -1..1 across the detector
      const double v = (x + 0.5) / p.width - 0.5;
      const double profile = 1.0 + p.halo_variation * (std::exp(-2.0 * u * u) - 0.5 + 0.3 * v);
      rate[y * p.width + x] = profile;
      sum += profile;
    }
  const double scale = p.rate * static_cast<double>(rate.size()) / sum;
  for (auto& r : rate) r *= scale;
  return rate;
}

std::vector<double> incident_intensity(const SynthParams& p, const FrameSchedule& schedule,
                                       std::uint64_t seed) {
  Xoshiro256 rng(seed, 0);
  boost::random::normal_distribution<double> normal;
  const double period = p.drift_period > 0 ? p.drift_period : p.duration();
  std::vector<double> i0(schedule.size());
  for (std::size_t f = 0; f < i0.size(); ++f) {
    const double slow = 1.0 + p.drift * std::sin(2 * M_PI * schedule.time[f] / period);
    const double fast = std::max(0.0, 1.0 + p.jitter * normal(rng));
    i0[f] = slow * fast;
  }
  return i0;
}

void write_truth(const h5::File& file, const TruthRecord& t) {
  const SynthParams& p = t.params;
  auto g = file.require_group("truth");
  auto a = g.attrs();
  a.set(
      "description",
      "Ground truth of a glassy synth run: g2(t1,t2) - 1 = contrast * F^2, F = F0(s(t2) - s(t1)) * "
      "exp(-(D(t2) - D(t1))), s = material time (integral dt/tau), F0(x) = exp(-x^beta) (kww) or "
      "E_beta(-x^beta) (ml; ctrw at age 0)");
  a.set("parameters", p.to_json());
  a.set("preset", p.preset);
  a.set("dynamics", to_string(p.dynamics));
  a.set("beta", p.beta);
  a.set("tau0", p.tau0);
  a.set("contrast", p.contrast);
  a.set("fast_amplitude", p.fast_amplitude);
  a.set("fast_coupling", p.fast_coupling);
  a.set("modes", static_cast<std::int64_t>(p.modes));
  a.set("coherent_fraction", t.coherent_fraction);
  a.set("rate", p.rate);
  a.set("frame_time", p.frame_time);
  a.set("seed", static_cast<std::int64_t>(p.seed));
  a.set("frame_slots", static_cast<std::int64_t>(p.frames));
  a.set("sampling", t.sampling);
  a.set("thinning_bound", t.thinning_bound);
  a.set("thinning_bound_exceeded", static_cast<std::int64_t>(t.thinning_bound_exceeded));

  const auto& s = t.schedule;
  g.write<double>("time", s.time).attrs().set("units", "s");
  std::vector<std::int64_t> slots(s.slot.begin(), s.slot.end());
  g.write<std::int64_t>("frame_slot", slots);
  g.write<double>("tau", s.tau).attrs().set("units", "s");
  // The contrast each frame shows at lags of a frame or more (a fast process lowers it).
  std::vector<double> fast(s.tau.size()), seen(s.tau.size());
  for (std::size_t f = 0; f < s.tau.size(); ++f) {
    fast[f] = p.fast_fraction(s.tau[f]);
    seen[f] = p.contrast * (1 - fast[f]) * (1 - fast[f]);
  }
  g.write<double>("fast_fraction", fast);
  g.write<double>("contrast_seen", seen);
  g.write<double>("material_time", s.material);
  g.write<double>("event_decorrelation", s.decorrelation);
  g.write<double>("I0", t.i0);
  g.write<double>("mean_rate", t.mean_rate, {p.height, p.width})
      .attrs()
      .set("units", "photons/pixel/frame");

  std::vector<double> et, ef, ek;
  for (const auto& e : p.events)
    et.push_back(e.time), ef.push_back(e.fraction), ek.push_back(e.tau_factor);
  g.write<double>("events/time", et);
  g.write<double>("events/fraction", ef);
  g.write<double>("events/tau_factor", ek);
  std::vector<double> gs, ge;
  for (const auto& gap : p.gaps) gs.push_back(gap.start), ge.push_back(gap.end);
  g.write<double>("gaps/start", gs);
  g.write<double>("gaps/end", ge);
  std::vector<double> rs, re, rt;
  std::vector<std::string> rl;
  for (const auto& c : p.clock) {
    rs.push_back(c.start), re.push_back(c.end), rt.push_back(c.tstar);
    rl.push_back(to_string(c.kind));
  }
  g.write<double>("regimes/start", rs);
  g.write<double>("regimes/end", re);
  g.write<double>("regimes/tstar", rt);
  g.write_strings("regimes/label", rl);

  // The imposed field correlation on a log grid of material lags, and the generator's version.
  std::vector<double> lag, target, realised;
  for (int i = 0; i <= 120; ++i) {
    const double x = std::pow(10.0, -4.0 + i * 0.05);
    lag.push_back(x);
    target.push_back(target_isf(p.dynamics, p.beta, x));
    realised.push_back(t.series.rate.empty() ? target.back() : t.series.eval(x));
  }
  g.write<double>("isf/lag", lag).attrs().set("units", "tau (material time)");
  g.write<double>("isf/F_target", target);
  g.write<double>("isf/F_generated", realised);
  if (!t.series.rate.empty()) {
    g.write<double>("isf/prony_rate", t.series.rate);
    g.write<double>("isf/prony_weight", t.series.weight);
    g.group("isf").attrs().set("max_abs_error", t.series.max_abs_error);
  }
  if (t.ctrw_waiting_scale > 0) {
    g.group("isf").attrs().set("ctrw_waiting_scale", t.ctrw_waiting_scale);
    g.group("isf").attrs().set("ctrw_jump_correlation", p.ctrw_jump_correlation);
    g.group("isf").attrs().set("ctrw_walkers", static_cast<std::int64_t>(p.ctrw_walkers));
  }
}

}  // namespace glassy::synth
