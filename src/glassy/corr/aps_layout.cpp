#include <glassy/core/error.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/corr/aps_layout.hpp>
#include <glassy/corr/reducers.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace glassy {

namespace {

// One segment's per-pixel sums into its row of the static bins, in pixel order.
void bin_segment(const double* pixel_sums, const Partition& partition, double* row) {
  for (std::size_t p = 0; p < partition.static_map.size(); ++p) {
    const auto s = partition.static_map[p];
    if (s > 0) row[s - 1] += pixel_sums[p];
  }
}

// The binned sums [segment][static bin] as counts per pixel per valid frame; NaN where a bin
// has no pixel or a segment no valid frame.
std::vector<double> per_pixel_and_frame(std::vector<double> sum, const Partition& partition,
                                        const std::vector<std::uint8_t>& frame_valid,
                                        std::size_t segments) {
  const std::size_t frames = frame_valid.size();
  const auto ns = static_cast<std::size_t>(partition.n_static());
  std::vector<double> bin_pixels(ns, 0.0), valid(segments, 0.0);
  for (auto s : partition.static_map)
    if (s > 0) bin_pixels[static_cast<std::size_t>(s - 1)] += 1;
  for (std::size_t f = 0; f < frames; ++f)
    if (frame_valid[f]) valid[segment_of_frame(f, segments, frames)] += 1;
  for (std::size_t g = 0; g < segments; ++g)
    for (std::size_t s = 0; s < ns; ++s) {
      const double norm = bin_pixels[s] * valid[g];
      sum[g * ns + s] = norm > 0 ? sum[g * ns + s] / norm : std::nan("");
    }
  return sum;
}

}  // namespace

std::vector<double> static_profile_segments(FrameSource& source, const Partition& partition,
                                            const std::vector<std::uint8_t>& frame_valid,
                                            std::size_t segments, const MemoryBudget& budget) {
  const auto& info = source.info();
  require(segments >= 1 && info.frames >= 1, "static_profile_segments: no frames or segments");
  segments = std::min(segments, info.frames);
  const auto ns = static_cast<std::size_t>(partition.n_static());
  std::vector<double> sum(segments * ns, 0.0);
  // Per pixel over the current segment's frames (a plain, vectorised add per frame), binned
  // when the segment ends: adding each pixel into its bin frame by frame was a chain of
  // dependent scattered adds, 15 % of a whole multi-tau run.
  std::vector<double> segment_pixels(info.pixels(), 0.0);
  std::size_t current = 0;
  auto enter = [&](std::size_t f) {
    if (segment_of_frame(f, segments, info.frames) == current) return;
    bin_segment(segment_pixels.data(), partition, &sum[current * ns]);
    std::fill(segment_pixels.begin(), segment_pixels.end(), 0.0);
    current = segment_of_frame(f, segments, info.frames);
  };
  Progress progress("segments", info.frames);
  FrameVisitor visit;
  visit.on_events = [&](std::size_t f, const std::uint32_t* pixel, const std::uint32_t* count,
                        std::size_t n) {
    if (!frame_valid[f]) return;
    enter(f);
    for (std::size_t e = 0; e < n; ++e) segment_pixels[pixel[e]] += count[e];
  };
  visit.on_dense = [&](std::size_t f, const float* values) {
    if (!frame_valid[f]) return;
    enter(f);
    double* acc = segment_pixels.data();
    for (std::size_t p = 0; p < segment_pixels.size(); ++p) acc[p] += values[p];
  };
  visit.advance = [&](std::size_t n) { progress.advance(n); };
  for_each_frame(source, source.frames_per_block(budget, 0.25), visit);
  progress.finish();
  bin_segment(segment_pixels.data(), partition, &sum[current * ns]);
  return per_pixel_and_frame(std::move(sum), partition, frame_valid, segments);
}

std::vector<double> static_profile_segments(const FrameStats& stats, const Partition& partition) {
  const std::size_t segments = stats.segments();
  require(segments > 0, "static_profile_segments: the statistics pass gathered no segment sums");
  const auto ns = static_cast<std::size_t>(partition.n_static());
  std::vector<double> sum(segments * ns, 0.0);
  for (std::size_t g = 0; g < segments; ++g)
    bin_segment(&stats.segment_pixel_sum[g * stats.pixels], partition, &sum[g * ns]);
  return per_pixel_and_frame(std::move(sum), partition, stats.frame_valid, segments);
}

