// md/ifk: the icosahedral / Frank-Kasper (IFK) network of a Wahnström glass (paper, Fig. 1b inset:
// "a disordered system-spanning network of low-energy and low-volume icosahedral and Frank-Kasper
// local atomic environments"). From the Voronoi cells (md/voronoi):
//   - each atom's motif: icosahedron <0,0,12,0> (Z12), Frank-Kasper Z14 <0,0,12,2>, Z15
//     <0,0,12,3>, Z16 <0,0,12,4>; exact indices, no faces with more than six edges;
//   - fractions of each motif, overall and per species;
//   - the network: IFK-centred atoms linked by a rule (below), its connected components, the
//     largest cluster and whether a cluster percolates (wraps around the periodic box);
//   - the most frequent Voronoi indices.
//
// Linking rule. Derlet & Maass (e.g. PRL 120, 225501 (2018)) build the network from the IFK
// centres with centre-neighbour connectivity: two IFK-centred atoms are linked when they are
// nearest neighbours. Here that is kVoronoiNeighbours: linked when either cell lists the other
// as a neighbour (a union, so a relative face-area threshold that drops the face on one side only
// does not cut the link). kSharedShellAtom is the looser "interpenetrating or touching clusters"
// rule: linked when the clusters (centre plus its Voronoi neighbours) share at least one atom.
//
// Percolation. The network is walked breadth-first, giving every atom of a cluster an unwrapped
// position (start atom's position plus the minimum-image bond vectors along the walk). A cluster
// wraps along an axis when some atom is reached twice at positions differing by a box period on
// that axis: the cluster then contains a closed path around the periodic box, i.e. it spans the
// system along that axis. The bond vectors are minimum images, which is right as long as bonded
// atoms are closer than half a box length (true for neighbours in any box of more than a few
// atoms per side; the kSharedShellAtom links, up to two neighbour distances, need a box of more
// than about 5 sigma).
#pragma once

#include <glassy/md/system.hpp>
#include <glassy/md/voronoi.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace glassy::md {

enum class Motif { kOther, kIcosahedron, kZ14, kZ15, kZ16 };
inline constexpr int kMotifCount = 5;

// The motif of one Voronoi cell (exact index match).
Motif classify_motif(const VoronoiCell& cell);
inline bool is_ifk(Motif m) { return m != Motif::kOther; }
const char* motif_name(Motif m);  // "other", "icosahedron", "Z14", "Z15", "Z16"

enum class IfkLink { kVoronoiNeighbours, kSharedShellAtom };

struct IfkOptions {
  IfkLink link = IfkLink::kVoronoiNeighbours;
  std::size_t top_indices = 10;  // entries in the Voronoi index histogram (most frequent first)
};

struct MotifCounts {
  std::size_t atoms = 0;                         // atoms counted (all, or one species)
  std::array<std::size_t, kMotifCount> count{};  // per Motif value
  std::size_t ifk = 0;                           // icosahedra + Z14 + Z15 + Z16
  double fraction(Motif m) const {
    return atoms ? static_cast<double>(count[static_cast<int>(m)]) / atoms : 0.0;
  }
  double ifk_fraction() const { return atoms ? static_cast<double>(ifk) / atoms : 0.0; }
};

struct IndexCount {
  std::array<int, 4> index{};  // <n3, n4, n5, n6>
  int faces_over6 = 0;
  std::size_t count = 0;
  double fraction = 0;  // of all atoms
};

struct IfkCluster {
  std::vector<int> atoms;                          // IFK-centred atoms, ascending
  std::array<bool, 3> wraps{false, false, false};  // spans the periodic box along x, y, z
  bool percolates() const { return wraps[0] || wraps[1] || wraps[2]; }
};

struct IfkAnalysis {
  std::vector<Motif> motif;  // per atom
  MotifCounts overall;
  std::vector<MotifCounts> per_species;  // index = species
  std::vector<int> cluster_of;           // per atom: index into clusters, -1 when not IFK
  std::vector<IfkCluster> clusters;      // largest first (ties: lowest first atom first)
  std::size_t largest_cluster = 0;       // atoms in the largest cluster (0: no IFK atoms)
  double largest_fraction = 0;           // largest cluster / all atoms
  double largest_fraction_of_ifk = 0;    // largest cluster / IFK atoms
  bool percolates = false;               // some cluster wraps around the box
  std::array<bool, 3> percolates_along{false, false, false};  // ... along x, y, z
  std::vector<IndexCount> top_indices;  // most frequent Voronoi indices, overall
};

// cells: voronoi_cells(snapshot, species, ...) for the same snapshot. species: one entry >= 0 per
// atom (per_species has max + 1 entries). Throws glassy::Error when the sizes disagree or a
// neighbour index is out of range.
IfkAnalysis analyse_ifk(const Snapshot& snapshot, std::span<const int> species,
                        std::span<const VoronoiCell> cells, const IfkOptions& options = {});

}  // namespace glassy::md
