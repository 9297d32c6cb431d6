// corr/twotime: the two-time correlation C(t1, t2) = <I1 I2>_p / (<I1>_p <I2>_p) per dynamic
// q-bin (the paper's Eq. 1), produced tile by tile and handed to reducers.
//  - dense path: numerators of a tile by BLAS (DSYRK on the diagonal, DGEMM off it) on blocks of
//    frames, exact in double for integer counts;
//  - sparse path for photon-starved data: per-pixel photon-event lists of each block, pairs
//    accumulated into the tile (Chushkin et al.'s event correlation);
//  - chosen from the measured photon density unless forced; both give the same numbers.
// Intensities are weighted per pixel (the flat-field correction: C of g_p I), and frames marked
// invalid (no photons, beam loss) give NaN entries that every reducer skips.
#pragma once

#include <glassy/core/memory_budget.hpp>
#include <glassy/core/ranks.hpp>
#include <glassy/corr/tile.hpp>
#include <glassy/detector/partition.hpp>
#include <glassy/io/frames.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>

namespace glassy {

enum class CorrPath { Auto, Dense, Sparse };
CorrPath parse_corr_path(const std::string& name);  // auto|dense|sparse
std::string to_string(CorrPath p);

struct TwoTimeOptions {
  CorrPath path = CorrPath::Auto;
  std::size_t block_frames = 0;  // 0: chosen from the budget and path
  MemoryBudget budget;
  // Auto picks sparse below this fraction of non-zero pixel-frames.
  double sparse_below_nonzero = 0.1;
  double nonzero_fraction = 1.0;  // measured (prep/frame_stats)
  // Checkpointing: reducer state and progress are saved to this file every `checkpoint_seconds`;
  // with resume, a run continues from it (the inputs must be the same).
  std::optional<std::filesystem::path> checkpoint;
  double checkpoint_seconds = 60;
  bool resume = false;
  // For tests: called after each completed row of tiles; returning false stops the run early
  // (as an interruption would), after the checkpoint is written.
  std::function<bool(std::size_t rows_done)> after_row;
  // Only the tiles that hold pairs t2 < straddle <= t1 (frame numbers of this source) are
  // computed: the pairs across a cut (corr/straddle), at a fraction of the whole triangle.
  std::optional<std::size_t> straddle;
  // The MPI ranks that share the rows of tiles (corr/row_fold; each rank calls run_twotime with
  // the same inputs, rank 0 writes the checkpoints and every rank ends with the whole tables);
  // nullptr: this process computes every row, straight into the reducers. after_row works with
  // one rank only (it stops one process).
  Ranks* ranks = nullptr;
};

struct TwoTimeInputs {
  const Partition& partition;
  std::vector<double> weights;            // per pixel (1 without flat-field correction)
  std::vector<std::uint8_t> frame_valid;  // per frame
};

struct TwoTimeReport {
  CorrPath path = CorrPath::Dense;
  std::size_t block_frames = 0, tiles = 0, block_reads = 0;
  std::size_t workers = 1;  // rows computed at once (fewer when the budget is tight)
  // Frame blocks: the budget's share left to them after the tables, and the most alive at once
  // (within the share, give or take one block).
  std::size_t block_budget_bytes = 0, peak_block_bytes = 0;
  double seconds = 0;
  bool completed = true;  // false when after_row stopped it
  bool resumed = false;
};

TwoTimeReport run_twotime(FrameSource& source, const TwoTimeInputs& inputs,
                          const TwoTimeOptions& options, std::span<TileReducer* const> reducers);

}  // namespace glassy
