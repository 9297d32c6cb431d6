// The whole correlation step: recovery of the generator's truth (contrast, decay, plateaus) from
// synthetic frames, gaps and empty frames, interruption and resume, the real frames in
// ../shared/data, and bad input.
#include "test_support.hpp"

#include <glassy/core/error.hpp>
#include <glassy/corr/correlate.hpp>
#include <glassy/corr/multitau.hpp>
#include <glassy/io/npy_frames.hpp>
#include <glassy/synth/generator.hpp>

#include <cmath>
#include <cstdlib>

namespace glassy {
namespace {

using test::ScratchDir;

synth::SynthParams stationary(std::size_t frames, double tau, double beta) {
  auto p = synth::preset("tiny");
  p.frames = frames;
  p.tau0 = tau;
  p.beta = beta;
  p.output.compression = h5::Compression::None;
  return p;
}

TEST(Correlate, RecoversContrastAndDecayOfSynthFrames) {
  ScratchDir dir;
  const auto p = stationary(1500, 12, 0.6);
  synth::generate(p, dir / "s.h5");
  auto src = open_frames(dir / "s.h5");
  CorrelateOptions o;
  o.window_s = 500;
  const auto c = correlate(*src, o);
  ASSERT_TRUE(c.band && c.onetime);
  // The flat-field correction removes the halo's static variation: g2 - 1 = contrast exp(-2
  // (t/tau)^beta).
  double chi2 = 0;
  int n = 0;
  for (std::size_t l = 0; l < c.onetime->lags(); ++l) {
    const double t = c.onetime->lag_seconds(l);
    if (t > 150) break;
    const auto g = c.onetime->g2(0, l);
    const double truth = 1 + p.contrast * std::exp(-2 * std::pow(t / p.tau0, p.beta));
    chi2 += std::pow((g.mean - truth) / g.error, 2);
    ++n;
    EXPECT_NEAR(g.mean, truth, 5 * g.error + 1e-3) << "lag " << t;
  }
  EXPECT_LT(chi2 / n, 5.0);
  // Short-time plateau per window: the lag-one value of the truth.
  const double lag1 = 1 + p.contrast * std::exp(-2 * std::pow(1.0 / p.tau0, p.beta));
  for (std::size_t w = 0; w + 1 < c.band->windows(); ++w) {
    const auto g0 = c.band->plateau(0, w);
    EXPECT_NEAR(g0.mean, lag1, 5 * g0.error) << "window " << w;
  }
  // Long-time plateau beyond full decorrelation is 1.
  const auto inf = c.plateau->plateau_beyond(0, 300);
  EXPECT_NEAR(inf.mean, 1.0, 5 * inf.error + 2e-4);
  // Without the flat-field correction the halo inflates the baseline measurably.
  CorrelateOptions raw = o;
  raw.flatfield = false;
  raw.multitau = false;
  const auto c2 = correlate(*src, raw);
  EXPECT_GT(c2.plateau->plateau_beyond(0, 300).mean - 1, 3e-3);
}

TEST(Correlate, GapsAndEmptyFramesAreExcludedNotZero) {
  ScratchDir dir;
  auto p = stationary(800, 10, 0.8);
  p.gaps = {{300, 400}};
  synth::generate(p, dir / "g.h5");
  // Blank two frames in a copy: a dead readout.
  {
    auto f = h5::File::open(dir / "g.h5", h5::File::Mode::ReadWrite);
    std::vector<std::uint32_t> zero(48 * 48, 0);
    f.dataset(kFramesPath).write_block<std::uint32_t>({50, 0, 0}, {1, 48, 48}, zero.data());
    f.dataset(kFramesPath).write_block<std::uint32_t>({51, 0, 0}, {1, 48, 48}, zero.data());
  }
  auto src = open_frames(dir / "g.h5");
  CorrelateOptions o;
  o.window_s = 100;
  o.multitau = false;
  const auto c = correlate(*src, o);
  EXPECT_EQ(c.stats.empty_frames, (std::vector<std::size_t>{50, 51}));
  ASSERT_EQ(c.stats.gaps.size(), 1u);
  EXPECT_DOUBLE_EQ(c.stats.gaps[0].start, 299);
  EXPECT_DOUBLE_EQ(c.stats.gaps[0].end, 400);
  // No window straddles the gap silently: the windows inside it hold no pairs.
  const std::size_t w_gap = 3;  // [300, 400)
  EXPECT_EQ(c.band->plateau(0, w_gap).n, 0u);
  // Lags are in seconds across the gap: a pair (299 s, 400 s) counts at lag 101 s.
  // g2 near the empty frames is not pulled toward zero.
  const auto g0 = c.band->plateau(0, 0);
  EXPECT_GT(g0.mean, 1.1);
  // The map shows the gap as empty cells.
  const auto m = c.map->map(0);
  const std::size_t n = c.map->size();
  EXPECT_TRUE(std::isnan(m[350 * n + 350]));
}

TEST(Correlate, InterruptedAndResumedEqualsUninterrupted) {
  ScratchDir dir;
  auto p = stationary(700, 10, 0.7);
  synth::generate(p, dir / "r.h5");
  CorrelateOptions o;
  o.multitau = false;
  o.window_s = 100;
  o.map_size = 64;
  auto src = open_frames(dir / "r.h5");
  TwoTimeOptions probe;
  const auto full = correlate(*src, o);
  CorrelateOptions cut = o;
  cut.checkpoint = dir / "ck.h5";
  cut.budget = MemoryBudget(std::size_t{8} << 20);  // small blocks: several rows
  cut.after_row = [](std::size_t rows) { return rows < 2; };
  const auto partial = correlate(*src, cut);
  EXPECT_FALSE(partial.twotime_report.completed);
  ASSERT_TRUE(std::filesystem::exists(dir / "ck.h5"));
  CorrelateOptions resume = cut;
  resume.after_row = nullptr;
  resume.resume = true;
  const auto resumed = correlate(*src, resume);
  EXPECT_TRUE(resumed.twotime_report.resumed);
  EXPECT_TRUE(resumed.twotime_report.completed);
  EXPECT_FALSE(std::filesystem::exists(dir / "ck.h5"));
  // Same numbers as one uninterrupted run with the same blocks.
  CorrelateOptions same = o;
  same.budget = cut.budget;
  const auto reference = correlate(*src, same);
  for (std::size_t w = 0; w < reference.band->windows(); ++w)
    for (std::size_t l = 0; l < reference.band->lags(); ++l) {
      const auto a = reference.band->g2(0, w, l), b = resumed.band->g2(0, w, l);
      EXPECT_EQ(a.n, b.n);
      EXPECT_DOUBLE_EQ(a.mean, b.mean);
    }
  EXPECT_EQ(reference.map->map(0), resumed.map->map(0));
  // And the block size does not change the physics.
  EXPECT_NEAR(full.onetime->g2(0, 0).mean, reference.onetime->g2(0, 0).mean, 1e-12);
}

// The 100 real CCD frames of scikit-beam's example (../shared/data): hot pixels masked, both
// paths against brute force, and the g2(1 frame) the publishing project reports (~1.05).
TEST(Correlate, RealFramesBothPathsAgreeWithBruteForce) {
  const auto shared = test::shared_dir();
  const auto zip = shared / "data" / "skbeam_img_stack5301_5401.npy.zip";
  if (shared.empty() || !std::filesystem::exists(zip))
    GTEST_SKIP()
        << "../shared/data/skbeam_img_stack5301_5401.npy.zip absent: real-frame test skipped";
  ScratchDir dir;
  const std::string cmd =
      "/usr/bin/python3 -c \"import zipfile,sys; "
      "zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])\" '" +
      zip.string() + "' '" + dir.path().string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "cannot unzip " << zip;
  const auto npy = dir / "img_stack5301_5401.npy";
  ASSERT_TRUE(std::filesystem::exists(npy));
  DetectorMetadata meta;
  meta.frame_time = 1.3e-3;
  meta.x_pixel_size = meta.y_pixel_size = 0.108e-3;
  meta.distance = 2.23;
  meta.energy_kev = 12.398419843320026 / 1.546;
  meta.beam_center_x = 123;
  meta.beam_center_y = 143;
  auto src = open_frames(npy, meta);
  ASSERT_EQ(src->info().frames, 100u);
  CorrelateOptions o;
  o.hot_sigma = 8;
  o.max_count = 1000;
  o.flatfield = false;
  o.map_size = 100;
  o.window_s = 1;
  // Rings around the beam: the SAXS intensity falls steeply with q, so one bin over the whole
  // detector would mix very different static intensities.
  o.dynamic_q = 8;
  o.static_q = 32;
  std::vector<std::vector<float>> maps;
  for (auto path : {CorrPath::Dense, CorrPath::Sparse}) {
    o.path = path;
    o.multitau = path == CorrPath::Dense;
    const auto c = correlate(*src, o);
    EXPECT_GT(c.hot_pixels, 0u);
    maps.push_back(c.map->map(2));
  }
  // Multi-tau with one static bin per pixel (this sample's static speckle varies from pixel to
  // pixel) on the well-lit ring 20..50 pixels from the beam: g2(1 frame) about 1.05, as the
  // publishing project reports, decaying within ~16 frames.
  FrameBlock all;
  src->read_dense(0, 100, all);
  Partition ring;
  ring.height = ring.width = 256;
  ring.mask.assign(256 * 256, 0);
  ring.dynamic_map.assign(256 * 256, 0);
  ring.static_map.assign(256 * 256, 0);
  int statics = 0;
  for (std::size_t r = 0; r < 256; ++r)
    for (std::size_t col = 0; col < 256; ++col) {
      const double d = std::hypot(r - 143.0, col - 123.0);
      float peak = 0;
      for (std::size_t t = 0; t < 100; ++t)
        peak = std::max(peak, all.data[t * 65536 + r * 256 + col]);
      if (d < 20 || d >= 50 || peak > 50) continue;
      ring.mask[r * 256 + col] = 1;
      ring.dynamic_map[r * 256 + col] = 1;
      ring.static_map[r * 256 + col] = ++statics;
    }
  ring.static_q = statics;
  const auto mt = run_multitau(*src, ring, 100);
  EXPECT_GT(mt.g2[0], 1.02);
  EXPECT_LT(mt.g2[0], 1.10);
  for (std::size_t d = 0; d < mt.delays.size(); ++d)
    if (mt.delays[d] == 64) EXPECT_LT(std::abs(mt.g2[d] - 1), 0.3 * (mt.g2[0] - 1));
  // Brute force on the masked frames, ring 3.
  const auto c = correlate(*src, o);
  const auto pixels = c.partition.dynamic_pixels()[2];
  ASSERT_GT(pixels.size(), 100u);
  for (std::size_t t1 : {0, 10, 55, 99})
    for (std::size_t t2 : {0, 1, 10, 54}) {
      long double num = 0, s1 = 0, s2 = 0;
      for (auto p : pixels) {
        const double a = all.data[t1 * src->info().pixels() + p],
                     b = all.data[t2 * src->info().pixels() + p];
        num += a * b, s1 += a, s2 += b;
      }
      const double ref = static_cast<double>(pixels.size() * num / (s1 * s2));
      EXPECT_NEAR(maps[0][t1 * 100 + t2], ref, 1e-6 * ref);
      EXPECT_NEAR(maps[1][t1 * 100 + t2], ref, 1e-6 * ref);
    }
}

TEST(Correlate, BadInputIsRefused) {
  ScratchDir dir;
  auto p = stationary(100, 5, 0.7);
  synth::generate(p, dir / "b.h5");
  auto expect_error = [&](const CorrelateOptions& o, const std::string& fragment,
                          DetectorMetadata m = {}) {
    auto src = open_frames(dir / "b.h5", m);
    try {
      correlate(*src, o);
      ADD_FAILURE() << "accepted: " << fragment;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  CorrelateOptions o;
  o.q_range = {5.0, 6.0};  // the detector sees 2.59..2.67 1/A
  expect_error(o, "no pixel falls in the q range");
  // Empty mask and mask shape mismatch.
  std::vector<float> zeros(48 * 48, 0.0f);
  write_npy(dir / "m0.npy", {48, 48}, zeros.data());
  CorrelateOptions m0;
  m0.mask = (dir / "m0.npy").string();
  expect_error(m0, "excludes every pixel");
  std::vector<float> ones(10 * 10, 1.0f);
  write_npy(dir / "m1.npy", {10, 10}, ones.data());
  CorrelateOptions m1;
  m1.mask = (dir / "m1.npy").string();
  expect_error(m1, "shape 10 x 10");
  // All frames without photons.
  {
    auto f = h5::File::create(dir / "z.h5");
    f.write<float>(kFramesPath, std::vector<float>(5 * 4 * 4, 0.0f), {5, 4, 4});
    DetectorMetadata m;
    m.frame_time = 1;
    write_metadata(f, m);
  }
  auto zsrc = open_frames(dir / "z.h5");
  EXPECT_THROW(correlate(*zsrc, CorrelateOptions{}), Error);
  // Frame time missing (.npy carries none).
  std::vector<float> some(5 * 4 * 4, 1.0f);
  write_npy(dir / "n.npy", {5, 4, 4}, some.data());
  auto nsrc = open_frames(dir / "n.npy");
  try {
    correlate(*nsrc, CorrelateOptions{});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("frame time missing"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace glassy
