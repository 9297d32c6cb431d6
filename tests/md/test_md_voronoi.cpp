// Voronoi cells and the IFK network against references written here: ideal crystals (fcc
// rhombic dodecahedra, bcc truncated octahedra) and an icosahedral cluster whose centre cell is a
// regular dodecahedron of known volume; cell volumes of a random binary configuration against a
// brute-force Monte Carlo assignment of points to the nearest (power-distance) atom; neighbour
// lists against brute-force distance shells. IFK clusters and percolation on hand-made networks
// with known components and wraps.
#include <glassy/core/error.hpp>
#include <glassy/core/random.hpp>
#include <glassy/md/ifk.hpp>
#include <glassy/md/voronoi.hpp>

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <set>

namespace glassy::md {
namespace {

Snapshot make_snapshot(std::vector<double> positions, double length) {
  Snapshot s;
  s.box.hi = {length, length, length};
  s.positions = std::move(positions);
  return s;
}

// Cubic lattice of n^3 unit cells (constant a) with the given basis (fractions of a), shifted by
// `offset`; every third atom is moved by a whole box period to make the positions "unwrapped".
Snapshot lattice(int n, double a, const std::vector<std::array<double, 3>>& basis,
                 double offset = 0.13) {
  std::vector<double> x;
  const double l = n * a;
  int count = 0;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      for (int k = 0; k < n; ++k) {
        for (const auto& b : basis) {
          const double shift = (count++ % 3 == 0) ? l * ((count % 2) ? 1 : -2) : 0.0;
          x.push_back((i + b[0]) * a + offset + shift);
          x.push_back((j + b[1]) * a + offset);
          x.push_back((k + b[2]) * a + offset - shift);
        }
      }
    }
  }
  return make_snapshot(std::move(x), l);
}

