#include <glassy/core/error.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/io/hdf5_chunks.hpp>

#include <H5PLpublic.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>

namespace glassy::h5 {
namespace {

constexpr H5Z_filter_t kBitshuffleFilter = 32008;
constexpr unsigned kBitshuffleLz4 = 2;  // bitshuffle's compression code for LZ4

// Once per process: silence HDF5's stderr error stack (glassy reports errors itself) and make
// Debian's filter plugins findable when the user has not set HDF5_PLUGIN_PATH.
void initialise_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const char* env = std::getenv("HDF5_PLUGIN_PATH");
    if (env == nullptr || *env == '\0') H5PLappend(GLASSY_HDF5_PLUGIN_DIR);
  });
}

[[noreturn]] void fail(const std::string& what, ErrorKind kind = ErrorKind::Format) {
  throw Error(what, kind);
}

void check(herr_t status, const std::string& what) {
  if (status < 0) fail(what);
}

std::string join(const std::string& base, const std::string& name) {
  if (base.empty()) return name;
  if (base.back() == '/' || base.back() == ':') return base + name;
  return base + "/" + name;
}

// H5Lexists fails on a missing intermediate; walk the path one level at a time.
bool link_exists(hid_t loc, const std::string& name) {
  std::size_t pos = 0;
  while (true) {
    const std::size_t next = name.find('/', pos);
    const std::string prefix = name.substr(0, next);
    if (!prefix.empty() && H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (next == std::string::npos) return true;
    pos = next + 1;
  }
}

H5O_type_t object_type(hid_t loc, const std::string& name) {
  H5O_info_t info;  // HDF5 1.10 API (Debian 12)
  if (H5Oget_info_by_name2(loc, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
    return H5O_TYPE_UNKNOWN;
  return info.type;
}

Handle make_string_type(std::size_t size) {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.id(), std::max<std::size_t>(size, 1));
  H5Tset_strpad(t.id(), H5T_STR_NULLTERM);
  H5Tset_cset(t.id(), H5T_CSET_UTF8);
  return t;
}

// The memory type for reading variable-length strings stored in `cset`: the memory type keeps the
// stored character set, since HDF5 converts no ASCII <-> UTF-8 (h5py writes bytes as ASCII, str as
// UTF-8). Each string read is the caller's to release with H5free_memory.
Handle variable_string_type(H5T_cset_t cset) {
  Handle mem = make_string_type(1);
  H5Tset_size(mem.id(), H5T_VARIABLE);
  H5Tset_cset(mem.id(), cset);
  return mem;
}

// Reads a string dataset or attribute of fixed or variable length.
template <typename ReadFn>
std::string read_string_value(hid_t type, hid_t space, ReadFn read) {
  if (H5Tget_class(type) != H5T_STRING) fail("expected a string");
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n != 1) fail("expected a single string");
  // The memory type keeps the stored character set: HDF5 converts no ASCII <-> UTF-8 (h5py
  // writes bytes as ASCII, str as UTF-8).
  const H5T_cset_t cset = H5Tget_cset(type);
  if (H5Tis_variable_str(type) > 0) {
    Handle mem = variable_string_type(cset);
    char* value = nullptr;
    read(mem.id(), &value);
    std::string out = value != nullptr ? value : "";
    H5free_memory(value);
    return out;
  }
  const std::size_t size = H5Tget_size(type);
  Handle mem = make_string_type(size + 1);
  H5Tset_cset(mem.id(), cset);
  std::string buf(size + 1, '\0');
  read(mem.id(), buf.data());
  return std::string(buf.c_str());
}

}  // namespace

Compression parse_compression(const std::string& name) {
  if (name == "none") return Compression::None;
  if (name == "gzip") return Compression::Gzip;
  if (name == "lzf") return Compression::Lzf;
  if (name == "bslz4" || name == "bitshuffle-lz4") return Compression::BitshuffleLz4;
  fail("unknown compression '" + name + "': use none, gzip, lzf or bslz4");
}

