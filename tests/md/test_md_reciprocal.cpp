// Reciprocal-lattice regions (md/reciprocal) against a brute-force classification, written here,
// of every lattice point in a cube that bounds the region; Friedel-pair halving; bad input.
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <glassy/core/error.hpp>
#include <glassy/md/reciprocal.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace glassy::md {
namespace {

using test::expect_error;

using Index = std::array<int, 3>;

// A non-cubic box that does not start at the origin.
Box test_box() {
  Box b;
  b.lo = {-1.5, 2.0, 0.25};
  b.hi = {-1.5 + 9.3, 2.0 + 10.1, 0.25 + 11.7};
  return b;
}

std::array<double, 3> q_of(const Box& box, const Index& n) {
  const auto l = box.length();
  const double two_pi = 2 * std::acos(-1.0);
  return {two_pi * n[0] / l[0], two_pi * n[1] / l[1], two_pi * n[2] / l[2]};
}

double length(const std::array<double, 3>& v) {
  return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

// Every lattice point with |n_a| <= 40 that `in` accepts, in lexicographic order.
std::vector<Index> brute_force(const Box& box, const std::function<bool(const Index&)>& in) {
  std::vector<Index> out;
  for (int x = -40; x <= 40; ++x)
    for (int y = -40; y <= 40; ++y)
      for (int z = -40; z <= 40; ++z)
        if (in({x, y, z})) out.push_back({x, y, z});
  return out;
}

bool in_shell(const Box& box, const Index& n, double qmin, double qmax) {
  const double q = length(q_of(box, n));
  return q >= qmin && q < qmax;
}

bool lexicographically_negative(const Index& n) {
  for (int v : n)
    if (v != 0) return v < 0;
  return false;
}

TEST(MdReciprocal, ShellIsEveryLatticePointInTheRange) {
  const Box box = test_box();
  const double qmin = 3.0, qmax = 4.2;
  const auto expected =
      brute_force(box, [&](const Index& n) { return in_shell(box, n, qmin, qmax); });
  const QSet set = shell(box, qmin, qmax, FriedelPairs::KeepBoth);
  ASSERT_GT(expected.size(), 100u);
  EXPECT_EQ(set.n, expected);
  EXPECT_EQ(set.region, "shell");
  ASSERT_EQ(set.q_norm.size(), set.n.size());
  for (std::size_t i = 0; i < set.size(); ++i) {
    EXPECT_NEAR(set.q_norm[i], length(q_of(box, set.n[i])), 1e-12);
    const auto q = set.q_vector(i), ref = q_of(box, set.n[i]);
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(q[a], ref[a], 1e-12);
  }
  EXPECT_EQ(set.q_vectors().size(), set.size());
  const auto lo = set.n_min(), hi = set.n_max();
  for (int a = 0; a < 3; ++a) {
    EXPECT_EQ(lo[a], -hi[a]);
    EXPECT_EQ(hi[a], static_cast<int>(std::floor(qmax * box.length()[a] / (2 * std::acos(-1.0)))));
  }
}

TEST(MdReciprocal, KeepOneHalvesTheShellByFriedelPairs) {
  const Box box = test_box();
  const auto both = shell(box, 3.0, 4.2, FriedelPairs::KeepBoth);
  const auto one = shell(box, 3.0, 4.2);  // default: one of each +-q pair
  ASSERT_EQ(2 * one.size(), both.size());
  for (const auto& n : one.n) {
    EXPECT_FALSE(lexicographically_negative(n));
    EXPECT_FALSE(std::binary_search(one.n.begin(), one.n.end(), Index{-n[0], -n[1], -n[2]}));
    EXPECT_TRUE(std::binary_search(both.n.begin(), both.n.end(), Index{-n[0], -n[1], -n[2]}));
  }
  EXPECT_TRUE(std::is_sorted(one.n.begin(), one.n.end()));
}

TEST(MdReciprocal, CrossSectionIsTheShellInThePlaneNormalToTheAxis) {
  const Box box = test_box();
  const double qmin = 3.0, qmax = 4.2;
  for (int axis = 0; axis < 3; ++axis) {
    const auto expected = brute_force(
        box, [&](const Index& n) { return n[axis] == 0 && in_shell(box, n, qmin, qmax); });
    const QSet set = cross_section(box, qmin, qmax, axis, FriedelPairs::KeepBoth);
    EXPECT_EQ(set.n, expected) << "axis " << axis;
    EXPECT_EQ(set.region, "cross_section");
    // The subset of the shell with n_axis = 0.
    const QSet full = shell(box, qmin, qmax, FriedelPairs::KeepBoth);
    std::vector<Index> subset;
    std::copy_if(full.n.begin(), full.n.end(), std::back_inserter(subset),
                 [&](const Index& n) { return n[axis] == 0; });
    EXPECT_EQ(set.n, subset);
    EXPECT_EQ(2 * cross_section(box, qmin, qmax, axis).size(), set.size());
  }
}

TEST(MdReciprocal, SpotIsTheShellWithinHalfItsWidthOfTheCentre) {
  const Box box = test_box();
  const double qmin = 3.0, qmax = 4.2, dq = 1.6;
  const std::array<double, 3> q0{2.1, -2.5, 1.6};  // |q0| = 3.64, on the shell
  const auto expected = brute_force(box, [&](const Index& n) {
    const auto q = q_of(box, n);
    return in_shell(box, n, qmin, qmax) &&
           length({q[0] - q0[0], q[1] - q0[1], q[2] - q0[2]}) <= dq / 2;
  });
  const QSet set = spot(box, q0, qmin, qmax, dq, FriedelPairs::KeepBoth);
  ASSERT_GE(expected.size(), 5u);
  EXPECT_EQ(set.n, expected);
  EXPECT_EQ(set.region, "spot");
  // A spot holds no +-q pair, so KeepOne keeps it whole.
  EXPECT_EQ(spot(box, q0, qmin, qmax, dq).n, expected);
  // Given as a direction, the centre sits at the middle of the shell.
  const double s = 0.5 * (qmin + qmax) / length(q0);
  EXPECT_EQ(spot_along(box, {10 * q0[0], 10 * q0[1], 10 * q0[2]}, qmin, qmax, dq).n,
            spot(box, {s * q0[0], s * q0[1], s * q0[2]}, qmin, qmax, dq).n);
  // A narrow spot on a lattice point holds exactly that point.
  const Index on{4, -3, 2};
  const auto q_on = q_of(box, on);
  const double r = length(q_on);
  EXPECT_EQ(spot(box, q_on, r - 0.1, r + 0.1, 0.05).n, std::vector<Index>{on});
}

TEST(MdReciprocal, LatticeSetSortsAndDeduplicates) {
  const Box box = test_box();
  const QSet set = lattice_set(box, {{1, 0, 0}, {0, 0, 1}, {1, 0, 0}, {-2, 3, 1}});
  EXPECT_EQ(set.n, (std::vector<Index>{{-2, 3, 1}, {0, 0, 1}, {1, 0, 0}}));
  EXPECT_EQ(set.region, "custom");
  EXPECT_NEAR(set.q_norm[2], 2 * std::acos(-1.0) / 9.3, 1e-14);
}

TEST(MdReciprocal, RegionsAreLocatedInTheShellUpToFriedelMates) {
  const Box box = test_box();
  const QSet full = shell(box, 3.0, 4.2);
  // A spot straddling n_x = 0 keeps points with n_x < 0 whose mates are what the shell kept.
  const QSet s = spot_along(box, {0, 1, 0.3}, 3.0, 4.2, 1.6);
  const QSet sections = cross_section(box, 3.0, 4.2, 1);
  bool used_mate = false;
  for (const QSet* region : {&s, &sections}) {
    const auto where = locate_in(*region, full);
    ASSERT_EQ(where.size(), region->size());
    for (std::size_t i = 0; i < where.size(); ++i) {
      const Index& n = region->n[i];
      const Index& m = full.n[where[i]];
      const bool same = m == n, mate = m == Index{-n[0], -n[1], -n[2]};
      EXPECT_TRUE(same || mate);
      used_mate = used_mate || mate;
    }
  }
  EXPECT_TRUE(used_mate);
  expect_error([&] { locate_in(shell(box, 4.2, 5.0), full); }, "is not in the shell");
  Box other = box;
  other.hi[0] += 1;
  expect_error([&] { locate_in(shell(other, 3.0, 4.2), full); }, "box");
}

TEST(MdReciprocal, BadInputIsRefusedWithAReason) {
  const Box box = test_box();
  expect_error([&] { shell(box, 4.0, 4.0); }, "qmin < qmax");
  expect_error([&] { shell(box, 5.0, 4.0); }, "qmin < qmax");
  expect_error([&] { shell(box, -1.0, 4.0); }, "0 <= qmin");
  expect_error([&] { shell(box, std::nan(""), 4.0); }, "qmin");
  Box flat = box;
  flat.hi[1] = flat.lo[1];
  expect_error([&] { shell(flat, 3.0, 4.0); }, "box length on axis y is 0");
  Box inverted = box;
  inverted.hi[2] = inverted.lo[2] - 1;
  expect_error([&] { shell(inverted, 3.0, 4.0); }, "axis z");
  expect_error([&] { shell(box, 0.1, 0.2); }, "no reciprocal-lattice point");
  expect_error([&] { shell(box, 3.0, 4000.0); }, "not 1/A");
  expect_error([&] { cross_section(box, 3.0, 4.2, 3); }, "axis must be 0, 1 or 2");
  expect_error([&] { spot(box, {1, 0, 0}, 3.0, 4.2, 0.5); }, "off the shell");
  expect_error([&] { spot(box, {3.5, 0, 0}, 3.0, 4.2, 0.0); }, "dq must be positive");
  expect_error([&] { spot(box, {3.5, 0, 0}, 3.0, 4.2, 0.01); }, "no reciprocal-lattice point");
  expect_error([&] { spot_along(box, {0, 0, 0}, 3.0, 4.2, 0.5); }, "non-zero vector");
  expect_error([&] { lattice_set(box, {}); }, "empty");
}

}  // namespace
}  // namespace glassy::md
