// corr/tile: the unit the two-time correlator hands out. C(t1, t2) for t1 in one block of frames
// and t2 in an earlier (or the same) block, for one dynamic q-bin. Reducers subscribe to tiles
// and keep only what the analysis needs, so the full T x T matrix never exists in memory.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace glassy {

struct Tile {
  int bin = 0;                             // 0-based dynamic bin
  std::size_t t1_first = 0, t1_count = 0;  // rows: the later frames
  std::size_t t2_first = 0, t2_count = 0;  // columns: the earlier frames
  const double* c = nullptr;               // t1_count x t2_count, row-major; NaN: invalid frame
  // Same block on both axes: only entries with row >= column are filled (row == column is the
  // diagonal C(t, t), which carries the shot-noise term).
  bool diagonal = false;
  // Every entry the tile holds is a number (no invalid or empty frame on either axis): the
  // reducers (diagonal sums, map cells) then skip the per-pair NaN test, about half of their
  // time, with the same sums. False whenever it is not known (maps read from elsewhere).
  bool complete = false;
  double at(std::size_t i, std::size_t j) const { return c[i * t2_count + j]; }
};

class TileReducer {
 public:
  virtual ~TileReducer() = default;
  // Largest t1 - t2 in frames this reducer needs; SIZE_MAX for the whole matrix.
  virtual std::size_t max_lag_frames() const = 0;
  // One reducer gets its tiles in a fixed order, one at a time; distinct reducers may consume
  // at the same time on different threads (corr/twotime), so a reducer shares no mutable state.
  virtual void consume(const Tile& tile) = 0;
  // Named accumulators, for checkpoints: saved and restored verbatim.
  virtual std::vector<std::pair<std::string, std::vector<double>*>> state() = 0;

  // How the state of rows of tiles computed apart (another MPI rank, corr/row_fold) joins the
  // whole, in a summation order that does not depend on how the rows were shared out:
  //  Sums      every entry is a sum over pairs: a blank() reducer collects one row of tiles and
  //            is added to the whole, row after row;
  //  Assigned  every entry is written by one tile only: the row's entries are copied;
  //  Local     cannot be shared out (the run computes every row in each process).
  enum class Combine { Sums, Assigned, Local };
  virtual Combine combine() const { return Combine::Local; }
  // An empty reducer of the same shape (Combine::Sums only).
  virtual std::unique_ptr<TileReducer> blank() const { return nullptr; }
  // The entries of state vector `index` that tiles whose rows are the frames [t1_first,
  // t1_first + t1_count) can change, as [begin, end) ranges; the default is the whole vector.
  virtual std::vector<std::pair<std::size_t, std::size_t>> touched(std::size_t index,
                                                                   std::size_t t1_first,
                                                                   std::size_t t1_count) {
    return {{0, state().at(index).second->size()}};
  }
};

}  // namespace glassy