std::string to_string(Compression c) {
  switch (c) {
    case Compression::None:
      return "none";
    case Compression::Gzip:
      return "gzip";
    case Compression::Lzf:
      return "lzf";
    case Compression::BitshuffleLz4:
      return "bslz4";
  }
  return "?";
}

bool library_is_threadsafe() {
  hbool_t threadsafe = 0;
  return H5is_library_threadsafe(&threadsafe) >= 0 && threadsafe;
}

bool filter_available(Compression c) {
  initialise_library();
  switch (c) {
    case Compression::None:
      return true;
    case Compression::Gzip:
      return H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0;
    case Compression::Lzf:
      return H5Zfilter_avail(kLzfFilter) > 0;
    case Compression::BitshuffleLz4:
      return H5Zfilter_avail(kBitshuffleFilter) > 0;
  }
  return false;
}

DatasetOptions result_compression(Dims chunk) {
  DatasetOptions o;
  o.chunk = std::move(chunk);
  if (filter_available(Compression::Lzf)) {
    o.compression = Compression::Lzf;
  } else {
    o.compression = Compression::Gzip;
    o.gzip_level = 1;
  }
  return o;
}

DatasetOptions pixel_map_options(const Dims& shape, std::size_t element_bytes) {
  constexpr std::size_t kFrom = std::size_t{1} << 20, kChunkBytes = std::size_t{2} << 20;
  if (shape.size() < 2 || element_count(shape) * element_bytes < kFrom) return {};
  // The last two axes are the detector's rows and columns; any axis before them is 1 per chunk.
  Dims chunk(shape.size(), 1);
  const std::size_t width = shape.back(), rows = shape[shape.size() - 2];
  chunk.back() = width;
  chunk[shape.size() - 2] = std::clamp<std::size_t>(
      kChunkBytes / std::max<std::size_t>(width * element_bytes, 1), 1, rows);
  return result_compression(std::move(chunk));
}

std::string TypeInfo::describe() const {
  switch (cls) {
    case Integer:
      return (is_signed ? "int" : "uint") + std::to_string(8 * size);
    case Float:
      return "float" + std::to_string(8 * size);
    case String:
      return "string";
    default:
      return "unsupported type";
  }
}

std::size_t element_count(const Dims& dims) {
  std::size_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

void throw_not_scalar(const std::string& where) {
  fail(where + " is not a single value as expected");
}

// ---------------- Location ----------------

bool Location::exists(const std::string& name) const { return link_exists(id(), name); }

bool Location::is_group(const std::string& name) const {
  return exists(name) && object_type(id(), name) == H5O_TYPE_GROUP;
}

bool Location::is_dataset(const std::string& name) const {
  return exists(name) && object_type(id(), name) == H5O_TYPE_DATASET;
}

std::vector<std::string> Location::children() const {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names);
  return names;
}

Group Location::group(const std::string& name) const {
  if (!is_group(name)) fail(join(path_, name) + ": no such group");
  Handle h(H5Gopen2(id(), name.c_str(), H5P_DEFAULT), H5Gclose);
  if (!h.valid()) fail(join(path_, name) + ": cannot open group");
  return Group(std::move(h), join(path_, name));
}

