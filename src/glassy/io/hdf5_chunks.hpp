// io/hdf5_chunks: whole-dataset writes of gzip- or LZF-compressed chunked datasets with the
// chunks compressed on the threads. HDF5's filters run one chunk at a time on one thread, and
// compressing the result (the viewer's two-time map, the correlation's tables) was a fifth of a
// whole `glassy corr` run. Each chunk is gathered and compressed as HDF5's filter would: zlib's
// compress2 at the dataset's level (the deflate filter's zlib stream), or liblzf's lzf_compress
// (the LZF filter's stream, h5py's lzf_filter.c; a chunk it cannot shrink is stored raw with the
// filter marked skipped, as the optional filter does), then stored with H5Dwrite_chunk in chunk
// order: the file is the one H5Dwrite would write, chunk for chunk.
#pragma once

#include <glassy/io/hdf5.hpp>

#include <string>

namespace glassy::h5 {

inline constexpr H5Z_filter_t kLzfFilter = 32000;  // h5py's registered LZF filter

// Writes `buf` (the whole dataset, in `mem_type`) when the dataset is chunked with deflate or LZF
// as its only filter and stored in `mem_type`, and large enough to gain; returns false (nothing
// written) otherwise, so the caller writes it the usual way. Throws glassy::Error on failure.
bool write_chunks_in_parallel(hid_t dataset, hid_t mem_type, const Dims& dims, const void* buf,
                              const std::string& path);

}  // namespace glassy::h5
