#include <glassy/core/error.hpp>
#include <glassy/io/npy_frames.hpp>

#include <cstring>

namespace glassy {
namespace {

constexpr char kMagic[] = "\x93NUMPY";

template <typename T>
void widen(const char* raw, std::size_t n, float* out) {
  for (std::size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, raw + i * sizeof(T), sizeof(T));
    out[i] = static_cast<float>(v);
  }
}

// Converts n raw little-endian items of the header's type to floats.
void convert_items(const NpyHeader& h, const char* r, std::size_t n, float* o,
                   const std::string& where) {
  switch (h.kind * 16 + h.item_size) {
    case 'u' * 16 + 1:
      widen<std::uint8_t>(r, n, o);
      break;
    case 'u' * 16 + 2:
      widen<std::uint16_t>(r, n, o);
      break;
    case 'u' * 16 + 4:
      widen<std::uint32_t>(r, n, o);
      break;
    case 'u' * 16 + 8:
      widen<std::uint64_t>(r, n, o);
      break;
    case 'i' * 16 + 1:
      widen<std::int8_t>(r, n, o);
      break;
    case 'i' * 16 + 2:
      widen<std::int16_t>(r, n, o);
      break;
    case 'i' * 16 + 4:
      widen<std::int32_t>(r, n, o);
      break;
    case 'i' * 16 + 8:
      widen<std::int64_t>(r, n, o);
      break;
    case 'f' * 16 + 4:
      widen<float>(r, n, o);
      break;
    case 'f' * 16 + 8:
      widen<double>(r, n, o);
      break;
    default:
      throw Error(where + ": unsupported .npy item size");
  }
}

}  // namespace

std::vector<float> read_npy_array(const std::filesystem::path& file, NpyHeader& header) {
  header = read_npy_header(file);
  std::size_t n = 1;
  for (auto d : header.shape) n *= d;
  const auto size = std::filesystem::file_size(file);
  require(size >= header.data_offset && (size - header.data_offset) / header.item_size >= n,
          file.string() + " is truncated: " + std::to_string(size) +
              " bytes, the header promises " +
              std::to_string(header.data_offset + n * header.item_size));
  std::vector<char> raw(n * header.item_size);
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(header.data_offset));
  in.read(raw.data(), static_cast<std::streamsize>(raw.size()));
  require(static_cast<std::size_t>(in.gcount()) == raw.size(), file.string() + " is truncated");
  std::vector<float> out(n);
  convert_items(header, raw.data(), n, out.data(), file.string());
  return out;
}

bool NpyFrameSource::looks_like_npy(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[6] = {};
  in.read(magic, 6);
  return in.gcount() == 6 && std::memcmp(magic, kMagic, 6) == 0;
}

void write_npy(const std::filesystem::path& file, const std::vector<std::size_t>& shape,
               const float* data) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  std::size_t n = 1;
  for (auto d : shape) {
    dict += std::to_string(d) + ", ";
    n *= d;
  }
  dict += "), }";
  // Pad so the data starts on a 64-byte boundary, as NumPy does.
  const std::size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  std::ofstream out(file, std::ios::binary);
  require(out.good(), file.string() + ": cannot create");
  out.write(kMagic, 6);
  const unsigned char version[4] = {1, 0, static_cast<unsigned char>(dict.size() & 0xff),
                                    static_cast<unsigned char>(dict.size() >> 8)};
  out.write(reinterpret_cast<const char*>(version), 4);
  out.write(dict.data(), static_cast<std::streamsize>(dict.size()));
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n * sizeof(float)));
  require(out.good(), file.string() + ": write failed");
}

NpyFrameSource::NpyFrameSource(const std::filesystem::path& file, const DetectorMetadata& overrides)
    : path_(file), header_(read_npy_header(file)), in_(file, std::ios::binary) {
  const std::string where = file.string();
  require(header_.shape.size() == 3, where + " has rank " + std::to_string(header_.shape.size()) +
                                         ", expected 3 (frames, rows, columns)");
  require(header_.shape[0] > 0, where + " holds zero frames");
  require(header_.shape[1] > 0 && header_.shape[2] > 0, where + " has an empty frame shape");
  info_.frames = header_.shape[0];
  info_.height = header_.shape[1];
  info_.width = header_.shape[2];
  const auto expected = header_.data_offset + info_.frames * info_.pixels() * header_.item_size;
  require(std::filesystem::file_size(file) >= expected,
          where + " is truncated: " + std::to_string(std::filesystem::file_size(file)) +
              " bytes, the header promises " + std::to_string(expected));
  info_.meta.apply(overrides);
  info_.format = std::string("npy ") + header_.kind + std::to_string(8 * header_.item_size);
}

void NpyFrameSource::read_dense(std::size_t first, std::size_t count, FrameBlock& out) {
  require(first + count <= info_.frames, path_.string() + ": frames beyond the stack");
  const std::size_t p = info_.pixels();
  const std::size_t n = count * p;
  out.first = first;
  out.count = count;
  out.data.resize(n);
  raw_.resize(n * header_.item_size);
  in_.seekg(static_cast<std::streamoff>(header_.data_offset + first * p * header_.item_size));
  in_.read(raw_.data(), static_cast<std::streamsize>(raw_.size()));
  require(static_cast<std::size_t>(in_.gcount()) == raw_.size(), path_.string() + ": read failed");
  convert_items(header_, raw_.data(), n, out.data.data(), path_.string());
  for (std::size_t k = 0; k < count; ++k)
    validate_frame_values(out.frame(k, p), p, first + k, path_.string());
}

}  // namespace glassy
