// The streaming waiting-time tracker: a ring of the last `window` positions per atom, a settled
// reference, and a two-phase state (tracking / settling after an event). See waiting.hpp for the
// definitions and why.
#include <glassy/md/waiting.hpp>

#include <glassy/core/error.hpp>

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace glassy::md {
namespace {

const std::string kWhat = "waiting times";

}  // namespace

std::size_t WaitingTimes::event_count() const {
  std::size_t n = 0;
  for (const auto& e : events) n += e.size();
  return n;
}

WaitingTimeTracker::WaitingTimeTracker(std::span<const int> species, WaitingOptions options)
    : options_(std::move(options)), species_(species.begin(), species.end()) {
  const auto& o = options_;
  require(o.window >= 1, fmt::format("{}: window = {} snapshots; it must be >= 1 (1: no averaging)",
                                     kWhat, o.window));
  require(!o.threshold.empty(),
          kWhat + ": give a displacement threshold (one value, or one per species)");
  for (double t : o.threshold) {
    require(std::isfinite(t) && t > 0,
            fmt::format("{}: threshold {} must be a positive distance (sigma); the paper uses "
                        "one bond length, 1.0",
                        kWhat, t));
  }
  n_ = species_.size();
  threshold_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i) {
    const int s = species_[i];
    require(s >= 0, [&] { return fmt::format("{}: atom {} has species {} < 0", kWhat, i, s); });
    if (o.threshold.size() == 1) {
      threshold_[i] = o.threshold[0];
    } else {
      require(static_cast<std::size_t>(s) < o.threshold.size(), [&] {
        return fmt::format(
            "{}: atom {} has species {} but only {} thresholds are given; give "
            "one per species or a single one",
            kWhat, i, s, o.threshold.size());
      });
      threshold_[i] = o.threshold[s];
    }
  }
  const std::size_t w = static_cast<std::size_t>(o.window);
  ring_.assign(w * n_ * 3, 0.0);
  reference_.assign(n_ * 3, 0.0);
  settle_sum_.assign(n_ * 3, 0.0);
  phase_.assign(n_, Phase::kTracking);
  settle_start_.assign(n_, 0);
  events_.assign(n_, {});
}

