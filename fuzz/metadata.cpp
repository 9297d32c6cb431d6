// libFuzzer target: the detector metadata reader (io/metadata.cpp) on files whose metadata
// datasets have the shapes, types and units the input picks (see h5_input.hpp). Any file must
// either be read or throw glassy::Error: no crash, leak or undefined behaviour.
#include "h5_input.hpp"

#include <glassy/core/error.hpp>
#include <glassy/io/metadata.hpp>

#include <cstdlib>

namespace {

// Every dataset read_metadata looks for (io/metadata.cpp), beside the detector group.
const char* const kNames[] = {"frame_time", "count_time",    "x_pixel_size",  "y_pixel_size",
                              "distance",   "beam_center_x", "beam_center_y", "tilt_angle"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace glassy;
  FuzzedDataProvider in(data, size);
  const fuzz::EntryScope scope;
  try {
    const auto& file = fuzz::shared_file();
    fuzz::make_groups(file.id(), glassy::kDetectorGroup);
    fuzz::make_groups(file.id(), "entry/instrument/incident_beam");
    const auto group = file.group(glassy::kDetectorGroup);
    std::vector<std::pair<hid_t, std::string>> fields;
    for (const char* name : kNames) fields.emplace_back(group.id(), name);
    fields.emplace_back(file.id(), glassy::kEnergyPath);
    for (const auto& [loc, name] : fields) {
      if (in.remaining_bytes() == 0) break;
      switch (in.ConsumeIntegralInRange<int>(0, 3)) {
        case 0:
          break;   // absent
        case 1: {  // a group where a dataset belongs
          h5::Handle g(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       H5Gclose);
          break;
        }
        default: {  // a dataset, with or without a units attribute of any type
          fuzz::write_fuzzed(loc, name, false, in);
          if (in.ConsumeBool()) {
            h5::Handle d(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
            if (d.valid()) fuzz::write_fuzzed(d.id(), "units", true, in);
          }
        }
      }
    }
    const auto meta = read_metadata(file);
    for (const auto& line : meta.describe())
      if (line.empty()) std::abort();
  } catch (const Error&) {
  }
  return 0;
}
