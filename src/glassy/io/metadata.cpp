#include <glassy/io/metadata.hpp>

#include <fmt/format.h>

namespace glassy {
namespace {

struct Field {
  const char* name;  // dataset name under the detector group
  std::optional<double> DetectorMetadata::*member;
  const char* unit;
};

constexpr Field kDetectorFields[] = {
    {"frame_time", &DetectorMetadata::frame_time, "s"},
    {"count_time", &DetectorMetadata::count_time, "s"},
    {"x_pixel_size", &DetectorMetadata::x_pixel_size, "m"},
    {"y_pixel_size", &DetectorMetadata::y_pixel_size, "m"},
    {"distance", &DetectorMetadata::distance, "m"},
    {"beam_center_x", &DetectorMetadata::beam_center_x, "pixel"},
    {"beam_center_y", &DetectorMetadata::beam_center_y, "pixel"},
    {"tilt_angle", &DetectorMetadata::tilt_angle, "deg"},  // glassy's: detector on a 2theta arm
};

std::optional<double> read_optional(const h5::Location& file, const std::string& path) {
  if (!file.is_dataset(path)) return std::nullopt;
  auto values = file.read<double>(path);
  if (values.empty()) return std::nullopt;
  return values[0];
}

}  // namespace

void DetectorMetadata::apply(const DetectorMetadata& o) {
  for (const auto& f : kDetectorFields)
    if (o.*f.member) this->*f.member = o.*f.member;
  if (o.energy_kev) energy_kev = o.energy_kev;
}

std::vector<std::string> DetectorMetadata::describe() const {
  std::vector<std::string> lines;
  for (const auto& f : kDetectorFields)
    if (this->*f.member)
      lines.push_back(fmt::format("{} = {:g} {}", f.name, *(this->*f.member), f.unit));
  if (energy_kev) lines.push_back(fmt::format("incident_energy = {:g} keV", *energy_kev));
  return lines;
}

DetectorMetadata read_metadata(const h5::Location& file) {
  DetectorMetadata meta;
  for (const auto& f : kDetectorFields)
    meta.*f.member = read_optional(file, std::string(kDetectorGroup) + "/" + f.name);
  meta.energy_kev = read_optional(file, kEnergyPath);
  return meta;
}

void write_metadata(const h5::Location& file, const DetectorMetadata& meta) {
  auto detector = file.require_group(kDetectorGroup);
  for (const auto& f : kDetectorFields) {
    if (!(meta.*f.member)) continue;
    // Scalars, as APS NeXus files store them (pyXpcsViewer needs frame_time to be one number).
    auto ds = detector.write_scalar<double>(f.name, *(meta.*f.member));
    ds.attrs().set("units", f.unit);
  }
  if (meta.energy_kev) {
    auto ds = file.write_scalar<double>(kEnergyPath, *meta.energy_kev);
    ds.attrs().set("units", "keV");
  }
}

}  // namespace glassy
