// Metadata and frames as other writers store them, files written by h5py itself: HDF5 scalars,
// [1] and [1, 1] arrays, attributes, integer and float types, fixed and variable-length strings,
// units (mm, um, eV, ms, Å), NeXus/Lambda/Eiger/ESRF paths, external links, --dataset, and groups
// glassy did not write.
#include "io/format_writers.hpp"
#include "test_support.hpp"

#include <glassy/io/frames.hpp>
#include <glassy/io/hdf5_frames.hpp>
#include <glassy/io/info.hpp>
#include <glassy/io/metadata.hpp>

#include <numeric>

namespace glassy {
namespace {

using test::error_of;
using test::ScratchDir;

// Frames 0..T*H*W-1 mod 7, the reference every layout below is read against.
std::vector<float> expected_frames(std::size_t n) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i % 7);
  return v;
}

std::vector<float> read_everything(FrameSource& src) {
  FrameBlock b;
  src.read_dense(0, src.info().frames, b);
  return b.data;
}

constexpr const char* kPrelude = R"(
import h5py, numpy as np
frames = (np.arange(5 * 4 * 3) % 7).reshape(5, 4, 3)
)";

class H5pyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::have_h5py()) GTEST_SKIP() << "/usr/bin/python3 with h5py absent";
  }
  ScratchDir dir;
};

TEST_F(H5pyFiles, ScalarsArraysAttributesUnitsAndStrings) {
  test::run_python(dir.path(), std::string(kPrelude) + R"(
with h5py.File("nexus.h5", "w") as f:
    f["/entry/instrument/detector/data"] = frames.astype("uint16")
    d = f["/entry/instrument/detector"]
    d["frame_time"] = 5.0                                   # scalar float64
    d["frame_time"].attrs["units"] = "ms"                   # variable-length string
    d["distance"] = np.int32(5000)                          # scalar integer
    d["distance"].attrs["units"] = np.bytes_("mm")          # fixed-length string
    d["x_pixel_size"] = np.array([75.0], dtype="float32")   # [1]
    d["x_pixel_size"].attrs["units"] = "um"
    d["y_pixel_size"] = np.array([[0.075]])                 # [1, 1]
    d["y_pixel_size"].attrs["units"] = "mm"
    d["beam_center_x"] = np.array([[10.5]])                 # [1, 1], no units: pixels
    d.attrs["beam_center_y"] = np.int64(-20)                # an attribute of the group
    d["count_time"] = np.bytes_("0.004")                    # a number written as text
    d["count_time"].attrs["units"] = "s"
    f["/entry/instrument/monochromator/energy"] = np.uint16(8000)
    f["/entry/instrument/monochromator/energy"].attrs["units"] = "eV"
    t = f.create_group("truth")                             # someone else's /truth
    t["answer"] = 42
    t.attrs["origin"] = "another program"
    f.create_group("process/notes")
)");
  auto src = open_frames(dir / "nexus.h5");
  const auto& m = src->info().meta;
  ASSERT_TRUE(m.frame_time && m.distance && m.x_pixel_size && m.y_pixel_size && m.beam_center_x &&
              m.beam_center_y && m.count_time && m.energy_kev);
  EXPECT_DOUBLE_EQ(*m.frame_time, 0.005);
  EXPECT_DOUBLE_EQ(*m.distance, 5.0);
  EXPECT_NEAR(*m.x_pixel_size, 75e-6, 1e-12);  // stored as float32
  EXPECT_DOUBLE_EQ(*m.y_pixel_size, 75e-6);
  EXPECT_DOUBLE_EQ(*m.beam_center_x, 10.5);
  EXPECT_DOUBLE_EQ(*m.beam_center_y, -20);
  EXPECT_DOUBLE_EQ(*m.count_time, 0.004);
  EXPECT_DOUBLE_EQ(*m.energy_kev, 8.0);
  EXPECT_EQ(read_everything(*src), expected_frames(60));
  EXPECT_NE(src->info().format.find("/entry/instrument/detector/data"), std::string::npos);

  // info reads what it knows and names what it does not, without failing.
  const auto lines = describe_file(dir / "nexus.h5");
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_NE(all.find("frames: 5 x 4 x 3"), std::string::npos) << all;
  EXPECT_NE(all.find("frame_time = 0.005 s"), std::string::npos) << all;
  EXPECT_NE(all.find("/truth was not written by glassy"), std::string::npos) << all;
  EXPECT_NE(all.find("not understood by glassy (left alone): /process"), std::string::npos) << all;
}

