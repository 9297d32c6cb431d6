// `glassy fit` end to end: a CSV written here with known tau comes back within its error, --json
// is one parseable object, and bad input exits 2 with one line.
#include "test_support.hpp"

#include <glassy/core/random.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <regex>

namespace glassy {
namespace {

using test::line_count;
using test::run_cli;
using test::ScratchDir;

// g2 = 1.0024 + 0.2 exp(-2 (t/400)^0.6) with Gaussian noise of sigma 0.002 (or R when normalised).
void write_curve(const std::filesystem::path& file, bool with_errors, bool normalised = false) {
  std::ofstream out(file);
  out << "# synthetic KWW curve, tau = 400 s, beta = 0.6\n";
  out << "lag_s," << (normalised ? "R" : "g2")
      << (with_errors ? (normalised ? ",R_err" : ",g2_err") : "") << "\n";
  Xoshiro256 rng(3, 0);
  std::normal_distribution<double> noise(0.0, 0.002);
  out.precision(12);
  for (int i = 0; i <= 20; ++i) {
    const double t = 2.5 * std::pow(10.0, i / 5.0);
    const double R = std::exp(-2 * std::pow(t / 400, 0.6));
    out << t << "," << (normalised ? R : 1.0024 + 0.2 * R) + noise(rng);
    if (with_errors) out << "," << 0.002;
    out << "\n";
  }
}

TEST(CliFit, PrintsTauWithinItsError) {
  ScratchDir dir;
  const auto csv = dir / "g2.csv";
  write_curve(csv, true);
  const auto r = run_cli("fit --model kww --in " + csv.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(r.output, m, std::regex(R"(tau\s+= ([0-9.eE+-]+) \+- ([0-9.eE+-]+) s)")))
      << r.output;
  const double tau = std::stod(m[1]), err = std::stod(m[2]);
  EXPECT_GT(err, 0);
  EXPECT_NEAR(tau, 400, 3 * err) << r.output;
  EXPECT_NE(r.output.find("g2 = baseline + contrast * exp(-2 (t/tau)^beta)"), std::string::npos);
  EXPECT_NE(r.output.find("errors from g2_err"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("<t> = "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("AICc"), std::string::npos) << r.output;
}

TEST(CliFit, JsonIsOneParseableObject) {
  ScratchDir dir;
  const auto csv = dir / "g2.csv";
  write_curve(csv, false);
  auto r = run_cli("fit --model ml --in " + csv.string() + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(line_count(r.output), 1) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["model"], "ml");
  EXPECT_EQ(j["formula"], "g2 = baseline + contrast * E_beta(-(t/tau)^beta)^2");
  EXPECT_TRUE(j["errors_scaled_by_chi2"].get<bool>());
  EXPECT_GT(j["parameters"]["tau"]["error"].get<double>(), 0);
  EXPECT_TRUE(j["mean_time"].is_null());
  EXPECT_TRUE(j["tail_exponent"].is_object());
  EXPECT_EQ(j["n_points"], 21);

  // Normalised input, baseline held fixed, unsquared model: all reach the fit.
  const auto rcsv = dir / "r.csv";
  write_curve(rcsv, true, true);
  r = run_cli("fit --model kww --normalised --json --in " + rcsv.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto k = nlohmann::json::parse(r.output);
  EXPECT_EQ(k["formula"], "R = exp(-2 (t/tau)^beta)");
  EXPECT_NEAR(k["parameters"]["tau"]["value"].get<double>(), 400,
              3 * k["parameters"]["tau"]["error"].get<double>());
  EXPECT_TRUE(k["mean_time"].is_object());
  r = run_cli("fit --model kww --baseline 1.0024 --json --in " + csv.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  k = nlohmann::json::parse(r.output);
  EXPECT_EQ(k["parameters"]["baseline"]["value"].get<double>(), 1.0024);
  EXPECT_TRUE(k["parameters"]["baseline"]["fixed"].get<bool>());
  EXPECT_EQ(k["n_free"], 3);
}

TEST(CliFit, BadInputExitsTwoWithOneLine) {
  ScratchDir dir;
  const auto good = dir / "good.csv";
  write_curve(good, true);
  std::ofstream(dir / "bad_number.csv") << "# c\nlag_s,g2\n1,1.2\n2,1.1\n3,abc\n";
  std::ofstream(dir / "bad_header.csv") << "time,value\n1,1.2\n";
  std::ofstream(dir / "bad_fields.csv") << "lag_s,g2,g2_err\n1,1.2,0.01\n2,1.1\n";
  std::ofstream(dir / "empty.csv") << "# nothing\n";
  std::ofstream flat(dir / "flat.csv");
  flat << "lag_s,g2\n";
  for (int i = 1; i <= 10; ++i) flat << i << ",1.1\n";
  flat.close();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"fit --model kww --in " + (dir / "bad_number.csv").string(), "line 5: 'abc' in column g2"},
      {"fit --model kww --in " + (dir / "bad_header.csv").string(), "line 1"},
      {"fit --model kww --in " + (dir / "bad_fields.csv").string(), "line 3"},
      {"fit --model kww --in " + (dir / "empty.csv").string(), "no data rows"},
      {"fit --model kww --in " + (dir / "flat.csv").string(), "flat"},
      {"fit --model kww --in " + (dir / "missing.csv").string(), "cannot open"},
      {"fit --model gauss --in " + good.string(), "unknown model"},
      {"fit --model power --in " + good.string(), "--model"},
      {"fit --model kww --normalised --baseline 1 --in " + good.string(), "--normalised"},
  };
  for (const auto& [args, expect] : cases) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_EQ(line_count(r.output), 1) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(expect), std::string::npos) << args << "\n" << r.output;
  }
}

}  // namespace
}  // namespace glassy