const std::vector<std::array<double, 3>> kFcc{
    {0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
const std::vector<std::array<double, 3>> kBcc{{0, 0, 0}, {0.5, 0.5, 0.5}};

double min_image_distance(const Snapshot& s, int i, int j) {
  double d2 = 0;
  for (int a = 0; a < 3; ++a) {
    const double l = s.box.hi[a] - s.box.lo[a];
    double d = s.positions[3 * j + a] - s.positions[3 * i + a];
    d -= l * std::round(d / l);
    d2 += d * d;
  }
  return std::sqrt(d2);
}

// Atoms within [lo, hi] of atom i (minimum image), the brute-force neighbour shell.
std::multiset<int> shell(const Snapshot& s, int i, double lo, double hi) {
  std::multiset<int> out;
  for (int j = 0; j < static_cast<int>(s.atoms()); ++j) {
    if (j == i) continue;
    const double d = min_image_distance(s, i, j);
    if (d >= lo && d <= hi) out.insert(j);
  }
  return out;
}

void expect_crystal(const Snapshot& s, const std::vector<VoronoiCell>& cells,
                    std::array<int, 4> index, int coordination, double shell_hi, const char* what) {
  const double v = s.box.volume() / s.atoms();
  for (int i = 0; i < static_cast<int>(cells.size()); ++i) {
    ASSERT_EQ(cells[i].index, index)
        << what << " atom " << i << " " << format_voronoi_index(cells[i]);
    ASSERT_EQ(cells[i].faces_over6, 0) << what;
    ASSERT_EQ(cells[i].coordination, coordination) << what;
    ASSERT_NEAR(cells[i].volume, v, 1e-9 * v) << what;
    const std::multiset<int> got(cells[i].neighbours.begin(), cells[i].neighbours.end());
    ASSERT_EQ(got, shell(s, i, 0.0, shell_hi)) << what << " atom " << i;
  }
}

TEST(MdVoronoi, FccCellsAreRhombicDodecahedra) {
  const double a = 1.6;
  const Snapshot s = lattice(4, a, kFcc);
  std::vector<int> species(s.atoms(), 0);
  for (bool radical : {false, true}) {
    VoronoiOptions o;
    o.radical = radical;
    o.radii = {0.55, 0.55};
    // Radical with equal radii on both species is the plain tessellation again.
    for (std::size_t i = 0; i < species.size(); ++i) species[i] = static_cast<int>(i % 2);
    const auto cells = voronoi_cells(s, species, o);
    expect_crystal(s, cells, {0, 12, 0, 0}, 12, 1.01 * a / std::sqrt(2.0),
                   radical ? "fcc radical" : "fcc plain");
  }
}

TEST(MdVoronoi, BccCellsAreTruncatedOctahedra) {
  const double a = 1.3;
  const Snapshot s = lattice(5, a, kBcc);
  const std::vector<int> species(s.atoms(), 1);
  for (bool radical : {false, true}) {
    VoronoiOptions o;
    o.radical = radical;
    const auto cells = voronoi_cells(s, species, o);
    // 8 neighbours at a sqrt(3)/2 and 6 at a.
    expect_crystal(s, cells, {0, 6, 0, 8}, 14, 1.01 * a, radical ? "bcc radical" : "bcc plain");
  }
}

// A centre atom, 12 atoms at the vertices of an icosahedron at distance 1 and filler atoms on a
// jittered grid kept at least 1.9 from the centre (the centre's dodecahedral cell has circumradius
// 0.63, so nothing beyond 1.26 can cut it).
Snapshot icosahedral_cluster(std::vector<int>& species) {
  const double phi = std::numbers::phi;
  const double norm = std::sqrt(1 + phi * phi);
  const double c = 5.0;  // centre
  std::vector<double> x{c, c, c};
  species = {0};
  for (int s1 : {-1, 1}) {
    for (int s2 : {-1, 1}) {
      const double u = s1 / norm, v = s2 * phi / norm;
      const double p[3][3] = {{0, u, v}, {u, v, 0}, {v, 0, u}};
      for (const auto& q : p) {
        for (int a = 0; a < 3; ++a) x.push_back(c + q[a]);
        species.push_back(1);
      }
    }
  }
  Xoshiro256 rng(7, 0);
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) {
      for (int k = 0; k < 8; ++k) {
        const double p[3] = {1.25 * i + 0.2 * rng.uniform(), 1.25 * j + 0.2 * rng.uniform(),
                             1.25 * k + 0.2 * rng.uniform()};
        double d2 = 0;
        for (int a = 0; a < 3; ++a) d2 += (p[a] - c) * (p[a] - c);
        if (d2 < 1.9 * 1.9) continue;
        x.insert(x.end(), p, p + 3);
        species.push_back(static_cast<int>(rng() % 2));
      }
    }
  }
  return make_snapshot(std::move(x), 10.0);
}

