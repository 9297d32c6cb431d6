#include <glassy/core/error.hpp>
#include <glassy/io/edf_frames.hpp>

#include <fmt/format.h>
#include <glob.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <functional>
#include <tuple>

namespace glassy {
namespace {

namespace fs = std::filesystem;

// The first bytes of a file hold its first header; EDF headers are a few 512-byte blocks. A
// short probe first (most headers fit), a long one when it holds no closing '}'.
constexpr std::size_t kShortProbe = 4096, kHeaderProbe = 64 * 1024;

bool has_header_end(const char* p, std::size_t n) { return std::memchr(p, '}', n) != nullptr; }

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const char* space = " \t\r\n\v\f";
  const std::string blank(space, std::strlen(space) + 1);  // with NUL: some writers pad with it
  const auto b = s.find_first_not_of(blank);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(blank) - b + 1);
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && upper(s.substr(s.size() - tail.size())) == upper(tail);
}

bool is_gz(const fs::path& file) { return ends_with(file.filename().string(), ".gz"); }

bool has_glob_chars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

struct TypeCode {
  const char* name;  // as ESRF writers spell it (matched ignoring case)
  char kind;
  std::size_t size;
};
// The DataType names of the EDF format (as fabio reads them).
constexpr TypeCode kTypes[] = {
    {"UnsignedByte", 'u', 1},
    {"Unsigned8", 'u', 1},
    {"SignedByte", 'i', 1},
    {"Signed8", 'i', 1},
    {"UnsignedShort", 'u', 2},
    {"Unsigned16", 'u', 2},
    {"UnsignedShortInteger", 'u', 2},
    {"SignedShort", 'i', 2},
    {"Signed16", 'i', 2},
    {"UnsignedInteger", 'u', 4},
    {"Unsigned32", 'u', 4},
    {"UnsignedLong", 'u', 4},
    {"SignedInteger", 'i', 4},
    {"Signed32", 'i', 4},
    {"SignedLong", 'i', 4},
    {"Unsigned64", 'u', 8},
    {"Signed64", 'i', 8},
    {"FloatValue", 'f', 4},
    {"Float", 'f', 4},
    {"FloatIEEE32", 'f', 4},
    {"Float32", 'f', 4},
    {"DoubleValue", 'f', 8},
    {"Double", 'f', 8},
    {"FloatIEEE64", 'f', 8},
    {"DoubleIEEE64", 'f', 8},
};

std::size_t positive_int(const EdfHeader& h, const char* key, const std::string& where) {
  const auto it = h.keys.find(key);
  require(it != h.keys.end(), where + ": EDF header has no " + std::string(key));
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(it->second.c_str(), &end, 10);
  require(end != it->second.c_str() && trim(end).empty() && v > 0 && errno != ERANGE,
          where + ": EDF header " + std::string(key) + " = '" + it->second +
              "' is not a positive integer");
  return static_cast<std::size_t>(v);
}

// ---- gzip through zlib ----

class GzReader {
 public:
  // `whole`: the file will be read to its end, in large requests that zlib decompresses straight
  // into the caller's buffer, so a larger input buffer pays. Otherwise zlib's small default
  // keeps a header probe from decompressing more than it asks for.
  GzReader(const fs::path& file, bool whole) : file_(file), gz_(gzopen(file.c_str(), "rb")) {
    require(gz_ != nullptr, file.string() + ": cannot open", ErrorKind::InputOutput);
    if (whole) gzbuffer(gz_, 128 * 1024);
  }
  ~GzReader() { gzclose(gz_); }
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;
  // Appends up to n decompressed bytes to out; returns how many came. Errors name the file.
  std::size_t read(std::vector<char>& out, std::size_t n) {
    const std::size_t start = out.size();
    out.resize(start + n);
    std::size_t got = 0;
    while (got < n) {
      const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30));
      const int r = gzread(gz_, out.data() + start + got, chunk);
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
    out.resize(start + got);
    int err = Z_OK;
    const char* message = gzerror(gz_, &err);
    require(err == Z_OK || err == Z_STREAM_END,
            file_.string() + ": gzip data is damaged or truncated (" + message + ")");
    return got;
  }

 private:
  fs::path file_;
  gzFile gz_;
};

std::optional<std::uint32_t> gzip_isize(const fs::path& file);

