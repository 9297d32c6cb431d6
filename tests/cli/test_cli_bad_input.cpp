// Bad input, table-driven (FINUFFT's dumbinputs is the model): every case ends with exit code 2,
// exactly one printable line, no output file, and the input byte-identical afterwards.
#include "test_support.hpp"

#include <glassy/io/npy_frames.hpp>

#include <hdf5.h>

#include <fstream>
#include <iterator>
#include <vector>

namespace glassy {
namespace {

std::string bytes_of(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool printable(const std::string& s) {
  for (unsigned char c : s)
    if (c != '\n' && (c < 0x20 || c >= 0x7f)) return false;
  return true;
}

// A .npy whose header text is given verbatim (prefix and length are written for it).
void write_raw_npy(const std::filesystem::path& p, const std::string& dict, std::size_t data) {
  std::ofstream o(p, std::ios::binary);
  o.write("\x93NUMPY\x01\x00", 8);
  const unsigned char len[2] = {static_cast<unsigned char>(dict.size() & 0xff),
                                static_cast<unsigned char>(dict.size() >> 8)};
  o.write(reinterpret_cast<const char*>(len), 2);
  o << dict << std::string(data, '\1');
}

// An HDF5 frames file whose writer created /entry/data/data ([frames, 64, 64] uint16, chunked)
// and stopped before writing anything: the file claims the frames, storage holds none.
void write_unwritten_frames(const std::filesystem::path& p, hsize_t frames) {
  const hid_t f = H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t links = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(links, 1);
  const hsize_t dims[3] = {frames, 64, 64}, chunk[3] = {1, 64, 64};
  const hid_t space = H5Screate_simple(3, dims, nullptr);
  const hid_t plist = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(plist, 3, chunk);
  H5Dclose(H5Dcreate2(f, "entry/data/data", H5T_STD_U16LE, space, links, plist, H5P_DEFAULT));
  H5Pclose(plist);
  H5Sclose(space);
  H5Pclose(links);
  H5Fclose(f);
}

TEST(CliBadInput, EachCaseIsOneLineExitTwoNoFileInputUntouched) {
  test::ScratchDir dir;
  const auto frames = (dir / "x.h5").string();
  ASSERT_EQ(test::run_cli("synth --preset tiny --frames 200 --out " + frames).exit_code, 0);
  // Header claims (-200, 4, 4): numpy never writes a negative dimension.
  std::string dict = "{'descr': '<u2', 'fortran_order': False, 'shape': (-200, 4, 4), }";
  dict.append(63 - (10 + dict.size()) % 64, ' ');
  write_raw_npy(dir / "negative.npy", dict + "\n", 6400);
  // Header one byte short: the closing newline is missing, so the data would be read 1 off.
  std::string shifted = "{'descr': '<u2', 'fortran_order': False, 'shape': (200, 4, 4), }";
  shifted.append(63 - (10 + shifted.size()) % 64, ' ');
  write_raw_npy(dir / "short.npy", shifted + " ", 6400);
  write_unwritten_frames(dir / "unwritten.h5", 1000000);
  const auto out = (dir / "out.h5").string();
  const std::string in = " " + frames;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"corr" + in + " --out " + frames, "is the input"},
      {"age" + in + " --out " + (dir / "." / "x.h5").string(), "is the input"},
      {"convert" + in + " --out " + frames, "is the input"},
      {"report" + in + " --out " + frames, "is the input"},
      {"corr" + in + " --out /dev/full", "not a regular file"},
      {"corr" + in + " --out " + dir.path().string(), "not a regular file"},
      {"corr" + in + " --out " + (dir / "missing" / "r.h5").string(), "does not exist"},
      {"age" + in + " --out " + out + " --window-s 1e-6", "age windows"},
      {"age" + in + " --out " + out + " --window-s -5", "--window-s"},
      {"age" + in + " --out " + out + " --tas-span 100:5", "--tas-span"},
      {"age" + in + " --out " + out + " --contrast-slope nan", "--contrast-slope"},
      {"age" + in + " --out " + out + " --event-sigma 0", "--event-sigma"},
      {std::string("plan --rate -1"), "--rate"},
      {std::string("plan --contrast 2"), "--contrast"},
      {std::string("plan --window-s 1"), "--window-s"},
      {std::string("plan --beta nan"), "--beta"},
      {"corr" + in + " --out " + out + " --hot-sigma -1", "--hot-sigma"},
      {"corr" + in + " --out " + out + " --points-per-decade 0", "--points-per-decade"},
      {"corr" + in + " --out " + out + " --max-lag-s 0", "--max-lag-s"},
      {"corr" + in + " --out " + out + " --q-range 3:1", "--q-range"},
      {"--threads -3 corr" + in + " --out " + out, "--threads"},
      {"corr" + in + " --out " + out + " --window-s abc", "--window-s"},
      {"synth --preset tiny --out " + out + " --jump-at 5:x", "--jump-at"},
      {"synth --preset tiny --out " + out + " --fast-amplitude 0.99", "--fast-amplitude"},
      {"synth --preset tiny --out " + out + " --fast-coupling nan", "--fast-coupling"},
      {"corr " + (dir / "negative.npy").string() + " --frame-time 1 --out " + out, "negative"},
      {"corr " + (dir / "short.npy").string() + " --frame-time 1 --out " + out, "newline"},
      {"corr " + (dir / "unwritten.h5").string() + " --frame-time 1 --out " + out, "holds no data"},
  };
  const auto before = bytes_of(frames);
  for (const auto& [args, fragment] : cases) {
    SCOPED_TRACE(args);
    const auto r = test::run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_EQ(test::line_count(r.output), 1) << r.output;
    EXPECT_TRUE(printable(r.output)) << r.output;
    EXPECT_NE(r.output.find(fragment), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << "output left behind";
    EXPECT_EQ(bytes_of(frames), before) << "input changed";
  }
  EXPECT_TRUE(std::filesystem::exists("/dev/full") &&
              !std::filesystem::is_regular_file("/dev/full"));
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir.path(), ec))
    EXPECT_EQ(e.path().filename().string().find(".part"), std::string::npos) << e.path();
}

