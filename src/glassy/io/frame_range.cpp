#include <glassy/core/error.hpp>
#include <glassy/io/frame_range.hpp>

namespace glassy {

FrameRangeSource::FrameRangeSource(FrameSource& source, std::size_t first, std::size_t count)
    : source_(source), first_(first) {
  const auto& whole = source.info();
  require(count > 0 && first + count <= whole.frames,
          "frame range outside the run: frames " + std::to_string(first) + " + " +
              std::to_string(count) + " of " + std::to_string(whole.frames));
  info_ = whole;
  info_.frames = count;
  info_.timestamps.clear();
  if (whole.has_times())
    for (std::size_t k = 0; k < count; ++k) info_.timestamps.push_back(whole.time(first + k));
}

void FrameRangeSource::read_dense(std::size_t first, std::size_t count, FrameBlock& out) {
  source_.read_dense(first_ + first, count, out);
  out.first = first;
}

void FrameRangeSource::read_sparse(std::size_t first, std::size_t count, SparseBlock& out) {
  source_.read_sparse(first_ + first, count, out);
  out.first = first;
}

}  // namespace glassy
