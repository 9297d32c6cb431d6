#include <glassy/core/error.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/corr/multitau.hpp>
#include <glassy/io/read_ahead.hpp>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

namespace glassy {
namespace {

constexpr std::size_t kHead = 8;
constexpr std::uint32_t kUnused = 0xffffffffu;

}  // namespace

std::vector<std::size_t> multitau_delays(std::size_t frames) {
  std::vector<std::size_t> d;
  for (std::size_t m = 1; m <= 8 && m < frames; ++m) d.push_back(m);
  for (std::size_t l = 1; (std::size_t{1} << l) * 5 < frames; ++l) {
    const std::size_t n_l = frames >> l;  // values at level l
    for (std::size_t m = 5; m <= 8; ++m)
      if (m < n_l) d.push_back((std::size_t{1} << l) * m);
  }
  return d;
}

std::vector<std::uint32_t> multitau_pixels(const Partition& partition) {
  std::vector<std::uint32_t> pixels;
  for (std::size_t p = 0; p < partition.dynamic_map.size(); ++p)
    if (partition.dynamic_map[p] > 0 && partition.static_map[p] > 0)
      pixels.push_back(static_cast<std::uint32_t>(p));
  return pixels;
}

MultiTau::MultiTau(std::vector<std::uint32_t> pixels, std::size_t detector_pixels,
                   std::size_t frames)
    : detector_(std::move(pixels)) {
  require(frames >= 2, "multi-tau needs at least 2 frames");
  require(!detector_.empty(), "multi-tau: no pixel in any q bin");
  used_.assign(detector_pixels, kUnused);
  for (std::size_t q = 0; q < detector_.size(); ++q)
    used_[detector_[q]] = static_cast<std::uint32_t>(q);
  pixels_ = detector_.size();
  delays_ = multitau_delays(frames);
  for (auto d : delays_) {
    std::size_t l = 0;
    while (d > 8 * (std::size_t{1} << l)) ++l;
    delay_level_.push_back(l);
    delay_lag_.push_back(d >> l);
  }
  levels_ = delay_level_.empty() ? 1 : delay_level_.back() + 1;
  level_time_.assign(levels_, 0);
  ring_.assign(levels_ * kRing * pixels_, 0.0f);
  written_.resize(levels_ * kRing);
  g2_sum_.assign(delays_.size() * pixels_, 0.0);
  total_.assign(levels_ * pixels_, 0.0);
  head_.assign(levels_ * pixels_ * kHead, 0.0f);
  next_pixels_.resize(levels_);
  next_values_.resize(levels_);
  mark_.assign(pixels_, 0);
}

void MultiTau::push_dense(const float* frame) {
  frame_pixels_.clear();
  frame_values_.clear();
  for (std::size_t q = 0; q < pixels_; ++q) {
    const float v = frame[detector_[q]];
    if (v == 0.0f) continue;
    frame_pixels_.push_back(static_cast<std::uint32_t>(q));
    frame_values_.push_back(v);
  }
  push_level(0, frame_pixels_, frame_values_);
}

void MultiTau::push_events(const std::uint32_t* pixel, const std::uint32_t* count, std::size_t n) {
  frame_pixels_.clear();
  frame_values_.clear();
  for (std::size_t e = 0; e < n; ++e) {
    const std::uint32_t q = used_[pixel[e]];
    if (q == kUnused) continue;
    frame_pixels_.push_back(q);
    frame_values_.push_back(static_cast<float>(count[e]));
  }
  push_level(0, frame_pixels_, frame_values_);
}

void MultiTau::push_level(std::size_t level, const std::vector<std::uint32_t>& pixels,
                          const std::vector<float>& values) {
  const std::size_t j = level_time_[level];
  // Reuse the ring slot of time j - 9: zero what was written there, then write time j.
  float* now = ring(level, j);
  auto& written = written_[level * kRing + j % kRing];
  for (const std::uint32_t q : written) now[q] = 0.0f;
  written.assign(pixels.begin(), pixels.end());
  double* total = total_.data() + level * pixels_;
  for (std::size_t k = 0; k < pixels.size(); ++k) {
    const std::uint32_t q = pixels[k];
    now[q] = values[k];
    total[q] += values[k];
    if (j < kHead) head_[(level * pixels_ + q) * kHead + j] = values[k];
  }
  for (std::size_t d = 0; d < delays_.size(); ++d) {
    if (delay_level_[d] != level) continue;
    const std::size_t m = delay_lag_[d];
    if (j < m) continue;
    const float* past = ring(level, j - m);
    double* g = g2_sum_.data() + d * pixels_;
    for (std::size_t k = 0; k < pixels.size(); ++k) g[pixels[k]] += values[k] * past[pixels[k]];
  }
  ++level_time_[level];
  if (level + 1 >= levels_ || j % 2 == 0) return;
  // Odd time: the pair (j - 1, j) becomes one value at the next level, for every pixel non-zero
  // at either time (deduplicated by a stamp: no sorting on the hot path).
  const float* before = ring(level, j - 1);
  auto& next = next_pixels_[level];
  auto& next_values = next_values_[level];
  next.clear();
  next_values.clear();
  ++merge_stamp_;
  const std::vector<std::uint32_t>* lists[] = {&written_[level * kRing + (j - 1) % kRing],
                                               &written};
  for (const auto* list : lists)
    for (const std::uint32_t q : *list)
      if (mark_[q] != merge_stamp_) {
        mark_[q] = merge_stamp_;
        next.push_back(q);
        next_values.push_back(0.5f * (before[q] + now[q]));
      }
  push_level(level + 1, next, next_values);
}

bool MultiTau::delay_reached(std::size_t d) const {
  return level_time_[delay_level_[d]] > delay_lag_[d];
}

void MultiTau::delay_terms(std::size_t d, double* out) const {
  const std::size_t l = delay_level_[d], m = delay_lag_[d];
  const std::size_t n_l = level_time_[l];
  const double pairs = static_cast<double>(n_l - m);
  for (std::size_t q = 0; q < pixels_; ++q) {
    const double total = total_[l * pixels_ + q];
    double first = 0, last = 0;
    for (std::size_t k = 0; k < m; ++k) {
      first += head_[(l * pixels_ + q) * kHead + k];
      last += ring(l, n_l - 1 - k)[q];
    }
    out[3 * q] = g2_sum_[d * pixels_ + q] / pairs;  // G2
    out[3 * q + 1] = (total - last) / pairs;        // IP: mean over the earlier frames
    out[3 * q + 2] = (total - first) / pairs;       // IF: over the later ones
  }
}

MultiTauBins::MultiTauBins(const Partition& partition, std::vector<std::size_t> delays)
    : partition_(partition), detector_(multitau_pixels(partition)) {
  r_.delays = std::move(delays);
  r_.dynamic_bins = partition.n_dynamic();
  r_.static_bins = partition.n_static();
  const std::size_t nd = r_.delays.size();
  const auto nsb = static_cast<std::size_t>(r_.static_bins),
             ndb = static_cast<std::size_t>(r_.dynamic_bins);
  r_.g2.assign(nd * ndb, 0.0);
  r_.g2_err.assign(nd * ndb, 0.0);
  r_.G2.assign(nd * nsb, 0.0);
  r_.IP.assign(nd * nsb, 0.0);
  r_.IF.assign(nd * nsb, 0.0);
  static_count_.assign(nsb, 0.0);
  for (auto p : detector_)
    static_count_[static_cast<std::size_t>(partition.static_map[p] - 1)] += 1;
  // Static bin -> dynamic bin (static bins nest inside dynamic ones).
  dyn_of_static_.assign(nsb, 0);
  for (auto p : detector_)
    dyn_of_static_[static_cast<std::size_t>(partition.static_map[p] - 1)] =
        static_cast<std::size_t>(partition.dynamic_map[p] - 1);
}

void MultiTauBins::add_delay(std::size_t d, const double* terms) {
  const auto nsb = static_cast<std::size_t>(r_.static_bins),
             ndb = static_cast<std::size_t>(r_.dynamic_bins);
  std::vector<double> px_sum(ndb, 0.0), px_sum2(ndb, 0.0), px_n(ndb, 0.0);
  for (std::size_t q = 0; q < detector_.size(); ++q) {
    const double G2 = terms[3 * q], IP = terms[3 * q + 1], IF = terms[3 * q + 2];
    const std::size_t sb = static_cast<std::size_t>(partition_.static_map[detector_[q]] - 1);
    r_.G2[d * nsb + sb] += G2;
    r_.IP[d * nsb + sb] += IP;
    r_.IF[d * nsb + sb] += IF;
    if (IP > 0 && IF > 0) {
      const double g = G2 / (IP * IF);
      const std::size_t db = static_cast<std::size_t>(partition_.dynamic_map[detector_[q]] - 1);
      px_sum[db] += g;
      px_sum2[db] += g * g;
      px_n[db] += 1;
    }
  }
  std::vector<double> g_sum(ndb, 0.0), g_n(ndb, 0.0);
  for (std::size_t sb = 0; sb < nsb; ++sb) {
    if (static_count_[sb] == 0) continue;
    const double G2 = r_.G2[d * nsb + sb] / static_count_[sb];
    const double IP = r_.IP[d * nsb + sb] / static_count_[sb];
    const double IF = r_.IF[d * nsb + sb] / static_count_[sb];
    r_.G2[d * nsb + sb] = G2;
    r_.IP[d * nsb + sb] = IP;
    r_.IF[d * nsb + sb] = IF;
    if (IP > 0 && IF > 0) {
      g_sum[dyn_of_static_[sb]] += G2 / (IP * IF);
      g_n[dyn_of_static_[sb]] += 1;
    }
  }
  for (std::size_t db = 0; db < ndb; ++db) {
    r_.g2[d * ndb + db] = g_n[db] > 0 ? g_sum[db] / g_n[db] : 0.0;
    if (px_n[db] > 1) {
      const double mean = px_sum[db] / px_n[db];
      const double var = std::max(px_sum2[db] / px_n[db] - mean * mean, 0.0);
      r_.g2_err[d * ndb + db] = std::sqrt(var / (px_n[db] - 1));
    }
  }
}

MultiTauResult run_multitau(FrameSource& source, const Partition& partition,
                            std::size_t block_frames, Ranks* ranks) {
  const auto start = std::chrono::steady_clock::now();
  const FrameInfo& info = source.info();
  require(partition.dynamic_map.size() == info.pixels(),
          "multi-tau: q map shape does not match the frames");
  // The usable pixels (in detector order) are shared out in contiguous runs: over the MPI
  // ranks, and within a rank over its threads. Every share streams every frame but keeps only
  // its pixels; a pixel's terms do not depend on the others, so the per-pixel terms, put back
  // in detector order, and the bin averages over them (rank 0, in the same order as one
  // process) are the same bits whatever the ranks and threads.
  const int rank = ranks != nullptr ? ranks->rank() : 0;
  const auto size = static_cast<std::size_t>(ranks != nullptr ? ranks->size() : 1);
  const std::vector<std::uint32_t> usable = multitau_pixels(partition);
  require(!usable.empty(), "multi-tau: no pixel in any q bin");
  std::vector<std::size_t> rank_begin(size + 1);
  for (std::size_t r = 0; r <= size; ++r) rank_begin[r] = usable.size() * r / size;
  const std::size_t own_begin = rank_begin[static_cast<std::size_t>(rank)],
                    own_end = rank_begin[static_cast<std::size_t>(rank) + 1];
  // Threads: one share each when every share keeps enough pixels to outweigh reading the frames.
  constexpr std::size_t kMinSharePixels = 4096;
  const std::size_t threads =
      std::clamp<std::size_t>((own_end - own_begin) / kMinSharePixels, 1,
                              static_cast<std::size_t>(std::max(1, omp_get_max_threads())));
  std::vector<MultiTau> shares;
  shares.reserve(threads);
  for (std::size_t t = 0; t < threads; ++t) {
    const std::size_t b = own_begin + (own_end - own_begin) * t / threads,
                      e = own_begin + (own_end - own_begin) * (t + 1) / threads;
    shares.emplace_back(std::vector<std::uint32_t>(usable.begin() + static_cast<std::ptrdiff_t>(b),
                                                   usable.begin() + static_cast<std::ptrdiff_t>(e)),
                        info.pixels(), info.frames);
  }
  Progress progress("multi-tau", info.frames);
  ReadAhead blocks(source, std::max<std::size_t>(1, std::min(block_frames, info.frames)));
  while (blocks.next()) {
    const std::size_t n = blocks.count();
    const SparseBlock& events = blocks.sparse();
    const FrameBlock& dense = blocks.dense();
#pragma omp parallel for schedule(static, 1) \
    num_threads(static_cast <int>(threads)) if (threads > 1)
    for (std::size_t t = 0; t < threads; ++t)
      for (std::size_t k = 0; k < n; ++k) {
        if (source.is_sparse())
          shares[t].push_events(events.pixel.data() + events.offsets[k],
                                events.counts.data() + events.offsets[k],
                                events.offsets[k + 1] - events.offsets[k]);
        else
          shares[t].push_dense(dense.frame(k, info.pixels()));
      }
    progress.advance(n);
  }
  progress.finish();
  MultiTauBins bins(partition, shares.front().delays());
  std::vector<double> terms(3 * usable.size());
  for (std::size_t d = 0; d < shares.front().delays().size(); ++d) {
    if (!shares.front().delay_reached(d)) continue;  // the same everywhere: the same frames
    double* own = terms.data() + 3 * own_begin;
    for (const auto& share : shares) {
      share.delay_terms(d, own);
      own += 3 * share.pixels();
    }
    if (size == 1) {
      bins.add_delay(d, terms.data());
    } else if (rank != 0) {
      ranks->send(0,
                  std::span<const double>(terms.data() + 3 * own_begin, 3 * (own_end - own_begin)));
    } else {
      for (std::size_t from = 1; from < size; ++from)
        ranks->receive(static_cast<int>(from),
                       std::span<double>(terms.data() + 3 * rank_begin[from],
                                         3 * (rank_begin[from + 1] - rank_begin[from])));
      bins.add_delay(d, terms.data());
    }
  }
  MultiTauResult r = bins.result();
  r.threads = threads;
  if (size > 1)
    for (auto* v : {&r.g2, &r.g2_err, &r.G2, &r.IP, &r.IF}) ranks->broadcast(*v, 0);
  r.frames_per_second =
      info.frames / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace glassy