// The header parser on its own, against what numpy writes and what it never does.
TEST(NpyHeader, StrictAboutWhatNumpyWrites) {
  auto parse = [](const std::string& dict) {
    std::string text("\x93NUMPY\x01\x00", 8);
    text += static_cast<char>(dict.size() & 0xff);
    text += static_cast<char>(dict.size() >> 8);
    text += dict;
    return parse_npy_header(text.data(), text.size(), "t.npy");
  };
  const auto h = parse("{'descr': '<u2', 'fortran_order': False, 'shape': (3, 4, 5), }   \n");
  EXPECT_EQ(h.shape, (std::vector<std::size_t>{3, 4, 5}));
  EXPECT_EQ(h.item_size, 2u);
  EXPECT_EQ(parse("{'descr': '<f8', 'fortran_order': False, 'shape': (7,), }\n").shape.size(), 1u);
  test::expect_error([&] { parse("{'descr': '<u2', 'fortran_order': False, 'shape': (7), }\n"); },
                     "trailing comma");
  test::expect_error(
      [&] { parse("{'descr': '<u2', 'fortran_order': False, 'shape': (-1, 2), }\n"); }, "negative");
  test::expect_error([&] { parse("{'descr': '<u2', 'fortran_order': False, 'shape': (1, 2), }"); },
                     "newline");
  test::expect_error([&] { parse("{'descr': '<u2', 'shape': (1, 2), }\n"); }, "lacks");
  test::expect_error([&] { parse("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n"); },
                     "unsupported dtype");
  test::expect_error(
      [&] {
        const std::string text("\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12);
        parse_npy_header(text.data(), text.size(), "t.npy");
      },
      "more than numpy itself accepts");
}

}  // namespace
}  // namespace glassy
