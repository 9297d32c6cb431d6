#include <glassy/core/error.hpp>
#include <glassy/io/hdf5_frames.hpp>

namespace glassy {

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
    : file_(std::move(file)), data_([&] {
        require(
            file_.exists(kFramesPath),
            file_.path() +
                " has no /entry/data/data: not a frames file (glassy info tells what it holds)");
        return file_.dataset(kFramesPath);
      }()) {
  const auto dims = data_.dims();
  require(dims.size() == 3, data_.path() + " has rank " + std::to_string(dims.size()) +
                                ", expected 3 (frames, rows, columns)");
  const auto type = data_.type();
  require(type.cls == h5::TypeInfo::Integer || type.cls == h5::TypeInfo::Float,
          data_.path() + " holds " + type.describe() + ", expected integer or float intensities");
  require(dims[0] > 0, data_.path() + " holds zero frames");
  require(dims[1] > 0 && dims[2] > 0, data_.path() + " has an empty frame shape");
  info_.frames = dims[0];
  info_.height = dims[1];
  info_.width = dims[2];
  info_.meta = read_metadata(file_);
  info_.meta.apply(overrides);
  info_.timestamps = read_timestamps(file_, info_.frames);
  info_.format =
      "hdf5 dense " + type.describe() + ", compression " + h5::to_string(data_.compression());
}

void Hdf5FrameSource::read_dense(std::size_t first, std::size_t count, FrameBlock& out) {
  require(first + count <= info_.frames, data_.path() + ": frames " + std::to_string(first) + "+" +
                                             std::to_string(count) + " beyond the stack");
  const std::size_t p = info_.pixels();
  out.first = first;
  out.count = count;
  out.data.resize(count * p);
  if (count == 0) return;
  const h5::Dims start{first, 0, 0}, extent{count, info_.height, info_.width};
  // Unsigned detector counts are read in their own type and widened here: HDF5's conversion to
  // float is several times slower than this loop, and unsigned values need no NaN/sign check.
  const auto type = data_.type();
  if (type.cls == h5::TypeInfo::Integer && !type.is_signed && type.size <= 4) {
    if (type.size == 1) widen_into<std::uint8_t>(start, extent, out.data);
    if (type.size == 2) widen_into<std::uint16_t>(start, extent, out.data);
    if (type.size == 4) widen_into<std::uint32_t>(start, extent, out.data);
    return;
  }
  data_.read_block<float>(start, extent, out.data.data());
  for (std::size_t k = 0; k < count; ++k)
    validate_frame_values(out.frame(k, p), p, first + k, data_.path());
}

}  // namespace glassy