TEST(MdVoronoi, IcosahedralCentreIsADodecahedron) {
  std::vector<int> species;
  const Snapshot s = icosahedral_cluster(species);
  const std::multiset<int> shell_atoms{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  for (bool radical : {false, true}) {
    VoronoiOptions o;
    o.radical = radical;
    const auto cells = voronoi_cells(s, species, o);
    EXPECT_EQ(cells[0].index, (std::array<int, 4>{0, 0, 12, 0})) << format_voronoi_index(cells[0]);
    EXPECT_EQ(cells[0].coordination, 12);
    EXPECT_EQ(std::multiset<int>(cells[0].neighbours.begin(), cells[0].neighbours.end()),
              shell_atoms);
    EXPECT_EQ(classify_motif(cells[0]), Motif::kIcosahedron);
    // Regular dodecahedron with inradius r: edge e = 2 r / sqrt((25 + 11 sqrt5) / 10), volume
    // (15 + 7 sqrt5) / 4 e^3. The faces sit at the radical planes: r = (1 + R0^2 - R1^2) / 2.
    const double r = radical ? (1 + 0.25 - 0.36) / 2 : 0.5;
    const double s5 = std::sqrt(5.0);
    const double e = 2 * r / std::sqrt((25 + 11 * s5) / 10);
    EXPECT_NEAR(cells[0].volume, (15 + 7 * s5) / 4 * e * e * e, 1e-9);
  }
}

// Random binary configuration at number density 0.75 with a minimum separation (no overlaps).
Snapshot random_binary(std::size_t n, std::vector<int>& species, std::uint64_t seed) {
  const double l = std::cbrt(n / 0.75);
  Xoshiro256 rng(seed, 0);
  std::vector<double> x;
  species.clear();
  while (species.size() < n) {
    const double p[3] = {l * rng.uniform(), l * rng.uniform(), l * rng.uniform()};
    bool ok = true;
    for (std::size_t j = 0; j < species.size() && ok; ++j) {
      double d2 = 0;
      for (int a = 0; a < 3; ++a) {
        double d = p[a] - x[3 * j + a];
        d -= l * std::round(d / l);
        d2 += d * d;
      }
      ok = d2 > 0.7 * 0.7;
    }
    if (!ok) continue;
    x.insert(x.end(), p, p + 3);
    species.push_back(static_cast<int>(species.size() % 2));
  }
  return make_snapshot(std::move(x), l);
}

TEST(MdVoronoi, VolumesFillTheBoxAndMatchMonteCarlo) {
  std::vector<int> species;
  const Snapshot s = random_binary(120, species, 3);
  const double l = s.box.hi[0];
  for (bool radical : {false, true}) {
    VoronoiOptions o;
    o.radical = radical;
    const auto cells = voronoi_cells(s, species, o);
    double total = 0;
    for (const auto& c : cells) total += c.volume;
    EXPECT_NEAR(total, s.box.volume(), 1e-8 * s.box.volume());
    // Brute force: points uniform in the box belong to the atom of least power distance
    // |x - r_i|^2 - R_i^2 (R_i = 0 for the plain tessellation).
    const int samples = 160000;
    std::vector<int> hits(s.atoms(), 0);
    Xoshiro256 rng(11, radical);
    for (int k = 0; k < samples; ++k) {
      const double p[3] = {l * rng.uniform(), l * rng.uniform(), l * rng.uniform()};
      int best = -1;
      double best_d = 1e300;
      for (std::size_t i = 0; i < s.atoms(); ++i) {
        double d2 = 0;
        for (int a = 0; a < 3; ++a) {
          double d = p[a] - s.positions[3 * i + a];
          d -= l * std::round(d / l);
          d2 += d * d;
        }
        if (radical) d2 -= o.radii[species[i]] * o.radii[species[i]];
        if (d2 < best_d) best_d = d2, best = static_cast<int>(i);
      }
      ++hits[best];
    }
    double chi2 = 0;
    for (std::size_t i = 0; i < s.atoms(); ++i) {
      const double expected = samples * cells[i].volume / s.box.volume();
      chi2 += (hits[i] - expected) * (hits[i] - expected) / expected;
    }
    // ~chi^2 with 119 degrees of freedom: mean 119, sd 15; wrong volumes give thousands.
    EXPECT_LT(chi2, 119 + 6 * 15.4) << (radical ? "radical" : "plain");
  }
}

TEST(MdVoronoi, NeighboursAreSymmetricAndIndexCountsFaces) {
  std::vector<int> species;
  const Snapshot s = random_binary(300, species, 5);
  const auto cells = voronoi_cells(s, species);
  for (int i = 0; i < static_cast<int>(cells.size()); ++i) {
    const auto& c = cells[i];
    EXPECT_EQ(c.coordination, c.index[0] + c.index[1] + c.index[2] + c.index[3] + c.faces_over6);
    EXPECT_EQ(c.coordination, static_cast<int>(c.neighbours.size()));
    for (int j : c.neighbours) {
      ASSERT_NE(j, i);
      EXPECT_EQ(std::count(cells[j].neighbours.begin(), cells[j].neighbours.end(), i),
                std::count(c.neighbours.begin(), c.neighbours.end(), j))
          << i << " " << j;
    }
  }
}

TEST(MdVoronoi, ThreadCountDoesNotChangeCells) {
  std::vector<int> species;
  const Snapshot s = random_binary(400, species, 9);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = voronoi_cells(s, species);
  omp_set_num_threads(2);
  const auto two = voronoi_cells(s, species);
  omp_set_num_threads(threads);
  for (std::size_t i = 0; i < one.size(); ++i) {
    ASSERT_EQ(one[i].index, two[i].index);
    ASSERT_EQ(one[i].neighbours, two[i].neighbours);
    ASSERT_EQ(one[i].volume, two[i].volume);
  }
}

TEST(MdVoronoi, ThresholdsRemoveNoiseFacesFromFcc) {
  const double a = 1.6;
  Snapshot s = lattice(4, a, kFcc);
  Xoshiro256 rng(21, 0);
  std::normal_distribution<double> noise(0.0, 2e-3);
  for (double& v : s.positions) v += noise(rng);
  const std::vector<int> species(s.atoms(), 0);
  VoronoiOptions exact;
  exact.radical = false;
  const auto raw = voronoi_cells(s, species, exact);
  int not_fcc = 0;
  for (const auto& c : raw) not_fcc += c.index != std::array<int, 4>{0, 12, 0, 0};
  EXPECT_GT(not_fcc, static_cast<int>(s.atoms()) / 2) << "noise should split the 4-fold vertices";
  VoronoiOptions cut = exact;
  cut.min_face_area_fraction = 0.01;
  cut.min_edge_length = 0.05;
  const auto cells = voronoi_cells(s, species, cut);
  for (int i = 0; i < static_cast<int>(cells.size()); ++i) {
    ASSERT_EQ(cells[i].index, (std::array<int, 4>{0, 12, 0, 0})) << format_voronoi_index(cells[i]);
    ASSERT_EQ(cells[i].coordination, 12);
    const std::multiset<int> got(cells[i].neighbours.begin(), cells[i].neighbours.end());
    ASSERT_EQ(got, shell(s, i, 0.0, 1.05 * a / std::sqrt(2.0)));
    EXPECT_NEAR(cells[i].volume, raw[i].volume, 1e-12);  // thresholds never change volumes
  }
}

TEST(MdVoronoi, BadInputIsRejected) {
  std::vector<int> species;
  Snapshot s = random_binary(20, species, 1);
  EXPECT_THROW(voronoi_cells(s, std::vector<int>(19, 0)), Error);
  EXPECT_THROW(voronoi_cells(s, std::vector<int>(20, 2)), Error);  // no radius for species 2
  VoronoiOptions o;
  o.radii = {0.5, -0.6};
  EXPECT_THROW(voronoi_cells(s, species, o), Error);
  o = {};
  o.min_face_area_fraction = 1.5;
  EXPECT_THROW(voronoi_cells(s, species, o), Error);
  o = {};
  o.min_edge_length = -1;
  EXPECT_THROW(voronoi_cells(s, species, o), Error);
  Snapshot bad = s;
  bad.positions[4] = std::nan("");
  EXPECT_THROW(voronoi_cells(bad, species), Error);
  bad = s;
  bad.box.hi[1] = bad.box.lo[1];
  EXPECT_THROW(voronoi_cells(bad, species), Error);
  // Coincident atoms: an error for bisector planes, empty cells in the radical tessellation.
  Snapshot twins = s;
  for (int a = 0; a < 3; ++a) twins.positions[3 * 7 + a] = twins.positions[3 * 2 + a];
  VoronoiOptions plain;
  plain.radical = false;
  EXPECT_THROW(voronoi_cells(twins, species, plain), Error);
  // Radical: the larger atom (7, species L) takes the whole power cell, the smaller one is empty.
  ASSERT_EQ(species[2], 0);
  ASSERT_EQ(species[7], 1);
  const auto radical = voronoi_cells(twins, species);
  EXPECT_EQ(radical[2].volume, 0.0);
  EXPECT_EQ(radical[2].coordination, 0);
  EXPECT_GT(radical[7].volume, 0.5);
  double total = 0;
  for (const auto& c : radical) total += c.volume;
  EXPECT_NEAR(total, twins.box.volume(), 1e-9 * total);
  try {
    voronoi_cells(s, std::vector<int>(3, 0));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("3 species entries for 20 atoms"), std::string::npos)
        << e.what();
  }
}

