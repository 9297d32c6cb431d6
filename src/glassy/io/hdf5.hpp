// io/hdf5: a thin RAII layer over the HDF5 C API. Files, groups, datasets (chunked, compressed,
// extendible), hyperslab reads and writes, attributes. Every failure becomes a glassy::Error that
// names the file and object; HDF5's own error-stack printing is switched off.
//
// Compression: gzip (built in), LZF (id 32000) and bitshuffle-LZ4 (id 32008) come from Debian's
// filter plugins; the plugin folder is added to the search path when HDF5_PLUGIN_PATH is unset.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace glassy::h5 {

// Owns one hid_t and closes it with the matching H5*close.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), closer_(o.closer_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      closer_ = o.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && closer_ != nullptr) closer_(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*closer_)(hid_t) = nullptr;
};

enum class Compression { None, Gzip, Lzf, BitshuffleLz4 };
Compression parse_compression(const std::string& name);  // none|gzip|lzf|bslz4
std::string to_string(Compression c);
bool filter_available(Compression c);
// Whether this HDF5 was built thread-safe (Debian's is): calls from two threads at once are then
// serialised by the library; otherwise they must not overlap.
bool library_is_threadsafe();

// The element type of a stored dataset, as far as glassy cares.
struct TypeInfo {
  enum Class { Integer, Float, String, Other } cls = Other;
  std::size_t size = 0;
  bool is_signed = false;
  std::string describe() const;  // "uint16", "float32", ...
};
TypeInfo type_info(hid_t type);  // of an HDF5 datatype handle

template <typename T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, double>)
    return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, float>)
    return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return H5T_NATIVE_INT8;
  else if constexpr (std::is_same_v<T, std::uint8_t>)
    return H5T_NATIVE_UINT8;
  else if constexpr (std::is_same_v<T, std::int16_t>)
    return H5T_NATIVE_INT16;
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    return H5T_NATIVE_UINT16;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return H5T_NATIVE_UINT64;
  else
    static_assert(sizeof(T) == 0, "no HDF5 native type for this C++ type");
}

using Dims = std::vector<hsize_t>;

struct DatasetOptions {
  Dims chunk;     // empty: contiguous (no compression possible)
  Dims max_dims;  // empty: fixed size; H5S_UNLIMITED entries make it extendible
  Compression compression = Compression::None;
  int gzip_level = 4;
};

// Chunked and compressed for the large tables of a result (the stored correlation state, the
// viewer's two-time maps): LZF, which h5py always carries (pyXpcsViewer and any h5py script read it
// without a plugin) and which writes these maps 4-5x faster than gzip level 1 for 10-20 % more
// bytes (docs/performance.md); gzip level 1 where the LZF plugin is missing.
DatasetOptions result_compression(Dims chunk);
// A result's per-pixel maps that compress (roi maps and mask: ~80x; the mean pattern: ~4x at
// photon-starved rates) of `shape`, elements of `element_bytes`: from 1 MiB up compressed as
// result_compression in chunks of whole detector rows (~2 MiB), contiguous below (a small
// detector's maps are not worth a filter). Smooth doubles (q, phi, flat-field weights) gain
// 0-20 % from LZF and stay contiguous. A 4-megapixel detector's result was 186 MB, almost all of
// it per-pixel maps.
DatasetOptions pixel_map_options(const Dims& shape, std::size_t element_bytes);

class Attributes;
class Dataset;

// A file or group: something that holds groups, datasets and attributes.
class Location {
 public:
  hid_t id() const { return h_.id(); }
  const std::string& path() const { return path_; }  // "file.h5:/entry/data" for messages

  bool exists(const std::string& name) const;  // any depth, e.g. "entry/data/data"
  bool is_group(const std::string& name) const;
  bool is_dataset(const std::string& name) const;
  std::vector<std::string> children() const;

  class Group group(const std::string& name) const;          // must exist
  class Group require_group(const std::string& name) const;  // creates missing levels
  Dataset dataset(const std::string& name) const;

  template <typename T>
  Dataset create_dataset(const std::string& name, const Dims& dims,
                         const DatasetOptions& options = {}) const;
  template <typename T>
  Dataset write(const std::string& name, const std::vector<T>& values, const Dims& dims = {},
                const DatasetOptions& options = {}) const;
  // A scalar dataset (shape (), as h5py writes a Python number).
  template <typename T>
  Dataset write_scalar(const std::string& name, T value) const;
  void write_string(const std::string& name, const std::string& value) const;
  // A 1-D array of fixed-length strings (h5py reads it as bytes; .astype(str) gives text).
  void write_strings(const std::string& name, const std::vector<std::string>& values) const;
  // Fixed-length strings, or variable-length ones (what h5py writes for a list of str or bytes).
  std::vector<std::string> read_strings(const std::string& name) const;
  template <typename T>
  std::vector<T> read(const std::string& name) const;
  template <typename T>
  T read_scalar(const std::string& name) const;
  std::string read_string(const std::string& name) const;

  Attributes attrs() const;
  // Copies object `name` (a group with everything under it, or a dataset) into `to`.
  void copy_to(const std::string& name, const Location& to) const;

