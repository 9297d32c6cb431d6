// detector/geometry: momentum transfer q and azimuth phi of every pixel from the beam energy,
// the sample-detector distance, the pixel size and where the direct beam meets the detector
// plane. Small-angle detectors sit perpendicular to the beam; wide-angle ones (the paper: 2theta
// ~ 41 deg, direct beam far off the detector) sit on an arm, perpendicular to the scattered ray
// at the tilt angle, with the direct beam's crossing of the (extended) detector plane given as
// the beam centre.
#pragma once

#include <glassy/io/metadata.hpp>

#include <cstddef>
#include <vector>

namespace glassy {

struct Geometry {
  double energy_kev = 0;
  double distance = 0;                // m, sample to the detector plane (perpendicular)
  double pixel_x = 0, pixel_y = 0;    // m
  double center_x = 0, center_y = 0;  // direct beam on the detector plane, pixels (column, row)
  double tilt_deg = 0;  // angle between the beam and the plane's normal (the arm's 2theta)

  double wavelength() const;  // Angstrom
  // Builds it from file metadata; throws glassy::Error naming every missing field.
  static Geometry from_metadata(const DetectorMetadata& meta);
};

struct QMap {
  std::size_t height = 0, width = 0;
  std::vector<double> q;          // 1/A, per pixel (row-major)
  std::vector<double> phi;        // deg in (-180, 180], azimuth around the beam
  std::vector<double> two_theta;  // deg
};

QMap compute_qmap(const Geometry& g, std::size_t height, std::size_t width);

}  // namespace glassy