// The decompressed bytes of `file`, up to `limit`. A whole file is read in requests of the size
// its gzip trailer states (one, for a single-member file): no growing and zero-filling of
// oversized buffers, which cost as much as the decompression itself.
// `out` keeps its capacity from call to call (no fresh pages to fault in for every file).
void gunzip(const fs::path& file, std::vector<char>& out,
            std::size_t limit = static_cast<std::size_t>(-1)) {
  const bool whole = limit == static_cast<std::size_t>(-1);
  GzReader gz(file, whole);
  std::size_t request = limit;
  if (whole) {
    const auto isize = gzip_isize(file);
    request = isize ? std::size_t{*isize} + 1 : std::size_t{1} << 20;
  }
  out.clear();
  while (out.size() < limit)
    if (gz.read(out, std::min(limit - out.size(), request)) == 0) break;
}

// The gzip trailer's ISIZE: the uncompressed size modulo 2^32 (RFC 1952).
std::optional<std::uint32_t> gzip_isize(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::streamoff>(in.tellg());
  if (size < 18) return std::nullopt;
  unsigned char b[4];
  in.seekg(size - 4);
  in.read(reinterpret_cast<char*>(b), 4);
  if (!in) return std::nullopt;
  return static_cast<std::uint32_t>(b[0] | (b[1] << 8) | (b[2] << 16)) |
         (static_cast<std::uint32_t>(b[3]) << 24);
}

// ---- series ----

// Sort key: the text before the last run of digits, its number, then the whole name.
std::tuple<std::string, unsigned long long, std::string> series_key(const fs::path& p) {
  const std::string name = p.filename().string();
  const auto last = name.find_last_of("0123456789");
  if (last == std::string::npos) return {name, 0, name};
  auto first = name.find_last_not_of("0123456789", last);
  first = first == std::string::npos ? 0 : first + 1;
  return {p.parent_path().string() + "/" + name.substr(0, first),
          std::stoull(name.substr(first, last - first + 1)), name};
}

void sort_series(std::vector<fs::path>& files) {
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return series_key(a) < series_key(b); });
}

bool edf_name(const fs::path& p) {
  const std::string n = p.filename().string();
  return ends_with(n, ".edf") || ends_with(n, ".edf.gz");
}

// The name around its frame number: img_0007.edf.gz -> ("img_", "0007", ".edf.gz").
std::optional<std::tuple<std::string, std::string, std::string>> split_number(
    const std::string& name) {
  std::string stem = name, ext;
  for (const char* e : {".edf.gz", ".edf"})
    if (ends_with(name, e)) {
      stem = name.substr(0, name.size() - std::strlen(e));
      ext = name.substr(stem.size());
      break;
    }
  const auto last = stem.find_last_of("0123456789");
  if (last == std::string::npos) return std::nullopt;
  auto first = stem.find_last_not_of("0123456789", last);
  first = first == std::string::npos ? 0 : first + 1;
  return std::make_tuple(stem.substr(0, first), stem.substr(first, last - first + 1),
                         stem.substr(last + 1) + ext);
}

template <typename T>
void widen(const char* raw, std::size_t n, bool swap, float* out) {
  if (!swap) {  // the common case, kept simple enough to vectorise
    for (std::size_t i = 0; i < n; ++i) {
      T v;
      std::memcpy(&v, raw + i * sizeof(T), sizeof(T));
      out[i] = static_cast<float>(v);
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char b[sizeof(T)];
    std::memcpy(b, raw + i * sizeof(T), sizeof(T));
    if (swap) std::reverse(b, b + sizeof(T));
    T v;
    std::memcpy(&v, b, sizeof(T));
    out[i] = static_cast<float>(v);
  }
}

void convert(const EdfHeader& h, const char* raw, std::size_t n, float* out) {
  switch (h.kind * 16 + h.item_size) {
    case 'u' * 16 + 1:
      return widen<std::uint8_t>(raw, n, false, out);
    case 'i' * 16 + 1:
      return widen<std::int8_t>(raw, n, false, out);
    case 'u' * 16 + 2:
      return widen<std::uint16_t>(raw, n, h.swap, out);
    case 'i' * 16 + 2:
      return widen<std::int16_t>(raw, n, h.swap, out);
    case 'u' * 16 + 4:
      return widen<std::uint32_t>(raw, n, h.swap, out);
    case 'i' * 16 + 4:
      return widen<std::int32_t>(raw, n, h.swap, out);
    case 'u' * 16 + 8:
      return widen<std::uint64_t>(raw, n, h.swap, out);
    case 'i' * 16 + 8:
      return widen<std::int64_t>(raw, n, h.swap, out);
    case 'f' * 16 + 4:
      return widen<float>(raw, n, h.swap, out);
    case 'f' * 16 + 8:
      return widen<double>(raw, n, h.swap, out);
  }
  throw Error("EDF: unsupported data type " + h.data_type);
}

}  // namespace