// ---- IFK ----------------------------------------------------------------------------------

VoronoiCell cell_with(std::array<int, 4> index, int over6 = 0) {
  VoronoiCell c;
  c.index = index;
  c.faces_over6 = over6;
  c.coordination = index[0] + index[1] + index[2] + index[3] + over6;
  return c;
}

TEST(MdIfk, MotifsNeedExactIndices) {
  EXPECT_EQ(classify_motif(cell_with({0, 0, 12, 0})), Motif::kIcosahedron);
  EXPECT_EQ(classify_motif(cell_with({0, 0, 12, 2})), Motif::kZ14);
  EXPECT_EQ(classify_motif(cell_with({0, 0, 12, 3})), Motif::kZ15);
  EXPECT_EQ(classify_motif(cell_with({0, 0, 12, 4})), Motif::kZ16);
  EXPECT_EQ(classify_motif(cell_with({0, 0, 12, 1})), Motif::kOther);
  EXPECT_EQ(classify_motif(cell_with({0, 1, 10, 2})), Motif::kOther);
  EXPECT_EQ(classify_motif(cell_with({0, 0, 12, 0}, 1)), Motif::kOther);
  EXPECT_EQ(classify_motif(cell_with({0, 12, 0, 0})), Motif::kOther);
  EXPECT_STREQ(motif_name(Motif::kZ15), "Z15");
}

