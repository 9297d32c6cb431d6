#include <glassy/corr/sparse_tile.hpp>

#include <algorithm>
#include <utility>

namespace glassy {
namespace {

// Jobs adding up to this many events of B run as loops of fixed length; longer ones as plain loops
// (rare at the photon rates the sparse path is for, and long enough there to predict well).
constexpr std::size_t kFixedLengths = 8;
// Events of A turned into jobs at a time: 8 x 1024 jobs of 16 bytes stay in the L2 cache.
constexpr std::size_t kChunk = 1024;

using Job = SparseTileScratch::Job;

template <int Length>
void run_jobs(const Job* jobs, std::size_t count, const SparseEvents& b, std::size_t cols,
              double* n) {
  const std::uint16_t* time = b.time.data();
  const float* photons = b.count.data();
  for (std::size_t i = 0; i < count; ++i) {
    const Job job = jobs[i];
    double* row = n + static_cast<std::size_t>(job.row) * cols;
    const std::uint16_t* t = time + job.b_first;
    const float* c = photons + job.b_first;
    for (int k = 0; k < Length; ++k) row[t[k]] += job.weight * c[k];
  }
}

template <std::size_t... Lengths>
void run_fixed_lengths(const Job* jobs, const std::size_t* end, const SparseEvents& b,
                       std::size_t cols, double* n, std::index_sequence<Lengths...>) {
  (run_jobs<static_cast<int>(Lengths) + 1>(jobs + (Lengths + 1) * kChunk,
                                           end[Lengths + 1] - (Lengths + 1) * kChunk, b, cols, n),
   ...);
}

}  // namespace

void pixel_of_events(std::span<const std::uint32_t> offset, std::vector<std::uint32_t>& pixel) {
  // Event e belongs to pixel j = #{j' : offset[j' + 1] <= e}: count the pixel ends at each event
  // index, then a running sum. No branch per pixel (most pixels hold 0-3 events).
  const std::size_t pixels = offset.size() - 1, events = offset.back();
  pixel.assign(events + 1, 0);
  for (std::size_t j = 0; j < pixels; ++j) ++pixel[offset[j + 1]];
  std::uint32_t sum = 0;
  for (std::size_t e = 0; e < events; ++e) {
    sum += pixel[e];
    pixel[e] = sum;
  }
  pixel.resize(events);
}

void sparse_numerators(const SparseEvents& a, std::span<const std::uint32_t> a_pixel,
                       const SparseEvents& b, std::size_t rows, std::size_t cols, bool diagonal,
                       std::span<const double> w2, double* n, SparseTileScratch& scratch) {
  std::fill(n, n + rows * cols, 0.0);
  const std::size_t events = a.time.size();
  scratch.jobs.resize(kFixedLengths * kChunk);
  Job* jobs = scratch.jobs.data();
  for (std::size_t first = 0; first < events; first += kChunk) {
    const std::size_t last = std::min(events, first + kChunk);
    // end[L]: one past the last job adding L events (slot 0 collects pixels without any).
    std::size_t end[kFixedLengths];
    for (std::size_t l = 0; l < kFixedLengths; ++l) end[l] = l * kChunk;
    scratch.long_jobs.clear();
    for (std::size_t e1 = first; e1 < last; ++e1) {
      const std::uint32_t j = a_pixel[e1];
      const std::uint32_t b_first = b.offset[j];
      // On the diagonal tile B is A: the pixel's events up to this one (t2 <= t1, time order).
      const std::uint32_t length =
          diagonal ? static_cast<std::uint32_t>(e1) + 1 - b_first : b.offset[j + 1] - b_first;
      const std::size_t slot = length < kFixedLengths ? length : 0;
      jobs[end[slot]++] = {a.time[e1], b_first, w2[j] * a.count[e1]};
      if (length >= kFixedLengths) scratch.long_jobs.push_back(static_cast<std::uint32_t>(e1));
    }
    run_fixed_lengths(jobs, end, b, cols, n, std::make_index_sequence<kFixedLengths - 1>{});
    for (const std::uint32_t e1 : scratch.long_jobs) {
      const std::uint32_t j = a_pixel[e1];
      const std::uint32_t b_first = b.offset[j];
      const std::uint32_t b_end = diagonal ? e1 + 1 : b.offset[j + 1];
      const double weight = w2[j] * a.count[e1];
      double* row = n + static_cast<std::size_t>(a.time[e1]) * cols;
      for (auto e2 = b_first; e2 < b_end; ++e2) row[b.time[e2]] += weight * b.count[e2];
    }
  }
}

}  // namespace glassy
