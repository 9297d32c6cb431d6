#include <glassy/core/error.hpp>
#include <glassy/md/image_flags.hpp>
#include <glassy/md/lammps_dump.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

namespace glassy::md {
namespace {

// ---------------- text helpers ----------------

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '\r') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool to_double(std::string_view s, double& v) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(v);
}

bool to_int(std::string_view s, std::int64_t& v) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::string where(const std::filesystem::path& file, std::int64_t line) {
  return file.string() + ":" + std::to_string(line);
}

// Buffered line reader that knows byte offsets and line numbers and can skip lines fast.
class LineReader {
 public:
  explicit LineReader(const std::filesystem::path& file) : file_(file) {
    f_ = std::fopen(file.c_str(), "rb");
    require(f_ != nullptr, "cannot open '" + file.string() + "': " + std::strerror(errno),
            ErrorKind::InputOutput);
    buf_.resize(std::size_t{1} << 20);
  }
  ~LineReader() {
    if (f_ != nullptr) std::fclose(f_);
  }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  void seek(std::uint64_t offset, std::int64_t line_number) {
    std::fseek(f_, static_cast<long>(offset), SEEK_SET);
    pos_ = len_ = 0;
    eof_ = false;
    offset_ = offset;
    line_ = line_number;
  }
  std::uint64_t offset() const { return offset_; }
  std::int64_t line_number() const { return line_; }  // of the line next() returns next

  // The next line without its end-of-line characters; false at end of file.
  bool next(std::string& out) {
    out.clear();
    bool any = false;
    while (true) {
      if (pos_ == len_ && !fill()) break;
      any = true;
      const char* start = buf_.data() + pos_;
      const void* nl = std::memchr(start, '\n', len_ - pos_);
      if (nl != nullptr) {
        const std::size_t n = static_cast<const char*>(nl) - start;
        out.append(start, n);
        pos_ += n + 1;
        offset_ += n + 1;
        ++line_;
        if (!out.empty() && out.back() == '\r') out.pop_back();
        return true;
      }
      out.append(start, len_ - pos_);
      offset_ += len_ - pos_;
      pos_ = len_;
    }
    if (!any || out.empty()) return false;
    ++line_;
    if (out.back() == '\r') out.pop_back();
    return true;
  }

  // Skips up to `count` lines, stopping before a line that starts with "ITEM:". Returns how many
  // were skipped.
  std::size_t skip_atom_lines(std::size_t count) {
    std::size_t skipped = 0;
    while (skipped < count) {
      if (pos_ == len_ && !fill()) return skipped;
      if (len_ - pos_ < 5 && !eof_) {  // make sure "ITEM:" can be seen whole
        compact_and_fill();
        if (pos_ == len_) return skipped;
      }
      if (len_ - pos_ >= 5 && std::memcmp(buf_.data() + pos_, "ITEM:", 5) == 0) return skipped;
      const char* start = buf_.data() + pos_;
      const void* nl = std::memchr(start, '\n', len_ - pos_);
      if (nl == nullptr) {
        offset_ += len_ - pos_;
        pos_ = len_;
        if (!fill()) {  // a last line without newline
          ++line_;
          return skipped + 1;
        }
        // continue the same line in the new block
        while (true) {
          const char* s2 = buf_.data() + pos_;
          const void* nl2 = std::memchr(s2, '\n', len_ - pos_);
          if (nl2 != nullptr) {
            const std::size_t n = static_cast<const char*>(nl2) - s2;
            pos_ += n + 1;
            offset_ += n + 1;
            break;
          }
          offset_ += len_ - pos_;
          pos_ = len_;
          if (!fill()) {
            ++line_;
            return skipped + 1;
          }
        }
      } else {
        const std::size_t n = static_cast<const char*>(nl) - start;
        pos_ += n + 1;
        offset_ += n + 1;
      }
      ++line_;
      ++skipped;
    }
    return skipped;
  }

 private:
  bool fill() {
    if (eof_) return false;
    len_ = std::fread(buf_.data(), 1, buf_.size(), f_);
    pos_ = 0;
    if (len_ == 0) eof_ = true;
    return len_ > 0;
  }
  void compact_and_fill() {
    const std::size_t rest = len_ - pos_;
    std::memmove(buf_.data(), buf_.data() + pos_, rest);
    const std::size_t got = std::fread(buf_.data() + rest, 1, buf_.size() - rest, f_);
    if (got == 0) eof_ = true;
    pos_ = 0;
    len_ = rest + got;
  }

