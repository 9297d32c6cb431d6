#include <glassy/core/error.hpp>
#include <glassy/io/imm_frames.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace glassy {
namespace {

template <typename T>
T little(const unsigned char* p) {
  // IMM files come from x86 detector computers: little-endian, like every machine glassy runs on.
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

constexpr int kDense = 0, kSparse = 6;

}  // namespace

ImmHeader decode_imm_header(const unsigned char* h) {
  ImmHeader out;
  out.compression = little<std::int32_t>(h + 4);
  const auto rows = little<std::int32_t>(h + 108), cols = little<std::int32_t>(h + 112),
             bytes = little<std::int32_t>(h + 116);
  out.rows = rows > 0 ? static_cast<std::size_t>(rows) : 0;
  out.cols = cols > 0 ? static_cast<std::size_t>(cols) : 0;
  out.bytes = bytes > 0 ? static_cast<std::size_t>(bytes) : 0;
  out.elapsed = little<double>(h + 128);
  out.dlen = little<std::uint32_t>(h + 152);
  return out;
}

bool looks_like_imm(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".imm";
}

ImmFrameSource::ImmFrameSource(const std::filesystem::path& file, const DetectorMetadata& overrides)
    : path_(file), in_(file, std::ios::binary) {
  const std::string where = file.string();
  require(in_.good(), where + ": cannot open", ErrorKind::InputOutput);
  const auto size = static_cast<std::uint64_t>(std::filesystem::file_size(file));
  std::vector<double> elapsed;
  unsigned char header[kImmHeaderBytes];
  std::uint64_t offset = 0;
  while (offset < size) {
    const std::size_t k = frames_.size();
    require(size - offset >= kImmHeaderBytes,
            fmt::format("{} is truncated: frame {} has {} of its {} header bytes", where, k,
                        size - offset, kImmHeaderBytes));
    in_.seekg(static_cast<std::streamoff>(offset));
    in_.read(reinterpret_cast<char*>(header), kImmHeaderBytes);
    require(in_.good(), where + ": read failed");
    const ImmHeader h = decode_imm_header(header);
    if (k == 0) {
      require(h.compression == kDense || h.compression == kSparse,
              fmt::format("{}: IMM compression {} is neither 0 (dense) nor 6 (sparse); is it an "
                          "IMM file?",
                          where, h.compression));
      require(h.rows > 0 && h.cols > 0 && h.rows * h.cols < (std::size_t{1} << 32),
              fmt::format("{}: IMM header gives {} x {} pixels", where, h.rows, h.cols));
      require(h.bytes == 2 || h.bytes == 4,
              fmt::format("{}: IMM pixels of {} bytes (expected 2 or 4)", where, h.bytes));
      sparse_ = h.compression == kSparse;
      value_bytes_ = h.bytes;
      info_.height = h.rows;
      info_.width = h.cols;
    }
    require(h.compression == (sparse_ ? kSparse : kDense) && h.rows == info_.height &&
                h.cols == info_.width && h.bytes == value_bytes_,
            fmt::format("{}: frame {}'s header differs from the first (compression, rows, cols "
                        "or bytes); damaged file?",
                        where, k));
    if (!sparse_)
      require(h.dlen == info_.pixels(),
              fmt::format("{}: dense frame {} has dlen {} for {} x {} pixels", where, k, h.dlen,
                          info_.height, info_.width));
    else
      require(h.dlen <= info_.pixels(),
              fmt::format("{}: sparse frame {} has {} events for {} pixels", where, k, h.dlen,
                          info_.pixels()));
    const std::uint64_t payload = h.dlen * (value_bytes_ + (sparse_ ? 4 : 0));
    require(size - offset - kImmHeaderBytes >= payload,
            fmt::format("{} is truncated: frame {} needs {} bytes of data, {} remain", where, k,
                        payload, size - offset - kImmHeaderBytes));
    frames_.push_back({offset + kImmHeaderBytes, static_cast<std::uint32_t>(h.dlen)});
    elapsed.push_back(h.elapsed);
    offset += kImmHeaderBytes + payload;
  }
  require(!frames_.empty(), where + " is empty");
  info_.frames = frames_.size();
  info_.meta.apply(overrides);
  // Per-frame times from `elapsed` when the detector filled it in (increasing).
  bool increasing = elapsed.size() > 1;
  for (std::size_t i = 1; i < elapsed.size() && increasing; ++i)
    increasing = elapsed[i] > elapsed[i - 1];
  if (increasing) {
    info_.timestamps.resize(elapsed.size());
    for (std::size_t i = 0; i < elapsed.size(); ++i) info_.timestamps[i] = elapsed[i] - elapsed[0];
  }
  info_.format = fmt::format("imm {} uint{}{}", sparse_ ? "sparse" : "dense", 8 * value_bytes_,
                             increasing ? ", times from elapsed" : "");
}

void ImmFrameSource::read_payload(const Frame& frame, std::size_t bytes) {
  raw_.resize(bytes);
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(frame.offset));
  in_.read(reinterpret_cast<char*>(raw_.data()), static_cast<std::streamsize>(bytes));
  require(static_cast<std::size_t>(in_.gcount()) == bytes,
          path_.string() + ": read failed (file changed since it was opened?)");
}

