// io/npy_frames: dense frames from a NumPy .npy stack [T,H,W] (little-endian integers or floats,
// C order), read frame by frame from disk so the stack never has to fit in memory.
#pragma once

#include <glassy/io/frames.hpp>

#include <fstream>

namespace glassy {

struct NpyHeader {
  char kind = 0;              // 'u', 'i', 'f'
  std::size_t item_size = 0;  // bytes
  std::vector<std::size_t> shape;
  std::size_t data_offset = 0;
};

// Parses the header of a .npy file strictly (numpy's format specification, NEP 1); throws
// glassy::Error naming what is damaged or unsupported. `where` names the file in messages.
NpyHeader read_npy_header(const std::filesystem::path& file);
NpyHeader parse_npy_header(const char* data, std::size_t size, const std::string& where);
// Reads a whole (small) .npy array of any rank as floats, e.g. a 2-D mask or dark frame.
std::vector<float> read_npy_array(const std::filesystem::path& file, NpyHeader& header);
// Writes a C-order little-endian .npy of float32 or uint32 values (tests, convert).
void write_npy(const std::filesystem::path& file, const std::vector<std::size_t>& shape,
               const float* data);

class NpyFrameSource : public FrameSource {
 public:
  NpyFrameSource(const std::filesystem::path& file, const DetectorMetadata& overrides);
  static bool looks_like_npy(const std::filesystem::path& file);
  void read_dense(std::size_t first, std::size_t count, FrameBlock& out) override;

 private:
  std::filesystem::path path_;
  NpyHeader header_;
  std::ifstream in_;
  std::vector<char> raw_;
};

}  // namespace glassy
