// io/hdf5_frames: dense frames from HDF5 /entry/data/data [T,H,W] (any integer or float type,
// compressed or not), read chunk-aligned so each compressed chunk is decoded once.
#pragma once

#include <glassy/io/frames.hpp>
#include <glassy/io/hdf5.hpp>

namespace glassy {

class Hdf5FrameSource : public FrameSource {
 public:
  Hdf5FrameSource(h5::File file, const DetectorMetadata& overrides);
  void read_dense(std::size_t first, std::size_t count, FrameBlock& out) override;
  const h5::Dataset& dataset() const { return data_; }

 private:
  template <typename T>
  void widen_into(const h5::Dims& start, const h5::Dims& extent, std::vector<float>& out) {
    raw_.resize(out.size() * sizeof(T));
    T* raw = reinterpret_cast<T*>(raw_.data());
    data_.read_block<T>(start, extent, raw);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(raw[i]);
  }
  std::vector<unsigned char> raw_;
  h5::File file_;
  h5::Dataset data_;
};

// Reads /entry/data/timestamp when present (shared by the dense and sparse HDF5 sources).
std::vector<double> read_timestamps(const h5::Location& file, std::size_t frames);

}  // namespace glassy
