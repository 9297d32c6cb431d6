#include <glassy/core/error.hpp>
#include <glassy/io/edf_frames.hpp>
#include <glassy/io/frames.hpp>
#include <glassy/io/hdf5_frames.hpp>
#include <glassy/io/imm_frames.hpp>
#include <glassy/io/npy_frames.hpp>
#include <glassy/io/read_ahead.hpp>
#include <glassy/io/sparse_frames.hpp>

#include <cmath>

namespace glassy {

void FrameInfo::require_times() const {
  require(has_times(),
          "frame time missing: the file has neither frame_time nor per-frame times; give "
          "--frame-time SECONDS");
}

double FrameInfo::time(std::size_t i) const {
  if (!timestamps.empty()) return timestamps.at(i);
  require_times();
  return static_cast<double>(i) * *meta.frame_time;
}

double FrameInfo::step() const {
  double dt = 1.0;
  if (meta.frame_time) {
    dt = *meta.frame_time;
  } else if (timestamps.size() > 1) {
    dt = timestamps[1] - timestamps[0];
  }
  require(dt > 0, "frame time must be positive");
  return dt;
}

void validate_frame_values(const float* data, std::size_t n, std::size_t frame,
                           const std::string& where) {
  for (std::size_t i = 0; i < n; ++i) {
    const float v = data[i];
    if (!(v >= 0.0f) || std::isinf(v)) {
      const char* what =
          std::isnan(v) ? "NaN" : (std::isinf(v) ? "an infinite value" : "a negative value");
      throw Error(where + ": frame " + std::to_string(frame) + " holds " + what + " at pixel " +
                  std::to_string(i) + "; clean the frames or mask the pixel before correlating");
    }
  }
}

void FrameSource::read_sparse(std::size_t first, std::size_t count, SparseBlock& out) {
  FrameBlock dense;
  read_dense(first, count, dense);
  const std::size_t p = info_.pixels();
  out.first = first;
  out.count = count;
  out.offsets.assign(1, 0);
  out.pixel.clear();
  out.counts.clear();
  for (std::size_t k = 0; k < count; ++k) {
    const float* f = dense.frame(k, p);
    for (std::size_t i = 0; i < p; ++i) {
      if (f[i] == 0.0f) continue;
      if (f[i] != std::floor(f[i]))
        throw Error("frame " + std::to_string(first + k) +
                    " holds non-integer intensities: photon events need integer counts");
      out.pixel.push_back(static_cast<std::uint32_t>(i));
      out.counts.push_back(static_cast<std::uint32_t>(f[i]));
    }
    out.offsets.push_back(out.pixel.size());
  }
}

std::size_t FrameSource::frames_per_block(const MemoryBudget& budget, double share) const {
  const std::size_t bytes = std::max<std::size_t>(info_.pixels(), 1) * sizeof(float);
  const std::size_t cap = std::max<std::size_t>(kStreamBlockBytes / bytes, 1);
  return std::min({budget.items(bytes, share), cap, std::max<std::size_t>(info_.frames, 1)});
}

void for_each_frame(FrameSource& source, std::size_t block_frames, const FrameVisitor& v) {
  const FrameInfo& info = source.info();
  ReadAhead blocks(source, std::max<std::size_t>(1, std::min(block_frames, info.frames)));
  while (blocks.next()) {
    const std::size_t first = blocks.first(), n = blocks.count();
    if (source.is_sparse()) {
      const SparseBlock& events = blocks.sparse();
      for (std::size_t k = 0; k < n; ++k)
        v.on_events(first + k, events.pixel.data() + events.offsets[k],
                    events.counts.data() + events.offsets[k],
                    events.offsets[k + 1] - events.offsets[k]);
    } else {
      const FrameBlock& dense = blocks.dense();
      for (std::size_t k = 0; k < n; ++k) v.on_dense(first + k, dense.frame(k, info.pixels()));
    }
    if (v.advance) v.advance(n);
  }
}

std::unique_ptr<FrameSource> open_frames(const std::filesystem::path& file,
                                         const DetectorMetadata& overrides) {
  const bool hdf5 = std::filesystem::is_regular_file(file) && h5::File::is_hdf5(file);
  require(hdf5 || !overrides.frames_dataset,
          "--dataset names a dataset inside an HDF5 file; " + file.string() + " is not one");
  if (!hdf5 && looks_like_edf(file)) return std::make_unique<EdfFrameSource>(file, overrides);
  require(std::filesystem::exists(file), file.string() + ": no such file", ErrorKind::InputOutput);
  if (hdf5) {
    auto h5file = h5::File::open(file);
    if (!overrides.frames_dataset && h5file.is_group(kSparseGroup))
      return std::make_unique<SparseFrameSource>(std::move(h5file), overrides);
    return std::make_unique<Hdf5FrameSource>(std::move(h5file), overrides);
  }
  if (NpyFrameSource::looks_like_npy(file))
    return std::make_unique<NpyFrameSource>(file, overrides);
  if (looks_like_imm(file)) return std::make_unique<ImmFrameSource>(file, overrides);
  throw Error(file.string() +
              " is neither HDF5 nor .npy, EDF or IMM: give an HDF5 frames file, a .npy stack, "
              ".edf/.edf.gz frames (a file, folder or quoted glob) or an APS .imm file");
}

}  // namespace glassy
