#include <glassy/core/error.hpp>
#include <glassy/io/hdf5_frames.hpp>
#include <glassy/io/sparse_frames.hpp>

#include <algorithm>

namespace glassy {

SparseFrameSource::SparseFrameSource(h5::File file, const DetectorMetadata& overrides)
    : file_(std::move(file)),
      pixel_(file_.dataset(std::string(kSparseGroup) + "/pixel")),
      count_(file_.dataset(std::string(kSparseGroup) + "/count")) {
  const auto group = file_.group(kSparseGroup);
  const std::string where = group.path();
  offsets_ = group.read<std::uint64_t>("frame_offset");
  require(offsets_.size() >= 2, where + " holds zero frames");
  require(offsets_.front() == 0, where + "/frame_offset must start at 0");
  for (std::size_t i = 1; i < offsets_.size(); ++i)
    require(offsets_[i] >= offsets_[i - 1],
            where + "/frame_offset decreases at frame " + std::to_string(i - 1));
  const auto n = pixel_.dims();
  require(n.size() == 1 && count_.dims() == n,
          where + ": pixel and count must be 1-D of equal length");
  require(n[0] == offsets_.back(), where + ": frame_offset ends at " +
                                       std::to_string(offsets_.back()) + " but there are " +
                                       std::to_string(n[0]) + " events (truncated file?)");
  info_.frames = offsets_.size() - 1;
  // Checked as stored (signed), before any size arithmetic: pixels are uint32 flat indices, so a
  // frame holds at most 2^32 of them, and height * width cannot wrap around.
  const auto height = group.attrs().get_int("height"), width = group.attrs().get_int("width");
  require(height > 0 && width > 0 && height <= (std::int64_t{1} << 32) / width,
          where + ": height and width must be positive and hold at most 2^32 pixels (got " +
              std::to_string(height) + " x " + std::to_string(width) + ")");
  info_.height = static_cast<std::size_t>(height);
  info_.width = static_cast<std::size_t>(width);
  info_.meta = read_metadata(file_, overrides);
  info_.timestamps = read_timestamps(file_, info_.frames);
  info_.format = "sparse events (" + std::to_string(offsets_.back()) + " events, compression " +
                 h5::to_string(pixel_.compression()) + ")";
}

void SparseFrameSource::read_sparse(std::size_t first, std::size_t count, SparseBlock& out) {
  require(first + count <= info_.frames, file_.path() + ": frames beyond the stack");
  const std::uint64_t begin = offsets_[first], end = offsets_[first + count];
  out.first = first;
  out.count = count;
  out.offsets.resize(count + 1);
  for (std::size_t k = 0; k <= count; ++k) out.offsets[k] = offsets_[first + k] - begin;
  out.pixel.resize(end - begin);
  out.counts.resize(end - begin);
  if (end > begin) {
    pixel_.read_block<std::uint32_t>({begin}, {end - begin}, out.pixel.data());
    count_.read_block<std::uint32_t>({begin}, {end - begin}, out.counts.data());
  }
  const std::size_t pixels = info_.pixels();  // up to 2^32: no uint32 would hold it
  for (std::size_t k = 0; k < count; ++k) {
    for (std::uint64_t e = out.offsets[k]; e < out.offsets[k + 1]; ++e) {
      if (out.pixel[e] >= pixels || out.counts[e] == 0 ||
          (e > out.offsets[k] && out.pixel[e] <= out.pixel[e - 1]))
        throw Error(file_.path() + kSparseGroup + ": frame " + std::to_string(first + k) +
                    " has an invalid event (pixel out of range, zero count or unsorted pixels)");
    }
  }
}

void SparseFrameSource::read_dense(std::size_t first, std::size_t count, FrameBlock& out) {
  SparseBlock sparse;
  read_sparse(first, count, sparse);
  const std::size_t p = info_.pixels();
  out.first = first;
  out.count = count;
  out.data.assign(count * p, 0.0f);
  for (std::size_t k = 0; k < count; ++k)
    for (std::uint64_t e = sparse.offsets[k]; e < sparse.offsets[k + 1]; ++e)
      out.data[k * p + sparse.pixel[e]] = static_cast<float>(sparse.counts[e]);
}

}  // namespace glassy
