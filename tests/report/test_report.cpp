// glassy report: the page holds every figure with the file's numbers, reductions keep their
// promises (extremes survive decimation, block means are means), bad input leaves no output, and
// headless chromium draws every figure without JavaScript errors.
#include "chromium.hpp"
#include "test_support.hpp"

#include <glassy/aging/analysis.hpp>
#include <glassy/aging/options_json.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/report/figures.hpp>
#include <glassy/report/report.hpp>
#include <glassy/synth/generator.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace glassy {
namespace {

using test::embedded_figures;
using test::ScratchDir;
using test::slurp;

const char* const kFigureIds[] = {"fig2", "fig3a", "fig3b", "fig3c", "figchi4", "fig5", "figg2"};

// One small aging run shared by the tests: aging then stationary, a gap, and an event, so every
// piece of the report has something to show.
class Report : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    auto p = synth::preset("tiny");
    p.frames = 1600;
    p.height = p.width = 32;
    p.rate = 1.5;
    p.contrast = 0.3;
    p.tau0 = 5;
    p.beta = 0.75;
    p.clock = {{0, 800, synth::ClockSegment::Aging, 800}};
    p.gaps = {{900, 960}};
    p.events = {{1200, 0.6, 2.0}};
    p.output.compression = h5::Compression::None;
    synth::generate(p, *dir_ / "frames.h5");
    auto src = open_frames(*dir_ / "frames.h5");
    aging::AgingOptions o;
    o.corr.window_s = 100;
    o.corr.multitau = false;
    o.corr.map_size = 256;
    // What `glassy age` records before it works (the CLI's main records the real argv).
    provenance::reset();
    provenance::record_command("glassy age frames.h5 --out aging.h5 --window-s 100");
    provenance::record_input(*dir_ / "frames.h5");
    provenance::record_options(o);
    const auto r = aging::analyse_aging(*src, o);
    auto file = h5::File::create(aging_file());
    aging::write_aging(file, r);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::filesystem::path aging_file() { return *dir_ / "aging.h5"; }
  static bool have_plotly() { return std::filesystem::is_regular_file(report::plotly_js_path()); }

  static ScratchDir* dir_;
};
ScratchDir* Report::dir_ = nullptr;

