// io/read_ahead: a pass over the frames in blocks, the next block read and decoded on a helper
// thread while the caller works on the current one. Reading (HDF5 filters, LZ4, gzip, type
// conversion) and the work on the frames were one after the other on one thread, the other core
// idle: the statistics pass of the paper preset's 119,400 sparse frames took a core for ~3 s.
// Two blocks of half the size the caller asks for are in memory, so a pass stays within the
// share of the budget it was given. One read at a time, so a FrameSource (which keeps file
// state) is never used by two threads at once. With an HDF5 built without thread safety the
// caller's own HDF5 calls (a conversion writes while it reads) could overlap a read: there the
// blocks are read on the caller's thread, one after the other, as before.
#pragma once

#include <glassy/io/frames.hpp>

#include <future>

namespace glassy {

class ReadAhead {
 public:
  // Blocks of max(1, block_frames / 2) frames, from frame 0 to the end.
  ReadAhead(FrameSource& source, std::size_t block_frames);
  ~ReadAhead();  // waits for a read still in flight
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // Moves to the next block (the first one on the first call); false after the last. A read's
  // error is thrown here.
  bool next();
  std::size_t first() const { return first_; }
  std::size_t count() const { return count_; }
  // The current block: sparse() for a source whose is_sparse(), dense() otherwise.
  const SparseBlock& sparse() const { return sparse_[current_]; }
  const FrameBlock& dense() const { return dense_[current_]; }

 private:
  void start(std::size_t first, std::size_t slot);

  FrameSource& source_;
  std::size_t block_, frames_;
  std::size_t first_ = 0, count_ = 0, current_ = 1;
  SparseBlock sparse_[2];
  FrameBlock dense_[2];
  bool ahead_;  // reads on a helper thread
  std::future<void> pending_;
};

}  // namespace glassy
