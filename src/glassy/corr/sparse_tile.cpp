#include <glassy/corr/sparse_tile.hpp>

#include <algorithm>
#include <type_traits>
#include <utility>

namespace glassy {
namespace {

// Jobs adding up to this many events of B run as loops of fixed length; longer ones as plain loops
// (rare at the photon rates the sparse path is for, and long enough there to predict well).
constexpr std::size_t kFixedLengths = 8;
// Events of A turned into jobs at a time: 8 x 4096 jobs of 16 bytes (512 KiB). Larger chunks fill
// the fixed-length loops better; 1024 was 5-9 % slower (bench_sparse_tile's scratch variants).
constexpr std::size_t kChunk = 4096;
// How far ahead the pixel's offsets in B are prefetched while the jobs are made.
constexpr std::size_t kPrefetchAhead = 16;

template <class T>
using Job = SparseTileScratch::Job<T>;

template <class T>
std::vector<Job<T>>& jobs_of(SparseTileScratch& scratch) {
  if constexpr (std::is_same_v<T, float>)
    return scratch.float_jobs;
  else
    return scratch.jobs;
}

template <int Length, class T>
void run_jobs(const Job<T>* jobs, std::size_t count, const std::uint16_t* time,
              const float* photons, std::size_t cols, T* n) {
  for (std::size_t i = 0; i < count; ++i) {
    const Job<T> job = jobs[i];
    T* row = n + static_cast<std::size_t>(job.row) * cols;
    const std::uint16_t* t = time + job.b_first;
    const float* c = photons + job.b_first;
    for (int k = 0; k < Length; ++k) row[t[k]] += job.weight * c[k];
  }
}

template <class T, std::size_t... Lengths>
void run_fixed_lengths(const Job<T>* jobs, const std::size_t* end, const std::uint16_t* time,
                       const float* photons, std::size_t cols, T* n,
                       std::index_sequence<Lengths...>) {
  (run_jobs<static_cast<int>(Lengths) + 1, T>(jobs + (Lengths + 1) * kChunk,
                                              end[Lengths + 1] - (Lengths + 1) * kChunk, time,
                                              photons, cols, n),
   ...);
}

// The diagonal tile is a template argument so that the choice of length is not in the loop; T is
// the type the sums are kept in.
template <bool Diagonal, class T>
void numerators(std::span<const HeadEvent> a, const SparseEvents& b, std::size_t rows,
                std::size_t cols, T* n, SparseTileScratch& scratch) {
  std::fill(n, n + rows * cols, T(0));
  const std::size_t events = a.size();
  const std::uint32_t* offset = b.offset.data();
  const std::uint16_t* time = b.time.data();
  const float* photons = b.count.data();
  auto& job_store = jobs_of<T>(scratch);
  job_store.resize(kFixedLengths * kChunk);
  Job<T>* jobs = job_store.data();
  for (std::size_t first = 0; first < events; first += kChunk) {
    const std::size_t last = std::min(events, first + kChunk);
    // end[L]: one past the last job adding L events (slot 0 collects pixels without any).
    std::size_t end[kFixedLengths];
    for (std::size_t l = 0; l < kFixedLengths; ++l) end[l] = l * kChunk;
    scratch.long_jobs.clear();
    for (std::size_t i = first; i < last; ++i) {
      if (i + kPrefetchAhead < events) __builtin_prefetch(offset + a[i + kPrefetchAhead].pixel);
      const HeadEvent e = a[i];
      const std::uint32_t b_first = offset[e.pixel];
      // On the diagonal tile B is A (i is the event's index in both): the pixel's events up to
      // this one (t2 <= t1, time order).
      const std::uint32_t length =
          Diagonal ? static_cast<std::uint32_t>(i) + 1 - b_first : offset[e.pixel + 1] - b_first;
      // Read when the chunk's jobs run: in cache by then.
      __builtin_prefetch(time + b_first);
      __builtin_prefetch(photons + b_first);
      const std::size_t slot = length < kFixedLengths ? length : 0;
      jobs[end[slot]++] = {e.row, b_first, static_cast<T>(e.weight)};
      if (length >= kFixedLengths) scratch.long_jobs.push_back(static_cast<std::uint32_t>(i));
    }
    run_fixed_lengths<T>(jobs, end, time, photons, cols, n,
                         std::make_index_sequence<kFixedLengths - 1>{});
    for (const std::uint32_t i : scratch.long_jobs) {
      const HeadEvent e = a[i];
      const std::uint32_t b_first = offset[e.pixel];
      const std::uint32_t b_end = Diagonal ? i + 1 : offset[e.pixel + 1];
      T* row = n + static_cast<std::size_t>(e.row) * cols;
      const T weight = static_cast<T>(e.weight);
      for (auto e2 = b_first; e2 < b_end; ++e2) row[time[e2]] += weight * photons[e2];
    }
  }
}

}  // namespace

void head_events(const SparseEvents& a, std::span<const double> w2, std::vector<HeadEvent>& out) {
  // Event e belongs to pixel j = #{j' : offset[j' + 1] <= e}: count the pixel ends at each event
  // index, then a running sum. No branch per pixel (most pixels hold 0-3 events).
  const std::size_t pixels = a.offset.size() - 1, events = a.offset.back();
  std::vector<std::uint32_t> ends(events + 1, 0);
  for (std::size_t j = 0; j < pixels; ++j) ++ends[a.offset[j + 1]];
  out.resize(events);
  std::uint32_t pixel = 0;
  for (std::size_t e = 0; e < events; ++e) {
    pixel += ends[e];
    out[e] = {pixel, a.time[e], w2[pixel] * a.count[e]};
  }
}

void sparse_numerators(std::span<const HeadEvent> a, const SparseEvents& b, std::size_t rows,
                       std::size_t cols, bool diagonal, double* n, SparseTileScratch& scratch) {
  if (diagonal)
    numerators<true>(a, b, rows, cols, n, scratch);
  else
    numerators<false>(a, b, rows, cols, n, scratch);
}

void sparse_numerators(std::span<const HeadEvent> a, const SparseEvents& b, std::size_t rows,
                       std::size_t cols, bool diagonal, float* n, SparseTileScratch& scratch) {
  if (diagonal)
    numerators<true>(a, b, rows, cols, n, scratch);
  else
    numerators<false>(a, b, rows, cols, n, scratch);
}

bool float_sums_are_exact(bool whole_weights, double max_row_photons, double max_column_count) {
  constexpr double kFloatIntegers = 16777216.0;  // 2^24: every integer up to it is a float
  return whole_weights && max_row_photons * max_column_count <= kFloatIntegers;
}

}  // namespace glassy