TEST_F(Report, PageHoldsEveryFigureWithTheFilesData) {
  if (!have_plotly()) GTEST_SKIP() << "plotly.js absent: run scripts/install-deps.sh";
  ScratchDir out;
  report::write_report(aging_file(), out / "r.html", {"glassy report a.h5 --out r.html"});
  const auto html = slurp(out / "r.html");
  EXPECT_NE(html.find("glassy report a.h5 --out r.html"), std::string::npos);
  EXPECT_NE(html.find("with glassy "), std::string::npos);
  // Self-contained: plotly inlined, nothing fetched.
  EXPECT_GT(html.size(), std::filesystem::file_size(report::plotly_js_path()));
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  for (const char* id : kFigureIds)
    EXPECT_NE(html.find(std::string("<div id=\"") + id + "\""), std::string::npos) << id;

  const auto d = report::read_report_data(aging_file());
  ASSERT_GT(d.t_a.size(), 5u);
  ASSERT_EQ(d.map_n, 256u);
  EXPECT_NE(html.find(fmt::format("age windows: {} of 100 s", d.t_a.size())), std::string::npos);
  EXPECT_NE(html.find("preferred model " + d.preferred), std::string::npos);
  std::size_t rows = 0;
  for (std::size_t i = 0; (i = html.find("<tr><td>", i)) != std::string::npos; ++i) ++rows;
  EXPECT_EQ(rows, d.t_a.size());

  const auto figs = embedded_figures(html);
  ASSERT_EQ(figs.size(), std::size(kFigureIds));
  // Fig. 2: the map at full size (<= 1024) and its time axis from the file's attributes.
  const auto& heat = figs[0]["data"][0];
  ASSERT_EQ(heat["type"], "heatmap");
  EXPECT_EQ(heat["z"].size(), d.map_n);
  EXPECT_NEAR(heat["z"][10][20].get<double>(), d.map[10 * d.map_n + 20], 1e-4);
  EXPECT_NEAR(heat["dx"].get<double>(), d.cell_seconds, 1e-9 * d.cell_seconds);
  EXPECT_EQ(figs[0]["data"][1]["x"].size(), d.time.size() + 1);  // one break at the gap
  // Fig. 3a: <t> per window with its errors.
  const auto& mt = figs[1]["data"][0];
  for (std::size_t w = 0; w < d.t_a.size(); ++w) {
    if (!std::isfinite(d.mean_time[w])) {
      EXPECT_TRUE(mt["y"][w].is_null());
      continue;
    }
    EXPECT_NEAR(mt["y"][w].get<double>(), d.mean_time[w], 1e-5 * d.mean_time[w]);
    EXPECT_NEAR(mt["error_y"]["array"][w].get<double>(), d.mean_time_err[w],
                1e-2 * d.mean_time_err[w]);
  }
  // Fig. 5: the ML curve is the stored fit (model = R / (1 + residual) at the first lag, where
  // the grid starts) with the shape of the power series of E_beta.
  const nlohmann::json* ml = nullptr;
  for (const auto& t : figs[5]["data"])
    if (t["name"].get<std::string>().rfind("ML A", 0) == 0) ml = &t;
  ASSERT_NE(ml, nullptr);
  const auto& mx = (*ml)["x"];
  const auto& my = (*ml)["y"];
  EXPECT_NEAR(mx[0].get<double>(), d.one_lag[0], 1e-5 * d.one_lag[0]);
  EXPECT_NEAR(my[0].get<double>(), d.one_r[0] / (1 + d.ml.residual[0]), 1e-4);
  auto series_sq = [&](double t) {
    const double x = std::pow(t / d.ml.tau, d.ml.beta);
    double e = 0;
    for (int k = 0; k < 80; ++k) e += std::pow(-x, k) / std::tgamma(d.ml.beta * k + 1);
    return e * e;
  };
  std::size_t k = 0;
  while (k + 1 < mx.size() && std::pow(mx[k + 1].get<double>() / d.ml.tau, d.ml.beta) < 1.5) ++k;
  ASSERT_GT(k, 20u);
  EXPECT_NEAR(my[k].get<double>() / my[0].get<double>(),
              series_sq(mx[k].get<double>()) / series_sq(mx[0].get<double>()), 1e-4);
  // g2(t, t_a): six ages, each with its fit.
  EXPECT_EQ(figs[6]["data"].size(), 12u);
  // chi4: the stored peak per window beside <t>.
  ASSERT_EQ(d.chi4_peak.size(), d.t_a.size());
  const auto& chi4 = figs[4]["data"][1];
  std::size_t drawn = 0;
  for (std::size_t w = 0; w < d.t_a.size(); ++w) {
    if (!std::isfinite(d.chi4_peak[w])) continue;
    EXPECT_NEAR(chi4["y"][w].get<double>(), d.chi4_peak[w], 1e-5 * std::abs(d.chi4_peak[w]));
    ++drawn;
  }
  EXPECT_GT(drawn, d.t_a.size() / 2);
}

// The provenance section: version, command, each input with its size, and the options.
TEST_F(Report, PageShowsWhereTheResultCameFrom) {
  ScratchDir out;
  report::write_report(aging_file(), out / "r.html", {"test"});
  const auto html = slurp(out / "r.html");
  const auto a = html.find("<details id=\"provenance\">");
  ASSERT_NE(a, std::string::npos);
  const auto section = html.substr(a, html.find("</details>", a) - a);
  const auto version = provenance::current()["glassy_version"].get<std::string>();
  EXPECT_NE(section.find("<summary>glassy " + version + ":"), std::string::npos) << section;
  EXPECT_NE(section.find("<code>glassy age frames.h5 --out aging.h5 --window-s 100</code>"),
            std::string::npos);
  const auto frames = std::filesystem::absolute(*dir_ / "frames.h5").lexically_normal();
  EXPECT_NE(section.find(fmt::format("<td>{}</td><td>{}</td>", frames.string(),
                                     std::filesystem::file_size(frames))),
            std::string::npos)
      << section;
  EXPECT_NE(section.find("&quot;window_s&quot;: 100"), std::string::npos) << section;
}