  std::filesystem::path file_;
  std::FILE* f_ = nullptr;
  std::vector<char> buf_;
  std::size_t pos_ = 0, len_ = 0;
  std::uint64_t offset_ = 0;
  std::int64_t line_ = 1;
  bool eof_ = false;
};

// ---------------- dumps ----------------

enum class Coordinates { Unwrapped, Wrapped, Scaled, ScaledUnwrapped };

struct DumpColumns {
  int id = -1, type = -1, x[3] = {-1, -1, -1}, image[3] = {-1, -1, -1};
  Coordinates coords = Coordinates::Wrapped;
  std::size_t count = 0;
  bool has_images() const { return image[0] >= 0 && image[1] >= 0 && image[2] >= 0; }
  bool unwrapped() const {
    return coords == Coordinates::Unwrapped || coords == Coordinates::ScaledUnwrapped ||
           has_images();
  }
};

DumpColumns parse_columns(const std::string& header, const std::filesystem::path& file,
                          std::int64_t line) {
  // header: "ITEM: ATOMS id type x y z ..."
  auto tokens = split(header);
  DumpColumns c;
  std::map<std::string_view, int> at;
  for (std::size_t i = 2; i < tokens.size(); ++i) at[tokens[i]] = static_cast<int>(i - 2);
  c.count = tokens.size() - 2;
  auto find = [&](std::string_view name) { return at.count(name) ? at[name] : -1; };
  c.id = find("id");
  c.type = find("type");
  require(c.type >= 0, [&] {
    return where(file, line) +
           ": the dump has no 'type' column; glassy needs each atom's species (dump with columns "
           "'id type xu yu zu')";
  });
  const char* sets[4][3] = {
      {"xu", "yu", "zu"}, {"x", "y", "z"}, {"xs", "ys", "zs"}, {"xsu", "ysu", "zsu"}};
  const Coordinates kinds[4] = {Coordinates::Unwrapped, Coordinates::Wrapped, Coordinates::Scaled,
                                Coordinates::ScaledUnwrapped};
  bool found = false;
  for (int s = 0; s < 4 && !found; ++s) {
    if (find(sets[s][0]) >= 0 && find(sets[s][1]) >= 0 && find(sets[s][2]) >= 0) {
      for (int d = 0; d < 3; ++d) c.x[d] = find(sets[s][d]);
      c.coords = kinds[s];
      found = true;
    }
  }
  require(found, [&] {
    return where(file, line) +
           ": the dump has no position columns (xu yu zu, x y z, xs ys zs or xsu ysu zsu)";
  });
  const char* img[3] = {"ix", "iy", "iz"};
  for (int d = 0; d < 3; ++d) c.image[d] = find(img[d]);
  if (c.coords == Coordinates::Unwrapped || c.coords == Coordinates::ScaledUnwrapped)
    c.image[0] = c.image[1] = c.image[2] = -1;  // already unwrapped
  return c;
}

struct DumpFrame {
  std::int64_t step = 0;
  Box box;
  std::uint64_t atoms_offset = 0;  // byte offset of the first atom line
  std::int64_t atoms_line = 0;     // its line number
};

class DumpSource : public TrajectorySource {
 public:
  DumpSource(const std::filesystem::path& file, double timestep) : file_(file), reader_(file) {
    require(timestep > 0, "dump timestep must be positive");
    header_.timestep = timestep;
    index();
    frames_ = frames_index_.size();
    // The first frame fixes species and atom order.
    std::vector<double> x;
    std::vector<int> types;
    parse_frame(0, x, types, true);
    header_.species = types;
    cursor_ = 0;
    cursor_positions_ = x;
    if (!columns_.unwrapped()) checkpoints_[0] = x;
  }