TEST_F(H5pyFiles, ApsOneByOneArraysAndGlassyPaths) {
  test::run_python(dir.path(), std::string(kPrelude) + R"(
with h5py.File("aps.h5", "w") as f:
    f["/entry/data/data"] = frames.astype("float32")
    f["/entry/instrument/detector_1/frame_time"] = np.array([[0.25]])
    f["/entry/instrument/detector_1/distance"] = np.array([[12.5]], dtype="float32")
    f["/entry/instrument/incident_beam/incident_energy"] = np.array([10.0])
    f["/entry/instrument/incident_beam/incident_energy"].attrs["units"] = "keV"
)");
  auto src = open_frames(dir / "aps.h5");
  const auto& m = src->info().meta;
  ASSERT_TRUE(m.frame_time && m.distance && m.energy_kev);
  EXPECT_DOUBLE_EQ(*m.frame_time, 0.25);
  EXPECT_DOUBLE_EQ(*m.distance, 12.5);
  EXPECT_DOUBLE_EQ(*m.energy_kev, 10.0);
  EXPECT_DOUBLE_EQ(src->info().time(4), 1.0);
  EXPECT_EQ(read_everything(*src), expected_frames(60));
}

TEST_F(H5pyFiles, EigerMasterWithExternalLinksAndWavelength) {
  test::run_python(dir.path(), std::string(kPrelude) + R"(
for name, part in (("run_data_000001.h5", frames[:3]), ("run_data_000002.h5", frames[3:])):
    with h5py.File(name, "w") as f:
        f["/entry/data/data"] = part.astype("uint32")
with h5py.File("run_master.h5", "w") as f:
    f["/entry/data/data_000001"] = h5py.ExternalLink("run_data_000001.h5", "/entry/data/data")
    f["/entry/data/data_000002"] = h5py.ExternalLink("run_data_000002.h5", "/entry/data/data")
    d = f.create_group("/entry/instrument/detector")
    d["detector_distance"] = 0.5
    d["detector_distance"].attrs["units"] = "m"
    d["frame_time"] = np.float32(0.01)
    d["frame_time"].attrs["units"] = "s"
    f["/entry/instrument/beam/incident_wavelength"] = 1.0
    f["/entry/instrument/beam/incident_wavelength"].attrs["units"] = "angstrom"
)");
  auto src = open_frames(dir / "run_master.h5");
  EXPECT_EQ(src->info().frames, 5u);
  EXPECT_EQ(read_everything(*src), expected_frames(60));
  // A block across the two data files.
  FrameBlock b;
  src->read_dense(2, 2, b);
  const auto all = expected_frames(60);
  EXPECT_EQ(b.data, std::vector<float>(all.begin() + 2 * 12, all.begin() + 4 * 12));
  const auto& m = src->info().meta;
  EXPECT_DOUBLE_EQ(*m.distance, 0.5);
  EXPECT_NEAR(*m.frame_time, 0.01, 1e-9);
  EXPECT_NEAR(*m.energy_kev, 12.398419843320026, 1e-9);  // hc / 1 Å
  // A missing data file: one line naming the link.
  std::filesystem::remove(dir / "run_data_000002.h5");
  EXPECT_NE(error_of([&] { open_frames(dir / "run_master.h5"); }).find("data_000002"),
            std::string::npos);
}

