// The HDF5 layer: round trips of every type and filter, attributes, strings, bad files.
#include "test_support.hpp"

#include <glassy/core/error.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/io/metadata.hpp>

#include <cmath>
#include <fstream>
#include <numeric>

namespace glassy {
namespace {

using test::ScratchDir;

template <typename T>
void round_trip(const h5::File& f, const std::string& name, h5::Compression c) {
  std::vector<T> values(6 * 7 * 5);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<T>((i * 37) % 101);
  h5::DatasetOptions opt;
  opt.chunk = {2, 7, 5};
  opt.compression = c;
  f.write<T>(name, values, {6, 7, 5}, opt);
  auto back = f.read<T>(name);
  EXPECT_EQ(back, values) << name;
  EXPECT_EQ(f.dataset(name).compression(), c) << name;
  // A block from the middle.
  std::vector<T> block(2 * 3 * 5);
  f.dataset(name).read_block<T>({3, 2, 0}, {2, 3, 5}, block.data());
  for (std::size_t t = 0; t < 2; ++t)
    for (std::size_t r = 0; r < 3; ++r)
      for (std::size_t c2 = 0; c2 < 5; ++c2)
        EXPECT_EQ(block[(t * 3 + r) * 5 + c2], values[((t + 3) * 7 + r + 2) * 5 + c2]);
}

TEST(Hdf5, EveryTypeAndFilterRoundTrips) {
  ScratchDir dir;
  auto f = h5::File::create(dir / "t.h5");
  for (auto c : {h5::Compression::None, h5::Compression::Gzip, h5::Compression::Lzf,
                 h5::Compression::BitshuffleLz4}) {
    ASSERT_TRUE(h5::filter_available(c)) << h5::to_string(c) << " plugin missing";
    const std::string s = h5::to_string(c);
    round_trip<std::uint8_t>(f, "u8_" + s, c);
    round_trip<std::uint16_t>(f, "u16_" + s, c);
    round_trip<std::uint32_t>(f, "u32_" + s, c);
    round_trip<float>(f, "f32_" + s, c);
    round_trip<double>(f, "f64_" + s, c);
    round_trip<std::int64_t>(f, "i64_" + s, c);
  }
}

// Large gzip datasets are written with their chunks compressed on the threads
// (io/hdf5_deflate): edge chunks on every axis and in one dimension, read back whole and in a
// block through HDF5's own deflate filter.
TEST(Hdf5, GzipChunksCompressedOnTheThreadsReadBackAsWritten) {
  ScratchDir dir;
  const h5::Dims shape{37, 29, 301};  // 2.6 MB of doubles: over the 1 MB threshold
  std::vector<double> values(37 * 29 * 301);
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = (i % 7 == 0) ? 0.0 : std::sin(0.001 * static_cast<double>(i)) * 100.0;
  h5::DatasetOptions opt;
  opt.chunk = {8, 7, 64};  // 5 x 5 x 5 chunks, every axis with an edge chunk
  opt.compression = h5::Compression::Gzip;
  opt.gzip_level = 4;
  {
    auto f = h5::File::create(dir / "g.h5");
    f.write<double>("threads", values, shape, opt);
    f.write<double>("one_d", values, {values.size()}, [] {
      h5::DatasetOptions o;
      o.chunk = {100'000};  // the last chunk mostly beyond the end
      o.compression = h5::Compression::Gzip;
      return o;
    }());
  }
  // Chunks of whole rows are compressed where they lie in the buffer (no gather); the last,
  // short one is gathered and padded.
  for (const char* filter : {"gzip", "lzf"}) {
    h5::DatasetOptions o;
    o.chunk = {5, 29 * 301};  // 8 chunks of whole rows, the last 2 rows of 5
    o.compression = std::string(filter) == "gzip" ? h5::Compression::Gzip : h5::Compression::Lzf;
    auto f = h5::File::open(dir / "g.h5", h5::File::Mode::ReadWrite);
    f.write<double>(std::string("rows_") + filter, values, {37, 29 * 301}, o);
  }
  auto f = h5::File::open(dir / "g.h5");
  EXPECT_EQ(f.read<double>("threads"), values);
  EXPECT_EQ(f.read<double>("one_d"), values);
  EXPECT_EQ(f.read<double>("rows_gzip"), values);
  EXPECT_EQ(f.read<double>("rows_lzf"), values);
  EXPECT_EQ(f.dataset("rows_lzf").compression(), h5::Compression::Lzf);
  EXPECT_EQ(f.dataset("threads").compression(), h5::Compression::Gzip);
  std::vector<double> block(3 * 4 * 70);
  f.dataset("threads").read_block<double>({34, 25, 231}, {3, 4, 70}, block.data());
  for (std::size_t a = 0; a < 3; ++a)
    for (std::size_t b = 0; b < 4; ++b)
      for (std::size_t c = 0; c < 70; ++c)
        ASSERT_EQ(block[(a * 4 + b) * 70 + c], values[((34 + a) * 29 + 25 + b) * 301 + 231 + c]);
}

// A result's large tables: LZF (h5py reads it without plugins), chunked as asked, over 1 MB so
// the chunks are compressed on the threads (io/hdf5_chunks), with edge chunks on both axes. Rows
// of random doubles make chunks LZF cannot shrink, stored raw with the filter marked skipped;
// HDF5's own LZF filter reads every chunk back bit for bit, whole and in a block.
TEST(Hdf5, ResultTablesAreLzfAndEveryChunkReadsBack) {
  ScratchDir dir;
  const std::size_t rows = 301, cols = 517;  // 1.24 MB of doubles; chunks 64 x 128: 5 x 5
  std::vector<double> values(rows * cols);
  std::uint64_t state = 12345;
  for (std::size_t i = 0; i < values.size(); ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    values[i] = i / cols < 128 ? std::ldexp(static_cast<double>(state >> 11), -53)
                               : 0.25 * static_cast<double>(i % 3);
  }
  {
    auto f = h5::File::create(dir / "r.h5");
    f.write<double>("t", values, {rows, cols}, h5::result_compression({64, 128}));
  }
  auto f = h5::File::open(dir / "r.h5");
  EXPECT_EQ(f.dataset("t").compression(), h5::Compression::Lzf);
  EXPECT_EQ(f.read<double>("t"), values);
  std::vector<double> block(3 * 70);
  f.dataset("t").read_block<double>({298, 447}, {3, 70}, block.data());
  for (std::size_t r = 0; r < 3; ++r)
    for (std::size_t c = 0; c < 70; ++c)
      ASSERT_EQ(block[r * 70 + c], values[(298 + r) * cols + 447 + c]);
  // The random rows stay their size, the rest shrinks: the file is well under the raw bytes.
  EXPECT_LT(std::filesystem::file_size(dir / "r.h5"), values.size() * 8 * 6 / 10);
}

// A result's per-pixel maps: compressed from 1 MiB up in chunks of whole detector rows (~2 MiB,
// any leading axis 1), contiguous below; a roi map of a large detector reads back as written and
// takes a fraction of its bytes.
TEST(Hdf5, PixelMapsAreCompressedInWholeRowsFromOneMebibyte) {
  EXPECT_TRUE(h5::pixel_map_options({64, 64}, 8).chunk.empty());
  EXPECT_TRUE(h5::pixel_map_options({511, 512}, 4).chunk.empty());  // just under 1 MiB
  EXPECT_EQ(h5::pixel_map_options({512, 512}, 4).chunk, (h5::Dims{512, 512}));
  EXPECT_EQ(h5::pixel_map_options({2048, 2048}, 4).chunk, (h5::Dims{256, 2048}));
  EXPECT_EQ(h5::pixel_map_options({1, 2048, 2048}, 8).chunk, (h5::Dims{1, 128, 2048}));
  EXPECT_EQ(h5::pixel_map_options({200000, 1}, 8).chunk, (h5::Dims{200000, 1}));
  EXPECT_TRUE(h5::pixel_map_options({300000}, 8).chunk.empty());  // not a map
  EXPECT_NE(h5::pixel_map_options({2048, 2048}, 4).compression, h5::Compression::None);

  ScratchDir dir;
  const std::size_t rows = 1030,
                    cols = 700;  // 2.9 MB of int32: chunks of 748 rows, the last short
  std::vector<std::int32_t> roi(rows * cols);
  for (std::size_t i = 0; i < roi.size(); ++i)
    roi[i] = static_cast<std::int32_t>((i / cols) * 12 / rows * 3 + (i % cols) * 3 / cols + 1);
  {
    auto f = h5::File::create(dir / "m.h5");
    f.write<std::int32_t>("roi", roi, {rows, cols}, h5::pixel_map_options({rows, cols}, 4));
  }
  auto f = h5::File::open(dir / "m.h5");
  EXPECT_NE(f.dataset("roi").compression(), h5::Compression::None);
  EXPECT_EQ(f.read<std::int32_t>("roi"), roi);
  EXPECT_LT(std::filesystem::file_size(dir / "m.h5"), roi.size() * 4 / 10);
}

TEST(Hdf5, CompressionShrinksSparseData) {
  ScratchDir dir;
  std::vector<std::uint32_t> mostly_zero(1 << 18, 0);
  for (std::size_t i = 0; i < mostly_zero.size(); i += 97) mostly_zero[i] = 1;
  {
    auto f = h5::File::create(dir / "c.h5");
    h5::DatasetOptions opt;
    opt.chunk = {1 << 16};
    opt.compression = h5::Compression::BitshuffleLz4;
    f.write<std::uint32_t>("x", mostly_zero, {}, opt);
  }
  EXPECT_LT(std::filesystem::file_size(dir / "c.h5"), mostly_zero.size() * 4 / 10);
  auto f = h5::File::open(dir / "c.h5");
  EXPECT_EQ(f.read<std::uint32_t>("x"), mostly_zero);
}

TEST(Hdf5, ExtendibleDatasetGrows) {
  ScratchDir dir;
  auto f = h5::File::create(dir / "e.h5");
  h5::DatasetOptions opt;
  opt.chunk = {4};
  opt.max_dims = {H5S_UNLIMITED};
  auto ds = f.create_dataset<double>("grow", {0}, opt);
  for (int i = 0; i < 3; ++i) {
    const std::vector<double> part{1.0 * i, 2.0 * i, 3.0 * i};
    ds.extend({static_cast<hsize_t>(3 * (i + 1))});
    ds.write_block<double>({static_cast<hsize_t>(3 * i)}, {3}, part.data());
  }
  EXPECT_EQ(f.read<double>("grow"), (std::vector<double>{0, 0, 0, 1, 2, 3, 2, 4, 6}));
}

TEST(Hdf5, AttributesStringsAndGroups) {
  ScratchDir dir;
  {
    auto f = h5::File::create(dir / "a.h5");
    auto g = f.require_group("entry/instrument/detector_1");
    g.attrs().set("number", 2.5);
    g.attrs().set("count", std::int64_t{7});
    g.attrs().set("name", "lambda 250k");
    g.attrs().set("list", std::vector<double>{1, 2, 3});
    f.write_string("entry/title", "aging run");
    f.write_strings("labels", {"aging", "stationary", "x"});
  }
  auto f = h5::File::open(dir / "a.h5");
  auto g = f.group("entry/instrument/detector_1");
  EXPECT_DOUBLE_EQ(g.attrs().get_double("number"), 2.5);
  EXPECT_EQ(g.attrs().get_int("count"), 7);
  EXPECT_EQ(g.attrs().get_string("name"), "lambda 250k");
  EXPECT_EQ(g.attrs().get_doubles("list"), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(f.read_string("entry/title"), "aging run");
  EXPECT_EQ(f.read_strings("labels"), (std::vector<std::string>{"aging", "stationary", "x"}));
  EXPECT_TRUE(f.is_group("entry/instrument"));
  EXPECT_FALSE(f.exists("entry/nothing/here"));
  EXPECT_EQ(f.group("entry").children(), (std::vector<std::string>{"instrument", "title"}));
}

// A list of str written by h5py (`f["labels"] = ["0.9Tf", "1.0Tf"]`) is an array of variable-length
// UTF-8 strings; bytes become variable-length ASCII. Made here with the HDF5 calls h5py makes.
TEST(Hdf5, VariableLengthStringArraysAsH5pyWritesThemAreRead) {
  ScratchDir dir;
  for (const H5T_cset_t cset : {H5T_CSET_UTF8, H5T_CSET_ASCII}) {
    const auto path = dir / (cset == H5T_CSET_UTF8 ? "utf8.h5" : "ascii.h5");
    {
      auto f = h5::File::create(path);
      const hid_t type = H5Tcopy(H5T_C_S1);
      H5Tset_size(type, H5T_VARIABLE);
      H5Tset_cset(type, cset);
      const hsize_t n = 3;
      const hid_t space = H5Screate_simple(1, &n, nullptr);
      const hid_t ds =
          H5Dcreate2(f.id(), "labels", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      const char* values[] = {"0.9Tf", "", cset == H5T_CSET_UTF8 ? "1.0Tf \xce\xb2" : "1.0Tf"};
      ASSERT_GE(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), 0);
      H5Dclose(ds);
      H5Sclose(space);
      H5Tclose(type);
    }
    const auto f = h5::File::open(path);
    EXPECT_EQ(f.read_strings("labels"),
              (std::vector<std::string>{"0.9Tf", "",
                                        cset == H5T_CSET_UTF8 ? "1.0Tf \xce\xb2" : "1.0Tf"}));
  }
  // Numbers are not strings: one message, no crash.
  {
    auto f = h5::File::create(dir / "n.h5");
    f.write<double>("labels", {1.0});
  }
  EXPECT_NE(test::error_of([&] {
              h5::File::open(dir / "n.h5").read_strings("labels");
            }).find("is not a string array"),
            std::string::npos);
}

// Scalar datasets (shape (), as h5py writes a Python number and APS files hold metadata): written
// and read back, and read_metadata takes them.
TEST(Hdf5, ScalarDatasetsRoundTrip) {
  ScratchDir dir;
  {
    auto f = h5::File::create(dir / "s.h5");
    f.write_scalar<double>("entry/instrument/detector_1/frame_time", 0.25);
    f.write_scalar<std::int64_t>("xpcs/multitau/config/avg_frame", 3);
  }
  auto f = h5::File::open(dir / "s.h5");
  EXPECT_TRUE(f.dataset("entry/instrument/detector_1/frame_time").dims().empty());
  EXPECT_EQ(f.read_scalar<double>("entry/instrument/detector_1/frame_time"), 0.25);
  EXPECT_EQ(f.read<std::int64_t>("xpcs/multitau/config/avg_frame"), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(read_metadata(f).frame_time, 0.25);
}

TEST(Hdf5, BadFilesGiveClearErrors) {
  ScratchDir dir;
  EXPECT_THROW(h5::File::open(dir / "missing.h5"), Error);
  std::ofstream(dir / "text.h5") << "this is not HDF5";
  try {
    h5::File::open(dir / "text.h5");
    FAIL() << "opened a text file";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos) << e.what();
  }
  {
    auto f = h5::File::create(dir / "full.h5");
    f.write<double>("x", std::vector<double>(100000, 1.0));
  }
  // Keep the signature, cut the rest: HDF5 must refuse it and we must say so.
  std::filesystem::resize_file(dir / "full.h5", 2048);
  EXPECT_THROW(
      {
        auto f = h5::File::open(dir / "full.h5");
        f.read<double>("x");
      },
      Error);
  auto f = h5::File::create(dir / "ok.h5");
  try {
    f.dataset("entry/data/data");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("entry/data/data"), std::string::npos);
  }
  EXPECT_THROW(h5::parse_compression("zip"), Error);
}

}  // namespace
}  // namespace glassy
