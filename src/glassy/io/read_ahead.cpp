#include <glassy/io/hdf5.hpp>
#include <glassy/io/read_ahead.hpp>

#include <algorithm>

namespace glassy {

ReadAhead::ReadAhead(FrameSource& source, std::size_t block_frames)
    : source_(source),
      block_(std::max<std::size_t>(1, block_frames / 2)),
      frames_(source.info().frames),
      // A single block has nothing to overlap with: no helper thread for it.
      ahead_(frames_ > block_ && h5::library_is_threadsafe()) {
  if (frames_ > 0) start(0, 0);
}

ReadAhead::~ReadAhead() {
  // A deferred read (no helper thread) that nobody asked for is not run.
  if (ahead_ && pending_.valid()) pending_.wait();
}

void ReadAhead::start(std::size_t first, std::size_t slot) {
  const std::size_t n = std::min(block_, frames_ - first);
  pending_ =
      std::async(ahead_ ? std::launch::async : std::launch::deferred, [this, first, n, slot] {
        if (source_.is_sparse())
          source_.read_sparse(first, n, sparse_[slot]);
        else
          source_.read_dense(first, n, dense_[slot]);
      });
}

bool ReadAhead::next() {
  if (!pending_.valid()) return false;
  pending_.get();  // the read's error, if any, is thrown here
  current_ = 1 - current_;
  first_ += count_;  // the block read is the one after the last (frame 0 first: count_ was 0)
  count_ = std::min(block_, frames_ - first_);
  // The slot being read next is the one the caller has finished with.
  if (first_ + count_ < frames_) start(first_ + count_, 1 - current_);
  return true;
}

}  // namespace glassy
