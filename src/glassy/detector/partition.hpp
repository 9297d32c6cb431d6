// detector/partition: which pixels are correlated together. Dynamic bins (where correlations
// are computed) and finer static bins (where intensities are averaged for the symmetric
// normalisation) in q and phi, as 1-based maps with 0 = unused, the way APS 8-ID writes them
// (bin = iq * n_phi + iphi + 1). Also the mask and its sources.
#pragma once

#include <glassy/detector/geometry.hpp>
#include <glassy/io/hdf5.hpp>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace glassy {

struct PartitionSpec {
  double q_min = 0, q_max = 0;  // 1/A; q_max <= q_min means "every unmasked pixel"
  int dynamic_q = 1, static_q = 1;
  int dynamic_phi = 1, static_phi = 1;
  double phi_min = -180, phi_max = 180;
};

struct Partition {
  std::size_t height = 0, width = 0;
  std::vector<std::uint8_t> mask;         // 1 = usable pixel
  std::vector<std::int32_t> dynamic_map;  // 0 = unused, else 1-based bin
  std::vector<std::int32_t> static_map;
  int dynamic_q = 1, dynamic_phi = 1, static_q = 1, static_phi = 1;
  std::vector<double> dynamic_q_values, dynamic_phi_values;  // bin centres
  std::vector<double> static_q_values, static_phi_values;

  int n_dynamic() const { return dynamic_q * dynamic_phi; }
  int n_static() const { return static_q * static_phi; }
  // Flat pixel indices of each dynamic bin (index 0 = bin 1), ascending.
  std::vector<std::vector<std::uint32_t>> dynamic_pixels() const;
};

Partition make_partition(const QMap& qmap, const std::vector<std::uint8_t>& mask,
                         const PartitionSpec& spec);
// Every unmasked pixel in one dynamic and one static bin (when no geometry is known).
Partition single_bin_partition(std::size_t height, std::size_t width,
                               const std::vector<std::uint8_t>& mask);

// A q map from an APS qmap / result file: /xpcs/qmap/* or the older /data/* layout
// (dynamicMap, staticMap, mask). Its shape must match the frames.
Partition read_aps_qmap(const std::filesystem::path& file, std::size_t height, std::size_t width);
// Writes the /xpcs/qmap group pyXpcsViewer reads: the maps, their index mappings, names and
// units, and beam centre, pixel size, distance and energy as scalars (NaN when unknown).
void write_qmap(const h5::Location& file, const Partition& p, const QMap* qmap,
                const DetectorMetadata& geometry);
// The geometry a q-map file states (scalars beside the maps in /xpcs/qmap or /qmap): beam
// centre, pixel size, distance, energy; fields it lacks stay empty.
DetectorMetadata read_qmap_geometry(const std::filesystem::path& file);

// A mask from a file: HDF5 (dataset given after a colon, e.g. mask.h5:/mask, default the first
// of /mask, /xpcs/qmap/mask, /data/mask) or .npy; non-zero = usable.
std::vector<std::uint8_t> read_mask(const std::string& spec, std::size_t height, std::size_t width);

}  // namespace glassy
