// io/info: a few readable lines on what a file holds (frames, photon events, results, truth),
// for `glassy info`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace glassy {

std::vector<std::string> describe_file(const std::filesystem::path& file);

}  // namespace glassy
