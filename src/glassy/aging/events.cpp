#include <glassy/aging/events.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/median.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace glassy::aging {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMadToSigma = 1.4826;  // MAD of a Gaussian times this is its standard deviation

void check_band(std::span<const float> band, std::size_t K, std::size_t frames) {
  require(K >= 1, "event detection: band width K must be at least 1 lag");
  require(band.size() == frames * K,
          fmt::format("event detection: band has {} values but frames x K = {} x {} = {}",
                      band.size(), frames, K, frames * K));
}

// First frames after each gap: where the time step exceeds 1.5x the median step.
std::vector<std::size_t> gap_frames(std::span<const double> times) {
  std::vector<std::size_t> gaps;
  if (times.size() < 2) return gaps;
  std::vector<double> steps(times.size() - 1);
  for (std::size_t f = 1; f < times.size(); ++f) steps[f - 1] = times[f] - times[f - 1];
  const double limit = 1.5 * median(steps);
  for (std::size_t f = 1; f < times.size(); ++f)
    if (times[f] - times[f - 1] > limit) gaps.push_back(f);
  return gaps;
}

// The band with pairs that touch an invalid frame or straddle a gap set to NaN.
std::vector<float> masked_band(std::span<const float> band, std::size_t K,
                               std::span<const std::uint8_t> valid,
                               const std::vector<std::size_t>& gaps) {
  const std::size_t frames = valid.size();
  std::vector<std::size_t> run(frames, 0);  // index of the gap-free run a frame belongs to
  for (std::size_t f = 1, g = 0; f < frames; ++f) {
    run[f] = run[f - 1];
    if (g < gaps.size() && gaps[g] == f) ++run[f], ++g;
  }
  std::vector<float> out(band.begin(), band.end());
  for (std::size_t j = 0; j < frames; ++j)
    for (std::size_t k = 1; k <= K; ++k)
      if (j < k || !valid[j] || !valid[j - k] || run[j] != run[j - k])
        out[j * K + k - 1] = std::numeric_limits<float>::quiet_NaN();
  return out;
}

// Mean C(g, g - 1) of the within-block neighbours minus C(f, f - 1); see Event.
double lag1_drop(std::span<const float> band, std::size_t K, std::size_t f, std::size_t h) {
  const double across = band[f * K];
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t g = f - h + 1; g < f + h; ++g) {
    if (g == f || !std::isfinite(band[g * K])) continue;
    sum += band[g * K];
    ++n;
  }
  if (n == 0 || !std::isfinite(across)) return kNaN;
  return sum / static_cast<double>(n) - across;
}

}  // namespace

std::size_t default_half_width(std::size_t K) { return std::max<std::size_t>(2 * K, 4); }

std::size_t pooled_lags(std::size_t K, std::size_t h) { return std::min(K, h - 1); }

std::size_t reference_half_width(std::size_t h) { return 2 * h; }

std::size_t block_frames(std::size_t k, std::size_t h) { return std::min(h, 4 * k); }

NoveltyScore novelty_score(std::span<const float> band, std::size_t K, std::size_t frames,
                           std::size_t half_width) {
  check_band(band, K, frames);
  const std::size_t h = half_width == 0 ? default_half_width(K) : half_width;
  require(h >= 2, "event detection: kernel half-width must be at least 2 frames");
  NoveltyScore out{std::vector<double>(frames, kNaN), std::vector<double>(frames, kNaN)};
  if (frames < 2 * h) return out;

  const std::size_t lags = pooled_lags(K, h), reach = reference_half_width(h);
  // Per frame: sum of A d / v and of A^2 / v over the lags, and the pairs the kernel found.
  std::vector<double> num(frames, 0.0), info(frames, 0.0), found(frames, 0.0);
  std::vector<double> psum(frames + 1), psq(frames + 1), pcount(frames + 1);
  double nominal = 0;
  for (std::size_t k = 1; k <= lags; ++k) {
    // Lag by lag, prefix sums of C(j, j - k) and its square over j give every block in O(1).
    for (std::size_t j = 0; j < frames; ++j) {
      const float v = band[j * K + k - 1];
      const bool ok = std::isfinite(v);
      psum[j + 1] = psum[j] + (ok ? v : 0.0);
      psq[j + 1] = psq[j] + (ok ? static_cast<double>(v) * v : 0.0);
      pcount[j + 1] = pcount[j] + (ok ? 1.0 : 0.0);
    }
    const std::size_t b = block_frames(k, h);
    nominal += static_cast<double>(2 * (b - k) + k);
    for (std::size_t f = h; f + h <= frames; ++f) {
      // Pairs (j, j - k) inside the past block f-b..f-1, the future block f..f+b-1, and across f.
      const double w_sum = psum[f] - psum[f - b + k] + psum[f + b] - psum[f + k];
      const double w_n = pcount[f] - pcount[f - b + k] + pcount[f + b] - pcount[f + k];
      const double x_sum = psum[f + k] - psum[f];
      const double x_n = pcount[f + k] - pcount[f];
      found[f] += w_n + x_n;
      if (w_n == 0 || x_n == 0) continue;
      // The neighbourhood's level and scatter of C at this lag: the filter's shape and noise.
      const std::size_t lo = f > reach ? f - reach : 0, hi = std::min(frames, f + reach);
      const double r_n = pcount[hi] - pcount[lo];
      if (r_n < 2) continue;
      const double r_mean = (psum[hi] - psum[lo]) / r_n;
      const double r_var = ((psq[hi] - psq[lo]) - r_n * r_mean * r_mean) / (r_n - 1);
      const double shape = r_mean - 1.0;
      if (!(shape > 0) || !(r_var > 0)) continue;
      const double v = r_var * (1.0 / w_n + 1.0 / x_n);
      num[f] += shape * (w_sum / w_n - x_sum / x_n) / v;
      info[f] += shape * shape / v;
    }
  }
  for (std::size_t f = h; f + h <= frames; ++f)
    if (found[f] >= 0.5 * nominal && info[f] > 0) {
      out.loss[f] = num[f] / info[f];
      out.loss_error[f] = 1.0 / std::sqrt(info[f]);
    }
  return out;
}

