// libFuzzer target: the photon-event reader (io/sparse_frames.cpp) on /entry/sparse groups built
// from the input: frame offsets, pixels, counts and the height/width attributes either consistent
// with each other (so the reader goes deep) or of any shape and type (see h5_input.hpp). Whatever
// the reader accepts must be safe to read whole, sparse and dense.
#include "h5_input.hpp"

#include <glassy/core/error.hpp>
#include <glassy/io/frames.hpp>
#include <glassy/io/sparse_frames.hpp>

#include <cstdlib>

namespace {

using namespace glassy;

// A 1-D array of T written with its own type; values from `next`.
template <typename T, typename Next>
void write_array(hid_t loc, const char* name, std::size_t n, Next next) {
  std::vector<T> v(n);
  for (auto& x : v) x = next();
  const hsize_t dims[1] = {n};
  h5::Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  fuzz::create_and_write(loc, name, false, h5::native_type<T>(), h5::native_type<T>(), space.id(),
                         v.data(), n > 0);
}

void build(const h5::Group& sparse, FuzzedDataProvider& in) {
  const hid_t g = sparse.id();
  // frame_offset: ascending from 0 (the usual case) or anything.
  std::uint64_t events = 0;
  if (in.ConsumeBool()) {
    const auto frames = in.ConsumeIntegralInRange<std::size_t>(0, 8);
    write_array<std::uint64_t>(g, "frame_offset", frames + 1, [&, first = true]() mutable {
      if (first) return first = false, std::uint64_t{0};
      return events += in.ConsumeIntegralInRange<std::uint64_t>(0, 6);
    });
  } else {
    fuzz::write_fuzzed(g, "frame_offset", false, in);
    events = in.ConsumeIntegralInRange<std::uint64_t>(0, 48);
  }
  // pixel and count: `events` entries of small values (or any value), or anything.
  for (const char* name : {"pixel", "count"}) {
    if (in.ConsumeBool()) {
      const bool wide = in.ConsumeBool();
      write_array<std::uint32_t>(g, name, events, [&] {
        return wide ? in.ConsumeIntegral<std::uint32_t>()
                    : in.ConsumeIntegralInRange<std::uint32_t>(0, 40);
      });
    } else {
      fuzz::write_fuzzed(g, name, false, in);
    }
  }
  // height and width: small positive, any int64, or any type and shape.
  for (const char* name : {"height", "width"}) {
    switch (in.ConsumeIntegralInRange<int>(0, 3)) {
      case 0:
        break;  // absent
      case 1:
        sparse.attrs().set(name, in.ConsumeIntegral<std::int64_t>());
        break;
      case 2:
        fuzz::write_fuzzed(g, name, true, in);
        break;
      default:
        sparse.attrs().set(name, in.ConsumeIntegralInRange<std::int64_t>(1, 6));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const fuzz::EntryScope scope;
  try {
    auto file = fuzz::shared_file().reopen();
    build(file.require_group(kSparseGroup), in);
    const auto first_read = in.ConsumeIntegralInRange<std::size_t>(0, 10);
    const auto count_read = in.ConsumeIntegralInRange<std::size_t>(0, 10);
    SparseFrameSource source(std::move(file), {});
    const auto& info = source.info();
    const std::size_t frames = info.frames, pixels = info.pixels();
    // The frame shape is real: its pixel count did not wrap around (a damaged height or width
    // must be refused, not turned into another image size).
    if (info.height == 0 || pixels / info.height != info.width) std::abort();
    // Everything, as photon events: the promises of SparseBlock hold.
    SparseBlock events;
    source.read_sparse(0, frames, events);
    if (events.offsets.size() != frames + 1 || events.offsets.back() != events.pixel.size() ||
        events.counts.size() != events.pixel.size())
      std::abort();
    for (std::size_t k = 0; k < frames; ++k)
      for (auto e = events.offsets[k]; e < events.offsets[k + 1]; ++e)
        if (events.pixel[e] >= pixels || events.counts[e] == 0 ||
            (e > events.offsets[k] && events.pixel[e] <= events.pixel[e - 1]))
          std::abort();
    // Dense, when the source says the frames are small.
    if (pixels <= (1u << 16) && frames * pixels <= (1u << 18)) {
      FrameBlock dense;
      source.read_dense(0, frames, dense);
      if (dense.data.size() != frames * pixels) std::abort();
    }
    // Any range: inside it reads, past the end it throws.
    source.read_sparse(first_read, count_read, events);
  } catch (const Error&) {
  }
  return 0;
}