  Snapshot read(std::size_t i) override {
    require(i < frames_, [&] {
      return file_.string() + ": frame " + std::to_string(i) + " requested, the dump has " +
             std::to_string(frames_);
    });
    Snapshot s;
    s.step = frames_index_[i].step;
    s.time = static_cast<double>(s.step - frames_index_[0].step) * header_.timestep;
    s.box = frames_index_[i].box;
    if (columns_.unwrapped()) {
      std::vector<int> types;
      parse_frame(i, s.positions, types, false);
      return s;
    }
    // Wrapped without image flags: unwrap by continuity from the nearest frame already known.
    if (i < cursor_) {
      auto it = std::prev(checkpoints_.upper_bound(i));
      cursor_ = it->first;
      cursor_positions_ = it->second;
    }
    while (cursor_ < i) {
      std::vector<double> x;
      std::vector<int> types;
      parse_frame(cursor_ + 1, x, types, false);
      const auto len = frames_index_[cursor_ + 1].box.length();
      for (std::size_t k = 0; k < x.size(); ++k) {
        const double l = len[k % 3];
        x[k] += l * std::round((cursor_positions_[k] - x[k]) / l);
      }
      cursor_positions_ = std::move(x);
      ++cursor_;
      if (cursor_ % kCheckpointEvery == 0) checkpoints_[cursor_] = cursor_positions_;
    }
    s.positions = cursor_positions_;
    return s;
  }

 private:
  static constexpr std::size_t kCheckpointEvery = 64;

  [[noreturn]] void fail(std::int64_t line, const std::string& what) const {
    throw Error(where(file_, line) + ": " + what);
  }

  std::string expect_line(std::string& line, const char* what) {
    const auto n = reader_.line_number();
    if (!reader_.next(line)) fail(n, std::string("file ends where ") + what + " was expected");
    return line;
  }

  void index() {
    std::string line;
    while (true) {
      std::int64_t ln = reader_.line_number();
      if (!reader_.next(line)) break;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // trailing blank lines
      if (line.rfind("ITEM: TIMESTEP", 0) != 0)
        fail(ln, "expected 'ITEM: TIMESTEP', found '" + line.substr(0, 60) +
                     "' (is this a LAMMPS text dump, and is every frame complete?)");
      DumpFrame f;
      ln = reader_.line_number();
      expect_line(line, "the timestep");
      auto tok = split(line);
      if (tok.empty() || !to_int(tok[0], f.step))
        fail(ln, "timestep '" + line + "' is not an integer");
      // Optional items (TIME, UNITS) may come before NUMBER OF ATOMS.
      std::int64_t natoms = -1;
      while (true) {
        ln = reader_.line_number();
        expect_line(line, "'ITEM: NUMBER OF ATOMS'");
        if (line.rfind("ITEM: NUMBER OF ATOMS", 0) == 0) break;
        if (line.rfind("ITEM:", 0) != 0)
          fail(ln, "expected 'ITEM: NUMBER OF ATOMS', found '" + line.substr(0, 60) + "'");
        expect_line(line, "an item value");
      }
      ln = reader_.line_number();
      expect_line(line, "the number of atoms");
      tok = split(line);
      if (tok.size() != 1 || !to_int(tok[0], natoms) || natoms <= 0)
        fail(ln, "number of atoms '" + line + "' is not a positive integer");
      if (frames_index_.empty()) {
        natoms_ = natoms;
      } else if (natoms != natoms_) {
        fail(ln, "the atom count changes from " + std::to_string(natoms_) + " to " +
                     std::to_string(natoms) + " in frame " + std::to_string(frames_index_.size()) +
                     "; glassy needs the same atoms in every frame");
      }
      ln = reader_.line_number();
      expect_line(line, "'ITEM: BOX BOUNDS'");
      if (line.rfind("ITEM: BOX BOUNDS", 0) != 0)
        fail(ln, "expected 'ITEM: BOX BOUNDS', found '" + line.substr(0, 60) + "'");
      if (line.find("xy") != std::string::npos)
        fail(ln, "triclinic (tilted) boxes are not supported; glassy needs an orthogonal box");
      for (int d = 0; d < 3; ++d) {
        ln = reader_.line_number();
        expect_line(line, "a box bounds line");
        tok = split(line);
        if (tok.size() == 3)
          fail(ln, "box line '" + line +
                       "' has a tilt factor: triclinic boxes are not supported; glassy needs an "
                       "orthogonal box");
        if (tok.size() != 2 || !to_double(tok[0], f.box.lo[d]) || !to_double(tok[1], f.box.hi[d]))
          fail(ln, "box line '" + line + "' must be two numbers 'lo hi'");
        if (!(f.box.hi[d] > f.box.lo[d]))
          fail(ln, "box line '" + line + "' is degenerate: hi must be greater than lo");
      }
      ln = reader_.line_number();
      expect_line(line, "'ITEM: ATOMS'");
      if (line.rfind("ITEM: ATOMS", 0) != 0)
        fail(ln, "expected 'ITEM: ATOMS ...', found '" + line.substr(0, 60) + "'");
      if (frames_index_.empty()) {
        columns_ = parse_columns(line, file_, ln);
        atoms_header_ = line;
      } else if (line != atoms_header_) {
        fail(ln, "the columns change ('" + line + "' after '" + atoms_header_ + "')");
      }
      f.atoms_offset = reader_.offset();
      f.atoms_line = reader_.line_number();
      const std::size_t got = reader_.skip_atom_lines(static_cast<std::size_t>(natoms));
      if (got != static_cast<std::size_t>(natoms))
        fail(f.atoms_line + static_cast<std::int64_t>(got),
             "frame " + std::to_string(frames_index_.size()) + " (step " + std::to_string(f.step) +
                 ") has " + std::to_string(got) + " of " + std::to_string(natoms) +
                 " atom lines: the dump is truncated or malformed");
      frames_index_.push_back(f);
    }
    require(!frames_index_.empty(), file_.string() + ": no frames in the LAMMPS dump");
  }

