// String-like motion against constructed displacement patterns (a chain of atoms each moving into
// its predecessor's place, isolated hops, a chain across the periodic boundary) and against a
// brute-force O(M^2) union of the Donati criterion on random displacements.
#include <glassy/core/error.hpp>
#include <glassy/core/random.hpp>
#include <glassy/md/strings.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <set>

namespace glassy::md {
namespace {

// Simple cubic lattice n^3 (spacing 1.15, about the Wahnstrom density), atom id = i + n (j + n k).
struct Lattice {
  int n;
  double a = 1.15;
  Snapshot start, end;
  std::vector<int> species;
  int id(int i, int j, int k) const { return i + n * (j + n * k); }
};

Lattice make_lattice(int n, double vibration, std::uint64_t seed) {
  Lattice l{n};
  const double len = n * l.a;
  l.start.box.hi = {len, len, len};
  l.end = l.start;
  Xoshiro256 rng(seed, 0);
  std::normal_distribution<double> noise(0.0, vibration);
  for (int k = 0; k < n; ++k) {
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < n; ++i) {
        const double p[3] = {i * l.a, j * l.a, k * l.a};
        for (double v : p) {
          l.start.positions.push_back(v + noise(rng));
          l.end.positions.push_back(v + noise(rng));
        }
        l.species.push_back((i + j + k) % 2);
      }
    }
  }
  return l;
}

void set_end(Lattice& l, int atom, const double* p) {
  for (int a = 0; a < 3; ++a) l.end.positions[3 * atom + a] = p[a];
}

TEST(MdStrings, ChainMovingIntoPredecessorsPlacesIsOneString) {
  Lattice l = make_lattice(8, 0.02, 1);
  // Atoms along x at (2..7, 3, 3): atom k moves to where atom k - 1 was; the first moves 0.9 a
  // towards a vacancy-like spot with nobody there at the start.
  std::vector<int> chain;
  for (int i = 2; i < 8; ++i) chain.push_back(l.id(i, 3, 3));
  for (std::size_t k = chain.size(); k-- > 1;)
    set_end(l, chain[k], &l.start.positions[3 * chain[k - 1]]);
  {
    double p[3];
    for (int a = 0; a < 3; ++a) p[a] = l.start.positions[3 * chain[0] + a];
    p[0] -= 0.9 * l.a;
    p[2] += 0.5 * l.a;  // off the lattice line: not on atom (1, 3, 3)'s old place
    set_end(l, chain[0], p);
  }
  StringOptions o;
  o.mobile_fraction = 6.0 / 512;
  auto r = find_strings(l.start, l.end, l.species, o);
  std::vector<int> sorted_chain = chain;
  std::sort(sorted_chain.begin(), sorted_chain.end());
  EXPECT_EQ(r.mobile, sorted_chain);
  ASSERT_EQ(r.count(), 1u);
  EXPECT_EQ(r.strings[0], sorted_chain);
  EXPECT_EQ(r.length_counts, (std::vector<std::size_t>{0, 0, 0, 0, 0, 0, 1}));
  EXPECT_DOUBLE_EQ(r.mean_length, 6.0);
  EXPECT_DOUBLE_EQ(r.weighted_mean_length, 6.0);
  for (int atom : chain) EXPECT_EQ(r.string_of[atom], 0);
  EXPECT_EQ(r.string_of[l.id(0, 0, 0)], -1);
  // The same mobile set by a displacement threshold, and with one delta for every pair.
  StringOptions by_threshold;
  by_threshold.mobile_threshold = 0.5;
  by_threshold.delta = 0.5;
  r = find_strings(l.start, l.end, l.species, by_threshold);
  ASSERT_EQ(r.count(), 1u);
  EXPECT_EQ(r.strings[0], sorted_chain);
  EXPECT_NEAR(r.displacement_cut, std::hypot(0.9, 0.5) * l.a, 0.1);
}

TEST(MdStrings, IsolatedHopsAreStringsOfLengthOne) {
  Lattice l = make_lattice(8, 0.02, 2);
  // Five atoms far apart each hop half a spacing sideways: nobody takes anybody's place.
  const int hops[5][3] = {{1, 1, 1}, {5, 1, 1}, {1, 5, 1}, {1, 1, 5}, {5, 5, 5}};
  std::set<int> moved;
  for (const auto& h : hops) {
    const int atom = l.id(h[0], h[1], h[2]);
    double p[3];
    for (int a = 0; a < 3; ++a) p[a] = l.start.positions[3 * atom + a] + 0.45 * l.a;
    set_end(l, atom, p);
    moved.insert(atom);
  }
  StringOptions o;
  o.mobile_threshold = 0.3;
  const auto r = find_strings(l.start, l.end, l.species, o);
  EXPECT_EQ(std::set<int>(r.mobile.begin(), r.mobile.end()), moved);
  ASSERT_EQ(r.count(), 5u);
  for (const auto& s : r.strings) EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(r.length_counts, (std::vector<std::size_t>{0, 5}));
  EXPECT_DOUBLE_EQ(r.mean_length, 1.0);
  EXPECT_DOUBLE_EQ(r.weighted_mean_length, 1.0);
}

