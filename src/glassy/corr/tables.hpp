// corr/tables: the correlation tables of a Correlation (band per age, one-time g2, plateau, map,
// diagonal band) as one set: built from a TableSetup, listed for the tile producers, re-cut to
// coarser age windows, and refilled from a full-resolution map. One place builds reducers, so a
// frames run, a stored result and a foreign map give tables made the same way.
#pragma once

#include <glassy/corr/correlate.hpp>

#include <memory>
#include <vector>

namespace glassy {

// Builds c.band, c.onetime, c.plateau, c.map and c.diagonal from `setup` on c.clock (which must
// exist) and records the setup in c.setup. Existing tables are replaced.
void build_tables(Correlation& c, const TableSetup& setup);

// The tables as tile consumers, in a fixed order (band, onetime, plateau, map, diagonal).
std::vector<TileReducer*> table_reducers(const Correlation& c);

// The band re-cut to windows of `window_s`, a whole multiple k of the stored age step: each new
// window's sums are the sums of k consecutive stored windows (exact). Anything else is a one-line
// glassy::Error naming the widths that are possible.
std::unique_ptr<AgeBandReducer> merge_age_windows(const AgeBandReducer& band,
                                                  const FrameClock& clock, double window_s);

// Rebuilds every table with `setup` by replaying the stored full-resolution map (every pair
// C(t1, t2) kept) through fresh reducers; a glassy::Error when the map is downsampled.
void rebuild_tables_from_map(Correlation& c, const TableSetup& setup);

// Makes stored tables answer `want` (want.window_s: the analysis window): unchanged when only the
// window differs by a whole multiple (the analysis merges), rebuilt from a full-resolution map
// for anything else; a one-line glassy::Error naming `where` and what cannot change otherwise.
void adapt_tables(Correlation& c, const TableSetup& want, const std::string& where);

}  // namespace glassy