 protected:
  Location(Handle h, std::string path) : h_(std::move(h)), path_(std::move(path)) {}
  Handle h_;
  std::string path_;
};

class Group : public Location {
  friend class Location;
  using Location::Location;
};

class File : public Location {
 public:
  enum class Mode { Read, ReadWrite };
  static File open(const std::filesystem::path& file, Mode mode = Mode::Read);
  static File create(const std::filesystem::path& file);  // truncates
  // A file that lives in memory only (HDF5's core driver, nothing written to disk); `name` is
  // what messages call it. For building inputs on the fly (fuzzing, tests).
  static File create_in_memory(const std::string& name);
  // Another handle to this open file (H5Freopen); either may be closed first. Cheap: the file's
  // caches are shared, nothing is read again.
  File reopen() const;
  // True when the file starts with the HDF5 signature (so messages can say "not HDF5").
  static bool is_hdf5(const std::filesystem::path& file);
  void flush() const;

 private:
  using Location::Location;
};

class Attributes {
 public:
  explicit Attributes(hid_t owner, std::string where) : owner_(owner), where_(std::move(where)) {}
  bool has(const std::string& name) const;
  TypeInfo type(const std::string& name) const;
  void set(const std::string& name, double value) const;
  void set(const std::string& name, std::int64_t value) const;
  void set(const std::string& name, const std::string& value) const;
  void set(const std::string& name, const char* value) const { set(name, std::string(value)); }
  void set(const std::string& name, const std::vector<double>& values) const;
  void set(const std::string& name, const std::vector<std::int64_t>& values) const;
  double get_double(const std::string& name) const;
  std::int64_t get_int(const std::string& name) const;
  std::string get_string(const std::string& name) const;
  std::vector<double> get_doubles(const std::string& name) const;

 private:
  hid_t owner_;
  std::string where_;
};

class Dataset {
 public:
  Dataset(Handle h, std::string path) : h_(std::move(h)), path_(std::move(path)) {}
  hid_t id() const { return h_.id(); }
  const std::string& path() const { return path_; }
  Dims dims() const;
  // False when the file allocated no storage for the dataset (nothing was ever written; reads
  // return only fill values). Virtual datasets, which own no storage, count as written.
  bool has_written_data() const;
  std::size_t rank() const { return dims().size(); }
  TypeInfo type() const;
  std::optional<Dims> chunk() const;
  Compression compression() const;  // the first compression filter found, None if none
  Attributes attrs() const { return Attributes(h_.id(), path_); }

  // Reads or writes the block starting at `start` with extent `count` (row-major, converted
  // to/from T by HDF5).
  template <typename T>
  void read_block(const Dims& start, const Dims& count, T* out) const;
  template <typename T>
  void write_block(const Dims& start, const Dims& count, const T* in) const;
  template <typename T>
  std::vector<T> read_all() const;
  void extend(const Dims& new_dims) const;  // for datasets created with unlimited max_dims

 private:
  void transfer(const Dims& start, const Dims& count, hid_t mem_type, void* buf, bool write) const;
  Handle h_;
  std::string path_;
};

// ---- template definitions ----

Dataset create_dataset_typed(const Location& where, const std::string& name, hid_t type,
                             const Dims& dims, const DatasetOptions& options);
std::size_t element_count(const Dims& dims);
[[noreturn]] void throw_not_scalar(const std::string& where);

template <typename T>
Dataset Location::create_dataset(const std::string& name, const Dims& dims,
                                 const DatasetOptions& options) const {
  return create_dataset_typed(*this, name, native_type<T>(), dims, options);
}

template <typename T>
Dataset Location::write(const std::string& name, const std::vector<T>& values, const Dims& dims,
                        const DatasetOptions& options) const {
  Dims shape = dims.empty() ? Dims{values.size()} : dims;
  auto ds = create_dataset<T>(name, shape, options);
  if (!values.empty()) ds.write_block(Dims(shape.size(), 0), shape, values.data());
  return ds;
}

template <typename T>
Dataset Location::write_scalar(const std::string& name, T value) const {
  auto ds = create_dataset<T>(name, Dims{});
  ds.write_block(Dims{}, Dims{}, &value);
  return ds;
}

template <typename T>
std::vector<T> Location::read(const std::string& name) const {
  return dataset(name).read_all<T>();
}

template <typename T>
T Location::read_scalar(const std::string& name) const {
  auto values = read<T>(name);
  if (values.size() != 1) throw_not_scalar(path_ + "/" + name);
  return values[0];
}

template <typename T>
void Dataset::read_block(const Dims& start, const Dims& count, T* out) const {
  transfer(start, count, native_type<T>(), out, false);
}

template <typename T>
void Dataset::write_block(const Dims& start, const Dims& count, const T* in) const {
  transfer(start, count, native_type<T>(), const_cast<T*>(in), true);
}

template <typename T>
std::vector<T> Dataset::read_all() const {
  const Dims d = dims();
  std::vector<T> out(element_count(d));
  if (!out.empty()) read_block(Dims(d.size(), 0), d, out.data());
  return out;
}

}  // namespace glassy::h5