// A simple cubic lattice of n^3 atoms (spacing 1, box n) whose "cells" list the 6 lattice
// neighbours; motif_at decides each atom's index. Positions are unwrapped by random periods.
struct Network {
  Snapshot snapshot;
  std::vector<VoronoiCell> cells;
  std::vector<int> species;
};

template <class MotifAt>
Network cubic_network(int n, MotifAt motif_at) {
  Network net;
  net.snapshot.box.hi = {double(n), double(n), double(n)};
  auto id = [n](int i, int j, int k) {
    return ((i + n) % n) + n * (((j + n) % n) + n * ((k + n) % n));
  };
  net.cells.resize(n * n * n);
  net.snapshot.positions.resize(3 * n * n * n);
  net.species.resize(n * n * n);
  Xoshiro256 rng(3, 3);
  for (int k = 0; k < n; ++k) {
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < n; ++i) {
        const int a = id(i, j, k);
        const int p[3] = {i, j, k};
        for (int d = 0; d < 3; ++d) {
          net.snapshot.positions[3 * a + d] = p[d] + n * (static_cast<int>(rng() % 5) - 2.0);
        }
        VoronoiCell& c = net.cells[a];
        c = cell_with(motif_at(i, j, k));
        c.neighbours = {id(i + 1, j, k), id(i - 1, j, k), id(i, j + 1, k),
                        id(i, j - 1, k), id(i, j, k + 1), id(i, j, k - 1)};
        net.species[a] = (i + j + k) % 2;
      }
    }
  }
  return net;
}

