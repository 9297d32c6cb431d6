// `glassy age` on correlations rather than frames, end to end: a result re-analysed without its
// frames (same numbers), maps made elsewhere, bad maps (exit 2, one line, no file), `glassy fit
// --in` on an APS-layout result (the fit a CSV of the same column gives) and the report's reader
// on an aging file made from a map (no per-frame intensities).
#include "test_support.hpp"

#include <glassy/core/random.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/io/npy_frames.hpp>
#include <glassy/report/data.hpp>
#include <glassy/synth/generator.hpp>

#include <matio.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <random>

namespace glassy {
namespace {

using test::line_count;
using test::run_cli;
using test::ScratchDir;

// A symmetric aging KWW map C = 1 + 0.3 exp(-2 (lag / tau)^0.8) + noise, n x n.
std::vector<float> kww_map(std::size_t n) {
  std::vector<float> m(n * n);
  Xoshiro256 rng(11, 0);
  std::normal_distribution<double> noise(0.0, 0.01);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      const double tau = 4.0 * (1 + static_cast<double>(j) / 60.0);
      const double v = 1 + 0.3 * std::exp(-2 * std::pow(static_cast<double>(i - j) / tau, 0.8)) +
                       (i == j ? 0.05 : noise(rng));
      m[i * n + j] = m[j * n + i] = static_cast<float>(v);
    }
  return m;
}

TEST(CliMaps, ResultIsReanalysedWithoutItsFrames) {
  ScratchDir dir;
  auto p = synth::preset("tiny");
  p.height = p.width = 32;
  p.output.compression = h5::Compression::None;
  synth::generate(p, dir / "frames.h5");
  auto r = run_cli("age " + (dir / "frames.h5").string() + " --window-s 100 --out " +
                   (dir / "a.h5").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("correlation: frames"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("in g2(t, t_a): removed"), std::string::npos) << r.output;
  auto kept = run_cli("age " + (dir / "frames.h5").string() +
                      " --window-s 100 --keep-straddling-pairs --out " + (dir / "k.h5").string());
  ASSERT_EQ(kept.exit_code, 0) << kept.output;
  EXPECT_NE(kept.output.find("in g2(t, t_a): kept (--keep-straddling-pairs"), std::string::npos)
      << kept.output;
  std::filesystem::remove(dir / "frames.h5");  // the re-analysis must not need them
  r = run_cli("age " + (dir / "a.h5").string() + " --out " + (dir / "b.h5").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("correlation: stored correlation in"), std::string::npos) << r.output;
  // The stored tables remember that they were cut.
  EXPECT_NE(r.output.find("in g2(t, t_a): removed"), std::string::npos) << r.output;
  const auto a = h5::File::open(dir / "a.h5"), b = h5::File::open(dir / "b.h5");
  for (const char* name : {"glassy/aging/g2", "glassy/aging/g2_err", "glassy/aging/g2_0",
                           "glassy/aging/kww/tau", "glassy/aging/onetime/g2"}) {
    const auto x = a.read<double>(name), y = b.read<double>(name);
    ASSERT_EQ(x.size(), y.size()) << name;
    for (std::size_t k = 0; k < x.size(); ++k)
      if (std::isfinite(x[k])) EXPECT_NEAR(x[k], y[k], 1e-12 * std::max(1.0, std::abs(x[k])));
  }
  // Frame options make no sense for a stored correlation: refused in one line.
  r = run_cli("age " + (dir / "a.h5").string() + " --mask m.npy --out " + (dir / "c.h5").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "c.h5"));
  // Never over an input.
  r = run_cli("age " + (dir / "a.h5").string() + " --out " + (dir / "a.h5").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(CliMaps, MapGivesAnAgingFileTheReportReads) {
  ScratchDir dir;
  const std::size_t n = 120;
  const auto m = kww_map(n);
  write_npy(dir / "map.npy", {n, n}, m.data());
  const auto r = run_cli("age " + (dir / "map.npy").string() +
                         " --frame-time 1 --window-s 40 --out " + (dir / "age.h5").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("C = g2 (detected: level far from the diagonal"), std::string::npos)
      << r.output;
  const auto d = report::read_report_data(dir / "age.h5");
  EXPECT_EQ(d.map_n, n);
  EXPECT_EQ(d.t_a.size(), 3u);
  ASSERT_EQ(d.i0.size(), n);
  EXPECT_TRUE(std::isnan(d.i0.front()));  // a map holds no intensities
  // And the aging file is itself a result to re-analyse.
  const auto again = run_cli("age " + (dir / "age.h5").string() + " --window-s 80 --out " +
                             (dir / "age2.h5").string());
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("merged from a 40 s age step"), std::string::npos) << again.output;
}

TEST(CliMaps, BadMapsExitTwoWithOneLineAndNoFile) {
  ScratchDir dir;
  const std::size_t n = 60;
  auto m = kww_map(n);
  write_npy(dir / "map.npy", {n, n}, m.data());
  auto asym = m;
  asym[7 * n + 2] += 0.1f;
  write_npy(dir / "asym.npy", {n, n}, asym.data());
  std::vector<float> small(40 * 40, 1.0f);
  for (std::size_t i = 0; i < 40; ++i)
    for (std::size_t j = 0; j < 40; ++j) small[i * 40 + j] = m[i * n + j];
  write_npy(dir / "small.npy", {40, 40}, small.data());
  {
    mat_t* mat = Mat_CreateVer((dir / "rect.mat").c_str(), nullptr, MAT_FT_MAT5);
    ASSERT_NE(mat, nullptr);
    std::vector<double> v(n * 3, 1.0);
    size_t dims[2] = {n, 3};
    matvar_t* var = Mat_VarCreate("C", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, v.data(), 0);
    Mat_VarWrite(mat, var, MAT_COMPRESSION_NONE);
    Mat_VarFree(var);
    Mat_Close(mat);
  }
  const std::string out = (dir / "out.h5").string();
  const std::pair<std::string, std::string> cases[] = {
      {(dir / "rect.mat").string() + " --frame-time 1", "not a square real two-time map"},
      {(dir / "asym.npy").string() + " --frame-time 1", "is not symmetric"},
      {(dir / "small.npy").string() + " " + (dir / "map.npy").string() + " --frame-time 1",
       "equal length"},
      {(dir / "map.npy").string(), "give --frame-time"},
      {(dir / "map.npy").string() + " --frame-time 1 --map-form g3", "--map-form must be"},
      {(dir / "map.npy").string() + " --frame-time 1 --mask x.npy", "--mask applies to frames"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = run_cli("age " + args + " --window-s 20 --out " + out);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.output;
    EXPECT_EQ(line_count(r.output), 1) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << args;
  }
}

// An APS-layout multi-tau file: normalized_g2 [lags, q], its error, delay_list in seconds (or
// frame counts with the frame time); --q-index 1 must give the fit of a CSV of column 1.
TEST(CliMaps, FitFromAResultEqualsTheCsvFit) {
  ScratchDir dir;
  const std::size_t nl = 30, nq = 3;
  std::vector<double> delay_frames(nl), g2(nl * nq), err(nl * nq, 0.002);
  Xoshiro256 rng(4, 0);
  std::normal_distribution<double> noise(0.0, 0.002);
  for (std::size_t l = 0; l < nl; ++l) {
    delay_frames[l] = std::round(std::pow(10.0, static_cast<double>(l) / 7.0));
    for (std::size_t q = 0; q < nq; ++q) {
      const double t = delay_frames[l] * 0.01, tau = 0.5 / (1.0 + static_cast<double>(q));
      g2[l * nq + q] = 1.0 + 0.2 * std::exp(-2 * std::pow(t / tau, 0.9)) + noise(rng);
    }
  }
  std::vector<double> delay_s(nl);
  for (std::size_t l = 0; l < nl; ++l) delay_s[l] = delay_frames[l] * 0.01;
  {
    auto f = h5::File::create(dir / "aps.h5");
    f.write<double>("xpcs/multitau/normalized_g2", g2, {nl, nq});
    f.write<double>("xpcs/multitau/normalized_g2_err", err, {nl, nq});
    f.write<double>("xpcs/multitau/delay_list", delay_s).attrs().set("units", "s");
    f.write<double>("xpcs/qmap/dynamic_v_list_dim0", {0.001, 0.002, 0.003});
  }
  {
    auto f = h5::File::create(dir / "frames_delay.h5");
    f.write<double>("xpcs/multitau/normalized_g2", g2, {nl, nq});
    f.write<double>("xpcs/multitau/normalized_g2_err", err, {nl, nq});
    f.write<double>("xpcs/multitau/delay_list", delay_frames, {1, nl});
    f.write<double>("entry/instrument/detector_1/frame_time", {0.01}, {1, 1});
  }
  {
    std::ofstream csv(dir / "g2.csv");
    csv.precision(17);
    csv << "lag_s,g2,g2_err\n";
    for (std::size_t l = 0; l < nl; ++l)
      if (delay_s[l] >= 0.02 && delay_s[l] <= 5)
        csv << delay_s[l] << "," << g2[l * nq + 1] << "," << err[l * nq + 1] << "\n";
  }
  auto tau_of = [](const std::string& args) {
    const auto r = run_cli("fit --model kww --json " + args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return nlohmann::json::parse(r.output)["parameters"]["tau"]["value"].get<double>();
  };
  const double csv_tau = tau_of("--in " + (dir / "g2.csv").string());
  EXPECT_NEAR(csv_tau, 0.25, 0.05);
  const double h5_tau =
      tau_of("--in " + (dir / "aps.h5").string() + " --q-index 1 --lag-range 0.02:5");
  EXPECT_NEAR(h5_tau, csv_tau, 1e-9 * csv_tau);
  EXPECT_NEAR(tau_of("--in " + (dir / "aps.h5").string() + " --q 0.0021 --lag-range 0.02:5"),
              csv_tau, 1e-9 * csv_tau);
  EXPECT_NEAR(
      tau_of("--in " + (dir / "frames_delay.h5").string() + " --q-index 1 --lag-range 0.02:5"),
      csv_tau, 1e-9 * csv_tau);
  // Several columns and none chosen: one line naming the options.
  const auto r = run_cli("fit --model kww --in " + (dir / "aps.h5").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("--q-index"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace glassy
