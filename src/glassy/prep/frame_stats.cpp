#include <glassy/core/error.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/io/read_ahead.hpp>
#include <glassy/prep/frame_stats.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace glassy {

void check_claimed_size(const FrameInfo& info, const MemoryBudget& budget) {
  // ~64 bytes per frame (totals, validity, times, slots, windows) and ~48 per pixel (sums,
  // maxima, mask, maps, weights), in doubles so that no product overflows.
  const double bytes = 64.0 * static_cast<double>(info.frames) +
                       48.0 * static_cast<double>(info.height) * static_cast<double>(info.width);
  const double gib = 1024.0 * 1024.0 * 1024.0;
  require(bytes <= static_cast<double>(budget.bytes()),
          fmt::format("the input claims {} frames of {} x {} pixels: their statistics alone need "
                      "{:.3g} GiB, more than the memory budget of {:.3g} GiB; check the file "
                      "(a damaged header?) or raise --memory",
                      info.frames, info.height, info.width, bytes / gib,
                      static_cast<double>(budget.bytes()) / gib));
}

FrameStats compute_frame_stats(FrameSource& source, const std::vector<std::uint8_t>& mask,
                               const MemoryBudget& budget, std::size_t segments) {
  const FrameInfo& info = source.info();
  check_claimed_size(info, budget);
  require(mask.size() == info.pixels(), "mask shape does not match the frames");
  FrameStats s;
  s.frames = info.frames;
  s.pixels = info.pixels();
  std::vector<double> pixel_sum(s.pixels, 0.0);
  s.pixel_max.assign(s.pixels, 0.0f);
  s.frame_total.assign(s.frames, 0.0);
  s.frame_valid.assign(s.frames, 1);
  std::uint64_t nonzero = 0;
  segments = std::min(segments, s.frames);
  if (segments > 0 && static_cast<double>(segments) * static_cast<double>(s.pixels) * 8.0 <=
                          static_cast<double>(budget.bytes()) / 8.0)
    s.segment_pixel_sum.assign(segments * s.pixels, 0.0);
  else
    segments = 0;
  // The segment sums of frame f's span (nullptr when not gathered).
  const auto segment_row = [&](std::size_t f) -> double* {
    if (segments == 0) return nullptr;
    return &s.segment_pixel_sum[segment_of_frame(f, segments, s.frames) * s.pixels];
  };
  Progress progress("statistics", s.frames);
  const std::size_t block = source.frames_per_block(budget, 0.25);
  FrameVisitor visit;
  visit.on_events = [&](std::size_t f, const std::uint32_t* pixel, const std::uint32_t* count,
                        std::size_t n) {
    double total = 0;
    for (std::size_t e = 0; e < n; ++e) {
      const auto p = pixel[e];
      const float c = static_cast<float>(count[e]);
      pixel_sum[p] += c;
      s.pixel_max[p] = std::max(s.pixel_max[p], c);
      if (mask[p]) total += c, ++nonzero;
    }
    if (double* row = segment_row(f))
      for (std::size_t e = 0; e < n; ++e) row[pixel[e]] += count[e];
    s.frame_total[f] = total;
  };
  visit.advance = [&](std::size_t n) { progress.advance(n); };
  if (source.is_sparse()) {
    for_each_frame(source, block, visit);
  } else {
    // Dense frames: the pixels in kChunks fixed runs on the threads (each pixel's sum and
    // maximum are its own; a frame's total is the chunks' partial totals added in chunk order,
    // so the bits do not depend on the thread count). One thread was a seventh of a whole
    // multi-tau run.
    constexpr std::size_t kChunks = 8;
    std::vector<double> partial;
    std::vector<std::uint64_t> chunk_nonzero(kChunks);
    ReadAhead blocks(source, block);
    while (blocks.next()) {
      const std::size_t first = blocks.first(), n = blocks.count();
      const FrameBlock& frames = blocks.dense();
      partial.assign(kChunks * n, 0.0);
#pragma omp parallel for schedule(static, 1)
      for (std::size_t c = 0; c < kChunks; ++c) {
        const std::size_t p0 = s.pixels * c / kChunks, p1 = s.pixels * (c + 1) / kChunks;
        std::uint64_t count = 0;
        for (std::size_t k = 0; k < n; ++k) {
          const float* values = frames.frame(k, s.pixels);
          double total = 0;
          for (std::size_t p = p0; p < p1; ++p) {
            pixel_sum[p] += values[p];
            s.pixel_max[p] = std::max(s.pixel_max[p], values[p]);
            if (mask[p] && values[p] != 0) total += values[p], ++count;
          }
          if (double* row = segment_row(first + k))
            for (std::size_t p = p0; p < p1; ++p) row[p] += values[p];
          partial[c * n + k] = total;
        }
        chunk_nonzero[c] = count;
      }
      for (std::size_t k = 0; k < n; ++k) {
        double total = 0;
        for (std::size_t c = 0; c < kChunks; ++c) total += partial[c * n + k];
        s.frame_total[first + k] = total;
      }
      for (auto count : chunk_nonzero) nonzero += count;
      progress.advance(n);
    }
  }
  progress.finish();
  // A frame with no photon at all in the mask is a beam loss or a dead readout, not zero
  // intensity: it is excluded everywhere and recorded.
  std::size_t valid = 0;
  for (std::size_t f = 0; f < s.frames; ++f) {
    if (s.frame_total[f] == 0) {
      s.frame_valid[f] = 0;
      s.empty_frames.push_back(f);
    } else {
      ++valid;
    }
  }
  require(valid > 0, "every frame is empty inside the mask: check the mask or the data");
  s.pixel_mean.resize(s.pixels);
  for (std::size_t p = 0; p < s.pixels; ++p)
    s.pixel_mean[p] = pixel_sum[p] / static_cast<double>(valid);
  std::size_t masked = 0;
  double masked_sum = 0;
  for (std::size_t p = 0; p < s.pixels; ++p)
    if (mask[p]) ++masked, masked_sum += pixel_sum[p];
  s.photon_density = masked_sum / (static_cast<double>(masked) * static_cast<double>(valid));
  s.nonzero_fraction =
      static_cast<double>(nonzero) / (static_cast<double>(masked) * static_cast<double>(valid));
  // Gaps: steps in the timestamps well beyond the typical frame spacing.
  if (info.frames > 2 && (!info.timestamps.empty() || info.meta.frame_time)) {
    std::vector<double> steps(info.frames - 1);
    for (std::size_t i = 1; i < info.frames; ++i) steps[i - 1] = info.time(i) - info.time(i - 1);
    auto sorted = steps;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const double typical = sorted[sorted.size() / 2];
    for (std::size_t i = 0; i < steps.size(); ++i)
      if (steps[i] > 1.5 * typical) s.gaps.push_back({info.time(i), info.time(i + 1)});
  }
  return s;
}