TEST(MdIfk, SlabWrapsAndIsolatedClusterDoesNot) {
  const int n = 6;
  // Icosahedral slab z in {1, 2} (spans x and y), a 2x2x2 block of Z16 at x, y in {1, 2}, z in
  // {4, 5} (z = 5 touches z = 0 across the boundary, not the slab), one Z14 atom alone at
  // (4, 4, 4).
  auto motif = [](int i, int j, int k) -> std::array<int, 4> {
    if (k == 1 || k == 2) return {0, 0, 12, 0};
    if (k >= 4 && i >= 1 && i <= 2 && j >= 1 && j <= 2) return {0, 0, 12, 4};
    if (i == 4 && j == 4 && k == 4) return {0, 0, 12, 2};
    return {0, 2, 8, 2};
  };
  const Network net = cubic_network(n, motif);
  const auto r = analyse_ifk(net.snapshot, net.species, net.cells);
  ASSERT_EQ(r.clusters.size(), 3u);
  EXPECT_EQ(r.clusters[0].atoms.size(), 72u);
  EXPECT_EQ(r.clusters[1].atoms.size(), 8u);
  EXPECT_EQ(r.clusters[2].atoms.size(), 1u);
  EXPECT_EQ(r.clusters[0].wraps, (std::array<bool, 3>{true, true, false}));
  EXPECT_EQ(r.clusters[1].wraps, (std::array<bool, 3>{false, false, false}));
  EXPECT_FALSE(r.clusters[2].percolates());
  EXPECT_TRUE(r.percolates);
  EXPECT_EQ(r.percolates_along, (std::array<bool, 3>{true, true, false}));
  EXPECT_EQ(r.largest_cluster, 72u);
  EXPECT_DOUBLE_EQ(r.largest_fraction, 72.0 / 216);
  EXPECT_DOUBLE_EQ(r.largest_fraction_of_ifk, 72.0 / 81);
  for (int a = 0; a < 216; ++a) {
    const int i = a % n, j = (a / n) % n, k = a / (n * n);
    int expect = -1;
    if (k == 1 || k == 2) {
      expect = 0;
    } else if (motif(i, j, k)[3] == 4) {
      expect = 1;
    } else if (i == 4 && j == 4 && k == 4) {
      expect = 2;
    }
    ASSERT_EQ(r.cluster_of[a], expect) << a;
  }
  // Fractions by brute force.
  EXPECT_EQ(r.overall.atoms, 216u);
  EXPECT_EQ(r.overall.count[static_cast<int>(Motif::kIcosahedron)], 72u);
  EXPECT_EQ(r.overall.count[static_cast<int>(Motif::kZ16)], 8u);
  EXPECT_EQ(r.overall.count[static_cast<int>(Motif::kZ14)], 1u);
  EXPECT_EQ(r.overall.ifk, 81u);
  EXPECT_DOUBLE_EQ(r.overall.ifk_fraction(), 81.0 / 216);
  std::array<std::size_t, 2> ico{}, ifk{}, atoms{};
  for (int a = 0; a < 216; ++a) {
    const auto m = classify_motif(net.cells[a]);
    ++atoms[net.species[a]];
    ico[net.species[a]] += m == Motif::kIcosahedron;
    ifk[net.species[a]] += is_ifk(m);
  }
  ASSERT_EQ(r.per_species.size(), 2u);
  for (int sp = 0; sp < 2; ++sp) {
    EXPECT_EQ(r.per_species[sp].atoms, atoms[sp]);
    EXPECT_EQ(r.per_species[sp].count[static_cast<int>(Motif::kIcosahedron)], ico[sp]);
    EXPECT_EQ(r.per_species[sp].ifk, ifk[sp]);
  }
  // Histogram: 135 "other" atoms first, then 72 icosahedra, 8 Z16, 1 Z14.
  ASSERT_EQ(r.top_indices.size(), 4u);
  EXPECT_EQ(r.top_indices[0].index, (std::array<int, 4>{0, 2, 8, 2}));
  EXPECT_EQ(r.top_indices[0].count, 135u);
  EXPECT_EQ(r.top_indices[1].index, (std::array<int, 4>{0, 0, 12, 0}));
  EXPECT_DOUBLE_EQ(r.top_indices[1].fraction, 72.0 / 216);
  EXPECT_EQ(r.top_indices[3].count, 1u);
}

