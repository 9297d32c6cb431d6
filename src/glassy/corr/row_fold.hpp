// corr/row_fold: the rows of tiles of one two-time run shared out over MPI ranks (core/ranks),
// in a summation order that does not depend on how many ranks there are. Row i of the run goes
// to rank i mod N; its pairs are summed into blank reducers (TileReducer::blank) on the rank
// that computes it; rank 0 adds the rows to the whole one after another in row order, whether it
// computed them or received them, and at the end every rank gets the whole. One process does
// exactly the same additions, so 1, 2 or N ranks give the same bits (with the same tiles, which
// a fixed block size gives). The threads of a rank use the same scheme: `workers` rows are
// computed at once, each into its own blank reducers, and folded in row order, so the thread
// count does not change the bits either. Without ranks, the tiles go straight into the reducers
// (one worker).
#pragma once

#include <glassy/core/ranks.hpp>
#include <glassy/corr/tile.hpp>

#include <memory>
#include <span>
#include <vector>

namespace glassy {

class RowFold {
 public:
  // ranks == nullptr: this process computes every row, one at a time, into `whole` directly.
  // Otherwise `workers` rows may be computed at once (fewer when a reducer cannot be split).
  RowFold(Ranks* ranks, std::span<TileReducer* const> whole, std::size_t workers = 1);
  std::size_t workers() const { return partial_.size(); }
  bool root() const { return rank_ == 0; }
  // The rank that computes row i of the run (i counts the rows computed, from 0).
  int owner(std::size_t row_index) const { return static_cast<int>(row_index % size_); }
  int rank() const { return rank_; }
  // Where worker w's tiles of a row go. Assigned reducers are shared by the workers: their
  // rows write disjoint entries.
  std::span<TileReducer* const> sinks(std::size_t w) const { return sinks_[w]; }
  // After worker w computed the row whose later frames are [t1_first, t1_first + t1_count):
  // rank 0 adds it to the whole, another rank sends it to rank 0; the worker's sums are zero
  // again after.
  void own_row_done(std::size_t w, std::size_t t1_first, std::size_t t1_count);
  // Rank 0: the row that rank `from` computed, received and added.
  void receive_row(int from, std::size_t t1_first, std::size_t t1_count);
  // Every rank ends with rank 0's whole (a collective call).
  void share_whole();

 private:
  // The row's entries of every reducer, in a fixed order: the partial sums of Sums reducers,
  // the whole's entries of Assigned ones.
  template <class Visit>
  void for_each_range(std::size_t w, std::size_t t1_first, std::size_t t1_count, Visit&& visit);

  Ranks* ranks_;
  int rank_ = 0, size_ = 1;
  std::vector<TileReducer*> whole_;
  std::vector<std::vector<TileReducer*>> sinks_;                    // [worker][reducer]
  std::vector<std::vector<std::unique_ptr<TileReducer>>> partial_;  // null unless Sums
  std::vector<double> message_;
};

}  // namespace glassy
