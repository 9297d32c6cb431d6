#include <glassy/core/error.hpp>
#include <glassy/io/hdf5_chunks.hpp>

#include <lzf.h>
#include <zlib.h>

#include <cstring>
#include <vector>

namespace glassy::h5 {
namespace {

// Below this many bytes the threads cost more than they save.
constexpr std::size_t kParallelBytes = std::size_t{1} << 20;

struct Closer {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Closer() {
    if (id >= 0) close(id);
  }
};

}  // namespace

bool write_chunks_in_parallel(hid_t dataset, hid_t mem_type, const Dims& dims, const void* buf,
                              const std::string& path) {
  const Closer dcpl{H5Dget_create_plist(dataset), H5Pclose};
  if (dcpl.id < 0 || H5Pget_layout(dcpl.id) != H5D_CHUNKED || H5Pget_nfilters(dcpl.id) != 1)
    return false;
  unsigned flags = 0, values[8] = {6};
  std::size_t n_values = 8;
  const H5Z_filter_t filter =
      H5Pget_filter2(dcpl.id, 0, &flags, &n_values, values, 0, nullptr, nullptr);
  if (filter != H5Z_FILTER_DEFLATE && filter != kLzfFilter) return false;
  const unsigned level = values[0];  // deflate's one value
  const Closer stored{H5Dget_type(dataset), H5Tclose};
  if (stored.id < 0 || H5Tequal(stored.id, mem_type) <= 0) return false;
  const std::size_t element = H5Tget_size(mem_type);
  const std::size_t rank = dims.size();
  if (rank == 0) return false;
  Dims chunk(rank);
  if (H5Pget_chunk(dcpl.id, static_cast<int>(rank), chunk.data()) != static_cast<int>(rank))
    return false;
  std::size_t total = element, chunk_values = 1, n_chunks = 1;
  Dims grid(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    total *= dims[i];
    chunk_values *= chunk[i];
    grid[i] = (dims[i] + chunk[i] - 1) / chunk[i];
    n_chunks *= grid[i];
  }
  if (total < kParallelBytes || n_chunks < 2) return false;

  const auto* in = static_cast<const unsigned char*>(buf);
  const std::size_t chunk_bytes = chunk_values * element;
  // A chunk that spans every axis but the first, whole, is one run of the buffer: compressed
  // where it lies, not gathered (the result's 1-D tables).
  bool slabs = true;
  for (std::size_t i = 1; i < rank; ++i) slabs = slabs && chunk[i] == dims[i];
  const std::size_t bound =
      filter == kLzfFilter ? chunk_bytes : compressBound(static_cast<uLong>(chunk_bytes));
  std::vector<std::vector<unsigned char>> packed(n_chunks);
  std::vector<Dims> offsets(n_chunks, Dims(rank));
  std::vector<int> status(n_chunks, Z_OK);
  std::vector<unsigned> skipped(n_chunks, 0);  // filter mask: bit 0 where stored raw
#pragma omp parallel
  {
    // Scratch per thread, reused chunk after chunk: fresh memory costs its page faults, and each
    // chunk keeps only its compressed bytes.
    std::vector<unsigned char> gathered, compressed(bound);
#pragma omp for schedule(dynamic, 1)
    for (std::size_t c = 0; c < n_chunks; ++c) {
      Dims& at = offsets[c];  // the chunk's first element, row-major over the chunk grid
      for (std::size_t i = rank, rest = c; i-- > 0; rest /= grid[i])
        at[i] = rest % grid[i] * chunk[i];
      const unsigned char* source = nullptr;
      if (slabs && at[0] + chunk[0] <= dims[0]) {
        source = in + at[0] * (chunk_bytes / chunk[0]);
      } else {
        // Gather: rows along the last axis, every other index of the chunk in turn. The part
        // of an edge chunk beyond the dataset stays zero (HDF5 ignores it on reading).
        gathered.assign(chunk_bytes, 0);
        const std::size_t row = std::min<hsize_t>(chunk[rank - 1], dims[rank - 1] - at[rank - 1]);
        Dims index(rank, 0);  // within the chunk, last axis fixed at 0
        while (true) {
          bool inside = true;
          std::size_t src = 0, dst = 0;
          for (std::size_t i = 0; i < rank; ++i) {
            const hsize_t global = at[i] + index[i];
            inside = inside && global < dims[i];
            src = src * dims[i] + global;
            dst = dst * chunk[i] + index[i];
          }
          if (inside) std::memcpy(&gathered[dst * element], in + src * element, row * element);
          std::size_t i = rank - 1;  // next index over the chunk's axes but the last
          while (i-- > 0 && ++index[i] == chunk[i]) index[i] = 0;
          if (i == static_cast<std::size_t>(-1)) break;
        }
        source = gathered.data();
      }
      std::size_t length = 0;
      if (filter == kLzfFilter) {
        // lzf_compress returns 0 when the output would not fit in the chunk's own size: the
        // chunk is then stored raw.
        length = lzf_compress(source, static_cast<unsigned>(chunk_bytes), compressed.data(),
                              static_cast<unsigned>(chunk_bytes));
        if (length == 0) {
          packed[c].assign(source, source + chunk_bytes);
          skipped[c] = 1;
          continue;
        }
      } else {
        uLongf zlength = static_cast<uLongf>(bound);
        status[c] = compress2(compressed.data(), &zlength, source, static_cast<uLong>(chunk_bytes),
                              static_cast<int>(level));
        length = zlength;
      }
      packed[c].assign(compressed.data(), compressed.data() + length);
    }
  }
  for (std::size_t c = 0; c < n_chunks; ++c) {
    if (status[c] != Z_OK) throw Error(path + ": gzip compression failed");
    if (H5Dwrite_chunk(dataset, H5P_DEFAULT, skipped[c], offsets[c].data(), packed[c].size(),
                       packed[c].data()) < 0)
      throw Error(path + ": write failed");
  }
  return true;
}

}  // namespace glassy::h5