TEST(MdIfk, LineWrapsAlongItsAxisOnly) {
  const int n = 5;
  auto motif = [](int i, int j, int k) -> std::array<int, 4> {
    if (i == 2 && j == 3) return {0, 0, 12, 3};           // a line along z through the whole box
    if (k == 0 && j == 0 && i < 4) return {0, 0, 12, 0};  // a line along x that stops short
    return {0, 3, 6, 4};
  };
  const Network net = cubic_network(n, motif);
  const auto r = analyse_ifk(net.snapshot, net.species, net.cells);
  ASSERT_EQ(r.clusters.size(), 2u);
  EXPECT_EQ(r.clusters[0].atoms.size(), 5u);
  EXPECT_EQ(r.clusters[0].wraps, (std::array<bool, 3>{false, false, true}));
  EXPECT_EQ(r.clusters[1].atoms.size(), 4u);
  EXPECT_FALSE(r.clusters[1].percolates());
  EXPECT_EQ(r.percolates_along, (std::array<bool, 3>{false, false, true}));
}

TEST(MdIfk, SharedShellLinksSecondNeighbours) {
  const int n = 6;
  // Two icosahedral atoms two lattice steps apart: not neighbours, but both clusters contain the
  // atom between them.
  auto motif = [](int i, int j, int k) -> std::array<int, 4> {
    if (j == 0 && k == 0 && (i == 1 || i == 3)) return {0, 0, 12, 0};
    return {0, 1, 10, 2};
  };
  const Network net = cubic_network(n, motif);
  const auto by_neighbours = analyse_ifk(net.snapshot, net.species, net.cells);
  EXPECT_EQ(by_neighbours.clusters.size(), 2u);
  IfkOptions o;
  o.link = IfkLink::kSharedShellAtom;
  const auto by_shell = analyse_ifk(net.snapshot, net.species, net.cells, o);
  ASSERT_EQ(by_shell.clusters.size(), 1u);
  EXPECT_EQ(by_shell.clusters[0].atoms, (std::vector<int>{1, 3}));
  EXPECT_FALSE(by_shell.percolates);
  // Every third atom along x icosahedral: the shared-shell chain wraps along x (box 6), the
  // neighbour rule finds only singletons.
  auto motif2 = [](int i, int j, int k) -> std::array<int, 4> {
    if (j == 0 && k == 0 && i % 2 == 0) return {0, 0, 12, 0};
    return {0, 1, 10, 2};
  };
  const Network net2 = cubic_network(n, motif2);
  const auto chain = analyse_ifk(net2.snapshot, net2.species, net2.cells, o);
  ASSERT_EQ(chain.clusters.size(), 1u);
  EXPECT_EQ(chain.percolates_along, (std::array<bool, 3>{true, false, false}));
  EXPECT_EQ(analyse_ifk(net2.snapshot, net2.species, net2.cells).clusters.size(), 3u);
}

TEST(MdIfk, RealCellsOfAnIcosahedralCluster) {
  std::vector<int> species;
  const Snapshot s = icosahedral_cluster(species);
  const auto cells = voronoi_cells(s, species);
  const auto r = analyse_ifk(s, species, cells);
  EXPECT_EQ(r.motif[0], Motif::kIcosahedron);
  ASSERT_GE(r.cluster_of[0], 0);
  EXPECT_FALSE(r.clusters[r.cluster_of[0]].percolates());
  EXPECT_GE(r.overall.count[static_cast<int>(Motif::kIcosahedron)], 1u);
  EXPECT_EQ(r.per_species[0].atoms + r.per_species[1].atoms, s.atoms());
}

TEST(MdIfk, BadInputIsRejected) {
  const Network net = cubic_network(3, [](int, int, int) {
    return std::array<int, 4>{0, 0, 12, 0};
  });
  auto cells = net.cells;
  EXPECT_THROW(analyse_ifk(net.snapshot, net.species, std::span(cells).first(26)), Error);
  EXPECT_THROW(analyse_ifk(net.snapshot, std::vector<int>(26, 0), cells), Error);
  cells[5].neighbours.push_back(27);
  EXPECT_THROW(analyse_ifk(net.snapshot, net.species, cells), Error);
  auto species = net.species;
  species[0] = -1;
  EXPECT_THROW(analyse_ifk(net.snapshot, species, net.cells), Error);
}

}  // namespace
}  // namespace glassy::md
