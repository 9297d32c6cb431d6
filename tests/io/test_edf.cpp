// ESRF EDF frames: series of plain and gzip files given as a folder, a glob or the first file,
// several images per file, every data type and byte order, per-frame times from the headers (a
// pause becomes a gap), and one clear error for each kind of broken file.
#include "io/format_writers.hpp"
#include "test_support.hpp"

#include <glassy/core/memory_budget.hpp>
#include <glassy/io/edf_frames.hpp>
#include <glassy/io/frames.hpp>
#include <glassy/prep/frame_stats.hpp>

#include <fmt/format.h>

#include <random>

namespace glassy {
namespace {

using test::EdfImage;
using test::error_of;
using test::ScratchDir;

constexpr std::size_t H = 5, W = 7;

// Frame k: Poisson-like small counts, different per frame and pixel (the brute-force reference).
std::vector<double> frame_values(std::size_t k) {
  std::mt19937 rng(static_cast<unsigned>(1000 + k));
  std::poisson_distribution<int> counts(1.5);
  std::vector<double> v(H * W);
  for (auto& x : v) x = counts(rng);
  return v;
}

EdfImage image(std::size_t k, const std::string& type = "UnsignedShort") {
  EdfImage im;
  im.width = W;
  im.height = H;
  im.values = frame_values(k);
  im.type = type;
  return im;
}

std::vector<float> read_all(FrameSource& src, std::size_t block) {
  std::vector<float> out;
  FrameBlock b;
  for (std::size_t first = 0; first < src.info().frames; first += block) {
    src.read_dense(first, std::min(block, src.info().frames - first), b);
    out.insert(out.end(), b.data.begin(), b.data.end());
  }
  return out;
}

std::vector<float> expected(std::size_t first, std::size_t n) {
  std::vector<float> out;
  for (std::size_t k = first; k < first + n; ++k)
    for (double v : frame_values(k)) out.push_back(static_cast<float>(v));
  return out;
}

// Six one-image files of a series with a pause after the third (times as ID10 writes them).
void write_series(const std::filesystem::path& dir, bool gzip) {
  const double times[] = {1.7e9 + 100.0, 1.7e9 + 100.5, 1.7e9 + 101.0,
                          1.7e9 + 110.0, 1.7e9 + 110.5, 1.7e9 + 111.0};
  std::filesystem::create_directories(dir);
  for (std::size_t k = 0; k < 6; ++k) {
    auto im = image(k);
    im.extra["time_of_day"] = fmt::format("{:.6f}", times[k]);
    im.extra["time_of_frame"] = fmt::format("{:.6f}", times[k] - 1.7e9 - 100.0);
    // Numbered from 9 to 14: the order must be numeric (img_9 before img_10), not by name.
    test::write_edf(dir / fmt::format("img_{}.edf{}", 9 + k, gzip ? ".gz" : ""), {im}, gzip);
  }
}

TEST(Edf, GzipSeriesWithPauseBecomesGap) {
  ScratchDir dir;
  write_series(dir / "run", true);
  for (const auto& spec : {dir / "run", dir / "run/img_*.edf.gz", dir / "run/img_9.edf.gz"}) {
    auto src = open_frames(spec);
    const auto& info = src->info();
    ASSERT_EQ(info.frames, 6u) << spec;
    EXPECT_EQ(info.height, H);
    EXPECT_EQ(info.width, W);
    EXPECT_EQ(read_all(*src, 4), expected(0, 6)) << spec;
    const std::vector<double> t = {0, 0.5, 1.0, 10.0, 10.5, 11.0};
    ASSERT_EQ(info.timestamps.size(), 6u);
    for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(info.timestamps[i], t[i], 1e-6);
    EXPECT_NE(info.format.find("time_of_day"), std::string::npos) << info.format;
    // The frame statistics find the pause.
    const auto stats =
        compute_frame_stats(*src, std::vector<std::uint8_t>(H * W, 1), MemoryBudget());
    ASSERT_EQ(stats.gaps.size(), 1u);
    EXPECT_NEAR(stats.gaps[0].start, 1.0, 1e-6);
    EXPECT_NEAR(stats.gaps[0].end, 10.0, 1e-6);
  }
  // Starting at a later file of the series.
  auto later = open_frames(dir / "run/img_11.edf.gz");
  EXPECT_EQ(later->info().frames, 4u);
  EXPECT_EQ(read_all(*later, 3), expected(2, 4));
}

TEST(Edf, PlainSeriesAndTimeOfFrameFallback) {
  ScratchDir dir;
  write_series(dir / "run", false);
  auto src = open_frames(dir / "run");
  EXPECT_EQ(read_all(*src, 2), expected(0, 6));
  // Without time_of_day, time_of_frame gives the times.
  std::filesystem::create_directories(dir / "tof");
  for (std::size_t k = 0; k < 3; ++k) {
    auto im = image(k);
    im.extra["time_of_frame"] = std::to_string(0.25 * static_cast<double>(k) + 7);
    test::write_edf(dir / fmt::format("tof/f_{:04d}.edf", k), {im});
  }
  auto tof = open_frames(dir / "tof/f_0000.edf");
  ASSERT_EQ(tof->info().timestamps.size(), 3u);
  EXPECT_DOUBLE_EQ(tof->info().timestamps[2], 0.5);
  // Neither: --frame-time, else the one message naming it.
  std::filesystem::create_directories(dir / "none");
  test::write_edf(dir / "none/a.edf", {image(0), image(1)});
  auto none = open_frames(dir / "none/a.edf");
  EXPECT_FALSE(none->info().has_times());
  EXPECT_NE(error_of([&] { none->info().time(1); }).find("--frame-time"), std::string::npos);
  DetectorMetadata o;
  o.frame_time = 0.1;
  EXPECT_DOUBLE_EQ(open_frames(dir / "none/a.edf", o)->info().time(1), 0.1);
}

TEST(Edf, MultiImageFilesEveryTypeAndByteOrder) {
  ScratchDir dir;
  std::size_t k = 0;
  for (const std::string type :
       {"UnsignedByte", "UnsignedShort", "SignedShort", "UnsignedInteger", "SignedInteger",
        "UnsignedLong", "SignedLong", "FloatValue", "DoubleValue"}) {
    for (bool high : {false, true}) {
      for (bool gzip : {false, true}) {
        std::vector<EdfImage> images;
        for (std::size_t i = 0; i < 3; ++i) {
          images.push_back(image(k + i, type));
          images.back().high_byte_first = high;
        }
        const auto file = dir / fmt::format("multi_{}_{}.edf{}", type, high, gzip ? ".gz" : "");
        test::write_edf(file, images, gzip);
        auto src = open_frames(file);
        ASSERT_EQ(src->info().frames, 3u) << file;
        EXPECT_EQ(read_all(*src, 2), expected(k, 3)) << file;
        k += 3;
      }
    }
  }
}

// Fuzzing regression (bench/fuzz.sh edf_header): a dimension too large for 64 bits saturated
// strtoll, and Dim_1 x Dim_2 x item size wrapped to a small number that a small Size passed.
TEST(Edf, HeaderDimensionsThatWouldOverflowAreRefused) {
  auto header = [](const std::string& dim1, const std::string& dim2, const std::string& size) {
    std::string h =
        "{\nHeaderID = EH:000001:000000:000000 ;\nDataType = FloatValue ;\nDim_1 = " + dim1 +
        " ;\nDim_2 = " + dim2 + " ;\nSize = " + size + " ;\n";
    h += std::string(510 - h.size() % 512, ' ') + "}\n";
    return h;
  };
  const auto huge = header(std::string(120, '3'), "2", "16");
  EXPECT_NE(error_of([&] {
              parse_edf_header(huge.data(), huge.size(), "x.edf");
            }).find("not a positive integer"),
            std::string::npos);
  // 2^62 x 4 float values: 2^66 bytes, 0 modulo 2^64.
  const auto wraps = header("4611686018427387904", "4", "16");
  EXPECT_NE(error_of([&] {
              parse_edf_header(wraps.data(), wraps.size(), "x.edf");
            }).find("more than 2^32 pixels"),
            std::string::npos);
  const auto fine = header("2", "2", "16");
  const auto h = parse_edf_header(fine.data(), fine.size(), "x.edf");
  EXPECT_EQ(h.width * h.height * h.item_size, 16u);
  EXPECT_EQ(h.header_bytes, fine.size());
}

TEST(Edf, BadFilesGiveOneLineNamingTheFile) {
  ScratchDir dir;
  const auto bytes = test::edf_bytes(image(0));
  // Truncated data (plain and gzip).
  test::write_file(dir / "cut.edf", bytes.substr(0, bytes.size() - 10), false);
  test::write_file(dir / "cut2.edf.gz", bytes.substr(0, bytes.size() - 10), true);
  for (const auto& name : {"cut.edf", "cut2.edf.gz"}) {
    const auto e = error_of([&] { open_frames(dir / name); });
    EXPECT_NE(e.find("truncated"), std::string::npos) << e;
    EXPECT_NE(e.find(name), std::string::npos) << e;
  }
  // A damaged gzip stream (its end cut off).
  test::write_file(dir / "whole.edf.gz", bytes, true);
  const auto gz = [&] {
    std::ifstream in(dir / "whole.edf.gz", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  test::write_file(dir / "broken.edf.gz", gz.substr(0, gz.size() / 2), false);
  EXPECT_NE(error_of([&] { open_frames(dir / "broken.edf.gz"); }).find("broken.edf.gz"),
            std::string::npos);
  // A Size too small for Dim_1 x Dim_2.
  auto small = image(0);
  small.size_override = 10;
  test::write_edf(dir / "size.edf", {small});
  EXPECT_NE(error_of([&] { open_frames(dir / "size.edf"); }).find("wrong size"), std::string::npos);
  // An unknown DataType.
  auto odd = image(0);
  odd.type = "ComplexQuaternion";
  test::write_edf(dir / "type.edf", {odd});
  EXPECT_NE(error_of([&] { open_frames(dir / "type.edf"); }).find("DataType 'ComplexQuaternion'"),
            std::string::npos);
  // Not EDF at all.
  test::write_file(dir / "text.edf", "hello", false);
  EXPECT_NE(error_of([&] { open_frames(dir / "text.edf"); }).find("is not EDF"), std::string::npos);
  // A series whose shape changes.
  std::filesystem::create_directories(dir / "mixed");
  test::write_edf(dir / "mixed/m_1.edf", {image(0)});
  auto wide = image(1);
  wide.width = W + 1;
  wide.values.resize((W + 1) * H, 0);
  test::write_edf(dir / "mixed/m_2.edf", {wide});
  EXPECT_NE(error_of([&] { open_frames(dir / "mixed"); }).find("one shape"), std::string::npos);
  // Nothing to read.
  std::filesystem::create_directories(dir / "empty");
  EXPECT_NE(error_of([&] { open_frames(dir / "empty"); }).find("without .edf"), std::string::npos);
  EXPECT_NE(error_of([&] { open_frames(dir / "empty/*.edf"); }).find("matches no files"),
            std::string::npos);
  // Header times going back: an error unless --frame-time is given.
  std::filesystem::create_directories(dir / "back");
  for (std::size_t k = 0; k < 3; ++k) {
    auto im = image(k);
    im.extra["time_of_day"] = k == 2 ? "5" : std::to_string(10 + k);
    test::write_edf(dir / fmt::format("back/b_{}.edf", k), {im});
  }
  EXPECT_NE(error_of([&] { open_frames(dir / "back"); }).find("--frame-time"), std::string::npos);
  DetectorMetadata o;
  o.frame_time = 1;
  EXPECT_TRUE(open_frames(dir / "back", o)->info().timestamps.empty());
}

}  // namespace
}  // namespace glassy