TEST(MdStrings, ChainAcrossTheBoundaryAndMixedLengths) {
  Lattice l = make_lattice(6, 0.02, 3);
  const double len = l.start.box.hi[0];
  // Chain A along x through the boundary: atoms (5,1,1), (0,1,1), (1,1,1) move by -a, so (0,1,1)
  // lands on (5,1,1)'s old place across the boundary (its end position is unwrapped, x = -a).
  const int a0 = l.id(5, 1, 1), a1 = l.id(0, 1, 1), a2 = l.id(1, 1, 1);
  for (int atom : {a0, a1, a2}) {
    double p[3];
    for (int a = 0; a < 3; ++a) p[a] = l.start.positions[3 * atom + a];
    p[0] -= l.a;
    set_end(l, atom, p);
  }
  // Atom a0 ends at x = 4 a, (4,1,1)'s place: (4,1,1) moves off sideways into free space, so the
  // string is a0 -> (4,1,1) too: 4 atoms. Far away, a pair swapping places: 2 atoms.
  const int a3 = l.id(4, 1, 1);
  {
    double p[3];
    for (int a = 0; a < 3; ++a) p[a] = l.start.positions[3 * a3 + a];
    p[1] += 0.5 * l.a;
    p[2] += 0.5 * l.a;
    set_end(l, a3, p);
  }
  const int b0 = l.id(2, 4, 4), b1 = l.id(3, 4, 4);
  set_end(l, b0, &l.start.positions[3 * b1]);
  set_end(l, b1, &l.start.positions[3 * b0]);
  // An immobile atom stored a box period away at both ends (unwrapped coordinates).
  const int far = l.id(3, 3, 0);
  l.start.positions[3 * far + 2] += len;
  l.end.positions[3 * far + 2] += len;
  StringOptions o;
  o.mobile_threshold = 0.6;
  const auto r = find_strings(l.start, l.end, l.species, o);
  ASSERT_EQ(r.count(), 2u);
  EXPECT_EQ(r.strings[0], (std::vector<int>{a1, a2, a3, a0}));
  EXPECT_EQ(r.strings[1], (std::vector<int>{b0, b1}));
  EXPECT_EQ(r.length_counts, (std::vector<std::size_t>{0, 0, 1, 0, 1}));
  EXPECT_DOUBLE_EQ(r.mean_length, 3.0);
  EXPECT_DOUBLE_EQ(r.weighted_mean_length, (16.0 + 4.0) / 6.0);
}

// Brute force: every mobile pair, both directions of the criterion, depth-first components.
std::set<std::set<int>> brute_strings(const Snapshot& s0, const Snapshot& s1,
                                      const std::vector<int>& species,
                                      const std::vector<int>& mobile, const StringOptions& o) {
  const double len = s0.box.hi[0] - s0.box.lo[0];
  auto dist = [&](const Snapshot& a, int i, const Snapshot& b, int j) {
    double d2 = 0;
    for (int k = 0; k < 3; ++k) {
      double d = a.positions[3 * i + k] - b.positions[3 * j + k];
      d -= len * std::round(d / len);
      d2 += d * d;
    }
    return std::sqrt(d2);
  };
  const std::size_t m = mobile.size();
  std::vector<std::vector<int>> adj(m);
  for (std::size_t p = 0; p < m; ++p) {
    for (std::size_t q = p + 1; q < m; ++q) {
      const int i = mobile[p], j = mobile[q];
      const double delta =
          o.delta ? *o.delta : o.delta_factor * 0.5 * (o.sigma[species[i]] + o.sigma[species[j]]);
      if (std::min(dist(s1, i, s0, j), dist(s0, i, s1, j)) < delta) {
        adj[p].push_back(static_cast<int>(q));
        adj[q].push_back(static_cast<int>(p));
      }
    }
  }
  std::set<std::set<int>> out;
  std::vector<bool> seen(m, false);
  for (std::size_t p = 0; p < m; ++p) {
    if (seen[p]) continue;
    std::set<int> comp;
    std::vector<int> stack{static_cast<int>(p)};
    seen[p] = true;
    while (!stack.empty()) {
      const int u = stack.back();
      stack.pop_back();
      comp.insert(mobile[u]);
      for (int v : adj[u]) {
        if (!seen[v]) seen[v] = true, stack.push_back(v);
      }
    }
    out.insert(comp);
  }
  return out;
}

