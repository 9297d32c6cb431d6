// corr/sparse_tile: the numerators of one two-time tile from photon events,
//   N(t1, t2) = sum_p w_p^2 I_p(t1) I_p(t2),
// for t1 in a block A of frames and t2 in a block B (or the same block: only t2 <= t1).
// Each block holds its events grouped by pixel (offset), in time order within a pixel.
//
// Why it is not the plain loop over pixels: at the paper's photon rate a pixel has ~2.5 events
// per 512-frame block, so the loops over a pixel's events are a few iterations long and every
// loop exit is a mispredicted branch, which also throws away the loads of the tile already in
// flight. Here every event of A becomes a job "add c1 * B's events of my pixel to row t1", and
// the jobs are sorted by how many events of B they add (1, 2, ... 7, each a loop of fixed length)
// in chunks small enough to stay in cache; longer ones run as plain loops. Each event of A's pixel,
// row and weight are computed once per head block (head_events), and B's events of a job are
// prefetched when the job is made. 1.6x faster per tile than the plain loop on the paper preset's
// tiles, 1.2-1.27x faster than without these two (bench_sparse_tile; about 1.1x in a whole run).
// The order of the sums is fixed by the events alone, not by threads or ranks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace glassy {

struct SparseEvents {
  std::span<const std::uint32_t> offset;  // pixels + 1: pixel j's events are offset[j] ..
  std::span<const std::uint16_t> time;    // frame within the block
  std::span<const float> count;           // photons
};

// One record per event of the block on the rows, in its order (pixel-major): built once per head
// block and bin and reused for every tile of its row.
struct HeadEvent {
  std::uint32_t pixel;
  std::uint32_t row;  // t1, frame within the block
  double weight;      // w_p^2 * photons
};
void head_events(const SparseEvents& a, std::span<const double> w2, std::vector<HeadEvent>& out);

// Reused from tile to tile on one thread.
struct SparseTileScratch {
  template <class T>
  struct Job {
    std::uint32_t row;      // t1, frame within A
    std::uint32_t b_first;  // B's first event of the pixel
    T weight;               // w_p^2 * count(t1)
  };
  std::vector<Job<double>> jobs;
  std::vector<Job<float>> float_jobs;
  std::vector<std::uint32_t> long_jobs;  // events of A whose pixel has 8 or more events in B
};

// n (rows x cols, row-major) = the numerators; `a` from head_events of block A. With `diagonal`
// B is A and only entries with t2 <= t1 are written (the rest stay 0).
void sparse_numerators(std::span<const HeadEvent> a, const SparseEvents& b, std::size_t rows,
                       std::size_t cols, bool diagonal, double* n, SparseTileScratch& scratch);
// The same summed in float: a quarter less time per tile on the paper preset's tiles (the tile
// is half the bytes: 1 MiB, not 2), and the same bits as in double wherever
// float_sums_are_exact says so.
void sparse_numerators(std::span<const HeadEvent> a, const SparseEvents& b, std::size_t rows,
                       std::size_t cols, bool diagonal, float* n, SparseTileScratch& scratch);

// Whether a tile's numerators summed in float equal those summed in double, bit for bit: every
// weight w_p^2 a whole number (no flat-field correction), so that every product and every
// partial sum is a whole number, and no sum above 2^24 (below it float holds every integer).
// A sum is at most max_row_photons (the most w^2-weighted photons of one frame of A in the bin)
// times max_column_count (the largest count of one event of B).
bool float_sums_are_exact(bool whole_weights, double max_row_photons, double max_column_count);

}  // namespace glassy
