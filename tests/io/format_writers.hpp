// Writers of other facilities' frame formats, for the reader tests: ESRF EDF (plain and gzip, any
// type and byte order, several images per file), APS IMM (dense and sparse), and HDF5 files written
// the way h5py writes them (Debian's /usr/bin/python3). Written here from the format descriptions,
// independently of glassy's readers, so a reader bug cannot cancel a writer bug.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace glassy::test {

// One EDF image: values row-major (Dim_2 rows of Dim_1 values), written as `type`.
struct EdfImage {
  std::size_t width = 0, height = 0;
  std::vector<double> values;
  std::string type = "UnsignedShort";  // EDF DataType name
  bool high_byte_first = false;
  std::map<std::string, std::string> extra;  // more header keys (time_of_day, ...)
  long long size_override = -1;              // Size written instead of the true one
};

inline std::size_t edf_item_size(const std::string& type) {
  if (type == "UnsignedByte" || type == "SignedByte") return 1;
  if (type == "UnsignedShort" || type == "SignedShort") return 2;
  if (type == "DoubleValue" || type == "Signed64") return 8;
  return 4;  // UnsignedInteger, SignedInteger, UnsignedLong, SignedLong, FloatValue
}

template <typename T>
void append_value(std::string& out, double v, bool swap) {
  T x = static_cast<T>(v);
  char b[sizeof(T)];
  std::memcpy(b, &x, sizeof(T));
  if (swap) std::reverse(b, b + sizeof(T));
  out.append(b, sizeof(T));
}

// The bytes of one image: header padded to a multiple of 512 bytes (ending "}\n"), then data.
inline std::string edf_bytes(const EdfImage& im, int image_number = 1) {
  const std::size_t item = edf_item_size(im.type);
  std::string data;
  for (double v : im.values) {
    const bool s = im.high_byte_first;
    if (im.type == "UnsignedByte") append_value<std::uint8_t>(data, v, s);
    if (im.type == "SignedByte") append_value<std::int8_t>(data, v, s);
    if (im.type == "UnsignedShort") append_value<std::uint16_t>(data, v, s);
    if (im.type == "SignedShort") append_value<std::int16_t>(data, v, s);
    if (im.type == "UnsignedInteger" || im.type == "UnsignedLong")
      append_value<std::uint32_t>(data, v, s);
    if (im.type == "SignedInteger" || im.type == "SignedLong")
      append_value<std::int32_t>(data, v, s);
    if (im.type == "FloatValue") append_value<float>(data, v, s);
    if (im.type == "DoubleValue") append_value<double>(data, v, s);
    if (im.type == "Signed64") append_value<std::int64_t>(data, v, s);
  }
  if (data.empty()) data.assign(im.values.size() * item, '\0');  // unknown type: raw zeros
  std::string h = "{\nHeaderID = EH:" + std::to_string(image_number) + ":0:0 ;\n";
  h += "Image = " + std::to_string(image_number) + " ;\n";
  h += std::string("ByteOrder = ") + (im.high_byte_first ? "HighByteFirst" : "LowByteFirst") +
       " ;\n";
  h += "DataType = " + im.type + " ;\n";
  h += "Dim_1 = " + std::to_string(im.width) + " ;\nDim_2 = " + std::to_string(im.height) + " ;\n";
  h += "Size = " +
       std::to_string(im.size_override >= 0 ? static_cast<std::size_t>(im.size_override)
                                            : data.size()) +
       " ;\n";
  for (const auto& [k, v] : im.extra) h += k + " = " + v + " ;\n";
  // Pad with spaces so that "}\n" ends a 512-byte block, as ESRF writers do.
  const std::size_t total = ((h.size() + 2 + 511) / 512) * 512;
  h.append(total - h.size() - 2, ' ');
  h += "}\n";
  return h + data;
}

inline void write_file(const std::filesystem::path& file, const std::string& bytes, bool gzip) {
  if (gzip) {
    gzFile gz = gzopen(file.c_str(), "wb");
    ASSERT_NE(gz, nullptr) << file;
    ASSERT_EQ(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())),
              static_cast<int>(bytes.size()));
    gzclose(gz);
  } else {
    std::ofstream(file, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
}

// Several images in one EDF file (gzip-compressed when `gzip`).
inline void write_edf(const std::filesystem::path& file, const std::vector<EdfImage>& images,
                      bool gzip = false) {
  std::string all;
  for (std::size_t i = 0; i < images.size(); ++i)
    all += edf_bytes(images[i], static_cast<int>(i + 1));
  write_file(file, all, gzip);
}

// One APS IMM frame: 1024-byte header, then data. Dense: all pixels as uint16/uint32; sparse
// (compression 6): int32 indices then values.
struct ImmFrame {
  std::vector<std::uint32_t> values;  // dense: rows * cols; sparse: one per index
  std::vector<std::int32_t> indices;  // sparse only
  double elapsed = 0;
};

inline std::string imm_bytes(const ImmFrame& f, int rows, int cols, bool sparse, int bytes,
                             int buffer_number) {
  std::string h(1024, '\0');
  auto put = [&](std::size_t at, auto v) { std::memcpy(&h[at], &v, sizeof(v)); };
  put(0, std::int32_t{2});               // mode
  put(4, std::int32_t{sparse ? 6 : 0});  // compression
  put(108, std::int32_t{rows});
  put(112, std::int32_t{cols});
  put(116, std::int32_t{bytes});
  put(128, f.elapsed);  // elapsed, float64
  const std::uint32_t dlen = static_cast<std::uint32_t>(f.values.size());
  put(152, dlen);
  put(160, std::int32_t{buffer_number});
  put(616, std::int32_t{12});  // immversion
  std::string data;
  if (sparse)
    for (auto i : f.indices) data.append(reinterpret_cast<const char*>(&i), 4);
  for (auto v : f.values) {
    if (bytes == 2) {
      const auto x = static_cast<std::uint16_t>(v);
      data.append(reinterpret_cast<const char*>(&x), 2);
    } else {
      data.append(reinterpret_cast<const char*>(&v), 4);
    }
  }
  return h + data;
}

inline void write_imm(const std::filesystem::path& file, const std::vector<ImmFrame>& frames,
                      int rows, int cols, bool sparse, int bytes = 2) {
  std::string all;
  for (std::size_t i = 0; i < frames.size(); ++i)
    all += imm_bytes(frames[i], rows, cols, sparse, bytes, static_cast<int>(i));
  write_file(file, all, false);
}

// Runs a Python script with Debian's /usr/bin/python3 (numpy, h5py); true on success. The test
// skips (by the caller) when that interpreter or h5py is missing.
inline bool have_h5py() {
  return std::system("/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1") == 0;
}
inline void run_python(const std::filesystem::path& dir, const std::string& script) {
  const auto file = dir / "write.py";
  std::ofstream(file) << script;
  const std::string cmd = "cd '" + dir.string() + "' && /usr/bin/python3 '" + file.string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << script;
}

}  // namespace glassy::test
