// corr/stored: the correlation tables kept in every corr / age result, so an analysis can be
// re-run from the result alone (no frames): /glassy/corr/state holds how the tables were built
// (TableSetup, frame spacing, origin), each frame's photon total, and every reducer's
// accumulators verbatim (state/<table>/<name>; the diagonal band as float32, which is what the
// event detection reads). With the frames' times, validity and gaps (/glassy/corr/frames), the
// weights, the q map and the metadata already in the file, a loader rebuilds the Correlation.
#pragma once

#include <glassy/corr/correlate.hpp>

#include <filesystem>

namespace glassy {

inline constexpr const char* kStoredState = "glassy/corr/state";

// Writes /glassy/corr/state (nothing when the correlation has no two-time tables).
void write_correlation_state(const h5::File& file, const Correlation& c);

// True when `file` is HDF5 with a glassy correlation (/glassy/corr), stored tables or not.
bool is_glassy_result(const std::filesystem::path& file);

// Rebuilds the Correlation of a corr or age result; one-line glassy::Error when the file has no
// stored tables (written before they were kept) or they do not fit together.
Correlation load_correlation(const std::filesystem::path& file);

}  // namespace glassy