std::uint32_t ImmFrameSource::value(std::size_t i, std::size_t at) const {
  const unsigned char* p = raw_.data() + at + i * value_bytes_;
  return value_bytes_ == 2 ? little<std::uint16_t>(p) : little<std::uint32_t>(p);
}

void ImmFrameSource::read_sparse(std::size_t first, std::size_t count, SparseBlock& out) {
  if (!sparse_) return FrameSource::read_sparse(first, count, out);
  require(first + count <= info_.frames, path_.string() + ": frames beyond the file");
  out.first = first;
  out.count = count;
  out.offsets.assign(1, 0);
  out.pixel.clear();
  out.counts.clear();
  const auto pixels = static_cast<std::uint32_t>(info_.pixels());
  for (std::size_t k = 0; k < count; ++k) {
    const Frame& frame = frames_[first + k];
    read_payload(frame, std::size_t{frame.dlen} * (4 + value_bytes_));
    events_.clear();
    bool sorted = true;
    for (std::size_t e = 0; e < frame.dlen; ++e) {
      const auto index = little<std::int32_t>(raw_.data() + 4 * e);
      const std::uint32_t n = value(e, std::size_t{4} * frame.dlen);
      require(index >= 0 && static_cast<std::uint32_t>(index) < pixels, [&] {
        return fmt::format("{}: frame {} has an event at pixel {}, outside the {} x {} detector",
                           path_.string(), first + k, index, info_.height, info_.width);
      });
      if (n == 0) continue;  // an empty event carries nothing
      if (!events_.empty() && static_cast<std::uint32_t>(index) <= events_.back().first)
        sorted = false;
      events_.emplace_back(static_cast<std::uint32_t>(index), n);
    }
    // Photon events are ascending by pixel with one entry per pixel; writers need not be.
    if (!sorted) std::sort(events_.begin(), events_.end());
    for (const auto& [pixel, n] : events_) {
      if (!out.pixel.empty() && out.pixel.size() > out.offsets.back() && out.pixel.back() == pixel)
        out.counts.back() += n;
      else
        out.pixel.push_back(pixel), out.counts.push_back(n);
    }
    out.offsets.push_back(out.pixel.size());
  }
}

void ImmFrameSource::read_dense(std::size_t first, std::size_t count, FrameBlock& out) {
  require(first + count <= info_.frames, path_.string() + ": frames beyond the file");
  const std::size_t p = info_.pixels();
  out.first = first;
  out.count = count;
  out.data.assign(count * p, 0.0f);
  if (sparse_) {
    SparseBlock events;
    read_sparse(first, count, events);
    for (std::size_t k = 0; k < count; ++k)
      for (std::uint64_t e = events.offsets[k]; e < events.offsets[k + 1]; ++e)
        out.data[k * p + events.pixel[e]] = static_cast<float>(events.counts[e]);
    return;
  }
  for (std::size_t k = 0; k < count; ++k) {
    read_payload(frames_[first + k], p * value_bytes_);
    float* frame = out.data.data() + k * p;
    for (std::size_t i = 0; i < p; ++i) frame[i] = static_cast<float>(value(i, 0));
  }
}

}  // namespace glassy