Group Location::require_group(const std::string& name) const {
  if (is_group(name)) return group(name);
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Handle h(H5Gcreate2(id(), name.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (!h.valid()) fail(join(path_, name) + ": cannot create group");
  return Group(std::move(h), join(path_, name));
}

Dataset Location::dataset(const std::string& name) const {
  if (!exists(name)) fail(join(path_, name) + ": no such dataset");
  if (!is_dataset(name)) fail(join(path_, name) + " is not a dataset");
  Handle h(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!h.valid()) fail(join(path_, name) + ": cannot open dataset");
  return Dataset(std::move(h), join(path_, name));
}

void Location::write_string(const std::string& name, const std::string& value) const {
  Handle type = make_string_type(value.size() + 1);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Handle ds(
      H5Dcreate2(id(), name.c_str(), type.id(), space.id(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose);
  if (!ds.valid()) fail(join(path_, name) + ": cannot create string dataset");
  check(H5Dwrite(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, value.c_str()),
        join(path_, name) + ": cannot write string");
}

void Location::write_strings(const std::string& name,
                             const std::vector<std::string>& values) const {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size() + 1);
  Handle type = make_string_type(width);
  std::vector<char> buf(width * values.size(), '\0');
  for (std::size_t i = 0; i < values.size(); ++i)
    std::memcpy(&buf[i * width], values[i].data(), values[i].size());
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Handle ds(
      H5Dcreate2(id(), name.c_str(), type.id(), space.id(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose);
  if (!ds.valid()) fail(join(path_, name) + ": cannot create string array");
  if (n > 0)
    check(H5Dwrite(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()),
          join(path_, name) + ": cannot write strings");
}

std::vector<std::string> Location::read_strings(const std::string& name) const {
  Dataset ds = dataset(name);
  Handle type(H5Dget_type(ds.id()), H5Tclose);
  if (H5Tget_class(type.id()) != H5T_STRING) fail(ds.path() + " is not a string array");
  const std::size_t n = element_count(ds.dims());
  if (H5Tis_variable_str(type.id()) > 0) {
    // What h5py writes for a list of str or bytes: variable-length strings, read as C strings
    // and handed back to HDF5 to free, as read_string_value does for one.
    const Handle mem = variable_string_type(H5Tget_cset(type.id()));
    std::vector<char*> ptrs(n, nullptr);
    std::vector<std::string> out;
    if (n == 0) return out;
    check(H5Dread(ds.id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
          ds.path() + ": cannot read strings");
    for (char* p : ptrs) {
      out.emplace_back(p != nullptr ? p : "");
      H5free_memory(p);
    }
    return out;
  }
  const std::size_t width = H5Tget_size(type.id());
  std::vector<char> buf(width * n + 1, '\0');
  if (n > 0)
    check(H5Dread(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()),
          ds.path() + ": cannot read strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i)
    out.emplace_back(&buf[i * width], strnlen(&buf[i * width], width));
  return out;
}

std::string Location::read_string(const std::string& name) const {
  Dataset ds = dataset(name);
  Handle type(H5Dget_type(ds.id()), H5Tclose);
  Handle space(H5Dget_space(ds.id()), H5Sclose);
  try {
    return read_string_value(type.id(), space.id(), [&](hid_t mem, void* buf) {
      check(H5Dread(ds.id(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), "read");
    });
  } catch (const Error& e) {
    fail(ds.path() + ": cannot read as string (" + e.what() + ")");
  }
}

Attributes Location::attrs() const { return Attributes(id(), path_); }

void Location::copy_to(const std::string& name, const Location& to) const {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  check(H5Ocopy(id(), name.c_str(), to.id(), name.c_str(), H5P_DEFAULT, lcpl.id()),
        join(path_, name) + ": cannot copy to " + to.path());
}

Dataset create_dataset_typed(const Location& where, const std::string& name, hid_t type,
                             const Dims& dims, const DatasetOptions& options) {
  initialise_library();
  const std::string full = join(where.path(), name);
  const Dims& max = options.max_dims.empty() ? dims : options.max_dims;
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max.data()), H5Sclose);
  if (!space.valid()) fail(full + ": invalid dataset shape");
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!options.chunk.empty()) {
    if (options.chunk.size() != dims.size()) fail(full + ": chunk rank differs from dataset rank");
    check(H5Pset_chunk(dcpl.id(), static_cast<int>(options.chunk.size()), options.chunk.data()),
          full + ": invalid chunk shape");
    switch (options.compression) {
      case Compression::None:
        break;
      case Compression::Gzip:
        check(H5Pset_deflate(dcpl.id(), static_cast<unsigned>(options.gzip_level)),
              full + ": gzip unavailable");
        break;
      case Compression::Lzf:
        if (!filter_available(Compression::Lzf))
          fail("LZF filter plugin not found: install hdf5-plugin-lzf or set HDF5_PLUGIN_PATH");
        // Optional, as h5py sets it: a chunk LZF cannot shrink is stored raw instead of failing.
        check(H5Pset_filter(dcpl.id(), kLzfFilter, H5Z_FLAG_OPTIONAL, 0, nullptr),
              full + ": cannot set LZF filter");
        break;
      case Compression::BitshuffleLz4: {
        if (!filter_available(Compression::BitshuffleLz4))
          fail("bitshuffle filter plugin not found: install bitshuffle or set HDF5_PLUGIN_PATH");
        // The user's values are (block size, compression); the plugin's set_local prepends its
        // version and the element size, as for files written by h5py/hdf5plugin.
        const unsigned cd[2] = {0, kBitshuffleLz4};
        check(H5Pset_filter(dcpl.id(), kBitshuffleFilter, H5Z_FLAG_OPTIONAL, 2, cd),
              full + ": cannot set bitshuffle filter");
        break;
      }
    }
  } else if (options.compression != Compression::None || !options.max_dims.empty()) {
    fail(full + ": compression and extendible datasets need a chunk shape");
  }
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Handle ds(
      H5Dcreate2(where.id(), name.c_str(), type, space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT),
      H5Dclose);
  if (!ds.valid()) fail(full + ": cannot create dataset (does it exist already?)");
  return Dataset(std::move(ds), full);
}

// ---------------- File ----------------

bool File::is_hdf5(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char sig[8] = {};
  in.read(sig, 8);
  return in.gcount() == 8 && std::memcmp(sig, "\x89HDF\r\n\x1a\n", 8) == 0;
}

File File::open(const std::filesystem::path& file, Mode mode) {
  initialise_library();
  if (!std::filesystem::exists(file))
    fail(file.string() + ": no such file", ErrorKind::InputOutput);
  if (!is_hdf5(file)) fail(file.string() + " is not an HDF5 file");
  Handle h(H5Fopen(file.c_str(), mode == Mode::Read ? H5F_ACC_RDONLY : H5F_ACC_RDWR, H5P_DEFAULT),
           H5Fclose);
  if (!h.valid()) fail(file.string() + ": cannot open as HDF5 (truncated or damaged?)");
  return File(std::move(h), file.string() + ":");
}

File File::create(const std::filesystem::path& file) {
  initialise_library();
  Handle h(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!h.valid())
    fail(file.string() + ": cannot create HDF5 file (folder writable?)", ErrorKind::InputOutput);
  return File(std::move(h), file.string() + ":");
}

File File::create_in_memory(const std::string& name) {
  initialise_library();
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // Grows 64 KiB at a time; backing store off: the image is dropped when the file is closed.
  if (!fapl.valid() || H5Pset_fapl_core(fapl.id(), 64 * 1024, 0) < 0)
    fail(name + ": cannot set up an in-memory HDF5 file");
  Handle h(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), H5Fclose);
  if (!h.valid()) fail(name + ": cannot create an in-memory HDF5 file");
  return File(std::move(h), name + ":");
}

File File::reopen() const {
  Handle h(H5Freopen(id()), H5Fclose);
  if (!h.valid()) fail(path_ + " cannot be opened a second time");
  return File(std::move(h), path_);
}

void File::flush() const { H5Fflush(id(), H5F_SCOPE_GLOBAL); }

// ---------------- Attributes ----------------

namespace {
Handle open_attr(hid_t owner, const std::string& where, const std::string& name) {
  if (H5Aexists(owner, name.c_str()) <= 0) fail(join(where, "@" + name) + ": no such attribute");
  Handle a(H5Aopen(owner, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!a.valid()) fail(join(where, "@" + name) + ": cannot open attribute");
  return a;
}

void write_attr(hid_t owner, const std::string& where, const std::string& name, hid_t file_type,
                hid_t mem_type, const Dims& dims, const void* data) {
  if (H5Aexists(owner, name.c_str()) > 0) H5Adelete(owner, name.c_str());
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
               H5Sclose);
  Handle a(H5Acreate2(owner, name.c_str(), file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose);
  if (!a.valid()) fail(join(where, "@" + name) + ": cannot create attribute");
  check(H5Awrite(a.id(), mem_type, data), join(where, "@" + name) + ": cannot write attribute");
}

template <typename T>
std::vector<T> read_attr_values(hid_t owner, const std::string& where, const std::string& name) {
  Handle a = open_attr(owner, where, name);
  Handle space(H5Aget_space(a.id()), H5Sclose);
  std::vector<T> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id())));
  check(H5Aread(a.id(), native_type<T>(), out.data()),
        join(where, "@" + name) + ": not a numeric attribute");
  return out;
}
}  // namespace

bool Attributes::has(const std::string& name) const { return H5Aexists(owner_, name.c_str()) > 0; }

TypeInfo Attributes::type(const std::string& name) const {
  Handle a = open_attr(owner_, where_, name);
  Handle t(H5Aget_type(a.id()), H5Tclose);
  return type_info(t.id());
}

void Attributes::set(const std::string& name, double value) const {
  write_attr(owner_, where_, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {}, &value);
}
void Attributes::set(const std::string& name, std::int64_t value) const {
  write_attr(owner_, where_, name, H5T_STD_I64LE, H5T_NATIVE_INT64, {}, &value);
}
void Attributes::set(const std::string& name, const std::string& value) const {
  Handle type = make_string_type(value.size() + 1);
  write_attr(owner_, where_, name, type.id(), type.id(), {}, value.c_str());
}
void Attributes::set(const std::string& name, const std::vector<double>& values) const {
  write_attr(owner_, where_, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {values.size()},
             values.data());
}
void Attributes::set(const std::string& name, const std::vector<std::int64_t>& values) const {
  write_attr(owner_, where_, name, H5T_STD_I64LE, H5T_NATIVE_INT64, {values.size()}, values.data());
}

double Attributes::get_double(const std::string& name) const {
  auto v = read_attr_values<double>(owner_, where_, name);
  if (v.size() != 1) throw_not_scalar(join(where_, "@" + name));
  return v[0];
}
std::int64_t Attributes::get_int(const std::string& name) const {
  auto v = read_attr_values<std::int64_t>(owner_, where_, name);
  if (v.size() != 1) throw_not_scalar(join(where_, "@" + name));
  return v[0];
}
std::vector<double> Attributes::get_doubles(const std::string& name) const {
  return read_attr_values<double>(owner_, where_, name);
}
std::string Attributes::get_string(const std::string& name) const {
  Handle a = open_attr(owner_, where_, name);
  Handle type(H5Aget_type(a.id()), H5Tclose);
  Handle space(H5Aget_space(a.id()), H5Sclose);
  try {
    return read_string_value(type.id(), space.id(), [&](hid_t mem, void* buf) {
      check(H5Aread(a.id(), mem, buf), "read");
    });
  } catch (const Error& e) {
    fail(join(where_, "@" + name) + ": cannot read as string (" + e.what() + ")");
  }
}

// ---------------- Dataset ----------------

Dims Dataset::dims() const {
  Handle space(H5Dget_space(id()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.id());
  Dims d(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), d.data(), nullptr);
  return d;
}

bool Dataset::has_written_data() const {
  Handle plist(H5Dget_create_plist(id()), H5Pclose);
  if (plist.valid() && H5Pget_layout(plist.id()) == H5D_VIRTUAL) return true;
  return H5Dget_storage_size(id()) > 0;
}

TypeInfo Dataset::type() const {
  Handle t(H5Dget_type(id()), H5Tclose);
  return type_info(t.id());
}

TypeInfo type_info(hid_t type) {
  TypeInfo info;
  info.size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      info.cls = TypeInfo::Integer;
      info.is_signed = H5Tget_sign(type) == H5T_SGN_2;
      break;
    case H5T_FLOAT:
      info.cls = TypeInfo::Float;
      break;
    case H5T_STRING:
      info.cls = TypeInfo::String;
      break;
    default:
      info.cls = TypeInfo::Other;
  }
  return info;
}

std::optional<Dims> Dataset::chunk() const {
  Handle dcpl(H5Dget_create_plist(id()), H5Pclose);
  if (H5Pget_layout(dcpl.id()) != H5D_CHUNKED) return std::nullopt;
  Dims c(rank());
  H5Pget_chunk(dcpl.id(), static_cast<int>(c.size()), c.data());
  return c;
}

Compression Dataset::compression() const {
  Handle dcpl(H5Dget_create_plist(id()), H5Pclose);
  const int n = H5Pget_nfilters(dcpl.id());
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0;
    std::size_t nelem = 0;
    const H5Z_filter_t f = H5Pget_filter2(dcpl.id(), static_cast<unsigned>(i), &flags, &nelem,
                                          nullptr, 0, nullptr, nullptr);
    if (f == H5Z_FILTER_DEFLATE) return Compression::Gzip;
    if (f == kLzfFilter) return Compression::Lzf;
    if (f == kBitshuffleFilter) return Compression::BitshuffleLz4;
  }
  return Compression::None;
}

