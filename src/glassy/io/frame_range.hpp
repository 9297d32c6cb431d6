// io/frame_range: frames [first, first + count) of another source as a source of their own, so a
// correlation can be re-run over a stretch of a run (the pairs around an intermittent event)
// without reading the rest.
#pragma once

#include <glassy/io/frames.hpp>

namespace glassy {

class FrameRangeSource : public FrameSource {
 public:
  // `source` must outlive this view. Frame k here is frame first + k there; times keep the run's
  // clock (timestamps are sliced, or made from the frame time when the run has none).
  FrameRangeSource(FrameSource& source, std::size_t first, std::size_t count);
  bool is_sparse() const override { return source_.is_sparse(); }
  void read_dense(std::size_t first, std::size_t count, FrameBlock& out) override;
  void read_sparse(std::size_t first, std::size_t count, SparseBlock& out) override;

 private:
  FrameSource& source_;
  std::size_t first_;
};

}  // namespace glassy
