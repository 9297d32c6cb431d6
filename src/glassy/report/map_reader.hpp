// report/map_reader (internal to report/*data*): a two-time map as glassy and the APS layout
// store it (/xpcs/twotime/correlation_map/c2_NNNNN, the upper triangle when
// populated_elements = upper_half, cell_seconds, map_start_time on /xpcs/twotime), mirrored to a
// full square.
#pragma once

#include <glassy/io/hdf5.hpp>

#include <string>
#include <vector>

namespace glassy::report {

struct StoredMap {
  std::vector<double> values;  // side x side, row-major
  std::size_t side = 0;
  double start = 0, cell_seconds = 0;
};

// False when the dataset is absent; glassy::Error when it is there but not a square map.
bool read_stored_map(const h5::File& file, const std::string& name, StoredMap& out);

}  // namespace glassy::report