TEST(ReportReduce, MinMaxDecimationKeepsExtremesAndBoundsSize) {
  std::vector<double> x(100000), y(100000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = double(i), y[i] = std::sin(i * 1e-3);
  y[31337] = 9;
  y[77777] = -9;
  y[500] = std::nan("");
  std::vector<double> ox, oy;
  report::decimate_min_max(x, y, 5000, ox, oy);
  EXPECT_LE(ox.size(), 5000u);
  EXPECT_GE(ox.size(), 4000u);
  EXPECT_TRUE(std::is_sorted(ox.begin(), ox.end()));
  EXPECT_EQ(*std::max_element(oy.begin(), oy.end()), 9);
  EXPECT_EQ(*std::min_element(oy.begin(), oy.end()), -9);
  for (double v : oy) EXPECT_TRUE(std::isfinite(v));
  report::decimate_min_max({1, 2, 3}, {4, 5, 6}, 5000, ox, oy);  // short series pass through
  EXPECT_EQ(oy, (std::vector<double>{4, 5, 6}));
}

TEST(ReportReduce, MapBlocksAreMeansOfTheirFiniteCells) {
  const std::size_t n = 10;
  std::vector<double> m(n * n);
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = double(i);
  m[0] = std::nan("");
  std::size_t out_n = 0, factor = 0;
  const auto r = report::downsample_map(m, n, 4, out_n, factor);
  EXPECT_EQ(factor, 3u);
  EXPECT_EQ(out_n, 3u);
  EXPECT_DOUBLE_EQ(r[0], (1 + 2 + 10 + 11 + 12 + 20 + 21 + 22) / 8.0);
  EXPECT_DOUBLE_EQ(r[1 * 3 + 2], (36 + 37 + 38 + 46 + 47 + 48 + 56 + 57 + 58) / 9.0);
  EXPECT_EQ(report::downsample_map(m, n, 10, out_n, factor).size(), n * n);
}

TEST_F(Report, BadInputIsOneLineErrorAndNoOutput) {
  ScratchDir out;
  const auto html = out / "r.html";
  EXPECT_THROW(report::write_report(out / "missing.h5", html, {}), Error);
  {
    auto f = h5::File::create(out / "other.h5");
    f.write<double>("entry/x", {1.0});
  }
  try {
    report::write_report(out / "other.h5", html, {});
    ADD_FAILURE() << "no error for a file without /glassy/aging";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/glassy/aging"), std::string::npos) << e.what();
  }
  setenv("GLASSY_PLOTLY_JS", (out / "nope.js").c_str(), 1);
  try {
    report::write_report(aging_file(), html, {});
    ADD_FAILURE() << "no error for a missing plotly.js";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("install-deps.sh"), std::string::npos) << e.what();
  }
  unsetenv("GLASSY_PLOTLY_JS");
  EXPECT_FALSE(std::filesystem::exists(html));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(out.path()), {}), 1);  // other.h5

  const auto r =
      test::run_cli("report " + (out / "missing.h5").string() + " --out " + html.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_FALSE(std::filesystem::exists(html));
}

// Headless Debian chromium opens the page from a file URL: every figure draws (plotly adds a
// .main-svg to its div), no JavaScript error is recorded, and a screenshot comes out.
TEST_F(Report, ChromiumDrawsEveryFigureWithoutErrors) {
  if (!std::filesystem::exists(test::kChromium))
    GTEST_SKIP() << "/usr/bin/chromium absent (scripts/install-deps.sh installs it)";
  if (!have_plotly()) GTEST_SKIP() << "plotly.js absent: run scripts/install-deps.sh";
  ScratchDir out;
  report::write_report(aging_file(), out / "r.html", {"test"});
  const auto page = test::open_in_chromium(out / "r.html", out.path());
  ASSERT_TRUE(page.ran);
  const auto& dom = page.dom;
  EXPECT_NE(dom.find("data-js-errors=\"\""), std::string::npos) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("data-plots-drawn=\"7\""), std::string::npos);
  EXPECT_NE(dom.find("<details id=\"provenance\">"), std::string::npos);
  for (const char* id : kFigureIds) {
    const auto a = dom.find(std::string("id=\"") + id + "\"");
    ASSERT_NE(a, std::string::npos) << id;
    const auto b = dom.find("<h2", a);
    EXPECT_NE(dom.substr(a, b - a).find("main-svg"), std::string::npos) << id << " not drawn";
  }
  ASSERT_GT(page.png.size(), 10000u);
  EXPECT_EQ(page.png.substr(1, 3), "PNG");
}

}  // namespace
}  // namespace glassy