std::optional<double> EdfHeader::number(const std::string& key) const {
  const auto it = keys.find(upper(key));
  if (it == keys.end()) return std::nullopt;
  const std::string v = trim(it->second);
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || end == v.c_str() || !trim(end).empty()) return std::nullopt;
  return x;
}

EdfHeader parse_edf_header(const char* text, std::size_t available, const std::string& where) {
  std::size_t open = 0;
  while (open < available && std::isspace(static_cast<unsigned char>(text[open]))) ++open;
  require(open < available && text[open] == '{',
          where + " is not EDF: no '{' where a header should start");
  const char* close = static_cast<const char*>(std::memchr(text + open, '}', available - open));
  require(close != nullptr, fmt::format("{}: EDF header has no closing '}}' in its first {} bytes "
                                        "(truncated file?)",
                                        where, available));
  EdfHeader h;
  std::size_t end = static_cast<std::size_t>(close - text) + 1;
  if (end < available && text[end] == '\r') ++end;
  if (end < available && text[end] == '\n') ++end;
  h.header_bytes = end;
  const std::string body(text + open + 1, close);
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto semi = body.find(';', pos);
    if (semi == std::string::npos) semi = body.size();
    const std::string item = body.substr(pos, semi - pos);
    const auto eq = item.find('=');
    if (eq != std::string::npos) {
      const std::string key = upper(trim(item.substr(0, eq)));
      if (!key.empty()) h.keys[key] = trim(item.substr(eq + 1));
    }
    pos = semi + 1;
  }
  h.width = positive_int(h, "DIM_1", where);
  h.height = positive_int(h, "DIM_2", where);
  if (h.keys.count("DIM_3"))
    require(positive_int(h, "DIM_3", where) == 1, where + ": 3-D EDF images are not supported");
  // fabio's default when DataType is absent.
  h.data_type = h.keys.count("DATATYPE") ? h.keys.at("DATATYPE") : "UnsignedShort";
  bool known = false;
  for (const auto& t : kTypes)
    if (upper(t.name) == upper(h.data_type)) {
      h.kind = t.kind;
      h.item_size = t.size;
      known = true;
    }
  require(known, where + ": EDF DataType '" + h.data_type +
                     "' is not one glassy reads (UnsignedByte/Short/Integer/Long, Signed..., "
                     "FloatValue, DoubleValue)");
  const std::string order = h.keys.count("BYTEORDER") ? upper(h.keys.at("BYTEORDER")) : "";
  require(order.empty() || order == "LOWBYTEFIRST" || order == "HIGHBYTEFIRST",
          where + ": EDF ByteOrder '" + h.keys["BYTEORDER"] +
              "' is neither LowByteFirst nor HighByteFirst");
  h.swap = order == "HIGHBYTEFIRST" && h.item_size > 1;
  for (const char* key : {"COMPRESSION", "DATACOMPRESSION"})
    if (h.keys.count(key)) {
      const std::string c = upper(h.keys.at(key));
      require(c == "NONE" || c.rfind("NO", 0) == 0,
              where + ": EDF data compressed inside the file (" + h.keys.at(key) +
                  ") is not supported; give plain .edf or gzip-compressed .edf.gz files");
    }
  // Checked before the product, which must not wrap around (fuzzing found a Dim_1 of 2e117
  // saturating to 2^63 and a product that wrapped to a small number): at most 2^32 pixels.
  require(h.width <= (std::size_t{1} << 32) / h.height,
          fmt::format("{}: EDF image Dim_1 x Dim_2 = {} x {} is more than 2^32 pixels (damaged "
                      "header?)",
                      where, h.width, h.height));
  const std::size_t needed = h.width * h.height * h.item_size;
  h.data_bytes = h.keys.count("SIZE") ? positive_int(h, "SIZE", where) : needed;
  require(h.data_bytes >= needed,
          fmt::format("{}: EDF header says Size = {} bytes, but Dim_1 x Dim_2 = {} x {} values of "
                      "{} need {} (wrong size)",
                      where, h.data_bytes, h.width, h.height, h.data_type, needed));
  return h;
}

bool looks_like_edf(const fs::path& spec) {
  if (fs::is_directory(spec)) return true;
  if (!fs::exists(spec) && has_glob_chars(spec.string())) return true;
  return edf_name(spec);
}

