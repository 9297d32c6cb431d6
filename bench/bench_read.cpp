// Frame reading throughput (MB/s of decoded uint16 frames) for dense uncompressed, dense
// bitshuffle-LZ4 and sparse events, each beside the speed of reading the same file's bytes
// with no decoding (the I/O ceiling, page cache warm).
#include "bench_common.hpp"

#include <glassy/io/frame_writer.hpp>
#include <glassy/io/frames.hpp>
#include <glassy/synth/generator.hpp>

using namespace glassy;

namespace {

void measure(const char* label, const std::filesystem::path& file) {
  bench::raw_read_seconds(file);  // warm the page cache
  const double raw = bench::raw_read_seconds(file);
  auto src = open_frames(file);
  const auto& info = src->info();
  const double decoded_mb = static_cast<double>(info.frames * info.pixels() * 2) / 1e6;
  const std::size_t block = 64;
  const double t0 = bench::now_s();
  if (src->is_sparse()) {
    SparseBlock b;
    for (std::size_t f = 0; f < info.frames; f += block)
      src->read_sparse(f, std::min(block, info.frames - f), b);
  } else {
    FrameBlock b;
    for (std::size_t f = 0; f < info.frames; f += block)
      src->read_dense(f, std::min(block, info.frames - f), b);
  }
  const double dt = bench::now_s() - t0;
  const double file_mb = std::filesystem::file_size(file) / 1e6;
  std::printf(
      "read %-22s %6.0f frames/s  %8.0f MB/s decoded-equivalent  | file %7.1f MB, raw read %8.0f "
      "MB/s"
      " (ceiling; same bytes in %.3f s vs %.3f s: ratio %.2f)\n",
      label, info.frames / dt, decoded_mb / dt, file_mb, file_mb / raw, raw, dt, raw / dt);
}

}  // namespace

int main() {
  const auto dir = bench::scratch("read");
  // Photon-starved frames like the paper's: 516 x 516, 0.005 photons per pixel per frame.
  auto p = synth::preset("paper");
  p.frames = 1000;
  p.drop_beyond_end();
  p.output.layout = FrameLayout::Sparse;
  synth::generate(p, dir / "events.h5");
  auto events = open_frames(dir / "events.h5");
  FrameFileSpec spec;
  spec.layout = FrameLayout::Dense;
  spec.dense_type = "uint16";
  spec.compression = h5::Compression::None;
  convert_frames(*events, dir / "events.h5", dir / "dense.h5", spec, MemoryBudget());
  spec.compression = h5::Compression::BitshuffleLz4;
  convert_frames(*events, dir / "events.h5", dir / "bslz4.h5", spec, MemoryBudget());
  measure("dense uint16 (none)", dir / "dense.h5");
  measure("dense uint16 bslz4", dir / "bslz4.h5");
  measure("sparse events", dir / "events.h5");
  std::filesystem::remove_all(dir);
  return 0;
}
