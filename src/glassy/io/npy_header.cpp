// The .npy header, parsed strictly as numpy's format specification (NEP 1) defines it: magic,
// version, little-endian header length, then a Python dict literal with exactly the keys descr,
// fortran_order and shape, padded with spaces and ended by a newline. Anything else is refused
// with a line that says what is wrong, so a damaged file is never read a byte off.
#include <glassy/core/error.hpp>
#include <glassy/io/npy_frames.hpp>

#include <cctype>
#include <cstring>
#include <fstream>
#include <limits>

namespace glassy {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
// numpy itself refuses longer headers unless told the file is trusted (max_header_size).
constexpr std::size_t kMaxHeaderLength = 10000;

// A recursive-descent reader of the dict literal numpy writes.
class DictParser {
 public:
  DictParser(const std::string& text, std::string where) : s_(text), where_(std::move(where)) {}

  NpyHeader parse() {
    NpyHeader h;
    bool has_descr = false, has_order = false, has_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        if (has_descr) fail("key 'descr' appears twice");
        parse_descr(string_literal(), h);
        has_descr = true;
      } else if (key == "fortran_order") {
        require(!boolean(), where_ +
                                ": Fortran-ordered .npy is not supported; save with "
                                "np.ascontiguousarray");
        if (has_order) fail("key 'fortran_order' appears twice");
        has_order = true;
      } else if (key == "shape") {
        h.shape = shape_tuple();
        if (has_shape) fail("key 'shape' appears twice");
        has_shape = true;
      } else {
        fail("unexpected key '" + printable(key) + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') fail("expected ',' or '}'");
    }
    expect('}');
    // After the dict: spaces (padding) and exactly one final newline.
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
    if (pos_ + 1 != s_.size() || s_[pos_] != '\n')
      fail("the header does not end with padding and a newline (damaged or truncated file)");
    if (!has_descr || !has_order || !has_shape)
      fail("the header lacks one of 'descr', 'fortran_order', 'shape'");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(where_ + ": invalid .npy header: " + what + " (at byte " + std::to_string(pos_) +
                " of the header); re-save it with numpy.save");
  }
  static std::string printable(const std::string& t) {
    std::string out;
    for (unsigned char c : t.substr(0, 40)) out += std::isprint(c) ? static_cast<char>(c) : '?';
    return out;
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const auto end = s_.find(quote, pos_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string value = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return value;
  }
  bool boolean() {
    skip_space();
    if (s_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      return true;
    }
    if (s_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      return false;
    }
    fail("expected True or False");
  }
  std::size_t integer() {
    skip_space();
    if (peek() == '-') fail("negative dimension in 'shape'");
    if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a dimension in 'shape'");
    std::size_t v = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      const std::size_t digit = static_cast<std::size_t>(s_[pos_++] - '0');
      if (v > (std::numeric_limits<std::size_t>::max() - digit) / 10) fail("dimension overflows");
      v = v * 10 + digit;
    }
    if (peek() == 'L') ++pos_;  // Python 2 longs
    return v;
  }
  std::vector<std::size_t> shape_tuple() {
    expect('(');
    std::vector<std::size_t> dims;
    bool comma_after_last = false;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      dims.push_back(integer());
      comma_after_last = false;
      skip_space();
      if (peek() == ',') {
        ++pos_;
        comma_after_last = true;
        continue;
      }
      if (peek() != ')') fail("expected ',' or ')' in 'shape'");
    }
    expect(')');
    if (dims.size() == 1 && !comma_after_last)
      fail("a one-dimensional shape needs a trailing comma");
    // The element count must fit in memory arithmetic; the caller checks it against the file.
    std::size_t n = 1;
    for (auto d : dims) {
      if (d != 0 && n > std::numeric_limits<std::size_t>::max() / 16 / d)
        fail("'shape' holds more elements than any file can");
      n *= d;
    }
    return dims;
  }
  void parse_descr(const std::string& d, NpyHeader& h) {
    if (d.size() < 3 || std::string("<>|=").find(d[0]) == std::string::npos)
      fail("unsupported dtype '" + printable(d) + "' (need integer or float)");
    const char order = d[0];
    h.kind = d[1];
    if (h.kind != 'u' && h.kind != 'i' && h.kind != 'f')
      fail("unsupported dtype '" + printable(d) + "' (need integer or float)");
    std::size_t size = 0;
    for (std::size_t i = 2; i < d.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(d[i])) || size > 64)
        fail("unsupported dtype '" + printable(d) + "'");
      size = size * 10 + static_cast<std::size_t>(d[i] - '0');
    }
    h.item_size = size;
    const bool integer_ok =
        (h.kind == 'u' || h.kind == 'i') && (size == 1 || size == 2 || size == 4 || size == 8);
    const bool float_ok = h.kind == 'f' && (size == 4 || size == 8);
    if (!integer_ok && !float_ok) fail("unsupported dtype '" + printable(d) + "'");
    require(order != '>' || size == 1, where_ +
                                           ": big-endian .npy is not supported; save with "
                                           "dtype '<" +
                                           d.substr(1) + "'");
  }

  const std::string& s_;
  std::string where_;
  std::size_t pos_ = 0;
};

}  // namespace

NpyHeader parse_npy_header(const char* data, std::size_t size, const std::string& where) {
  require(size >= 10 && std::memcmp(data, kMagic, 6) == 0, where + " is not a .npy file");
  const auto* b = reinterpret_cast<const unsigned char*>(data);
  const int major = b[6], minor = b[7];
  require((major == 1 || major == 2 || major == 3) && minor == 0,
          where + ": .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
              " is not known (1.0, 2.0 and 3.0 are)");
  std::size_t prefix = 10, header_len = b[8] | (b[9] << 8);
  if (major >= 2) {
    require(size >= 12, where + ": truncated .npy header");
    header_len |= (static_cast<std::size_t>(b[10]) << 16) | (static_cast<std::size_t>(b[11]) << 24);
    prefix = 12;
  }
  require(header_len <= kMaxHeaderLength,
          where + ": .npy header claims " + std::to_string(header_len) +
              " bytes, more than numpy itself accepts (" + std::to_string(kMaxHeaderLength) +
              "); the file is damaged or not made by numpy");
  require(size >= prefix + header_len, where + ": truncated .npy header");
  const std::string header(data + prefix, header_len);
  NpyHeader h = DictParser(header, where).parse();
  h.data_offset = prefix + header_len;
  return h;
}

NpyHeader read_npy_header(const std::filesystem::path& file) {
  const std::string where = file.string();
  std::ifstream in(file, std::ios::binary);
  require(in.good(), where + ": cannot open", ErrorKind::InputOutput);
  std::string buf(12 + kMaxHeaderLength, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  buf.resize(static_cast<std::size_t>(in.gcount()));
  return parse_npy_header(buf.data(), buf.size(), where);
}

}  // namespace glassy
