// glassy report on MD results (paper Fig. 4a-e, the Fig. 1c inset, cooling curve, structure):
// a tiny glass, run and analysed through the command line as a user would; the page holds each
// figure with the files' numbers, headless chromium draws them all, bad input is one line.
#include "chromium.hpp"
#include "test_support.hpp"

#include <glassy/io/hdf5.hpp>
#include <glassy/report/report.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>

namespace glassy {
namespace {

using test::embedded_figures;
using test::run_cli;
using test::ScratchDir;

class MdReport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    const auto d = [](const char* name) { return (*dir_ / name).string(); };
    for (const std::string args :
         {"-q md prepare --atoms 250 --cooling-rate 0.02 --melt-time 5 --out " + d("glass.h5"),
          "-q md run " + d("glass.h5") + " --out " + d("traj.h5") +
              " --temperature 0.8Tg --time 30 --every 40 --restart-every 0",
          "-q md xpcs " + d("traj.h5") + " --out " + d("xpcs.h5"),
          "-q md waiting " + d("traj.h5") + " --out " + d("wait.h5") +
              " --threshold 0.5 --window 3",
          "-q md ifk " + d("traj.h5") + " --out " + d("ifk.h5") + " --snapshots 3 --string-lag 20",
          "-q md study " + d("glass.h5") + " --temperatures 0.8Tg 0.9Tg --time 10 --every 40 " +
              "--n-boot 5 --xpcs-all --runs " + d("runs") + " --out " + d("study.h5")}) {
      const auto r = run_cli(args);
      ASSERT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    }
    // Three glasses' studies as md study lays them out (the tiny runs above state no exponent),
    // combined by the command line into an ensemble with a spread and a trap model.
    const std::vector<std::vector<double>> alpha{{1.30, 1.36}, {1.33, 1.42}, {1.28, 1.35}};
    for (std::size_t g = 0; g < alpha.size(); ++g) {
      auto f = h5::File::create(*dir_ / fmt::format("s{}.h5", g));
      auto s = f.require_group("glassy/md/study");
      s.attrs().set("glass", fmt::format("glass{}.h5", g));
      s.write_strings("label", {"0.9Tf", "1.0Tf"});
      s.write<double>("temperature", {0.42 + 0.002 * g, 0.46 + 0.002 * g});
      // The third glass's exponent at 1.0Tf is fitted but not stated.
      const bool last = g + 1 == alpha.size();
      const double nan = std::nan("");
      s.write<double>("alpha", {alpha[g][0], last ? nan : alpha[g][1]});
      s.write<double>("alpha_err", {0.015, last ? nan : 0.02});
      s.write<double>("stated", {1, last ? 0.0 : 1.0});
      s.write<double>("alpha_mle", alpha[g]);
      s.write<double>("alpha_mle_err", {0.015, 0.02});
      s.attrs().set("summary", R"({"compared": "exchange"})");
    }
    const auto r = run_cli("-q md ensemble " + d("s0.h5") + " " + d("s1.h5") + " " + d("s2.h5") +
                           " --out " + d("ensemble.h5"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::vector<std::filesystem::path> files() {
    return {*dir_ / "glass.h5", *dir_ / "xpcs.h5",  *dir_ / "wait.h5",
            *dir_ / "ifk.h5",   *dir_ / "study.h5", *dir_ / "ensemble.h5"};
  }
  static bool have_plotly() { return std::filesystem::is_regular_file(report::plotly_js_path()); }
  static ScratchDir* dir_;
};
ScratchDir* MdReport::dir_ = nullptr;

const char* const kMdFigureIds[] = {"md0-cooling",    "md1-map0",           "md1-map1",
                                    "md1-map2",       "md1-contrast",       "md1-g2",
                                    "md1-sq",         "md2-waiting",        "md3-ifk",
                                    "md3-strings",    "md4-study-exponent", "md4-study-rate",
                                    "md4-study-xpcs", "md5-ensemble"};

TEST_F(MdReport, PageHoldsFig4TheWaitingInsetAndStructureWithTheFilesNumbers) {
  if (!have_plotly()) GTEST_SKIP() << "plotly.js absent: run scripts/install-deps.sh";
  ScratchDir out;
  report::write_report(files(), out / "r.html", {"glassy report ..."});
  const auto html = test::slurp(out / "r.html");
  const auto figs = embedded_figures(html);
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& f : figs) by_id[f["id"].get<std::string>()] = f;
  for (const char* id : kMdFigureIds) EXPECT_TRUE(by_id.count(id)) << id;

  // Fig. 4d: each region's contrast per snapshot, as stored.
  auto x = h5::File::open(*dir_ / "xpcs.h5");
  const auto contrast = x.read<double>("glassy/md/xpcs/contrast");
  const auto nt = x.read<double>("glassy/md/xpcs/time_s").size();
  const auto& traces = by_id["md1-contrast"]["data"];
  ASSERT_EQ(traces.size(), 3u);
  for (std::size_t r = 0; r < 3; ++r)
    for (std::size_t t = 0; t < nt; t += 17)
      EXPECT_NEAR(traces[r]["y"][t].get<double>(), contrast[r * nt + t],
                  1e-5 * contrast[r * nt + t]);
  // Fig. 4a-c: one heatmap per region, as large as the stored map (<= 1024 per side).
  const auto map = x.dataset("xpcs/twotime/correlation_map/c2_00003").dims();
  EXPECT_EQ(by_id["md1-map2"]["data"][0]["z"].size(), map[0]);

  // The Fig. 1c inset: densities as stored; no exponent claimed for this short run.
  auto w = h5::File::open(*dir_ / "wait.h5");
  const auto p = w.read<double>("glassy/md/waiting/exchange/density/p");
  const auto& wt = by_id["md2-waiting"]["data"];
  ASSERT_FALSE(wt.empty());
  ASSERT_EQ(wt[0]["y"].size(), p.size());
  for (std::size_t k = 0; k < p.size(); ++k)
    EXPECT_NEAR(wt[0]["y"][k].get<double>(), p[k], 1e-5 * p[k]);
  EXPECT_EQ(html.find("1 + beta' = "), std::string::npos);

  // Cooling curve with Tg from the glass file; the summary names each file's facts.
  auto g = h5::File::open(*dir_ / "glass.h5");
  const double tg = g.group("md/tg").attrs().get_double("tg");
  EXPECT_NEAR(by_id["md0-cooling"]["layout"]["shapes"][0]["x0"].get<double>(), tg, 1e-5 * tg);
  EXPECT_NE(html.find(fmt::format("Tg = {:.4f}", tg)), std::string::npos);
  // The fictive temperature beside it (dotted), with the liquid law and glass line it comes from.
  const auto estimate = nlohmann::json::parse(g.group("md/tg").attrs().get_string("estimate"));
  ASSERT_TRUE(estimate["fictive"].is_object()) << "the quench reaches liquid and glass";
  const double fictive = estimate["fictive"]["tg"].get<double>();
  EXPECT_NEAR(by_id["md0-cooling"]["layout"]["shapes"][1]["x0"].get<double>(), fictive,
              1e-5 * fictive);
  EXPECT_EQ(by_id["md0-cooling"]["layout"]["shapes"][1]["line"]["dash"], "dot");
  EXPECT_NE(html.find(fmt::format("fictive Tg = {:.4f}", fictive)), std::string::npos);
  EXPECT_EQ(by_id["md0-cooling"]["data"].size(), 3u);  // points, liquid law, glass line
  EXPECT_NE(html.find("simulated XPCS: 151 snapshots"), std::string::npos);
  EXPECT_NE(html.find("structure: IFK fraction"), std::string::npos);
  EXPECT_NE(html.find("<details id=\"provenance-md3\">"), std::string::npos);

  // The temperature series: the rate of moves per T and the hottest run's g2, as stored; no
  // exponent is stated over 10 tau, so none is drawn and the trap model says why it is not tested.
  auto st = h5::File::open(*dir_ / "study.h5");
  const auto rate = st.read<double>("glassy/md/study/moves_per_atom_per_tau");
  const auto& rt = by_id["md4-study-rate"]["data"][0]["y"];
  ASSERT_EQ(rt.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) EXPECT_NEAR(rt[k].get<double>(), rate[k], 1e-5 * rate[k]);
  const auto g2 = st.read<double>("glassy/md/study/xpcs/g2");
  const auto& gtraces = by_id["md4-study-xpcs"]["data"];
  const auto colder = st.read<double>("glassy/md/study/xpcs_colder/T0.8Tg/g2");
  bool colder_drawn = false;  // --xpcs-all: the colder run's g2 beside the hottest's
  for (const auto& t : gtraces)
    if (t["name"].get<std::string>().rfind("g2 at T = 0.8Tg", 0) == 0) {
      colder_drawn = true;
      ASSERT_EQ(t["y"].size(), colder.size());
      EXPECT_NEAR(t["y"][0].get<double>(), colder[0], 1e-5 * colder[0]);
    }
  EXPECT_TRUE(colder_drawn);
  const auto& gt = gtraces[0]["y"];
  ASSERT_EQ(gt.size(), g2.size());
  for (std::size_t k = 0; k < g2.size(); ++k) EXPECT_NEAR(gt[k].get<double>(), g2[k], 1e-5 * g2[k]);
  const auto& ex = by_id["md4-study-exponent"]["data"];
  EXPECT_TRUE(ex[0]["y"].empty());
  // The maximum-likelihood values where a fit ran are drawn hollow, as stored.
  std::vector<double> mle;
  for (double v : st.read<double>("glassy/md/study/alpha_mle"))
    if (std::isfinite(v)) mle.push_back(v);
  if (mle.empty()) {
    EXPECT_EQ(ex.size(), 1u);
  } else {
    ASSERT_EQ(ex.size(), 2u);
    ASSERT_EQ(ex[1]["y"].size(), mle.size());
    for (std::size_t k = 0; k < mle.size(); ++k)
      EXPECT_NEAR(ex[1]["y"][k].get<double>(), mle[k], 1e-5 * mle[k]);
  }
  EXPECT_NE(html.find("trap model not tested"), std::string::npos);
  EXPECT_NE(html.find("temperature series: 2 runs"), std::string::npos);

  // The ensemble: one trace per glass with the file's exponents and total errors, the means, the
  // trap line at the file's T0, and the spread in the caption.
  auto en = h5::File::open(*dir_ / "ensemble.h5");
  const auto alpha = en.read<double>("glassy/md/ensemble/points/alpha");
  const auto total = en.read<double>("glassy/md/ensemble/points/alpha_err_total");
  const auto summary =
      nlohmann::json::parse(en.group("glassy/md/ensemble").attrs().get_string("summary"));
  const auto& et = by_id["md5-ensemble"]["data"];
  // Three glasses, the fitted exponent not stated (hollow), the means, the trap model.
  ASSERT_EQ(et.size(), 6u);
  ASSERT_EQ(alpha.size(), 5u);
  std::size_t at = 0;
  for (std::size_t g = 0; g < 3; ++g) {
    ASSERT_EQ(et[g]["y"].size(), g < 2 ? 2u : 1u);
    for (std::size_t k = 0; k < et[g]["y"].size(); ++k, ++at) {
      // Drawn to 6 significant digits, error bars to 3.
      EXPECT_NEAR(et[g]["y"][k].get<double>(), alpha[at], 1e-5);
      EXPECT_NEAR(et[g]["error_y"]["array"][k].get<double>(), total[at], 5e-3 * total[at]);
    }
  }
  EXPECT_EQ(et[3]["name"], "fitted, not stated");
  ASSERT_EQ(et[3]["y"].size(), 1u);
  EXPECT_NEAR(et[3]["y"][0].get<double>(), 1.35, 1e-5);
  EXPECT_NEAR(et[4]["y"][1].get<double>(), (1.36 + 1.42) / 2, 1e-5);
  const double t0 = summary["trap_model"]["t0"].get<double>();
  EXPECT_NEAR(et[5]["y"][0].get<double>(), 1 + et[5]["x"][0].get<double>() / t0, 1e-5);
  EXPECT_NE(html.find("1 fitted exponents not stated"), std::string::npos);
  EXPECT_NE(html.find(fmt::format("spread between glasses {:.3f}",
                                  summary["spread_estimate"]["spread"].get<double>())),
            std::string::npos);
  EXPECT_NE(html.find("ensemble: 3 glasses, 5 stated exponents"), std::string::npos);
}

TEST_F(MdReport, CommandLineTakesSeveralFilesAndRefusesBadOnes) {
  if (!have_plotly()) GTEST_SKIP() << "plotly.js absent: run scripts/install-deps.sh";
  ScratchDir out;
  const auto html = (out / "r.html").string();
  auto r = run_cli("report " + (*dir_ / "wait.h5").string() + " " + (*dir_ / "xpcs.h5").string() +
                   " --out " + html);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(html));
  {
    auto f = h5::File::create(out / "other.h5");
    f.write<double>("entry/x", {1.0});
  }
  const auto size = std::filesystem::file_size(*dir_ / "wait.h5");
  for (const std::string args :
       {"report " + (*dir_ / "wait.h5").string() + " " + (out / "other.h5").string() + " --out " +
            (out / "bad.html").string(),
        "report " + (*dir_ / "wait.h5").string() + " --out " + (*dir_ / "wait.h5").string()}) {
    r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_EQ(test::line_count(r.output), 1) << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(out / "bad.html"));
  EXPECT_EQ(std::filesystem::file_size(*dir_ / "wait.h5"), size);  // the input is never written
}

TEST_F(MdReport, ChromiumDrawsEveryMdFigureWithoutErrors) {
  if (!std::filesystem::exists(test::kChromium))
    GTEST_SKIP() << "/usr/bin/chromium absent (scripts/install-deps.sh installs it)";
  if (!have_plotly()) GTEST_SKIP() << "plotly.js absent: run scripts/install-deps.sh";
  ScratchDir out;
  report::write_report(files(), out / "r.html", {"test"});
  const auto page = test::open_in_chromium(out / "r.html", out.path());
  ASSERT_TRUE(page.ran);
  EXPECT_NE(page.dom.find("data-js-errors=\"\""), std::string::npos) << page.dom.substr(0, 2000);
  EXPECT_NE(page.dom.find("data-plots-drawn=\"14\""), std::string::npos);
  for (const char* id : kMdFigureIds) {
    const auto a = page.dom.find(std::string("id=\"") + id + "\"");
    ASSERT_NE(a, std::string::npos) << id;
    const auto b = page.dom.find("<h2", a);
    EXPECT_NE(page.dom.substr(a, b - a).find("main-svg"), std::string::npos) << id << " not drawn";
  }
  EXPECT_EQ(page.png.substr(1, 3), "PNG");
}

}  // namespace
}  // namespace glassy
