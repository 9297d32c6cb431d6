// io/frame_writer: streams frames into a new frames file, dense (/entry/data/data, chunked and
// optionally compressed, extendible along T) or sparse photon events (/entry/sparse), in
// bounded memory. Both accept frames as dense arrays or as event lists.
#pragma once

#include <glassy/io/frames.hpp>
#include <glassy/io/hdf5.hpp>

#include <memory>
#include <span>

namespace glassy {

enum class FrameLayout { Dense, Sparse };
FrameLayout parse_layout(const std::string& name);  // dense|sparse

struct FrameFileSpec {
  std::size_t height = 0, width = 0;
  FrameLayout layout = FrameLayout::Dense;
  h5::Compression compression = h5::Compression::None;
  std::string dense_type = "uint32";  // uint8|uint16|uint32|float32: element type on disk
};

class FrameWriter {
 public:
  virtual ~FrameWriter() = default;
  virtual void append_dense(const float* frame) = 0;
  // pixel ascending; counts > 0
  virtual void append_events(std::span<const std::uint32_t> pixel,
                             std::span<const std::uint32_t> count) = 0;
  // Flushes buffered frames; the file holds exactly the frames appended so far.
  virtual void finish() = 0;
  std::size_t frames() const { return frames_; }

 protected:
  std::size_t frames_ = 0;
};

// Creates /entry/data/data or /entry/sparse in `file` (which stays owned by the caller).
std::unique_ptr<FrameWriter> make_frame_writer(const h5::File& file, const FrameFileSpec& spec);

// Copies every frame of `source` (opened from `source_path`) into a new file `out` with the given
// layout, streaming under `budget`. Metadata, timestamps and a synthetic run's /truth come along.
// Written atomically.
void convert_frames(FrameSource& source, const std::filesystem::path& source_path,
                    const std::filesystem::path& out, const FrameFileSpec& spec,
                    const MemoryBudget& budget);

// The best compression available here for a layout (bslz4 when its plugin is installed).
h5::Compression default_compression();

}  // namespace glassy
