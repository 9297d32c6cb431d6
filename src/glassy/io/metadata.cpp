#include <glassy/core/error.hpp>
#include <glassy/io/metadata.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace glassy {
namespace {

struct Field {
  const char* name;  // dataset name under glassy's detector group
  std::optional<double> DetectorMetadata::*member;
  const char* unit;  // glassy's unit, written as the `units` attribute
  Quantity quantity;
  const char* option;  // the command-line option that supplies it
  // Where other writers keep it, tried in order after glassy's own path.
  std::vector<const char*> elsewhere;
};

// NeXus NXdetector (Lambda .nxs, Eiger master files, most beamline writers) keeps the same names
// under /entry/instrument/detector; Eiger calls the distance detector_distance.
const std::vector<Field>& detector_fields() {
  static const std::vector<Field> fields = {
      {"frame_time",
       &DetectorMetadata::frame_time,
       "s",
       Quantity::Time,
       "--frame-time SECONDS",
       {"entry/instrument/detector/frame_time"}},
      {"count_time",
       &DetectorMetadata::count_time,
       "s",
       Quantity::Time,
       "a corrected `units` attribute (count_time has no option)",
       {"entry/instrument/detector/count_time"}},
      {"x_pixel_size",
       &DetectorMetadata::x_pixel_size,
       "m",
       Quantity::Length,
       "--pixel-size METRES",
       {"entry/instrument/detector/x_pixel_size"}},
      {"y_pixel_size",
       &DetectorMetadata::y_pixel_size,
       "m",
       Quantity::Length,
       "--pixel-size METRES",
       {"entry/instrument/detector/y_pixel_size"}},
      {"distance",
       &DetectorMetadata::distance,
       "m",
       Quantity::Length,
       "--distance METRES",
       {"entry/instrument/detector/distance", "entry/instrument/detector/detector_distance"}},
      {"beam_center_x",
       &DetectorMetadata::beam_center_x,
       "pixel",
       Quantity::Pixel,
       "--beam-center X Y",
       {"entry/instrument/detector/beam_center_x"}},
      {"beam_center_y",
       &DetectorMetadata::beam_center_y,
       "pixel",
       Quantity::Pixel,
       "--beam-center X Y",
       {"entry/instrument/detector/beam_center_y"}},
      // glassy's own: the detector on a 2theta arm.
      {"tilt_angle",
       &DetectorMetadata::tilt_angle,
       "deg",
       Quantity::Angle,
       "a corrected `units` attribute (tilt_angle has no option)",
       {}},
  };
  return fields;
}

constexpr const char* kEnergyOption = "--energy KEV";
// Energies as NeXus writers store them (NXbeam, NXmonochromator; usually in eV), then
// wavelengths (Eiger masters write NXbeam incident_wavelength in Å).
constexpr const char* kEnergyElsewhere[] = {"entry/instrument/beam/incident_energy",
                                            "entry/instrument/monochromator/energy"};
constexpr const char* kWavelengthPaths[] = {"entry/instrument/beam/incident_wavelength",
                                            "entry/instrument/monochromator/wavelength"};
constexpr double kHcKevAngstrom = 12.398419843320026;  // h c in keV Å (CODATA 2018)

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

struct Unit {
  const char* name;
  double factor;
};

// Known units per quantity, lower case (units are matched ignoring case: writers say keV, KeV and
// kev alike). The factor takes a value in that unit to glassy's.
const std::vector<Unit>& units_of(Quantity q) {
  static const std::vector<Unit> time = {
      {"s", 1},       {"sec", 1},   {"second", 1}, {"seconds", 1}, {"ms", 1e-3},
      {"msec", 1e-3}, {"us", 1e-6}, {"µs", 1e-6},  {"μs", 1e-6},   {"ns", 1e-9}};
  static const std::vector<Unit> length = {
      {"m", 1},         {"meter", 1},      {"metre", 1}, {"meters", 1}, {"metres", 1},
      {"cm", 1e-2},     {"mm", 1e-3},      {"um", 1e-6}, {"µm", 1e-6},  {"μm", 1e-6},
      {"micron", 1e-6}, {"microns", 1e-6}, {"nm", 1e-9}};
  static const std::vector<Unit> energy = {{"kev", 1}, {"ev", 1e-3}, {"mev", 1e3}};
  static const std::vector<Unit> pixel = {{"pixel", 1}, {"pixels", 1}, {"px", 1}};
  static const std::vector<Unit> angle = {
      {"deg", 1}, {"degree", 1}, {"degrees", 1}, {"rad", 180.0 / M_PI}, {"radian", 180.0 / M_PI}};
  static const std::vector<Unit> wavelength = {
      {"angstrom", 1}, {"å", 1}, {"a", 1}, {"nm", 10}, {"m", 1e10}};
  switch (q) {
    case Quantity::Time:
      return time;
    case Quantity::Length:
      return length;
    case Quantity::Energy:
      return energy;
    case Quantity::Pixel:
      return pixel;
    case Quantity::Angle:
      return angle;
    case Quantity::Wavelength:
      return wavelength;
  }
  return time;
}

// The units attribute of a dataset, "" when absent.
std::string units_attribute(const h5::Attributes& attrs) {
  for (const char* key : {"units", "unit"})
    if (attrs.has(key) && attrs.type(key).cls == h5::TypeInfo::String)
      return trim(attrs.get_string(key));
  return "";
}

// A number written as text ("0.1", "0.1 s"): the value, and the unit after it if any.
std::optional<std::pair<double, std::string>> parse_text_number(const std::string& text) {
  const std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || !std::isfinite(v)) return std::nullopt;
  return std::make_pair(v, trim(end));
}