  // Positions of frame i in atom-id order (unwrapped when the columns allow it) and types.
  void parse_frame(std::size_t i, std::vector<double>& x, std::vector<int>& types, bool first) {
    const DumpFrame& f = frames_index_[i];
    const auto n = static_cast<std::size_t>(natoms_);
    const auto len = f.box.length();
    reader_.seek(f.atoms_offset, f.atoms_line);
    std::vector<std::int64_t> ids(n);
    std::vector<double> raw(3 * n);
    std::vector<int> raw_types(n);
    std::string line;
    for (std::size_t a = 0; a < n; ++a) {
      const auto ln = reader_.line_number();
      if (!reader_.next(line)) fail(ln, "the dump ends inside frame " + std::to_string(i));
      const auto tok = split(line);
      if (tok.size() < columns_.count)
        fail(ln, "atom line has " + std::to_string(tok.size()) + " of " +
                     std::to_string(columns_.count) + " columns (truncated dump?)");
      std::int64_t type = 0;
      if (!to_int(tok[columns_.type], type) || type < 1)
        fail(ln, "atom type '" + std::string(tok[columns_.type]) + "' is not a positive integer");
      raw_types[a] = static_cast<int>(type - 1);
      if (columns_.id >= 0) {
        if (!to_int(tok[columns_.id], ids[a])) fail(ln, "atom id is not an integer");
      } else {
        ids[a] = static_cast<std::int64_t>(a + 1);
      }
      for (int d = 0; d < 3; ++d) {
        double v;
        if (!to_double(tok[columns_.x[d]], v)) fail(ln, "position is not a number");
        if (columns_.coords == Coordinates::Scaled ||
            columns_.coords == Coordinates::ScaledUnwrapped)
          v = f.box.lo[d] + v * len[d];
        if (columns_.has_images()) {
          std::int64_t im;
          if (!to_int(tok[columns_.image[d]], im)) fail(ln, "image flag is not an integer");
          v += static_cast<double>(im) * len[d];
        }
        raw[3 * a + d] = v;
      }
    }
    // Sort by id (the usual case, ids 1..N, is a direct placement).
    std::vector<std::size_t> order(n);
    bool direct = true;
    std::vector<char> seen(n, 0);
    for (std::size_t a = 0; a < n && direct; ++a) {
      if (ids[a] < 1 || ids[a] > static_cast<std::int64_t>(n) || seen[ids[a] - 1])
        direct = false;
      else
        seen[ids[a] - 1] = 1, order[ids[a] - 1] = a;
    }
    if (first) first_direct_ = direct;
    if (!direct) {
      for (std::size_t a = 0; a < n; ++a) order[a] = a;
      std::sort(order.begin(), order.end(), [&](auto p, auto q) { return ids[p] < ids[q]; });
      for (std::size_t a = 1; a < n; ++a)
        if (ids[order[a]] == ids[order[a - 1]])
          fail(f.atoms_line, "atom id " + std::to_string(ids[order[a]]) +
                                 " appears twice in frame " + std::to_string(i));
      if (first) first_ids_.assign(n, 0);
      for (std::size_t a = 0; a < n; ++a) {
        if (first)
          first_ids_[a] = ids[order[a]];
        else if (first_direct_ || first_ids_[a] != ids[order[a]])
          fail(f.atoms_line, "frame " + std::to_string(i) + " has other atom ids than frame 0");
      }
    } else if (!first && !first_direct_) {
      fail(f.atoms_line, "frame " + std::to_string(i) + " has other atom ids than frame 0");
    }
    x.resize(3 * n);
    types.resize(n);
    for (std::size_t a = 0; a < n; ++a) {
      const std::size_t r = order[a];
      for (int d = 0; d < 3; ++d) x[3 * a + d] = raw[3 * r + d];
      types[a] = raw_types[r];
      if (!first && types[a] != header_.species[a])
        fail(f.atoms_line,
             "atom " + std::to_string(ids[r]) + " changes type in frame " + std::to_string(i));
    }
  }

