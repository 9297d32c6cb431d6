// io/frames: the one way glassy reads detector frames, whatever the file holds.
// A FrameSource gives the stack's shape, timing and metadata, and hands out consecutive frames in
// blocks (dense floats or sparse photon events), so callers stream a run of any length under a
// memory budget. Sources: HDF5 stacks [T,H,W] (io/hdf5_frames), .npy [T,H,W], glassy's sparse
// events, ESRF EDF frames (io/edf_frames) and APS IMM files (io/imm_frames).
#pragma once

#include <glassy/core/memory_budget.hpp>
#include <glassy/io/metadata.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace glassy {

inline constexpr const char* kFramesPath = "entry/data/data";
inline constexpr const char* kTimestampPath = "entry/data/timestamp";  // s, per frame (optional)
inline constexpr const char* kSparseGroup = "entry/sparse";

struct FrameInfo {
  std::size_t frames = 0, height = 0, width = 0;
  DetectorMetadata meta;
  std::vector<double> timestamps;  // per-frame start times in s; empty: i * frame_time
  std::string format;              // "hdf5 dense uint16 bslz4", "npy <u2", "sparse events"
  std::size_t pixels() const { return height * width; }
  // Start time of frame i: the stored timestamp, else i * frame_time (error when neither exists).
  double time(std::size_t i) const;
  // The frame spacing (s): the stated frame time, else the first step of the timestamps, else 1;
  // throws when it is not positive.
  double step() const;
  bool has_times() const { return !timestamps.empty() || meta.frame_time.has_value(); }
  // Throws the one message for a run whose frame times are unknown (it names --frame-time).
  void require_times() const;
};

// Frames [first, first + count) as row-major floats [count][height][width].
// Floats are exact for integer counts below 2^24, far above any pixel's counts per frame.
struct FrameBlock {
  std::size_t first = 0, count = 0;
  std::vector<float> data;
  const float* frame(std::size_t k, std::size_t pixels) const { return data.data() + k * pixels; }
};

// Frames [first, first + count) as photon events: for frame k, entries offsets[k]..offsets[k+1]
// of `pixel` (flat index row * width + col, ascending) and `count` (photons, > 0).
struct SparseBlock {
  std::size_t first = 0, count = 0;
  std::vector<std::uint64_t> offsets;
  std::vector<std::uint32_t> pixel;
  std::vector<std::uint32_t> counts;
  std::size_t events() const { return pixel.size(); }
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  const FrameInfo& info() const { return info_; }
  virtual bool is_sparse() const { return false; }

  // Reads frames [first, first + count). Values are validated: NaN, infinite or negative
  // intensities raise glassy::Error naming the frame.
  virtual void read_dense(std::size_t first, std::size_t count, FrameBlock& out) = 0;
  // Default: read dense and keep the non-zero pixels (counts must then be integers).
  virtual void read_sparse(std::size_t first, std::size_t count, SparseBlock& out);

  // How many frames of this source a dense block may hold within `share` of the budget, and at
  // most kStreamBlockBytes: a streaming pass reuses its block buffer, so a larger one only costs
  // fresh pages (a 512 MiB block per pass was a seventh of a whole multi-tau run in the kernel
  // zeroing them) without reading any faster.
  static constexpr std::size_t kStreamBlockBytes = std::size_t{64} << 20;
  std::size_t frames_per_block(const MemoryBudget& budget, double share = 0.5) const;

 protected:
  FrameInfo info_;
};

// Opens frames by content and name: HDF5 (frames at a usual path or overrides.frames_dataset, or
// glassy's /entry/sparse events), .npy, APS .imm, ESRF EDF (.edf, .edf.gz: one file, the first
// file of a numbered series, a folder, or a quoted glob such as "run/img_*.edf.gz").
// Metadata found in the file is replaced by any field set in `overrides`.
std::unique_ptr<FrameSource> open_frames(const std::filesystem::path& file,
                                         const DetectorMetadata& overrides = {});

// Streams every frame of `source` once, in order, `block_frames` at a time: photon-event sources
// call on_events(frame, pixel, count, n) with the frame's events, dense ones call
// on_dense(frame, values). Each consumer handles the representation it gets natively, so sparse
// runs are never expanded to dense frames. `advance(n)` is called after each block (progress).
struct FrameVisitor {
  std::function<void(std::size_t, const std::uint32_t*, const std::uint32_t*, std::size_t)>
      on_events;
  std::function<void(std::size_t, const float*)> on_dense;
  std::function<void(std::size_t)> advance;
};
void for_each_frame(FrameSource& source, std::size_t block_frames, const FrameVisitor& visitor);

// Shared validation for every reader: throws on NaN, infinite or negative values.
void validate_frame_values(const float* data, std::size_t n, std::size_t frame,
                           const std::string& where);

}  // namespace glassy
