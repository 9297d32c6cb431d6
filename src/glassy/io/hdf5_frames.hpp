// io/hdf5_frames: dense frames [T,H,W] from HDF5 (any integer or float type, compressed or not),
// read chunk-aligned so each compressed chunk is decoded once. The stack is found at the usual
// paths (glassy and APS /entry/data/data, NeXus/Lambda /entry/instrument/detector/data, ESRF LIMA
// /entry_0000/measurement/data, Eiger masters' /entry/data/data_000001... external links, read
// one after another as one stack) or where --dataset says.
#pragma once

#include <glassy/io/frames.hpp>
#include <glassy/io/hdf5.hpp>

namespace glassy {

// The datasets that hold a file's frames, in order (several only for Eiger master files); empty
// when the file holds none at a usual path. `dataset` (from --dataset) replaces the search and
// must exist.
std::vector<std::string> find_frame_datasets(const h5::File& file,
                                             const std::optional<std::string>& dataset = {});

class Hdf5FrameSource : public FrameSource {
 public:
  // Reads the frames at find_frame_datasets(file, overrides.frames_dataset).
  Hdf5FrameSource(h5::File file, const DetectorMetadata& overrides);
  void read_dense(std::size_t first, std::size_t count, FrameBlock& out) override;
  const h5::Dataset& dataset() const { return parts_.front().data; }

 private:
  struct Part {
    h5::Dataset data;
    std::size_t first = 0, frames = 0;  // its place in the whole stack
  };
  void read_part(const Part& part, std::size_t first, std::size_t count, float* out);
  template <typename T>
  void widen_into(const h5::Dataset& data, const h5::Dims& start, const h5::Dims& extent,
                  std::size_t n, float* out) {
    raw_.resize(n * sizeof(T));
    T* raw = reinterpret_cast<T*>(raw_.data());
    data.read_block<T>(start, extent, raw);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(raw[i]);
  }
  std::vector<unsigned char> raw_;
  h5::File file_;
  std::vector<Part> parts_;
};

// Reads /entry/data/timestamp when present (shared by the dense and sparse HDF5 sources).
std::vector<double> read_timestamps(const h5::Location& file, std::size_t frames);

}  // namespace glassy