  std::filesystem::path file_;
  LineReader reader_;
  std::vector<DumpFrame> frames_index_;
  std::int64_t natoms_ = 0;
  DumpColumns columns_;
  std::string atoms_header_;
  std::vector<std::int64_t> first_ids_;  // sorted ids of frame 0 when they are not 1..N
  bool first_direct_ = true;
  // Continuity unwrapping state (wrapped dumps without image flags only).
  std::size_t cursor_ = 0;
  std::vector<double> cursor_positions_;
  std::map<std::size_t, std::vector<double>> checkpoints_;
};

// ---------------- data files ----------------

bool is_section_header(std::string_view t) {
  return !t.empty() && std::isalpha(static_cast<unsigned char>(t[0]));
}

struct AtomStyleColumns {
  int type, x, min_columns;
};

std::optional<AtomStyleColumns> style_columns(const std::string& style) {
  if (style == "atomic") return AtomStyleColumns{1, 2, 5};
  if (style == "charge") return AtomStyleColumns{1, 3, 6};
  if (style == "molecular" || style == "bond" || style == "angle") return AtomStyleColumns{2, 3, 6};
  if (style == "full") return AtomStyleColumns{2, 4, 7};
  return std::nullopt;
}

class DataSource : public TrajectorySource {
 public:
  explicit DataSource(const std::filesystem::path& file) {
    data_ = read_lammps_data(file);
    header_.species = data_.species;
    frames_ = 1;
  }
  Snapshot read(std::size_t i) override {
    require(i == 0, "a LAMMPS data file holds one snapshot (frame 0)");
    return data_.snapshot;
  }

 private:
  LammpsData data_;
};

}  // namespace

