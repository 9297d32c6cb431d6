// corr/straddle: cutting the age band at intermittent events and beam-loss gaps. A window's
// g2(t, t_a) near an event mixes pairs from before and after it: the pairs that straddle it have
// decorrelated by the event, not by the dynamics, and make the window's tau look short (30 % on
// an easy synthetic run). Events are found only after the correlation (from its diagonal band),
// so the straddling pairs are removed afterwards: the frames within the band's longest lag of
// each cut are correlated again, only the pairs t2 < cut <= t1 are kept, and their sums are
// subtracted from the band (exactly the pairs the first pass added; a pair straddling two cuts is
// removed once).
#pragma once

#include <glassy/core/memory_budget.hpp>
#include <glassy/corr/correlate.hpp>

#include <cstddef>
#include <vector>

namespace glassy {

struct StraddleRemoval {
  std::vector<std::size_t> cut_frames;  // first frame after each cut, ascending
  double pairs_removed = 0;             // over all q bins and lag bins
  std::size_t reach_frames = 0;         // the longest lag of the pairs removed
  double seconds = 0;
};

// The first frame after each gap of the run (c.stats.gaps), for cutting at beam losses.
std::vector<std::size_t> frames_after_gaps(const Correlation& c);

// Removes from c.band every pair (t1, t2) with t2 < cut <= t1 and t1 - t2 <= reach_frames for a
// cut in cut_frames (any order, duplicates ignored). reach_frames 0, or beyond the band's longest
// lag: that lag. `source` must be the frames c was made from. The cost is ~reach^2 pairs per cut.
StraddleRemoval remove_straddling_pairs(FrameSource& source, Correlation& c,
                                        std::vector<std::size_t> cut_frames,
                                        const MemoryBudget& budget, std::size_t reach_frames = 0);

}  // namespace glassy