std::vector<std::uint8_t> remove_hot_pixels(const FrameStats& stats, std::vector<std::uint8_t> mask,
                                            std::size_t height, std::size_t width, double k_sigma,
                                            double max_count, std::size_t* removed, double ratio) {
  require(mask.size() == height * width, "hot pixels: mask shape mismatch");
  std::vector<std::uint8_t> hot(mask.size(), 0);
  const double frames = static_cast<double>(std::max<std::size_t>(stats.frames, 1));
  // Rows on the threads (each pixel's test reads only the statistics): a 4-megapixel detector
  // takes a median of its 24 neighbours 4 million times. Small detectors stay on this thread.
#pragma omp parallel if (mask.size() >= (std::size_t{1} << 16))
  {
    std::vector<double> around;
#pragma omp for schedule(static)
    for (std::size_t r = 0; r < height; ++r)
      for (std::size_t c = 0; c < width; ++c) {
        const std::size_t p = r * width + c;
        if (!mask[p]) continue;
        if (stats.pixel_max[p] > max_count) {
          hot[p] = 1;
          continue;
        }
        around.clear();
        for (std::size_t rr = r >= 2 ? r - 2 : 0; rr <= std::min(height - 1, r + 2); ++rr)
          for (std::size_t cc = c >= 2 ? c - 2 : 0; cc <= std::min(width - 1, c + 2); ++cc) {
            const std::size_t q = rr * width + cc;
            if (q != p && mask[q]) around.push_back(stats.pixel_mean[q]);
          }
        if (around.size() < 4) continue;
        const double v = stats.pixel_mean[p];
        // A hot pixel's median m has v > ratio * m, and ratio * x grows with x: so more than
        // half the neighbours pass the same test. Most pixels fail this count and skip the
        // median (the same decisions; a 4.5-megapixel detector took 1.6 s, 0.17 s now).
        if (ratio > 0) {
          std::size_t below = 0;
          for (const double x : around) below += v > ratio * x;
          if (below <= around.size() / 2) continue;
        }
        auto mid = around.begin() + static_cast<std::ptrdiff_t>(around.size() / 2);
        std::nth_element(around.begin(), mid, around.end());
        const double m = *mid;
        // Poisson deviation of a mean over the run, floored at one photon per run.
        const double sigma = std::sqrt(std::max(m, 1.0 / frames) / frames);
        if (v > ratio * m && v > m + k_sigma * sigma) hot[p] = 1;
      }
  }
  std::size_t count = 0;
  for (std::size_t p = 0; p < mask.size(); ++p)
    if (hot[p]) mask[p] = 0, ++count;
  if (removed != nullptr) *removed = count;
  return mask;
}

}  // namespace glassy