std::pair<std::string, std::string> split_parent(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace

double to_glassy_unit(double value, const std::string& unit, Quantity quantity,
                      const std::string& where, const std::string& option) {
  const std::string u = lower(trim(unit));
  if (u.empty()) return value;
  std::string known;
  for (const auto& candidate : units_of(quantity)) {
    if (u == candidate.name) return value * candidate.factor;
    known += (known.empty() ? "" : ", ") + std::string(candidate.name);
  }
  throw Error(
      fmt::format("{} has units '{}', which glassy does not know here (known: {}); fix the "
                  "attribute or give {}",
                  where, unit, known, option));
}

std::optional<double> read_number(const h5::Location& file, const std::string& path,
                                  Quantity quantity, const std::string& option) {
  const std::string where = file.path() + "/" + path;
  if (file.is_dataset(path)) {
    const auto ds = file.dataset(path);
    const std::string unit = units_attribute(ds.attrs());
    const auto type = ds.type();
    const auto n = h5::element_count(ds.dims());
    if (type.cls == h5::TypeInfo::String) {
      const auto parsed = n == 1 ? parse_text_number(file.read_string(path)) : std::nullopt;
      require(parsed.has_value(),
              where + " holds text that is not a number; fix it or give " + option);
      const std::string text_unit = parsed->second.empty() ? unit : parsed->second;
      return to_glassy_unit(parsed->first, text_unit, quantity, where, option);
    }
    require(type.cls == h5::TypeInfo::Integer || type.cls == h5::TypeInfo::Float,
            where + " holds " + type.describe() + ", not a number; give " + option);
    if (n == 0) return std::nullopt;
    require(n == 1, fmt::format("{} holds {} values where one number was expected; give {}", where,
                                n, option));
    return to_glassy_unit(ds.read_all<double>()[0], unit, quantity, where, option);
  }
  // Some writers keep a number as an attribute of the group instead (NeXus allows both).
  const auto [parent, name] = split_parent(path);
  if (parent.empty() || !file.is_group(parent)) return std::nullopt;
  const auto group = file.group(parent);  // alive while its attributes are read
  const auto attrs = group.attrs();
  if (!attrs.has(name)) return std::nullopt;
  const std::string at = file.path() + "/" + parent + "@" + name;
  if (attrs.type(name).cls == h5::TypeInfo::String) {
    const auto parsed = parse_text_number(attrs.get_string(name));
    require(parsed.has_value(), at + " holds text that is not a number; fix it or give " + option);
    return to_glassy_unit(parsed->first, parsed->second, quantity, at, option);
  }
  const auto values = attrs.get_doubles(name);
  if (values.empty()) return std::nullopt;
  require(values.size() == 1,
          fmt::format("{} holds {} values where one number was expected; give {}", at,
                      values.size(), option));
  return values[0];
}

void DetectorMetadata::apply(const DetectorMetadata& o) {
  for (const auto& f : detector_fields())
    if (o.*f.member) this->*f.member = o.*f.member;
  if (o.energy_kev) energy_kev = o.energy_kev;
  if (o.frames_dataset) frames_dataset = o.frames_dataset;
}

std::vector<std::string> DetectorMetadata::describe() const {
  std::vector<std::string> lines;
  for (const auto& f : detector_fields())
    if (this->*f.member)
      lines.push_back(fmt::format("{} = {:g} {}", f.name, *(this->*f.member), f.unit));
  if (energy_kev) lines.push_back(fmt::format("incident_energy = {:g} keV", *energy_kev));
  return lines;
}

DetectorMetadata read_metadata(const h5::Location& file, const DetectorMetadata& overrides) {
  DetectorMetadata meta;
  for (const auto& f : detector_fields()) {
    if (overrides.*f.member) continue;
    auto& value = meta.*f.member;
    value = read_number(file, std::string(kDetectorGroup) + "/" + f.name, f.quantity, f.option);
    for (const char* path : f.elsewhere)
      if (!value) value = read_number(file, path, f.quantity, f.option);
  }
  if (!overrides.energy_kev) {
    meta.energy_kev = read_number(file, kEnergyPath, Quantity::Energy, kEnergyOption);
    for (const char* path : kEnergyElsewhere)
      if (!meta.energy_kev)
        meta.energy_kev = read_number(file, path, Quantity::Energy, kEnergyOption);
    for (const char* path : kWavelengthPaths) {
      if (meta.energy_kev) break;
      const auto lambda = read_number(file, path, Quantity::Wavelength, kEnergyOption);
      if (lambda) {
        require(*lambda > 0,
                file.path() + "/" + path + " is not a positive wavelength; give " + kEnergyOption);
        meta.energy_kev = kHcKevAngstrom / *lambda;
      }
    }
  }
  meta.apply(overrides);
  return meta;
}

void write_metadata(const h5::Location& file, const DetectorMetadata& meta) {
  auto detector = file.require_group(kDetectorGroup);
  for (const auto& f : detector_fields()) {
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
