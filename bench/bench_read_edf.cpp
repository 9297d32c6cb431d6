// EDF series read rate (ESRF ID10's format): 1,000 gzip-compressed one-frame files of 516 x 516
// uint16 photon-starved frames (0.005 photons per pixel per frame, as in the paper), read through
// open_frames (index the headers, then decode every frame to floats), beside the anchor: plain
// zlib decompression of the same files into memory, nothing else (the decode ceiling). In-process,
// page cache warm.
#include "bench_common.hpp"

#include <glassy/io/frames.hpp>

#include <fmt/format.h>
#include <zlib.h>

#include <cstring>

using namespace glassy;

namespace {

constexpr std::size_t kFrames = 1000, kSide = 516;

void write_frame(const std::filesystem::path& file, std::mt19937& rng, double t) {
  std::poisson_distribution<int> photons(0.005);
  std::vector<std::uint16_t> data(kSide * kSide);
  for (auto& v : data) v = static_cast<std::uint16_t>(photons(rng));
  std::string h = fmt::format(
      "{{\nHeaderID = EH:000001:000000:000000 ;\nImage = 1 ;\nByteOrder = LowByteFirst ;\n"
      "DataType = UnsignedShort ;\nDim_1 = {} ;\nDim_2 = {} ;\nSize = {} ;\ntime_of_day = {:.6f} "
      ";\n",
      kSide, kSide, data.size() * 2, t);
  h.append(((h.size() + 2 + 511) / 512) * 512 - h.size() - 2, ' ');
  h += "}\n";
  gzFile gz = gzopen(file.c_str(), "wb");
  gzwrite(gz, h.data(), static_cast<unsigned>(h.size()));
  gzwrite(gz, data.data(), static_cast<unsigned>(data.size() * 2));
  gzclose(gz);
}

double gunzip_all_seconds(const std::vector<std::filesystem::path>& files) {
  std::vector<char> buf(kSide * kSide * 2 + 4096);
  std::size_t total = 0;
  const double t0 = bench::now_s();
  for (const auto& f : files) {
    gzFile gz = gzopen(f.c_str(), "rb");
    int n;
    while ((n = gzread(gz, buf.data(), static_cast<unsigned>(buf.size()))) > 0) total += n;
    gzclose(gz);
  }
  const double dt = bench::now_s() - t0;
  if (total == 0) std::printf("nothing decompressed?\n");
  return dt;
}

}  // namespace

int main() {
  const auto dir = bench::scratch("read-edf");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::mt19937 rng(5);
  std::vector<std::filesystem::path> files;
  for (std::size_t k = 0; k < kFrames; ++k) {
    files.push_back(dir / fmt::format("frame_{:05d}.edf.gz", k));
    write_frame(files.back(), rng, 1.7e9 + 0.01 * static_cast<double>(k));
  }
  std::size_t file_bytes = 0;
  for (const auto& f : files) file_bytes += std::filesystem::file_size(f);
  gunzip_all_seconds(files);  // warm the page cache
  const double raw = gunzip_all_seconds(files);

  const double t0 = bench::now_s();
  auto src = open_frames(dir);
  const double opened = bench::now_s() - t0;
  FrameBlock b;
  for (std::size_t f = 0; f < kFrames; f += 64)
    src->read_dense(f, std::min<std::size_t>(64, kFrames - f), b);
  const double edf = bench::now_s() - t0;
  const double decoded_mb = static_cast<double>(kFrames * kSide * kSide * 2) / 1e6;
  std::printf(
      "edf.gz series, %zu files of %zux%zu uint16 (%.1f MB on disk): glassy %.0f frames/s = %.0f "
      "MB/s decoded (open/index %.3f s of %.3f s) | zlib gunzip alone %.0f frames/s = %.0f MB/s "
      "(%.3f s) | ratio %.2f\n",
      kFrames, kSide, kSide, static_cast<double>(file_bytes) / 1e6, kFrames / edf, decoded_mb / edf,
      opened, edf, kFrames / raw, decoded_mb / raw, raw, raw / edf);
  std::filesystem::remove_all(dir);
  return 0;
}