namespace {
// HDF5's default transfer list allocates and zeroes a 1 MiB type-conversion buffer for every
// converting read or write, however small (metadata, attributes of photon-event files): this one
// fits the transfer (16 bytes a value covers every numeric type), up to that same 1 MiB.
Handle transfer_list(std::size_t values) {
  Handle list(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  constexpr std::size_t kMaxBuffer = std::size_t{1} << 20;
  const std::size_t bytes =
      values >= kMaxBuffer / 16 ? kMaxBuffer : std::max<std::size_t>(4096, values * 16);
  check(H5Pset_buffer(list.id(), bytes, nullptr, nullptr), "cannot set an HDF5 transfer buffer");
  return list;
}
}  // namespace

void Dataset::transfer(const Dims& start, const Dims& count, hid_t mem_type, void* buf,
                       bool write) const {
  Handle file_space(H5Dget_space(id()), H5Sclose);
  const Dims d = dims();
  if (d.empty()) {
    // A scalar dataspace (how h5py and most writers store one number) has no hyperslab: the
    // whole of it is the one value.
    if (!start.empty() || !count.empty()) fail(path_ + " is a single value, not an array");
    const herr_t status = write ? H5Dwrite(id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf)
                                : H5Dread(id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    if (status < 0) fail(path_ + (write ? ": write failed" : ": cannot read as a number"));
    return;
  }
  if (start.size() != d.size() || count.size() != d.size())
    fail(path_ + ": block rank differs from dataset rank " + std::to_string(d.size()));
  if (d.empty()) {
    // A scalar dataset (h5py writes numbers this way): its one value, no hyperslab.
    const herr_t status = write ? H5Dwrite(id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf)
                                : H5Dread(id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    check(status, path_ + (write ? ": cannot write" : ": cannot read"));
    return;
  }
  for (std::size_t i = 0; i < d.size(); ++i)
    if (start[i] + count[i] > d[i]) fail(path_ + ": block extends past the end of the dataset");
  if (write && count == d &&
      std::all_of(start.begin(), start.end(), [](hsize_t v) { return v == 0; }) &&
      write_chunks_in_parallel(id(), mem_type, d, buf, path_))
    return;
  check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        path_ + ": invalid selection");
  Handle mem_space(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                   H5Sclose);
  const Handle list = transfer_list(element_count(count));
  const herr_t status =
      write ? H5Dwrite(id(), mem_type, mem_space.id(), file_space.id(), list.id(), buf)
            : H5Dread(id(), mem_type, mem_space.id(), file_space.id(), list.id(), buf);
  if (status < 0) {
    if (!write && compression() != Compression::None && !filter_available(compression()))
      fail(path_ + ": compressed with " + to_string(compression()) +
           " but its HDF5 filter plugin is missing: run scripts/install-deps.sh or set "
           "HDF5_PLUGIN_PATH");
    fail(path_ + (write ? ": write failed" : ": read failed (truncated or damaged file?)"));
  }
}

void Dataset::extend(const Dims& new_dims) const {
  check(H5Dset_extent(id(), new_dims.data()), path_ + ": cannot extend (not created extendible?)");
}

}  // namespace glassy::h5