TEST(MdStrings, MatchesBruteForceOnRandomDisplacements) {
  // Random liquid-like positions at density 0.75 in a box of 11.0; displacements up to a bond
  // length so that many mobile atoms land near others' old places, across the boundary too.
  const std::size_t n = 1000;
  const double len = std::cbrt(n / 0.75);
  Xoshiro256 rng(17, 0);
  Snapshot s0, s1;
  s0.box.hi = {len, len, len};
  s1.box = s0.box;
  std::vector<int> species(n);
  std::vector<double> disp(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double scale = rng.uniform() < 0.3 ? 1.2 : 0.2;
    for (int a = 0; a < 3; ++a) {
      const double x = len * rng.uniform();
      s0.positions.push_back(x);
      s1.positions.push_back(x + scale * (2 * rng.uniform() - 1));
    }
    species[i] = static_cast<int>(rng() % 2);
  }
  for (bool single_delta : {false, true}) {
    StringOptions o;
    o.mobile_fraction = 0.3;
    if (single_delta) o.delta = 0.8;
    const auto r = find_strings(s0, s1, species, o);
    ASSERT_EQ(r.mobile.size(), 300u);
    // The mobile atoms are the 300 largest displacements.
    std::vector<std::pair<double, int>> d;
    for (std::size_t i = 0; i < n; ++i) {
      double d2 = 0;
      for (int a = 0; a < 3; ++a)
        d2 += std::pow(s1.positions[3 * i + a] - s0.positions[3 * i + a], 2);
      d.emplace_back(-d2, static_cast<int>(i));
    }
    std::sort(d.begin(), d.end());
    std::vector<int> expected_mobile;
    for (int k = 0; k < 300; ++k) expected_mobile.push_back(d[k].second);
    std::sort(expected_mobile.begin(), expected_mobile.end());
    ASSERT_EQ(r.mobile, expected_mobile);
    std::set<std::set<int>> got;
    std::size_t total = 0;
    for (const auto& s : r.strings) {
      got.insert(std::set<int>(s.begin(), s.end()));
      total += s.size();
    }
    EXPECT_EQ(total, 300u);
    const auto want = brute_strings(s0, s1, species, expected_mobile, o);
    EXPECT_EQ(got, want);
    EXPECT_GT(r.strings[0].size(), 2u) << "the case should contain real strings";
    std::size_t singles = 0;
    for (const auto& s : want) singles += s.size() == 1;
    EXPECT_EQ(r.length_counts[1], singles);
  }
}

TEST(MdStrings, AveragingWindowsRemovesVibrations) {
  // 25 snapshots per end with vibrations of 0.3 per coordinate: at one instant the largest
  // displacements are mostly noise; averaged (noise 0.06), only the real chain of three moves.
  Lattice base = make_lattice(6, 0.0, 4);
  const int c0 = base.id(1, 2, 2), c1 = base.id(2, 2, 2), c2 = base.id(3, 2, 2);
  Snapshot moved_end = base.start;
  for (int a = 0; a < 3; ++a) {
    moved_end.positions[3 * c1 + a] = base.start.positions[3 * c0 + a];
    moved_end.positions[3 * c2 + a] = base.start.positions[3 * c1 + a];
  }
  moved_end.positions[3 * c0 + 1] += 0.7 * base.a;
  Xoshiro256 rng(5, 0);
  std::normal_distribution<double> noise(0.0, 0.3);
  std::vector<Snapshot> w0(25, base.start), w1(25, moved_end);
  for (auto* w : {&w0, &w1}) {
    for (std::size_t k = 0; k < w->size(); ++k) {
      (*w)[k].time = static_cast<double>(k);
      for (double& v : (*w)[k].positions) v += noise(rng);
    }
  }
  const Snapshot avg = average_snapshots(w1);
  EXPECT_NEAR(avg.positions[3 * c1], base.start.positions[3 * c0], 0.3);
  EXPECT_DOUBLE_EQ(avg.time, 12.0);
  StringOptions o;
  o.mobile_fraction = 3.0 / 216;
  const auto r = find_strings(w0, w1, base.species, o);
  ASSERT_EQ(r.count(), 1u);
  EXPECT_EQ(r.strings[0], (std::vector<int>{c0, c1, c2}));
  const auto instant = find_strings(w0[0], w1[0], base.species, o);
  EXPECT_NE(instant.mobile, (std::vector<int>{c0, c1, c2}));
}

TEST(MdStrings, BadInputIsRejected) {
  Lattice l = make_lattice(3, 0.01, 6);
  StringOptions o;
  Snapshot shorter = l.end;
  shorter.positions.resize(shorter.positions.size() - 3);
  EXPECT_THROW(find_strings(l.start, shorter, l.species, o), Error);
  EXPECT_THROW(find_strings(l.start, l.end, std::vector<int>(26, 0), o), Error);
  EXPECT_THROW(find_strings(l.start, l.end, std::vector<int>(27, 2), o), Error);  // no sigma
  o.mobile_fraction = 0;
  EXPECT_THROW(find_strings(l.start, l.end, l.species, o), Error);
  o = {};
  o.delta = -0.1;
  EXPECT_THROW(find_strings(l.start, l.end, l.species, o), Error);
  o = {};
  o.sigma = {1.0, 0.0};
  EXPECT_THROW(find_strings(l.start, l.end, l.species, o), Error);
  EXPECT_THROW(average_snapshots({}), Error);
  std::vector<Snapshot> mixed{l.start, shorter};
  EXPECT_THROW(average_snapshots(mixed), Error);
}

}  // namespace
}  // namespace glassy::md
