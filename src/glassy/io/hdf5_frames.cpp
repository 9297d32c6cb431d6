#include <glassy/core/error.hpp>
#include <glassy/io/hdf5_frames.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <regex>

namespace glassy {
namespace {

// Where writers put a frame stack, tried in order.
constexpr const char* kFramePaths[] = {
    kFramesPath,                       // glassy, APS 8-ID, Eiger files written by h5py
    "entry/instrument/detector/data",  // NeXus NXdetector (X-Spectrum Lambda .nxs)
    "entry_0000/measurement/data",     // ESRF LIMA
};

// Eiger master files: /entry/data/data_000001, data_000002, ... external links to data files,
// each a slice of the run.
std::vector<std::string> eiger_parts(const h5::File& file) {
  if (!file.is_group("entry/data")) return {};
  std::vector<std::string> names;
  const std::regex part("data_\\d{6}");
  for (const auto& name : file.group("entry/data").children())
    if (std::regex_match(name, part)) names.push_back("entry/data/" + name);
  std::sort(names.begin(), names.end());
  for (const auto& name : names)
    require(file.is_dataset(name), file.path() + "/" + name +
                                       " cannot be opened: an external link whose data file is "
                                       "missing? (keep the master file beside its data files)");
  return names;
}

std::string strip_slash(const std::string& path) {
  const auto b = path.find_first_not_of('/');
  return b == std::string::npos ? "" : path.substr(b);
}

}  // namespace

std::vector<std::string> find_frame_datasets(const h5::File& file,
                                             const std::optional<std::string>& dataset) {
  if (dataset) {
    const std::string path = strip_slash(*dataset);
    require(!path.empty() && file.is_dataset(path),
            "--dataset " + *dataset + ": " + file.path() + " has no such dataset");
    return {path};
  }
  for (const char* path : kFramePaths)
    if (file.is_dataset(path)) return {path};
  return eiger_parts(file);
}

std::vector<double> read_timestamps(const h5::Location& file, std::size_t frames) {
  if (!file.is_dataset(kTimestampPath)) return {};
  auto t = file.read<double>(kTimestampPath);
  require(t.size() == frames, file.path() + kTimestampPath + " has " + std::to_string(t.size()) +
                                  " entries for " + std::to_string(frames) + " frames");
  for (std::size_t i = 1; i < t.size(); ++i)
    require(t[i] > t[i - 1], [&] {
      return file.path() + kTimestampPath + " is not increasing at frame " + std::to_string(i);
    });
  return t;
}

Hdf5FrameSource::Hdf5FrameSource(h5::File file, const DetectorMetadata& overrides)
    : file_(std::move(file)) {
  const auto paths = find_frame_datasets(file_, overrides.frames_dataset);
  require(!paths.empty(), file_.path() +
                              " has no /entry/data/data, /entry/instrument/detector/data or "
                              "/entry_0000/measurement/data (frames): give their path with "
                              "--dataset (glassy info tells what it holds)");
  h5::TypeInfo type;
  for (const auto& path : paths) {
    auto data = file_.dataset(path);
    const auto dims = data.dims();
    require(dims.size() == 3, data.path() + " has rank " + std::to_string(dims.size()) +
                                  ", expected 3 (frames, rows, columns)");
    const auto t = data.type();
    require(t.cls == h5::TypeInfo::Integer || t.cls == h5::TypeInfo::Float,
            data.path() + " holds " + t.describe() + ", expected integer or float intensities");
    require(dims[1] > 0 && dims[2] > 0, data.path() + " has an empty frame shape");
    // A writer that created the dataset and stopped before writing (or a forged file) would
    // otherwise be "read" as hours of fill values.
    require(dims[0] == 0 || data.has_written_data(),
            fmt::format("{} claims {} frames of {} x {} but holds no data (nothing was written): "
                        "the acquisition did not finish; give a complete file",
                        data.path(), dims[0], dims[1], dims[2]),
            ErrorKind::Format);
    if (parts_.empty()) {
      info_.height = dims[1];
      info_.width = dims[2];
      type = t;
    }
    require(dims[1] == info_.height && dims[2] == info_.width, [&] {
      return data.path() + " has frames of another shape than " + parts_.front().data.path();
    });
    parts_.push_back({std::move(data), info_.frames, dims[0]});
    info_.frames += dims[0];
  }
  require(info_.frames > 0, parts_.front().data.path() + " holds zero frames");
  info_.meta = read_metadata(file_, overrides);
  info_.timestamps = read_timestamps(file_, info_.frames);
  info_.format = "hdf5 dense " + type.describe() + ", compression " +
                 h5::to_string(parts_.front().data.compression());
  if (parts_.size() > 1)
    info_.format += ", " + std::to_string(parts_.size()) + " linked data files";
  if (paths.front() != kFramesPath) info_.format += ", at /" + paths.front();
}

void Hdf5FrameSource::read_dense(std::size_t first, std::size_t count, FrameBlock& out) {
  require(first + count <= info_.frames, file_.path() + ": frames " + std::to_string(first) + "+" +
                                             std::to_string(count) + " beyond the stack");
  const std::size_t p = info_.pixels();
  out.first = first;
  out.count = count;
  out.data.resize(count * p);
  for (const auto& part : parts_) {
    const std::size_t lo = std::max(first, part.first);
    const std::size_t hi = std::min(first + count, part.first + part.frames);
    if (lo < hi) read_part(part, lo - part.first, hi - lo, out.data.data() + (lo - first) * p);
  }
}

void Hdf5FrameSource::read_part(const Part& part, std::size_t first, std::size_t count,
                                float* out) {
  const std::size_t p = info_.pixels(), n = count * p;
  const h5::Dims start{first, 0, 0}, extent{count, info_.height, info_.width};
  // Unsigned detector counts are read in their own type and widened here: HDF5's conversion to
  // float is several times slower than this loop, and unsigned values need no NaN/sign check.
  const auto type = part.data.type();
  if (type.cls == h5::TypeInfo::Integer && !type.is_signed && type.size <= 4) {
    if (type.size == 1) widen_into<std::uint8_t>(part.data, start, extent, n, out);
    if (type.size == 2) widen_into<std::uint16_t>(part.data, start, extent, n, out);
    if (type.size == 4) widen_into<std::uint32_t>(part.data, start, extent, n, out);
    return;
  }
  part.data.read_block<float>(start, extent, out);
  for (std::size_t k = 0; k < count; ++k)
    validate_frame_values(out + k * p, p, part.first + first + k, part.data.path());
}

}  // namespace glassy