std::vector<fs::path> edf_series(const fs::path& spec) {
  std::vector<fs::path> files;
  if (fs::is_directory(spec)) {
    for (const auto& entry : fs::directory_iterator(spec))
      if (entry.is_regular_file() && edf_name(entry.path())) files.push_back(entry.path());
    require(!files.empty(), spec.string() + " is a folder without .edf or .edf.gz files");
  } else if (!fs::exists(spec) && has_glob_chars(spec.string())) {
    glob_t g{};
    const int rc = ::glob(spec.c_str(), 0, nullptr, &g);
    for (std::size_t i = 0; rc == 0 && i < g.gl_pathc; ++i)
      if (fs::is_regular_file(g.gl_pathv[i])) files.emplace_back(g.gl_pathv[i]);
    globfree(&g);
    require(!files.empty(), spec.string() + " matches no files");
  } else {
    require(fs::exists(spec), spec.string() + ": no such file", ErrorKind::InputOutput);
    const auto parts = split_number(spec.filename().string());
    if (!parts) return {spec};
    const auto& [prefix, digits, suffix] = *parts;
    const unsigned long long start = std::stoull(digits);
    const fs::path dir = spec.has_parent_path() ? spec.parent_path() : fs::path(".");
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      const auto other = split_number(entry.path().filename().string());
      if (other && std::get<0>(*other) == prefix && std::get<2>(*other) == suffix &&
          std::stoull(std::get<1>(*other)) >= start)
        files.push_back(spec.has_parent_path() ? entry.path() : entry.path().filename());
    }
  }
  sort_series(files);
  return files;
}

// ---- the frame source ----

EdfFrameSource::EdfFrameSource(const fs::path& spec, const DetectorMetadata& overrides)
    : files_(edf_series(spec)) {
  for (std::size_t f = 0; f < files_.size(); ++f) index_file(f);
  const EdfHeader& first = images_.front().header;
  info_.frames = images_.size();
  info_.height = first.height;
  info_.width = first.width;
  for (const auto& image : images_)
    require(image.header.width == first.width && image.header.height == first.height,
            fmt::format("{}: images are {} x {} (Dim_1 x Dim_2) but {} has {} x {}; a series "
                        "must keep one shape",
                        where(image), image.header.width, image.header.height, where(images_[0]),
                        first.width, first.height));
  info_.meta.apply(overrides);

  // Per-frame times from the headers, so a pause between acquisitions becomes a gap.
  std::string time_key;
  for (const char* key : {"time_of_day", "time_of_frame"}) {
    std::vector<double> t;
    for (const auto& image : images_) {
      const auto v = image.header.number(key);
      if (!v) break;
      t.push_back(*v);
    }
    if (t.size() != images_.size()) continue;
    std::size_t back = 0;
    for (std::size_t i = 1; i < t.size() && back == 0; ++i)
      if (!(t[i] > t[i - 1])) back = i;
    if (back != 0) {
      require(overrides.frame_time.has_value(),
              fmt::format("{}: {} = {} does not come after the previous frame's {}; give "
                          "--frame-time SECONDS to use evenly spaced frames instead",
                          where(images_[back]), key, t[back], t[back - 1]));
      break;
    }
    for (std::size_t i = t.size(); i-- > 0;) t[i] -= t[0];
    info_.timestamps = std::move(t);
    time_key = key;
    break;
  }
  info_.format =
      fmt::format("edf {}{} {}, {} file{}{}", first.data_type, first.swap ? " HighByteFirst" : "",
                  is_gz(files_[0]) ? "gzip" : "plain", files_.size(), files_.size() == 1 ? "" : "s",
                  time_key.empty() ? "" : ", times from " + time_key);
}

std::string EdfFrameSource::where(const Image& image) const {
  std::size_t index_in_file = 0;
  for (const auto& other : images_) {
    if (&other == &image) break;
    if (other.file == image.file) ++index_in_file;
  }
  return files_[image.file].string() +
         (index_in_file > 0 ? " image " + std::to_string(index_in_file + 1) : "");
}

