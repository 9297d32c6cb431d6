// Re-analysis from a stored correlation: a corr/age result holds its tables, so `age RESULT`
// gives the numbers `age FRAMES` gives (to 1e-12) without the frames; windows k x the stored age
// step merge exactly (equal to a direct frames run with that window); a full-resolution map lets
// anything be rebuilt, a downsampled one refuses what needs the pairs.
#include "test_support.hpp"

#include <glassy/aging/analysis.hpp>
#include <glassy/corr/stored.hpp>
#include <glassy/corr/tables.hpp>
#include <glassy/synth/generator.hpp>

#include <cmath>

namespace glassy {
namespace {

using test::expect_error;
using test::ScratchDir;

std::filesystem::path make_frames(const ScratchDir& dir) {
  auto p = synth::preset("tiny");  // 600 frames of 1 s
  p.height = p.width = 32;
  p.rate = 1.5;
  p.contrast = 0.3;
  p.tau0 = 8;
  p.beta = 0.8;
  p.clock = {{0, 600, synth::ClockSegment::Aging, 400}};
  p.output.compression = h5::Compression::None;
  const auto file = dir / "frames.h5";
  synth::generate(p, file);
  return file;
}

aging::AgingOptions options(double window_s, std::size_t map_size) {
  aging::AgingOptions o;
  o.corr.window_s = window_s;
  o.corr.multitau = false;
  o.corr.map_size = map_size;
  return o;
}

void expect_same(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (std::isnan(a[k])) {
      EXPECT_TRUE(std::isnan(b[k])) << what << " " << k;
      continue;
    }
    EXPECT_NEAR(a[k], b[k], 1e-12 * std::max(1.0, std::abs(a[k]))) << what << " " << k;
  }
}

void expect_same(const aging::AgingResult& a, const aging::AgingResult& b) {
  expect_same(a.t_a, b.t_a, "t_a");
  expect_same(a.lag, b.lag, "lag");
  expect_same(a.g2, b.g2, "g2");
  expect_same(a.g2_err, b.g2_err, "g2_err");
  expect_same(a.g2_0, b.g2_0, "g2_0");
  EXPECT_NEAR(a.g2_inf, b.g2_inf, 1e-12);
  ASSERT_EQ(a.kww.size(), b.kww.size());
  for (std::size_t w = 0; w < a.kww.size(); ++w) {
    EXPECT_EQ(a.kww[w].ok, b.kww[w].ok) << w;
    if (a.kww[w].ok) EXPECT_NEAR(a.kww[w].tau, b.kww[w].tau, 1e-9 * a.kww[w].tau) << w;
  }
  expect_same(a.onetime.g2, b.onetime.g2, "onetime g2");
  EXPECT_EQ(a.events.size(), b.events.size());
  EXPECT_EQ(a.regimes.segments.size(), b.regimes.segments.size());
}

TEST(StoredCorrelation, ReanalysisEqualsTheFramesRun) {
  ScratchDir dir;
  const auto frames = make_frames(dir);
  for (std::size_t map_size : {std::size_t{128}, std::size_t{2048}}) {  // downsampled, full
    auto src = open_frames(frames);
    const auto direct = aging::analyse_aging(*src, options(100, map_size));
    const auto result = dir / "age.h5";
    {
      auto f = h5::File::create(result);
      aging::write_aging(f, direct);
    }
    const auto again = aging::analyse_aging(load_correlation(result), options(100, map_size));
    expect_same(direct, again);
    EXPECT_NE(again.corr.origin.find("stored correlation"), std::string::npos);
    std::filesystem::remove(result);
  }
}

TEST(StoredCorrelation, MergedWindowsEqualADirectRunWithThatWindow) {
  ScratchDir dir;
  const auto frames = make_frames(dir);
  auto src = open_frames(frames);
  auto fine = options(150, 128);
  fine.age_step_s = 50;  // band kept at 50 s, analysed in windows of 150 s
  const auto merged = aging::analyse_aging(*src, fine);
  EXPECT_DOUBLE_EQ(merged.window_s, 150);
  EXPECT_DOUBLE_EQ(merged.corr.band->window_s(), 50);
  auto src2 = open_frames(frames);
  const auto direct = aging::analyse_aging(*src2, options(150, 128));
  expect_same(direct, merged);
  // From the stored result, 100 s = 2 x 50 s works; 75 s does not (downsampled map).
  const auto result = dir / "age.h5";
  {
    auto f = h5::File::create(result);
    aging::write_aging(f, merged);
  }
  auto src3 = open_frames(frames);
  const auto direct100 = aging::analyse_aging(*src3, options(100, 128));
  expect_same(direct100, aging::analyse_aging(load_correlation(result), options(100, 128)));
  expect_error([&] { aging::analyse_aging(load_correlation(result), options(75, 128)); },
               "possible widths are 50, 100, 150");
  auto c = load_correlation(result);
  TableSetup want = c.setup;
  want.plateau_span = std::pair{300.0, 599.0};
  expect_error([&] { adapt_tables(c, want, "age.h5"); }, "--plateau-span-s differs");
}

TEST(StoredCorrelation, FullMapRebuildsAnyTableExactly) {
  ScratchDir dir;
  const auto frames = make_frames(dir);
  auto src = open_frames(frames);
  const auto first = aging::analyse_aging(*src, options(100, 2048));
  const auto result = dir / "age.h5";
  {
    auto f = h5::File::create(result);
    aging::write_aging(f, first);
  }
  // A plateau span and a window that is no multiple: rebuilt from the stored full map, equal to
  // a frames run asked for the same.
  auto want_o = options(75, 2048);
  want_o.corr.plateau_span = std::pair{300.0, 599.0};
  auto c = load_correlation(result);
  TableSetup want = c.setup;
  want.window_s = 75;
  want.plateau_span = want_o.corr.plateau_span;
  adapt_tables(c, want, "age.h5");
  const auto rebuilt = aging::analyse_aging(std::move(c), want_o);
  auto src2 = open_frames(frames);
  const auto direct = aging::analyse_aging(*src2, want_o);
  expect_same(direct, rebuilt);
  EXPECT_NE(direct.g2_inf_method.find("named span"), std::string::npos);
}

TEST(StoredCorrelation, OldResultWithoutTablesIsRefused) {
  ScratchDir dir;
  {
    auto f = h5::File::create(dir / "old.h5");
    f.require_group("glassy/corr");
  }
  EXPECT_TRUE(is_glassy_result(dir / "old.h5"));
  expect_error([&] { load_correlation(dir / "old.h5"); }, "holds no stored correlation tables");
}

}  // namespace
}  // namespace glassy
