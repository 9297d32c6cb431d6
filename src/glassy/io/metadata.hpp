// io/metadata: what the experiment's geometry and timing were, as read from a frames file
// (glassy's APS/NeXus layout under /entry/instrument/detector_1, and the spellings of other
// writers: NeXus/Lambda/Eiger /entry/instrument/detector, monochromator or beam energies) and
// overridden from the command line.
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
  // Not the experiment's but the user's word on the file: where its frames are when they are not
  // at a usual path (--dataset), an HDF5 path such as /entry/instrument/eiger/data.
  std::optional<std::string> frames_dataset;

  // Fields set in `overrides` replace ours (command-line options win over the file).
  void apply(const DetectorMetadata& overrides);
  // One line per known field, for `glassy info`.
  std::vector<std::string> describe() const;
};

// Paths of the APS 8-ID / NeXus layout glassy reads and writes.
inline constexpr const char* kDetectorGroup = "entry/instrument/detector_1";
inline constexpr const char* kEnergyPath = "entry/instrument/incident_beam/incident_energy";

// What a stored number measures, so its `units` attribute can be converted to glassy's unit.
enum class Quantity {
  Time,        // s
  Length,      // m
  Energy,      // keV
  Pixel,       // detector pixels (beam centre)
  Angle,       // deg
  Wavelength,  // Å
};

// One number as writers store it: a dataset holding a single value (HDF5 scalar, [1] or [1, 1];
// any integer or float type, or a string that reads as a number), or else an attribute `name` of
// the group at `path`'s parent. A `units` attribute on the dataset is converted to glassy's unit
// for `quantity`; without one the value is taken in glassy's unit. Absent: nullopt. Present but
// unusable (an array, text, an unknown unit): glassy::Error naming the dataset and `option`, the
// command-line option that supplies the value instead.
std::optional<double> read_number(const h5::Location& file, const std::string& path,
                                  Quantity quantity, const std::string& option);
// `value` in `unit` as glassy's unit for `quantity`; Error naming `where` and `option` if the unit
// is unknown.
double to_glassy_unit(double value, const std::string& unit, Quantity quantity,
                      const std::string& where, const std::string& option);

// Every field found in the file, from the first path that holds it; a field set in `overrides` is
// not read at all (so a bad unit in the file can be bypassed with the option) and takes the
// override's value.
DetectorMetadata read_metadata(const h5::Location& file, const DetectorMetadata& overrides = {});
void write_metadata(const h5::Location& file, const DetectorMetadata& meta);

}  // namespace glassy
