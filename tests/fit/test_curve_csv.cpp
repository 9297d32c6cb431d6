// The CSV reader behind `glassy fit --in G2.csv`, from text in memory (the CLI tests cover the file
// side). Expected values are the numbers written into each text by hand.
#include <glassy/fit/curve_csv.hpp>

#include "test_support.hpp"

#include <sstream>

namespace glassy::fit {
namespace {

Curve parse(const std::string& text) {
  std::istringstream in(text);
  return parse_curve_csv(in, "g2.csv");
}

TEST(CurveCsv, ReadsColumnsByNameSkippingCommentsAndBlankLines) {
  const auto c = parse(
      "# made by hand\n\nq,g2_err, lag_s ,g2\r\n7,0.01,1e-3,1.25\r\n  # mid\n8,0.02,2e-3,1.125\n");
  EXPECT_EQ(c.value_column, "g2");
  EXPECT_EQ(c.t, (std::vector<double>{1e-3, 2e-3}));
  EXPECT_EQ(c.y, (std::vector<double>{1.25, 1.125}));
  EXPECT_EQ(c.err, (std::vector<double>{0.01, 0.02}));
}

TEST(CurveCsv, NormalisedColumnWithoutErrors) {
  const auto c = parse("lag_s,R\n0.5,0.75\n");
  EXPECT_EQ(c.value_column, "R");
  EXPECT_EQ(c.t, (std::vector<double>{0.5}));
  EXPECT_EQ(c.y, (std::vector<double>{0.75}));
  EXPECT_TRUE(c.err.empty());
}

TEST(CurveCsv, EveryDefectNamesFileAndLine) {
  using test::expect_error;
  expect_error([] { parse("t,g2\n1,2\n"); }, "g2.csv line 1: the header must name");
  expect_error([] { parse("lag_s,g2\n1,2\n3\n"); },
               "g2.csv line 3: 1 fields where the header has 2");
  expect_error([] { parse("lag_s,g2\n1,2\n3,x\n"); },
               "g2.csv line 3: 'x' in column g2 is not a number");
  expect_error([] { parse("lag_s,g2\n1,2 3\n"); }, "'2 3' in column g2 is not a number");
  expect_error([] { parse("lag_s,g2\n1,\n"); }, "'' in column g2 is not a number");
  expect_error([] { parse("lag_s,g2\n1e999,1\n"); }, "'1e999' in column lag_s is not a number");
  expect_error([] { parse("# only a comment\n"); }, "g2.csv has no data rows");
  expect_error([] { parse("lag_s,g2\n"); }, "g2.csv has no data rows");
}

TEST(CurveCsv, MissingFileSaysSo) {
  test::ScratchDir dir;
  test::expect_error([&] { read_curve_csv(dir / "absent.csv"); }, "cannot open");
}

}  // namespace
}  // namespace glassy::fit