LammpsData read_lammps_data(const std::filesystem::path& file) {
  LineReader reader(file);
  LammpsData out;
  std::string line;
  auto fail = [&](std::int64_t ln, const std::string& what) -> void {
    throw Error(where(file, ln) + ": " + what);
  };
  // Title line: write_data puts "timestep = N" there.
  if (!reader.next(line)) fail(1, "empty file: not a LAMMPS data file");
  if (auto p = line.find("timestep = "); p != std::string::npos) {
    std::int64_t step = 0;
    auto tok = split(std::string_view(line).substr(p + 11));
    if (!tok.empty() && to_int(tok[0].substr(0, tok[0].find(',')), step)) out.snapshot.step = step;
  }
  std::int64_t natoms = -1;
  bool have_box[3] = {false, false, false};
  std::string pending;  // a section header line, read by the loop before its section
  std::int64_t pending_line = 0;
  // The next non-blank line without its comment; false at the end of the file or at a section
  // header (kept in `pending` for the section loop).
  auto next_content = [&](std::int64_t& ln, std::string& body) {
    while (true) {
      ln = reader.line_number();
      if (!reader.next(line)) return false;
      body = line.substr(0, line.find('#'));
      const auto tok = split(body);
      if (tok.empty()) continue;
      if (is_section_header(tok[0])) {
        pending = line;
        pending_line = ln;
        return false;
      }
      return true;
    }
  };
  // Header.
  std::int64_t ln = 0;
  std::string body;
  while (next_content(ln, body)) {
    auto tok = split(body);
    if (tok.size() >= 2 && tok.back() == "atoms" && tok.size() == 2) {
      if (!to_int(tok[0], natoms) || natoms <= 0)
        fail(ln, "atom count '" + line + "' is not a positive integer");
    } else if (tok.size() >= 4 && (tok[2] == "xlo" || tok[2] == "ylo" || tok[2] == "zlo")) {
      const int d = tok[2][0] - 'x';
      if (tok[3] != std::string(1, tok[2][0]) + "hi")
        fail(ln, "box line '" + line + "' must read 'lo hi " + std::string(tok[2]) + " ...hi'");
      if (!to_double(tok[0], out.snapshot.box.lo[d]) || !to_double(tok[1], out.snapshot.box.hi[d]))
        fail(ln, "box line '" + line + "' must start with two numbers 'lo hi'");
      if (!(out.snapshot.box.hi[d] > out.snapshot.box.lo[d]))
        fail(ln, "box line '" + line + "' is degenerate: hi must be greater than lo");
      have_box[d] = true;
    } else if (tok.size() >= 6 && tok[3] == "xy") {
      fail(ln, "triclinic (tilted) boxes are not supported; glassy needs an orthogonal box");
    }
  }
  if (natoms <= 0) fail(reader.line_number(), "no 'N atoms' line in the header");
  for (int d = 0; d < 3; ++d)
    if (!have_box[d])
      fail(reader.line_number(),
           std::string("no '") + "xyz"[d] + "lo " + "xyz"[d] + "hi' box line in the header");
  const auto n = static_cast<std::size_t>(natoms);
  const auto len = out.snapshot.box.length();
  out.snapshot.positions.assign(3 * n, 0.0);
  out.species.assign(n, -1);
  std::vector<double> velocities;
  bool have_atoms = false;
  // Sections.
  while (!pending.empty()) {
    const std::string header = pending;
    const std::int64_t header_line = pending_line;
    pending.clear();
    auto name_tok = split(std::string_view(header).substr(0, header.find('#')));
    std::string name;
    for (auto t : name_tok) name += (name.empty() ? "" : " ") + std::string(t);
    // Data lines until the next section header or end of file.
    std::vector<std::pair<std::int64_t, std::string>> rows;
    while (next_content(ln, body)) rows.emplace_back(ln, body);
    if (name == "Atoms") {
      std::string style = "atomic";
      if (auto h = header.find('#'); h != std::string::npos) {
        auto hint = split(std::string_view(header).substr(h + 1));
        if (!hint.empty()) style = std::string(hint[0]);
      }
      const auto cols = style_columns(style);
      if (!cols)
        fail(header_line, "atom style '" + style +
                              "' is not supported; write the data file with atom_style atomic");
      if (rows.size() != n)
        fail(rows.empty() ? header_line : rows.back().first,
             "Atoms section has " + std::to_string(rows.size()) + " of " + std::to_string(n) +
                 " atom lines (truncated file or wrong atom count)");
      std::vector<char> seen(n, 0);
      for (const auto& [ln, body] : rows) {
        auto tok = split(body);
        if (static_cast<int>(tok.size()) < cols->min_columns)
          fail(ln, "atom line has " + std::to_string(tok.size()) + " columns, style " + style +
                       " needs " + std::to_string(cols->min_columns));
        std::int64_t id = 0, type = 0;
        if (!to_int(tok[0], id) || id < 1 || id > natoms)
          fail(ln, "atom id '" + std::string(tok[0]) + "' is not in 1.." + std::to_string(natoms));
        if (seen[id - 1]) fail(ln, "atom id " + std::to_string(id) + " appears twice");
        seen[id - 1] = 1;
        if (!to_int(tok[cols->type], type) || type < 1)
          fail(ln, "atom type '" + std::string(tok[cols->type]) + "' is not a positive integer");
        out.species[id - 1] = static_cast<int>(type - 1);
        const bool images = static_cast<int>(tok.size()) >= cols->min_columns + 3;
        for (int d = 0; d < 3; ++d) {
          double v;
          if (!to_double(tok[cols->x + d], v)) fail(ln, "position is not a number");
          if (images) {
            std::int64_t im;
            if (!to_int(tok[cols->min_columns + d], im)) fail(ln, "image flag is not an integer");
            v += static_cast<double>(im) * len[d];
          }
          out.snapshot.positions[3 * (id - 1) + d] = v;
        }
      }
      have_atoms = true;
    } else if (name == "Velocities") {
      if (rows.size() != n)
        fail(rows.empty() ? header_line : rows.back().first,
             "Velocities section has " + std::to_string(rows.size()) + " of " + std::to_string(n) +
                 " lines (truncated file?)");
      velocities.assign(3 * n, 0.0);
      for (const auto& [ln, body] : rows) {
        auto tok = split(body);
        std::int64_t id = 0;
        if (tok.size() < 4 || !to_int(tok[0], id) || id < 1 || id > natoms)
          fail(ln, "velocity line must be 'id vx vy vz' with id in 1.." + std::to_string(natoms));
        for (int d = 0; d < 3; ++d)
          if (!to_double(tok[1 + d], velocities[3 * (id - 1) + d]))
            fail(ln, "velocity is not a number");
      }
    }
    // Masses, Pair Coeffs and other sections are not needed: the model defines them.
  }
  if (!have_atoms) fail(reader.line_number(), "no Atoms section: not a usable LAMMPS data file");
  out.velocities = std::move(velocities);
  return out;
}

