// io/info: a few readable lines on what a file holds (frames, photon events, results, truth),
// for `glassy info`.
#pragma once

#include <glassy/io/metadata.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace glassy {

// Frames (HDF5, .npy, EDF file/folder/glob, .imm), photon events, results, glassy's /truth; groups
// glassy did not write are listed as not understood, never an error. `overrides` as for
// open_frames (--dataset, --frame-time ...).
std::vector<std::string> describe_file(const std::filesystem::path& file,
                                       const DetectorMetadata& overrides = {});

}  // namespace glassy
