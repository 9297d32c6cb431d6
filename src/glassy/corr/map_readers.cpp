// The readers behind open_map_piece: APS result HDF5 (/xpcs/twotime/correlation_map/c2_*), the
// legacy APS layout (/exchange/C2T_all/*), MATLAB .mat (variable C, v5 or v7.3, through Debian's
// libmatio) and NumPy .npy [T, T] (header parsed by io/npy_frames).
#include <glassy/core/error.hpp>
#include <glassy/corr/map_source.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/io/metadata.hpp>
#include <glassy/io/npy_frames.hpp>

#include <fmt/format.h>
#include <matio.h>

#include <algorithm>
#include <cstring>
#include <fstream>

namespace glassy {
namespace {

constexpr const char* kApsMaps = "xpcs/twotime/correlation_map";
constexpr const char* kLegacyMaps = "exchange/C2T_all";
constexpr const char* kLegacyFrameTime = "measurement/instrument/detector/exposure_period";

// The frame time a result file states: the APS detector group (scalar, [1] or [1, 1]), else the
// legacy exposure period. One place, so a shared metadata reader can take it over.
std::optional<double> result_frame_time(const h5::File& f) {
  if (auto t = read_metadata(f).frame_time) return t;
  if (f.is_dataset(kLegacyFrameTime)) {
    const auto v = f.read<double>(kLegacyFrameTime);
    if (!v.empty()) return v.front();
  }
  return std::nullopt;
}

// The number after the last '_' of a dataset name (c2_00005 -> 5), -1 when there is none.
long bin_number(const std::string& name) {
  const auto u = name.rfind('_');
  if (u == std::string::npos || u + 1 == name.size()) return -1;
  const std::string digits = name.substr(u + 1);
  if (!std::all_of(digits.begin(), digits.end(), ::isdigit)) return -1;
  return std::stol(digits);
}

// One 2-D square dataset per q bin (APS and legacy layouts), or one 2-D dataset for one bin.
class Hdf5MapPiece : public MapPiece {
 public:
  Hdf5MapPiece(const std::filesystem::path& file, const std::string& group, std::string format)
      : file_(h5::File::open(file)), format_(std::move(format)) {
    frame_time_ = result_frame_time(file_);
    if (file_.is_dataset(group)) {
      names_.push_back(group);
    } else {
      for (const auto& name : file_.group(group).children())
        if (file_.is_dataset(group + "/" + name)) names_.push_back(group + "/" + name);
      std::sort(names_.begin(), names_.end(),
                [](const auto& a, const auto& b) { return bin_number(a) < bin_number(b); });
    }
    require(!names_.empty(), file.string() + ":/" + group + " holds no map dataset");
    for (const auto& name : names_) {
      const auto dims = file_.dataset(name).dims();
      require(dims.size() == 2 && dims[0] == dims[1] && dims[0] > 0,
              fmt::format("{}:/{} is {}, not a square two-time map", file.string(), name,
                          dims.size() == 2 ? fmt::format("{} x {}", dims[0], dims[1])
                                           : fmt::format("rank {}", dims.size())));
      if (size_ == 0) size_ = dims[0];
      require(dims[0] == size_, fmt::format("{}:/{} is {} x {}, the file's first map {} x {}",
                                            file.string(), name, dims[0], dims[0], size_, size_));
    }
    where_ = file.string() + ":/" + (names_.size() == 1 ? names_.front() : group);
  }
  std::size_t size() const override { return size_; }
  std::size_t bins() const override { return names_.size(); }
  std::size_t bin_index(int one_based) const override {
    if (names_.size() == 1 && one_based == 1) return 0;
    for (std::size_t k = 0; k < names_.size(); ++k)
      if (bin_number(names_[k]) == one_based) return k;
    std::string have;
    for (const auto& n : names_) have += (have.empty() ? "" : ", ") + n.substr(n.rfind('/') + 1);
    throw Error(fmt::format("--bin {}: {} holds no map of that bin (it holds {})", one_based,
                            where(), have));
  }
  std::optional<double> frame_time() const override { return frame_time_; }
  std::string format() const override { return format_; }
  void read(std::size_t bin, std::size_t r0, std::size_t nr, std::size_t c0, std::size_t nc,
            double* out) override {
    file_.dataset(names_[bin]).read_block<double>({r0, c0}, {nr, nc}, out);
  }

