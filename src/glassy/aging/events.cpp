#include <glassy/aging/events.hpp>
#include <glassy/core/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

namespace glassy::aging {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMadToSigma = 1.4826;  // MAD of a Gaussian times this is its standard deviation

double median(std::vector<double> v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return 0.5 * (*mid + *std::max_element(v.begin(), mid));
}

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

std::size_t default_half_width(std::size_t K) { return std::clamp<std::size_t>(K, 2, 20); }

std::vector<double> novelty_score(std::span<const float> band, std::size_t K, std::size_t frames,
                                  std::size_t half_width) {
  check_band(band, K, frames);
  const std::size_t h = half_width == 0 ? default_half_width(K) : half_width;
  require(h >= 2, "event detection: kernel half-width must be at least 2 frames");
  std::vector<double> score(frames, kNaN);
  if (frames < 2 * h) return score;

  // Lag by lag, prefix sums of C(j, j - k) over j give every block's sum in O(1).
  std::vector<double> num(frames, 0.0), weight(frames, 0.0);
  std::vector<double> psum(frames + 1), pcount(frames + 1);
  double nominal = 0;
  for (std::size_t k = 1; k <= std::min(h - 1, K); ++k) {
    for (std::size_t j = 0; j < frames; ++j) {
      const float v = band[j * K + k - 1];
      const bool ok = std::isfinite(v);
      psum[j + 1] = psum[j] + (ok ? v : 0.0);
      pcount[j + 1] = pcount[j] + (ok ? 1.0 : 0.0);
    }
    const double nw = 2.0 * static_cast<double>(h - k), nx = static_cast<double>(k);
    nominal += nw * nx / (nw + nx);
    for (std::size_t f = h; f + h <= frames; ++f) {
      // Pairs (j, j - k) inside the past block, inside the future block, and across f.
      const double w_sum = psum[f] - psum[f - h + k] + psum[f + h] - psum[f + k];
      const double w_n = pcount[f] - pcount[f - h + k] + pcount[f + h] - pcount[f + k];
      const double x_sum = psum[f + k] - psum[f];
      const double x_n = pcount[f + k] - pcount[f];
      if (w_n == 0 || x_n == 0) continue;
      const double w = w_n * x_n / (w_n + x_n);
      num[f] += w * (w_sum / w_n - x_sum / x_n);
      weight[f] += w;
    }
  }
  for (std::size_t f = h; f + h <= frames; ++f)
    if (weight[f] >= 0.5 * nominal) score[f] = num[f] / weight[f];
  return score;
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
  const std::size_t separation = options.min_separation == 0 ? 2 * h : options.min_separation;
  const std::vector<std::size_t> gaps = gap_frames(times);
  const std::vector<float> masked = masked_band(band, K, valid, gaps);
  const std::vector<double> score = novelty_score(masked, K, frames, h);

  std::vector<double> scanned;
  for (double s : score)
    if (std::isfinite(s)) scanned.push_back(s);
  if (scanned.size() < 3) return {};
  const double center = median(scanned);
  std::vector<double> deviation(scanned.size());
  for (std::size_t i = 0; i < scanned.size(); ++i) deviation[i] = std::abs(scanned[i] - center);
  // C is a normalised ratio near 1 stored as float: a spread below a few float steps is rounding.
  const double scale = std::max(kMadToSigma * median(deviation), 16.0 * FLT_EPSILON);
  const double threshold = center + options.threshold_sigma * scale;

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

  const double n_scanned = static_cast<double>(scanned.size());
  std::vector<Event> events;
  for (std::size_t f : kept) {
    const double z = (score[f] - center) / scale;
    const double p = std::min(1.0, n_scanned * 0.5 * std::erfc(z / std::sqrt(2.0)));
    events.push_back({f, times[f], score[f], z, p, lag1_drop(masked, K, f, h)});
  }
  return events;
}

}  // namespace glassy::aging