void write_lammps_data(const std::filesystem::path& file, const Snapshot& snapshot,
                       const std::vector<int>& species, const std::vector<double>& velocities,
                       const std::vector<double>& masses) {
  const std::size_t n = snapshot.atoms();
  require(species.size() == n, "write_lammps_data: one species per atom needed");
  require(velocities.empty() || velocities.size() == 3 * n,
          "write_lammps_data: velocities must be [N][3]");
  int types = 1;
  for (int s : species) {
    require(s >= 0, "write_lammps_data: species must be >= 0");
    types = std::max(types, s + 1);
  }
  types = std::max<int>(types, static_cast<int>(masses.size()));
  std::ofstream out(file);
  require(out.good(), "cannot write '" + file.string() + "'", ErrorKind::InputOutput);
  char buf[256];
  out << "LAMMPS data file written by glassy, timestep = " << snapshot.step << "\n\n";
  out << n << " atoms\n" << types << " atom types\n\n";
  const char* axis[3] = {"x", "y", "z"};
  for (int d = 0; d < 3; ++d) {
    std::snprintf(buf, sizeof buf, "%.17g %.17g %slo %shi\n", snapshot.box.lo[d],
                  snapshot.box.hi[d], axis[d], axis[d]);
    out << buf;
  }
  if (!masses.empty()) {
    out << "\nMasses\n\n";
    for (std::size_t t = 0; t < masses.size(); ++t) {
      std::snprintf(buf, sizeof buf, "%zu %.17g\n", t + 1, masses[t]);
      out << buf;
    }
  }
  out << "\nAtoms # atomic\n\n";
  for (std::size_t i = 0; i < n; ++i) {
    FoldedCoordinate c[3];
    for (int d = 0; d < 3; ++d)
      c[d] = fold_with_image(snapshot.positions[3 * i + d], snapshot.box.lo[d], snapshot.box.hi[d]);
    std::snprintf(buf, sizeof buf, "%zu %d %.17g %.17g %.17g %d %d %d\n", i + 1, species[i] + 1,
                  c[0].x, c[1].x, c[2].x, c[0].image, c[1].image, c[2].image);
    out << buf;
  }
  if (!velocities.empty()) {
    out << "\nVelocities\n\n";
    for (std::size_t i = 0; i < n; ++i) {
      std::snprintf(buf, sizeof buf, "%zu %.17g %.17g %.17g\n", i + 1, velocities[3 * i],
                    velocities[3 * i + 1], velocities[3 * i + 2]);
      out << buf;
    }
  }
  out.flush();
  require(out.good(), "failed writing '" + file.string() + "'");
}

bool is_lammps_dump(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos)
      return line.rfind("ITEM: TIMESTEP", 0) == 0;
  return false;
}

std::unique_ptr<TrajectorySource> open_lammps_dump(const std::filesystem::path& file,
                                                   double timestep) {
  return std::make_unique<DumpSource>(file, timestep);
}

std::unique_ptr<TrajectorySource> open_lammps_data(const std::filesystem::path& file) {
  return std::make_unique<DataSource>(file);
}

}  // namespace glassy::md