TEST_F(H5pyFiles, EsrfLambdaAndDatasetOption) {
  test::run_python(dir.path(), std::string(kPrelude) + R"(
with h5py.File("lima.h5", "w") as f:
    f["/entry_0000/measurement/data"] = frames.astype("int32")
with h5py.File("odd.h5", "w") as f:
    f["/scan/images/stack"] = frames.astype("uint8")
    f["/entry/instrument/detector/frame_time"] = 2
    f["/entry/instrument/detector/frame_time"].attrs["units"] = "fortnight"
)");
  auto lima = open_frames(dir / "lima.h5");
  EXPECT_EQ(read_everything(*lima), expected_frames(60));

  const auto odd = dir / "odd.h5";
  EXPECT_NE(error_of([&] { open_frames(odd); }).find("--dataset"), std::string::npos);
  DetectorMetadata o;
  o.frames_dataset = "/scan/images/stack";
  // The unknown unit stops the read with one line naming the dataset, unit and option ...
  const auto e = error_of([&] { open_frames(odd, o); });
  EXPECT_NE(e.find("frame_time"), std::string::npos) << e;
  EXPECT_NE(e.find("fortnight"), std::string::npos) << e;
  EXPECT_NE(e.find("--frame-time"), std::string::npos) << e;
  // ... and the option bypasses it.
  o.frame_time = 3.0;
  auto src = open_frames(odd, o);
  EXPECT_EQ(read_everything(*src), expected_frames(60));
  EXPECT_DOUBLE_EQ(*src->info().meta.frame_time, 3.0);
  o.frames_dataset = "/scan/nothing";
  EXPECT_NE(error_of([&] { open_frames(odd, o); }).find("--dataset /scan/nothing"),
            std::string::npos);
}

TEST(Metadata, UnitConversionsAgainstHandValues) {
  EXPECT_DOUBLE_EQ(to_glassy_unit(75, "um", Quantity::Length, "x", "--pixel-size"), 75e-6);
  EXPECT_DOUBLE_EQ(to_glassy_unit(75, "µm", Quantity::Length, "x", "--pixel-size"), 75e-6);
  EXPECT_DOUBLE_EQ(to_glassy_unit(4000, "mm", Quantity::Length, "x", "--distance"), 4.0);
  EXPECT_DOUBLE_EQ(to_glassy_unit(8048, "eV", Quantity::Energy, "x", "--energy"), 8.048);
  EXPECT_DOUBLE_EQ(to_glassy_unit(8.048, "KeV", Quantity::Energy, "x", "--energy"), 8.048);
  EXPECT_DOUBLE_EQ(to_glassy_unit(2, "ms", Quantity::Time, "x", "--frame-time"), 0.002);
  EXPECT_DOUBLE_EQ(to_glassy_unit(2, "", Quantity::Time, "x", "--frame-time"), 2.0);
  const auto e =
      error_of([] { to_glassy_unit(1, "parsec", Quantity::Length, "f:/d", "--distance"); });
  EXPECT_NE(e.find("f:/d has units 'parsec'"), std::string::npos) << e;
  EXPECT_NE(e.find("--distance"), std::string::npos) << e;
  // An energy unit is no length.
  EXPECT_FALSE(
      error_of([] { to_glassy_unit(1, "eV", Quantity::Length, "f", "--distance"); }).empty());
}

TEST(Metadata, GlassyFilesStillRoundTrip) {
  ScratchDir dir;
  DetectorMetadata m;
  m.frame_time = 0.5;
  m.distance = 4.0;
  m.x_pixel_size = m.y_pixel_size = 55e-6;
  m.beam_center_x = 3;
  m.beam_center_y = -1e4;
  m.energy_kev = 8.1;
  m.tilt_angle = 30;
  {
    auto f = h5::File::create(dir / "m.h5");
    write_metadata(f, m);
  }
  auto f = h5::File::open(dir / "m.h5");
  const auto r = read_metadata(f);
  EXPECT_EQ(r.describe(), m.describe());
  // Overrides win and fields they set are not read.
  DetectorMetadata o;
  o.distance = 9.0;
  EXPECT_DOUBLE_EQ(*read_metadata(f, o).distance, 9.0);
}

}  // namespace
}  // namespace glassy
