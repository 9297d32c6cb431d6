// io/sparse_frames: glassy's photon-event store, for photon-starved runs where most pixels of
// most frames are empty (wide-angle XPCS: ~0.005 photons per pixel per frame). Layout in
// docs/file-formats.md: /entry/sparse/{frame_offset[T+1], pixel[N], count[N]}.
#pragma once

#include <glassy/io/frames.hpp>
#include <glassy/io/hdf5.hpp>

namespace glassy {

class SparseFrameSource : public FrameSource {
 public:
  SparseFrameSource(h5::File file, const DetectorMetadata& overrides);
  bool is_sparse() const override { return true; }
  void read_dense(std::size_t first, std::size_t count, FrameBlock& out) override;
  void read_sparse(std::size_t first, std::size_t count, SparseBlock& out) override;
  std::uint64_t total_events() const { return offsets_.back(); }

 private:
  h5::File file_;
  h5::Dataset pixel_, count_;
  std::vector<std::uint64_t> offsets_;  // T + 1 entries: small enough to keep (8 bytes a frame)
};

}  // namespace glassy