 private:
  h5::File file_;
  std::string format_;
  std::vector<std::string> names_;
  std::size_t size_ = 0;
  std::optional<double> frame_time_;
};

// A .npy [T, T] of float32 or float64, read a row segment at a time.
class NpyMapPiece : public MapPiece {
 public:
  explicit NpyMapPiece(const std::filesystem::path& file)
      : header_(read_npy_header(file)), in_(file, std::ios::binary) {
    where_ = file.string();
    require(
        header_.shape.size() == 2 && header_.shape[0] == header_.shape[1] && header_.shape[0] > 0,
        where_ + ": a two-time map .npy must be a square [T, T] array");
    require(header_.kind == 'f' && (header_.item_size == 4 || header_.item_size == 8),
            where_ + ": a two-time map .npy must hold float32 or float64 values");
    const auto bytes = std::filesystem::file_size(file);
    require(bytes >= header_.data_offset + size() * size() * header_.item_size,
            where_ + " is truncated: fewer bytes than its header promises");
  }
  std::size_t size() const override { return header_.shape[0]; }
  std::size_t bins() const override { return 1; }
  std::string format() const override { return "NumPy .npy"; }
  void read(std::size_t, std::size_t r0, std::size_t nr, std::size_t c0, std::size_t nc,
            double* out) override {
    raw_.resize(nc * header_.item_size);
    for (std::size_t i = 0; i < nr; ++i) {
      in_.seekg(static_cast<std::streamoff>(header_.data_offset +
                                            ((r0 + i) * size() + c0) * header_.item_size));
      in_.read(raw_.data(), static_cast<std::streamsize>(raw_.size()));
      require(in_.good(), where_ + ": read failed (truncated file?)");
      for (std::size_t j = 0; j < nc; ++j) {
        if (header_.item_size == 8) {
          std::memcpy(out + i * nc + j, raw_.data() + j * 8, 8);
        } else {
          float v;
          std::memcpy(&v, raw_.data() + j * 4, 4);
          out[i * nc + j] = v;
        }
      }
    }
  }