double loss_error(std::span<const double> g2_minus_1, double pair_sigma, std::size_t h) {
  require(h >= 2 && pair_sigma > 0, "event sensitivity: half-width >= 2 and a positive noise");
  double info = 0;
  for (std::size_t k = 1; k <= pooled_lags(g2_minus_1.size(), h); ++k) {
    const double a = g2_minus_1[k - 1];
    if (!(a > 0)) continue;
    const double within = 2.0 * static_cast<double>(block_frames(k, h) - k);
    const double v = pair_sigma * pair_sigma * (1.0 / within + 1.0 / static_cast<double>(k));
    info += a * a / v;
  }
  return info > 0 ? 1.0 / std::sqrt(info) : HUGE_VAL;
}

std::vector<Event> detect_events(std::span<const float> band, std::size_t K,
                                 std::span<const double> times, std::span<const std::uint8_t> valid,
                                 const NoveltyOptions& options) {
  const std::size_t frames = times.size();
  check_band(band, K, frames);
  require(valid.size() == frames,
          fmt::format("event detection: {} validity flags for {} frames", valid.size(), frames));
  require(std::isfinite(options.threshold_sigma) && options.threshold_sigma > 0,
          "event detection: threshold_sigma must be a positive number");
  for (std::size_t f = 0; f < frames; ++f)
    require(
        std::isfinite(times[f]) && (f == 0 || times[f] > times[f - 1]),
        fmt::format("event detection: frame times must be finite and increasing (frame {})", f));

  const std::size_t h = options.half_width == 0 ? default_half_width(K) : options.half_width;
  const std::size_t separation = options.min_separation == 0 ? h : options.min_separation;
  const std::vector<std::size_t> gaps = gap_frames(times);
  const std::vector<float> masked = masked_band(band, K, valid, gaps);
  const NoveltyScore trace = novelty_score(masked, K, frames, h);

  // Significance against the analytic null, recentred on the run's median and divided by the
  // run's robust spread where that is wider than the analytic one (at high photon rates the
  // speckle noise of pairs that share frames is correlated). An event moves the score of every
  // frame within h of it (its pairs sit in their blocks), so the null is re-estimated without
  // those frames until the frames above threshold stop changing.
  std::vector<double> analytic(frames, kNaN);
  for (std::size_t f = 0; f < frames; ++f)
    if (std::isfinite(trace.loss[f])) analytic[f] = trace.loss[f] / trace.loss_error[f];
  std::vector<double> score(frames, kNaN);
  std::vector<std::uint8_t> near_event(frames, 0);
  std::size_t scanned = 0;
  for (int pass = 0; pass < 4; ++pass) {
    std::vector<double> null;
    for (std::size_t f = 0; f < frames; ++f)
      if (std::isfinite(analytic[f]) && !near_event[f]) null.push_back(analytic[f]);
    if (null.size() < 3) return {};
    const double center = median(null);
    std::vector<double> deviation(null.size());
    for (std::size_t i = 0; i < null.size(); ++i) deviation[i] = std::abs(null[i] - center);
    const double spread = std::max(1.0, kMadToSigma * median(deviation));
    scanned = 0;
    for (std::size_t f = 0; f < frames; ++f) {
      score[f] = (analytic[f] - center) / spread;
      scanned += std::isfinite(score[f]) ? 1 : 0;
    }
    std::vector<std::uint8_t> next(frames, 0);
    for (std::size_t f = 0; f < frames; ++f)
      if (score[f] > options.threshold_sigma)
        for (std::size_t g = f > h ? f - h : 0; g < std::min(frames, f + h + 1); ++g) next[g] = 1;
    if (next == near_event) break;
    near_event = std::move(next);
  }
  const double threshold = options.threshold_sigma;

  auto at = [&](std::size_t f) { return std::isfinite(score[f]) ? score[f] : -HUGE_VAL; };
  auto near_gap = [&](std::size_t f) {
    return std::any_of(gaps.begin(), gaps.end(),
                       [&](std::size_t g) { return f + 1 >= g && f <= g + 1; });
  };
  std::vector<std::size_t> candidates;
  for (std::size_t f = 0; f < frames; ++f) {
    if (!(score[f] > threshold) || near_gap(f)) continue;
    if ((f > 0 && at(f - 1) > score[f]) || (f + 1 < frames && at(f + 1) > score[f])) continue;
    candidates.push_back(f);
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  std::vector<std::size_t> kept;
  for (std::size_t f : candidates)
    if (std::all_of(kept.begin(), kept.end(),
                    [&](std::size_t g) { return (f > g ? f - g : g - f) >= separation; }))
      kept.push_back(f);
  std::sort(kept.begin(), kept.end());

  const double n_scanned = static_cast<double>(scanned);
  std::vector<Event> events;
  for (std::size_t f : kept) {
    const double z = score[f];
    const double p = std::min(1.0, n_scanned * 0.5 * std::erfc(z / std::sqrt(2.0)));
    events.push_back(
        {f, times[f], trace.loss[f], trace.loss_error[f], z, p, lag1_drop(masked, K, f, h)});
  }
  return events;
}

}  // namespace glassy::aging
