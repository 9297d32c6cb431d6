// io/edf_frames: ESRF Data Format frames (ID10 and most ESRF XPCS), plain (.edf) or gzip
// (.edf.gz), one or several images per file, over a series of files. Each image is an ASCII header
// `{ key = value ; ... }` padded to 512-byte blocks, then its raw data: Dim_1 (fast axis, width)
// x Dim_2 values of DataType in ByteOrder, Size bytes. Only headers are read on open (for .gz, the
// first bytes and the gzip trailer's size); pixel data is read when frames are asked for.
// Per-frame times come from the headers: time_of_day (absolute s), else time_of_frame, else
// --frame-time; they are stored relative to the first frame, so pauses show as gaps.
#pragma once

#include <glassy/io/frames.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace glassy {

// One parsed EDF header.
struct EdfHeader {
  std::map<std::string, std::string> keys;  // upper-cased key -> value as written
  std::size_t header_bytes = 0;             // from '{' to the end of the "}" line
  std::size_t width = 0, height = 0;        // Dim_1, Dim_2
  std::string data_type;                    // as written, e.g. UnsignedShort
  char kind = 'u';                          // 'u', 'i', 'f'
  std::size_t item_size = 0;                // bytes per value
  bool swap = false;                        // HighByteFirst on this little-endian machine
  std::size_t data_bytes = 0;               // Size (>= width * height * item_size)
  std::optional<double> number(const std::string& key) const;  // key any case
};

// Parses the header starting at text[0]; `where` names the file and image for messages.
// Throws glassy::Error on a missing '}', unknown DataType, missing Dim_1/Dim_2, a Size too small
// for the image, or compressed data.
EdfHeader parse_edf_header(const char* text, std::size_t available, const std::string& where);

// True when `spec` names EDF frames: a folder, a glob pattern, or a .edf / .edf.gz file.
bool looks_like_edf(const std::filesystem::path& spec);
// The files of an EDF series, in frame order: every .edf / .edf.gz of a folder, the files a glob
// pattern matches, or a file and the numbered files after it (img_0007.edf: img_0007.edf,
// img_0008.edf, ...; numbers sorted numerically). Error when there are none.
std::vector<std::filesystem::path> edf_series(const std::filesystem::path& spec);

class EdfFrameSource : public FrameSource {
 public:
  EdfFrameSource(const std::filesystem::path& spec, const DetectorMetadata& overrides);
  void read_dense(std::size_t first, std::size_t count, FrameBlock& out) override;
  const std::vector<std::filesystem::path>& files() const { return files_; }

 private:
  struct Image {
    std::size_t file = 0;
    std::size_t offset = 0;  // of its data in the (decompressed) file
    EdfHeader header;
  };
  void index_file(std::size_t f);
  const char* image_bytes(const Image& image);  // its raw data, valid until the next call
  std::string where(const Image& image) const;

  std::vector<std::filesystem::path> files_;
  std::vector<Image> images_;
  // The file whose bytes are at hand: an open plain file, or a whole decompressed .gz file.
  std::size_t open_file_ = static_cast<std::size_t>(-1);
  std::ifstream plain_;
  std::vector<char> inflated_, raw_;
};

}  // namespace glassy
