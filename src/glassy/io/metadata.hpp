// io/metadata: what the experiment's geometry and timing were, as read from a frames file
// (APS/NeXus layout under /entry/instrument) and overridden from the command line.
#pragma once

#include <glassy/io/hdf5.hpp>

#include <optional>
#include <string>
#include <vector>

namespace glassy {

struct DetectorMetadata {
  std::optional<double> frame_time;     // s between frame starts
  std::optional<double> count_time;     // s of exposure per frame
  std::optional<double> x_pixel_size;   // m
  std::optional<double> y_pixel_size;   // m
  std::optional<double> distance;       // sample to detector, m
  std::optional<double> beam_center_x;  // pixels (column), may lie outside the detector
  std::optional<double> beam_center_y;  // pixels (row)
  std::optional<double> energy_kev;     // incident energy, keV
  std::optional<double> tilt_angle;     // deg between beam and detector normal (wide-angle arm)

  // Fields set in `overrides` replace ours (command-line options win over the file).
  void apply(const DetectorMetadata& overrides);
  // One line per known field, for `glassy info`.
  std::vector<std::string> describe() const;
};

// Paths of the APS 8-ID / NeXus layout glassy reads and writes.
inline constexpr const char* kDetectorGroup = "entry/instrument/detector_1";
inline constexpr const char* kEnergyPath = "entry/instrument/incident_beam/incident_energy";

DetectorMetadata read_metadata(const h5::Location& file);
void write_metadata(const h5::Location& file, const DetectorMetadata& meta);

}  // namespace glassy