void WaitingTimeTracker::add(const Snapshot& s) {
  require(s.positions.size() == 3 * n_, [&] {
    return fmt::format(
        "{}: snapshot {} (step {}) has {} atoms but the tracker has {} species "
        "entries; every snapshot must hold the same atoms",
        kWhat, count_, s.step, s.positions.size() / 3, n_);
  });
  require(std::isfinite(s.time) && (times_.empty() || s.time > times_.back()), [&] {
    return fmt::format("{}: snapshot {} has time {} after {}; add snapshots in increasing time",
                       kWhat, count_, s.time, times_.empty() ? 0.0 : times_.back());
  });
  for (std::size_t k = 0; k < s.positions.size(); ++k) {
    require(std::isfinite(s.positions[k]), [&] {
      return fmt::format("{}: snapshot {} atom {} has a non-finite coordinate", kWhat, count_,
                         k / 3);
    });
  }
  const std::int64_t k = static_cast<std::int64_t>(count_);
  const std::int64_t w = options_.window;
  const std::size_t slot = static_cast<std::size_t>(k % w);
  const double inv_w = 1.0 / static_cast<double>(w);
  double* ring = ring_.data();
  const std::size_t stride = 3 * n_;  // one ring slot
  const long n = static_cast<long>(n_);
  // Serial on purpose: ~50 M atom-snapshots/s on one core, far faster than reading the dumps; a
  // parallel region per snapshot cost more than it saved on a loaded 2-core machine.
  for (long i = 0; i < n; ++i) {
    const double* x = &s.positions[3 * i];
    double* cur = ring + slot * stride + 3 * i;
    for (int a = 0; a < 3; ++a) cur[a] = x[a];
    double* ref = &reference_[3 * i];
    if (k < w - 1) continue;  // filling the first window
    double mean[3] = {0, 0, 0};
    for (std::int64_t j = 0; j < w; ++j) {
      const double* p = ring + static_cast<std::size_t>(j) * stride + 3 * i;
      for (int a = 0; a < 3; ++a) mean[a] += p[a];
    }
    for (double& m : mean) m *= inv_w;
    if (k == w - 1) {  // the first settled reference
      for (int a = 0; a < 3; ++a) ref[a] = mean[a];
      continue;
    }
    double* sum = &settle_sum_[3 * i];
    if (phase_[i] == Phase::kSettling) {
      for (int a = 0; a < 3; ++a) sum[a] += x[a];
    } else {
      double d2 = 0;
      for (int a = 0; a < 3; ++a) d2 += (mean[a] - ref[a]) * (mean[a] - ref[a]);
      const double t = threshold_[i];
      if (d2 <= t * t) continue;
      // Moved: place the event at the first snapshot of the window past half the threshold (one
      // exists: were all within t/2, so would be their mean).
      const double half2 = 0.25 * t * t;
      std::int64_t e = k;
      for (std::int64_t j = k - w + 1; j <= k; ++j) {
        const double* p = ring + static_cast<std::size_t>(j % w) * stride + 3 * i;
        double q2 = 0;
        for (int a = 0; a < 3; ++a) q2 += (p[a] - ref[a]) * (p[a] - ref[a]);
        if (q2 > half2) {
          e = j;
          break;
        }
      }
      events_[i].push_back(e);
      settle_start_[i] = e;
      phase_[i] = Phase::kSettling;
      for (int a = 0; a < 3; ++a) sum[a] = 0;
      for (std::int64_t j = e; j <= k; ++j) {
        const double* p = ring + static_cast<std::size_t>(j % w) * stride + 3 * i;
        for (int a = 0; a < 3; ++a) sum[a] += p[a];
      }
    }
    if (k == settle_start_[i] + w - 1) {  // the settling window e .. e + w - 1 is complete
      for (int a = 0; a < 3; ++a) ref[a] = sum[a] * inv_w;
      phase_[i] = Phase::kTracking;
    }
  }
  times_.push_back(s.time);
  ++count_;
}

WaitingTimes WaitingTimeTracker::finish() const {
  const std::int64_t w = options_.window;
  require(count_ > static_cast<std::size_t>(w), [&] {
    return fmt::format(
        "{}: {} snapshots tracked; at least window + 1 = {} are needed (add more "
        "snapshots or reduce the window)",
        kWhat, count_, w + 1);
  });
  return waiting_times_from_events(events_, times_, species_, options_.window);
}

WaitingTimes waiting_times_from_events(std::span<const std::vector<std::int64_t>> events,
                                       std::span<const double> snapshot_time,
                                       std::span<const int> species, int window) {
  require(window >= 1 && snapshot_time.size() > static_cast<std::size_t>(window) &&
              events.size() == species.size(),
          "waiting times from events: needs window >= 1, more than window snapshots and one "
          "event list per atom");
  const std::size_t n = events.size();
  const auto& times = snapshot_time;
  WaitingTimes r;
  r.atoms = n;
  r.snapshots = snapshot_time.size();
  r.window = window;
  r.horizon = static_cast<std::int64_t>(r.snapshots) - window;  // last index - (window - 1)
  r.snapshot_time.assign(times.begin(), times.end());
  r.species.assign(species.begin(), species.end());
  r.events.resize(n);
  r.event_time.resize(n);
  auto push = [&](WaitingSample& sample, std::int64_t from, std::int64_t to, int atom) {
    sample.intervals.push_back(to - from);
    sample.tau.push_back(times[to] - times[from]);
    sample.atom.push_back(atom);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const int atom = static_cast<int>(i);
    std::int64_t last = 0;
    bool any = false;
    for (const std::int64_t e : events[i]) {
      if (e > r.horizon) break;
      r.events[i].push_back(e);
      r.event_time[i].push_back(times[e]);
      push(any ? r.exchange : r.persistence, last, e, atom);
      last = e;
      any = true;
    }
    if (r.horizon > last)
      push(any ? r.censored_exchange : r.censored_persistence, last, r.horizon, atom);
  }
  return r;
}

}  // namespace glassy::md