std::vector<double> diagonal_means(const std::vector<float>& map, std::size_t n) {
  std::vector<double> total(n, 0.0), count(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i; j < n; ++j) {
      const float v = map[i * n + j];
      if (std::isfinite(v)) total[j - i] += v, count[j - i] += 1;
    }
  for (std::size_t k = 0; k < n; ++k) total[k] = count[k] > 0 ? total[k] / count[k] : std::nan("");
  return total;
}

namespace {

// The square block [first, first + size) x [first, first + size) of an n x n map.
std::vector<float> sub_map(const std::vector<float>& map, std::size_t n, std::size_t first,
                           std::size_t size) {
  std::vector<float> out(size * size);
  for (std::size_t i = 0; i < size; ++i)
    std::copy_n(&map[(first + i) * n + first], size, &out[i * size]);
  return out;
}

}  // namespace

std::vector<int> occupied_bins(const Partition& partition) {
  // A correlation read from a two-time map has bins but no pixels: every bin holds a map.
  const bool pixels = !partition.dynamic_map.empty();
  std::vector<bool> used(static_cast<std::size_t>(partition.n_dynamic()) + 1, !pixels);
  for (auto b : partition.dynamic_map) used[static_cast<std::size_t>(b)] = true;
  std::vector<int> bins;
  for (int b = 1; b <= partition.n_dynamic(); ++b)
    if (used[static_cast<std::size_t>(b)]) bins.push_back(b);
  return bins;
}

void write_viewer_twotime(const h5::Location& file, const MapReducer& map,
                          const std::vector<int>& bins, double frame_seconds) {
  const std::size_t n = map.size();
  const auto nb = bins.size();
  // The viewer's partial g2: five equal spans of the run (boost_corr's num_partials), each the
  // diagonal mean of its own diagonal block, on the same lag grid.
  const std::size_t parts = std::min<std::size_t>(5, n), span = n / parts;
  std::vector<double> g2(n * nb), g2_seg(span * parts * nb);
  auto tt = file.require_group("xpcs/twotime");
  for (std::size_t b = 0; b < nb; ++b) {
    auto full = map.map(bins[b] - 1);
    const auto d = diagonal_means(full, n);
    for (std::size_t k = 0; k < n; ++k) g2[k * nb + b] = d[k];
    for (std::size_t p = 0; p < parts; ++p) {
      const auto ds = diagonal_means(sub_map(full, n, p * span, span), span);
      for (std::size_t k = 0; k < span; ++k) g2_seg[(k * parts + p) * nb + b] = ds[k];
    }
    // Upper triangle with the diagonal (boost_corr's torch.triu): the viewer adds the
    // transpose and halves the diagonal, so a full symmetric map would show doubled values.
    // The lower triangle is cleared in place (the means above are taken): no second map.
    for (std::size_t i = 1; i < n; ++i) std::fill_n(&full[i * n], i, 0.0f);
    const auto opt =
        h5::result_compression({std::min<std::size_t>(n, 256), std::min<std::size_t>(n, 256)});
    auto c2 = tt.write<float>(fmt::format("correlation_map/c2_{:05d}", b + 1), full, {n, n}, opt);
    c2.attrs().set("populated_elements", "upper_half");
    c2.attrs().set("cell_seconds", map.cell_width());
    c2.attrs().set("full_resolution", static_cast<std::int64_t>(map.full_resolution()));
  }
  tt.attrs().set("map_start_time", map.cell_start(0));
  tt.write<double>("normalized_g2", g2, {n, nb})
      .attrs()
      .set("layout", "[lag in map cells][dynamic bin]: diagonal means of correlation_map");
  tt.write<double>("normalized_g2_segments", g2_seg, {span, parts, nb})
      .attrs()
      .set("layout", "[lag in map cells][segment][dynamic bin]");
  tt.write<std::int64_t>("processed_bins", std::vector<std::int64_t>(bins.begin(), bins.end()));
  // A map cell spans cell_seconds; in APS terms the map's frames are averaged that many at a
  // time (avg_frame), so the viewer's c2_t0 = frame_time * avg_frame is the cell width.
  const auto avg = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::llround(map.cell_width() / frame_seconds)));
  std::vector<double> delay(n);
  for (std::size_t k = 0; k < n; ++k) delay[k] = static_cast<double>(k) * static_cast<double>(avg);
  tt.write<double>("delay_list", delay).attrs().set("units", "frames");
  tt.write_scalar<std::int64_t>("config/stride_frame", 1);
  tt.write_scalar<std::int64_t>("config/avg_frame", avg);
}

}  // namespace glassy