void EdfFrameSource::index_file(std::size_t f) {
  const fs::path& file = files_[f];
  // The bytes of the file (decompressed for .gz) through one accessor, so plain and gzip files
  // are indexed alike. A .gz file holding one image is indexed from its first bytes and the
  // gzip trailer alone; others are decompressed once here.
  std::vector<char> bytes;
  std::size_t size = 0;
  std::function<std::string(std::size_t, std::size_t)> read_at;
  std::ifstream in;
  if (is_gz(file)) {
    std::size_t probe = kShortProbe;
    gunzip(file, bytes, probe);
    if (bytes.size() == probe && !has_header_end(bytes.data(), bytes.size()))
      gunzip(file, bytes, probe = kHeaderProbe);
    const EdfHeader h = parse_edf_header(bytes.data(), bytes.size(), file.string());
    const auto isize = gzip_isize(file);
    const std::size_t one = h.header_bytes + h.data_bytes;
    if (bytes.size() < probe && bytes.size() < one) {
      // The whole file came out and is shorter than its header promises.
      throw Error(
          fmt::format("{} is truncated: its EDF header promises {} bytes of data, the "
                      "file holds {}",
                      file.string(), h.data_bytes, bytes.size() - h.header_bytes));
    }
    if (isize && *isize == static_cast<std::uint32_t>(one)) {
      images_.push_back({f, h.header_bytes, h});
      return;
    }
    gunzip(file, bytes);
    size = bytes.size();
    read_at = [&](std::size_t offset, std::size_t n) {
      return std::string(bytes.data() + offset, std::min(n, size - offset));
    };
  } else {
    in.open(file, std::ios::binary);
    require(in.good(), file.string() + ": cannot open", ErrorKind::InputOutput);
    size = static_cast<std::size_t>(fs::file_size(file));
    read_at = [&](std::size_t offset, std::size_t n) {
      std::string s(std::min(n, size - offset), '\0');
      in.seekg(static_cast<std::streamoff>(offset));
      in.read(s.data(), static_cast<std::streamsize>(s.size()));
      s.resize(static_cast<std::size_t>(in.gcount()));
      return s;
    };
  }
  std::size_t offset = 0;
  std::size_t image = 0;
  while (offset < size) {
    std::string head = read_at(offset, kShortProbe);
    if (head.size() == kShortProbe && !has_header_end(head.data(), head.size()))
      head = read_at(offset, kHeaderProbe);
    if (image > 0 && trim(head).empty()) break;  // padding after the last image
    const std::string here =
        file.string() + (image > 0 ? " image " + std::to_string(image + 1) : "");
    const EdfHeader h = parse_edf_header(head.data(), head.size(), here);
    const std::size_t data = offset + h.header_bytes;
    require(data + h.data_bytes <= size,
            fmt::format("{} is truncated: its EDF header promises {} bytes of data, the file "
                        "holds {}",
                        here, h.data_bytes, size - std::min(size, data)));
    images_.push_back({f, data, h});
    offset = data + h.data_bytes;
    ++image;
  }
  require(image > 0, file.string() + " holds no EDF image");
}

const char* EdfFrameSource::image_bytes(const Image& image) {
  const fs::path& file = files_[image.file];
  const std::size_t n = image.header.width * image.header.height * image.header.item_size;
  if (is_gz(file)) {
    if (open_file_ != image.file) {
      open_file_ = static_cast<std::size_t>(-1);
      gunzip(file, inflated_);
      open_file_ = image.file;
    }
    require(image.offset + n <= inflated_.size(),
            file.string() + " is truncated (it changed since it was opened?)");
    return inflated_.data() + image.offset;
  }
  if (open_file_ != image.file) {
    plain_.close();
    plain_.clear();
    plain_.open(file, std::ios::binary);
    require(plain_.good(), file.string() + ": cannot open", ErrorKind::InputOutput);
    open_file_ = image.file;
  }
  raw_.resize(n);
  plain_.seekg(static_cast<std::streamoff>(image.offset));
  plain_.read(raw_.data(), static_cast<std::streamsize>(n));
  require(static_cast<std::size_t>(plain_.gcount()) == n,
          file.string() + " is truncated (it changed since it was opened?)");
  return raw_.data();
}

void EdfFrameSource::read_dense(std::size_t first, std::size_t count, FrameBlock& out) {
  require(first + count <= info_.frames, files_[0].string() + ": frames beyond the series");
  const std::size_t p = info_.pixels();
  out.first = first;
  out.count = count;
  out.data.resize(count * p);
  for (std::size_t k = 0; k < count; ++k) {
    const Image& image = images_[first + k];
    float* frame = out.data.data() + k * p;
    convert(image.header, image_bytes(image), p, frame);
    if (image.header.kind != 'u')
      validate_frame_values(frame, p, first + k, files_[image.file].string());
  }
}

}  // namespace glassy