 private:
  NpyHeader header_;
  std::ifstream in_;
  std::vector<char> raw_;
};

// A MATLAB .mat (v5 or v7.3) holding the map as variable C: [T, T], or [T, T, K] for K q bins.
class MatMapPiece : public MapPiece {
 public:
  explicit MatMapPiece(const std::filesystem::path& file) {
    where_ = file.string() + ":C";
    mat_ = Mat_Open(file.c_str(), MAT_ACC_RDONLY);
    require(mat_ != nullptr, file.string() + ": cannot open as a MATLAB .mat file");
    var_ = Mat_VarReadInfo(mat_, "C");
    if (var_ == nullptr) {
      std::string names;
      Mat_Rewind(mat_);
      while (matvar_t* v = Mat_VarReadNextInfo(mat_)) {
        names += (names.empty() ? "" : ", ") + std::string(v->name ? v->name : "?");
        Mat_VarFree(v);
      }
      close();
      throw Error(file.string() + " has no variable C (the APS 8-ID routines' two-time map); it " +
                  "holds: " + (names.empty() ? "nothing" : names));
    }
    const bool square =
        (var_->rank == 2 || var_->rank == 3) && var_->dims[0] == var_->dims[1] && var_->dims[0] > 0;
    const bool real =
        !var_->isComplex && (var_->class_type == MAT_C_DOUBLE || var_->class_type == MAT_C_SINGLE);
    std::string shape;
    for (int k = 0; k < var_->rank; ++k) shape += (k ? " x " : "") + std::to_string(var_->dims[k]);
    if (!square || !real) {
      close();
      throw Error(
          fmt::format("{}: variable C is {} {}, not a square real two-time map "
                      "[T, T] (or [T, T, bins])",
                      file.string(), shape, real ? "real" : "non-real or integer"));
    }
    version_ = Mat_GetVersion(mat_) == MAT_FT_MAT73 ? "MATLAB v7.3" : "MATLAB v5";
  }
  ~MatMapPiece() override { close(); }
  std::size_t size() const override { return var_->dims[0]; }
  std::size_t bins() const override { return var_->rank == 3 ? var_->dims[2] : 1; }
  std::string format() const override { return version_; }
  void read(std::size_t bin, std::size_t r0, std::size_t nr, std::size_t c0, std::size_t nc,
            double* out) override {
    // MATLAB is column-major: the slab comes back [column][row].
    int start[3] = {static_cast<int>(r0), static_cast<int>(c0), static_cast<int>(bin)};
    int stride[3] = {1, 1, 1};
    int edge[3] = {static_cast<int>(nr), static_cast<int>(nc), 1};
    const std::size_t n = nr * nc;
    int rc;
    if (var_->class_type == MAT_C_DOUBLE) {
      buf_.resize(n);
      rc = Mat_VarReadData(mat_, var_, buf_.data(), start, stride, edge);
    } else {
      fbuf_.resize(n);
      rc = Mat_VarReadData(mat_, var_, fbuf_.data(), start, stride, edge);
      buf_.assign(fbuf_.begin(), fbuf_.end());
    }
    require(rc == 0, where_ + ": cannot read the variable's values (damaged file?)");
    for (std::size_t j = 0; j < nc; ++j)
      for (std::size_t i = 0; i < nr; ++i) out[i * nc + j] = buf_[j * nr + i];
  }

 private:
  void close() {
    if (var_) Mat_VarFree(var_), var_ = nullptr;
    if (mat_) Mat_Close(mat_), mat_ = nullptr;
  }
  mat_t* mat_ = nullptr;
  matvar_t* var_ = nullptr;
  std::string version_;
  std::vector<double> buf_;
  std::vector<float> fbuf_;
};

bool is_mat_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char head[10] = {};
  in.read(head, 10);
  return in.gcount() == 10 && std::memcmp(head, "MATLAB ", 7) == 0;
}

}  // namespace

bool looks_like_map(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file)) return false;
  if (is_mat_file(file)) return true;
  if (NpyFrameSource::looks_like_npy(file)) {
    try {
      return read_npy_header(file).shape.size() == 2;
    } catch (const Error&) {
      return false;
    }
  }
  if (!h5::File::is_hdf5(file)) return false;
  const auto f = h5::File::open(file);
  return !f.exists("glassy/corr") && (f.exists(kApsMaps) || f.exists(kLegacyMaps));
}

std::unique_ptr<MapPiece> open_map_piece(const std::filesystem::path& file) {
  require(std::filesystem::exists(file), file.string() + ": no such file", ErrorKind::InputOutput);
  if (is_mat_file(file)) return std::make_unique<MatMapPiece>(file);
  if (NpyFrameSource::looks_like_npy(file)) return std::make_unique<NpyMapPiece>(file);
  require(h5::File::is_hdf5(file),
          file.string() + " is not a two-time map glassy reads (APS HDF5, .mat, .npy [T, T])");
  {
    const auto f = h5::File::open(file);
    if (f.exists(kApsMaps)) return std::make_unique<Hdf5MapPiece>(file, kApsMaps, "APS HDF5");
    if (f.exists(kLegacyMaps))
      return std::make_unique<Hdf5MapPiece>(file, kLegacyMaps, "APS legacy HDF5");
  }
  throw Error(file.string() + " holds no two-time map (/" + kApsMaps + "/c2_* or /" + kLegacyMaps +
              ")");
}

}  // namespace glassy
