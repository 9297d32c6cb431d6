// io/imm_frames: APS IMM files, as the 8-ID detectors wrote them (read by xpcs-eigen and
// boost_corr). Each frame is a 1024-byte little-endian header followed by its data:
//   dense  (compression 0): rows x cols unsigned values of `bytes` bytes each (dlen = rows * cols);
//   sparse (compression 6): dlen int32 pixel indices (row * cols + col), then dlen unsigned
//                           values of `bytes` bytes each (photon counts).
// Header fields used (byte offset, type): compression (4, int32), rows (108), cols (112),
// bytes (116), elapsed (128, float64 s since the series started), dlen (152, uint32).
// Sparse files come through as photon events (is_sparse()), so the sparse correlator runs on them.
#pragma once

#include <glassy/io/frames.hpp>

#include <fstream>

namespace glassy {

inline constexpr std::size_t kImmHeaderBytes = 1024;

struct ImmHeader {
  int compression = 0;
  std::size_t rows = 0, cols = 0, bytes = 0, dlen = 0;
  double elapsed = 0;
};
// Decodes the fields glassy uses from one 1024-byte header.
ImmHeader decode_imm_header(const unsigned char* header);

bool looks_like_imm(const std::filesystem::path& file);  // by its .imm name

class ImmFrameSource : public FrameSource {
 public:
  ImmFrameSource(const std::filesystem::path& file, const DetectorMetadata& overrides);
  bool is_sparse() const override { return sparse_; }
  void read_dense(std::size_t first, std::size_t count, FrameBlock& out) override;
  void read_sparse(std::size_t first, std::size_t count, SparseBlock& out) override;

 private:
  struct Frame {
    std::uint64_t offset = 0;  // of its data
    std::uint32_t dlen = 0;
  };
  void read_payload(const Frame& frame, std::size_t bytes);
  std::uint32_t value(std::size_t i, std::size_t at) const;  // i-th value of raw_ from byte `at`

  std::filesystem::path path_;
  std::ifstream in_;
  bool sparse_ = false;
  std::size_t value_bytes_ = 2;
  std::vector<Frame> frames_;
  std::vector<unsigned char> raw_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> events_;  // (pixel, count), for sorting
};

}  // namespace glassy
