// Frame sources and writers: every format reads back what was written, compressed ones too;
// bad files give one clear error each.
#include "test_support.hpp"

#include <glassy/core/error.hpp>
#include <glassy/io/frame_writer.hpp>
#include <glassy/io/frames.hpp>
#include <glassy/io/npy_frames.hpp>

#include <cmath>
#include <fstream>
#include <limits>

namespace glassy {
namespace {

using test::ScratchDir;

constexpr std::size_t T = 13, H = 9, W = 11;

std::vector<float> sample_frames() {
  std::vector<float> v(T * H * W);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>((i * 7919) % 13 < 3 ? (i % 5) : 0);
  return v;
}

template <typename Stored>
void write_dense_h5(const std::filesystem::path& file, const std::vector<float>& frames,
                    h5::Compression c, bool with_meta = true) {
  auto f = h5::File::create(file);
  std::vector<Stored> stored(frames.begin(), frames.end());
  h5::DatasetOptions opt;
  opt.chunk = {4, H, W};
  opt.compression = c;
  f.write<Stored>(kFramesPath, stored, {T, H, W}, opt);
  if (with_meta) {
    DetectorMetadata m;
    m.frame_time = 2.5;
    m.distance = 1.1;
    m.x_pixel_size = m.y_pixel_size = 55e-6;
    m.beam_center_x = 5;
    m.beam_center_y = -17000;
    m.energy_kev = 7.32;
    write_metadata(f, m);
  }
}

std::vector<float> read_all_dense(FrameSource& src, std::size_t block) {
  std::vector<float> out;
  FrameBlock b;
  for (std::size_t first = 0; first < src.info().frames; first += block) {
    src.read_dense(first, std::min(block, src.info().frames - first), b);
    out.insert(out.end(), b.data.begin(), b.data.end());
  }
  return out;
}

TEST(Frames, Hdf5DenseAllTypesAndFilters) {
  ScratchDir dir;
  const auto frames = sample_frames();
  int n = 0;
  for (auto c : {h5::Compression::None, h5::Compression::Gzip, h5::Compression::Lzf,
                 h5::Compression::BitshuffleLz4}) {
    auto check = [&](const std::filesystem::path& p) {
      auto src = open_frames(p);
      EXPECT_EQ(src->info().frames, T);
      EXPECT_EQ(src->info().height, H);
      EXPECT_EQ(src->info().width, W);
      EXPECT_EQ(read_all_dense(*src, 5), frames) << p;
      EXPECT_DOUBLE_EQ(*src->info().meta.frame_time, 2.5);
      EXPECT_DOUBLE_EQ(*src->info().meta.energy_kev, 7.32);
      EXPECT_DOUBLE_EQ(src->info().time(4), 10.0);
    };
    const auto base = dir / ("f" + std::to_string(n++));
    write_dense_h5<std::uint8_t>(base.string() + "u8.h5", frames, c);
    check(base.string() + "u8.h5");
    write_dense_h5<std::uint16_t>(base.string() + "u16.h5", frames, c);
    check(base.string() + "u16.h5");
    write_dense_h5<std::uint32_t>(base.string() + "u32.h5", frames, c);
    check(base.string() + "u32.h5");
    write_dense_h5<float>(base.string() + "f32.h5", frames, c);
    check(base.string() + "f32.h5");
    write_dense_h5<double>(base.string() + "f64.h5", frames, c);
    check(base.string() + "f64.h5");
  }
}

TEST(Frames, MetadataOverridesWin) {
  ScratchDir dir;
  write_dense_h5<std::uint16_t>(dir / "m.h5", sample_frames(), h5::Compression::None);
  DetectorMetadata o;
  o.frame_time = 0.1;
  auto src = open_frames(dir / "m.h5", o);
  EXPECT_DOUBLE_EQ(*src->info().meta.frame_time, 0.1);
  EXPECT_DOUBLE_EQ(*src->info().meta.distance, 1.1);
}

TEST(Frames, NpyReadsEveryFrame) {
  ScratchDir dir;
  const auto frames = sample_frames();
  write_npy(dir / "s.npy", {T, H, W}, frames.data());
  auto src = open_frames(dir / "s.npy");
  EXPECT_EQ(src->info().frames, T);
  EXPECT_EQ(read_all_dense(*src, 4), frames);
  EXPECT_THROW(src->info().time(1), Error);  // .npy has no frame time
  DetectorMetadata o;
  o.frame_time = 1.3e-3;
  EXPECT_DOUBLE_EQ(open_frames(dir / "s.npy", o)->info().time(2), 2.6e-3);
}

// A uint16 .npy written byte by byte, as NumPy lays it out.
TEST(Frames, NpyUint16ByHand) {
  ScratchDir dir;
  const std::string header = "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 1, 3), }";
  const std::size_t unpadded = 10 + header.size() + 1;
  std::string padded = header + std::string((64 - unpadded % 64) % 64, ' ') + "\n";
  std::ofstream out(dir / "h.npy", std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const char len[2] = {static_cast<char>(padded.size()), 0};
  out.write(len, 2);
  out << padded;
  const std::uint16_t values[6] = {0, 1, 65535, 7, 0, 300};
  out.write(reinterpret_cast<const char*>(values), sizeof values);
  out.close();
  auto src = open_frames(dir / "h.npy");
  FrameBlock b;
  src->read_dense(0, 2, b);
  EXPECT_EQ(b.data, (std::vector<float>{0, 1, 65535, 7, 0, 300}));
}

TEST(Frames, SparseRoundTripAndConvert) {
  ScratchDir dir;
  const auto frames = sample_frames();
  write_dense_h5<std::uint16_t>(dir / "d.h5", frames, h5::Compression::BitshuffleLz4);
  auto dense = open_frames(dir / "d.h5");
  FrameFileSpec spec;
  spec.layout = FrameLayout::Sparse;
  spec.compression = h5::Compression::BitshuffleLz4;
  convert_frames(*dense, dir / "d.h5", dir / "s.h5", spec, MemoryBudget(std::size_t{1} << 20));
  auto sparse = open_frames(dir / "s.h5");
  EXPECT_TRUE(sparse->is_sparse());
  EXPECT_EQ(read_all_dense(*sparse, 3), frames);
  EXPECT_DOUBLE_EQ(*sparse->info().meta.frame_time, 2.5);
  // Events equal the non-zero pixels.
  SparseBlock events;
  sparse->read_sparse(0, T, events);
  std::size_t nonzero = 0;
  for (float v : frames) nonzero += v != 0;
  EXPECT_EQ(events.events(), nonzero);
  // And back to dense, through a different compression.
  spec.layout = FrameLayout::Dense;
  spec.compression = h5::Compression::Lzf;
  spec.dense_type = "uint16";
  convert_frames(*sparse, dir / "s.h5", dir / "back.h5", spec, MemoryBudget(std::size_t{1} << 20));
  auto back = open_frames(dir / "back.h5");
  EXPECT_EQ(read_all_dense(*back, 13), frames);
}

TEST(Frames, WriterKeepsTimestamps) {
  ScratchDir dir;
  {
    auto f = h5::File::create(dir / "t.h5");
    FrameFileSpec spec{H, W, FrameLayout::Sparse, h5::Compression::None, "uint32"};
    auto w = make_frame_writer(f, spec);
    const std::vector<std::uint32_t> px{3, 50}, ct{1, 2};
    w->append_events(px, ct);
    w->append_events({}, {});
    w->finish();
    f.write<double>(kTimestampPath, {0.0, 7.5});
  }
  auto src = open_frames(dir / "t.h5");
  EXPECT_EQ(src->info().frames, 2u);
  EXPECT_DOUBLE_EQ(src->info().time(1), 7.5);
  FrameBlock b;
  src->read_dense(0, 2, b);
  EXPECT_EQ(b.data[3], 1.0f);
  EXPECT_EQ(b.data[50], 2.0f);
  EXPECT_EQ(b.data[H * W + 3], 0.0f);
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Frames, BadInputsSayWhatIsWrong) {
  ScratchDir dir;
  // Missing dataset.
  {
    auto f = h5::File::create(dir / "empty.h5");
    f.require_group("entry");
  }
  EXPECT_NE(error_of([&] { open_frames(dir / "empty.h5"); }).find("no /entry/data/data"),
            std::string::npos);
  // Wrong rank.
  {
    auto f = h5::File::create(dir / "rank.h5");
    f.write<float>(kFramesPath, std::vector<float>(12), {3, 4});
  }
  EXPECT_NE(error_of([&] { open_frames(dir / "rank.h5"); }).find("rank 2"), std::string::npos);
  // Zero frames.
  {
    auto f = h5::File::create(dir / "zero.h5");
    f.write<float>(kFramesPath, std::vector<float>{}, {0, 4, 4});
  }
  EXPECT_NE(error_of([&] { open_frames(dir / "zero.h5"); }).find("zero frames"), std::string::npos);
  // NaN and negative values.
  auto frames = sample_frames();
  frames[2 * H * W + 5] = std::numeric_limits<float>::quiet_NaN();
  write_dense_h5<float>(dir / "nan.h5", frames, h5::Compression::None);
  EXPECT_NE(
      error_of([&] { read_all_dense(*open_frames(dir / "nan.h5"), 5); }).find("frame 2 holds NaN"),
      std::string::npos);
  frames[2 * H * W + 5] = -1;
  write_dense_h5<float>(dir / "neg.h5", frames, h5::Compression::None);
  EXPECT_NE(error_of([&] { read_all_dense(*open_frames(dir / "neg.h5"), 5); }).find("negative"),
            std::string::npos);
  // Not HDF5 nor npy.
  std::ofstream(dir / "junk.bin") << "garbage bytes";
  EXPECT_NE(error_of([&] { open_frames(dir / "junk.bin"); }).find("neither HDF5 nor .npy"),
            std::string::npos);
  // Truncated npy.
  const auto ok = sample_frames();
  write_npy(dir / "cut.npy", {T, H, W}, ok.data());
  std::filesystem::resize_file(dir / "cut.npy", 500);
  EXPECT_NE(error_of([&] { open_frames(dir / "cut.npy"); }).find("truncated"), std::string::npos);
  // Non-integer frames cannot become photon events.
  std::vector<float> frac(T * H * W, 0.5f);
  write_dense_h5<float>(dir / "frac.h5", frac, h5::Compression::None);
  auto src = open_frames(dir / "frac.h5");
  FrameFileSpec spec;
  spec.layout = FrameLayout::Sparse;
  EXPECT_NE(error_of([&] {
              convert_frames(*src, dir / "frac.h5", dir / "frac_s.h5", spec, MemoryBudget());
            }).find("integer"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "frac_s.h5")) << "a failed convert left a file";
}

}  // namespace
}  // namespace glassy
