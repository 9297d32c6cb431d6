// Shared by the HDF5 fuzz targets: datasets and attributes whose type, shape and values come from
// the fuzz input, written through the HDF5 C API into an in-memory file. The input bytes are read
// as these choices, never as an HDF5 file image: HDF5's own parser of damaged files is not ours
// to fuzz. Shapes stay small (at most 4 x 4 x 4 elements) so an input cannot ask for gigabytes.
#pragma once

#include <glassy/io/hdf5.hpp>

#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace glassy::fuzz {

using h5::Handle;

// How real writers store one value or a short list: h5py scalars ([]), [1], [1,1] and [n] arrays,
// an empty [0] array, HDF5's null dataspace, and anything else up to rank 3.
inline Handle make_space(FuzzedDataProvider& in, std::size_t& elements) {
  hsize_t dims[3] = {1, 1, 1};
  int rank = 0;
  switch (in.ConsumeIntegralInRange<int>(0, 6)) {
    case 0:
      elements = 1;
      return Handle(H5Screate(H5S_SCALAR), H5Sclose);
    case 1:
      elements = 0;
      return Handle(H5Screate(H5S_NULL), H5Sclose);
    case 2:
      rank = 1;
      break;  // [1]
    case 3:
      rank = 2;
      break;  // [1, 1]
    case 4:
      rank = 1, dims[0] = 0;
      break;  // [0]
    default:
      rank = in.ConsumeIntegralInRange<int>(1, 3);
      for (int k = 0; k < rank; ++k) dims[k] = in.ConsumeIntegralInRange<hsize_t>(0, 4);
  }
  elements = 1;
  for (int k = 0; k < rank; ++k) elements *= dims[k];
  return Handle(H5Screate_simple(rank, dims, nullptr), H5Sclose);
}

inline double fuzzed_double(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0:
      return std::numeric_limits<double>::quiet_NaN();
    case 1:
      return std::numeric_limits<double>::infinity();
    case 2:
      return -std::numeric_limits<double>::infinity();
    case 3:
      return in.ConsumeIntegralInRange<int>(-4, 4);
    default:
      return in.ConsumeFloatingPoint<double>();
  }
}

// Creates `name` under `loc` (a dataset, or an attribute when `attribute`) of the given type and
// shape and writes `bytes` into it (HDF5 converts from `mem_type`).
inline void create_and_write(hid_t loc, const std::string& name, bool attribute, hid_t file_type,
                             hid_t mem_type, hid_t space, const void* bytes, bool has_values) {
  if (attribute) {
    Handle a(H5Acreate2(loc, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    if (a.valid() && has_values) H5Awrite(a.id(), mem_type, bytes);
  } else {
    Handle d(H5Dcreate2(loc, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
    // A small conversion buffer: HDF5's default (1 MiB, zeroed per write) would dominate the
    // run time under ASan (the library's reads size theirs the same way, io/hdf5.cpp).
    static const hid_t transfer = [] {
      const hid_t p = H5Pcreate(H5P_DATASET_XFER);
      H5Pset_buffer(p, 4096, nullptr, nullptr);
      return p;
    }();
    if (d.valid() && has_values) H5Dwrite(d.id(), mem_type, H5S_ALL, H5S_ALL, transfer, bytes);
  }
}

// The numeric file types an input can pick: integers of every width and sign, then floats.
inline hid_t numeric_type(int kind) {
  switch (kind) {
    case 0:
      return H5T_NATIVE_INT8;
    case 1:
      return H5T_NATIVE_UINT16;
    case 2:
      return H5T_NATIVE_INT32;
    case 3:
      return H5T_NATIVE_UINT32;
    case 4:
      return H5T_NATIVE_INT64;
    case 5:
      return H5T_NATIVE_UINT64;
    case 6:
      return H5T_NATIVE_FLOAT;
    default:
      return H5T_NATIVE_DOUBLE;
  }
}

// One dataset or attribute of a type the input picks: a numeric type above, a fixed-length or a
// variable-length string.
inline void write_fuzzed(hid_t loc, const std::string& name, bool attribute,
                         FuzzedDataProvider& in) {
  std::size_t n = 0;
  const Handle space = make_space(in, n);
  const int kind = in.ConsumeIntegralInRange<int>(0, 9);
  if (kind < 6) {  // integers, written from int64 (HDF5 clips to the file type's range)
    std::vector<std::int64_t> values(n);
    for (auto& v : values)
      v = in.ConsumeBool() ? in.ConsumeIntegral<std::int64_t>()
                           : in.ConsumeIntegralInRange<std::int64_t>(-2, 8);
    create_and_write(loc, name, attribute, numeric_type(kind), H5T_NATIVE_INT64, space.id(),
                     values.data(), n > 0);
    return;
  }
  if (kind < 8) {
    std::vector<double> values(n);
    for (auto& v : values) v = fuzzed_double(in);
    create_and_write(loc, name, attribute, numeric_type(kind), H5T_NATIVE_DOUBLE, space.id(),
                     values.data(), n > 0);
    return;
  }
  std::vector<std::string> text(n);
  for (auto& t : text) t = in.ConsumeRandomLengthString(24);
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (kind == 8) {  // fixed length, null padded
    const std::size_t width = in.ConsumeIntegralInRange<std::size_t>(1, 24);
    H5Tset_size(type.id(), width);
    std::vector<char> bytes(n * width, '\0');
    for (std::size_t i = 0; i < n; ++i) text[i].copy(&bytes[i * width], width);
    create_and_write(loc, name, attribute, type.id(), type.id(), space.id(), bytes.data(), n > 0);
  } else {  // variable length
    H5Tset_size(type.id(), H5T_VARIABLE);
    if (in.ConsumeBool()) H5Tset_cset(type.id(), H5T_CSET_UTF8);
    std::vector<const char*> pointers(n);
    for (std::size_t i = 0; i < n; ++i) pointers[i] = text[i].c_str();
    create_and_write(loc, name, attribute, type.id(), type.id(), space.id(), pointers.data(),
                     n > 0);
  }
}

// The file every input is built in. Creating an HDF5 file costs milliseconds under ASan (its
// metadata cache is one large calloc), building a fresh /entry in a kept one 0.1 ms: inputs get
// their own handle to this file (reopen) and an EntryScope removes /entry when they are done.
// Deleted objects leave holes, so the file grows slowly; past 1 MiB it is replaced by a fresh
// one (the core driver copies the whole image at every growth step, which made late inputs slow).
inline h5::File*& shared_file_slot() {
  static h5::File* file = nullptr;  // kept to exit
  return file;
}
inline const h5::File& shared_file() {
  auto*& file = shared_file_slot();
  if (file == nullptr) file = new h5::File(h5::File::create_in_memory("fuzz.h5"));
  return *file;
}
struct EntryScope {
  EntryScope() = default;
  EntryScope(const EntryScope&) = delete;
  EntryScope& operator=(const EntryScope&) = delete;
  ~EntryScope() {
    const hid_t id = shared_file().id();
    if (H5Lexists(id, "entry", H5P_DEFAULT) > 0) H5Ldelete(id, "entry", H5P_DEFAULT);
    hsize_t bytes = 0;
    if (H5Fget_filesize(id, &bytes) >= 0 && bytes > (1u << 20)) {
      delete shared_file_slot();
      shared_file_slot() = nullptr;
    }
  }
};

// Creates every missing group along `path` ("entry/instrument/detector_1").
inline void make_groups(hid_t file, const std::string& path) {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) > 0) return;
  Handle g(H5Gcreate2(file, path.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
}

}  // namespace glassy::fuzz
