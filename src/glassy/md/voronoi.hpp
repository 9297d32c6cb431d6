// md/voronoi: per-atom Voronoi cells of a snapshot in its orthogonal periodic box (voro++), the
// raw material of the local-structure analysis (md/ifk): each cell's Voronoi index
// <n3, n4, n5, n6> (faces with 3, 4, 5, 6 edges), coordination (face count), volume and the atoms
// across its faces.
//
// Radical (Laguerre) tessellation is the default: in a binary mixture with size ratio 1.2 the
// plain bisector planes cut the large atoms' cells too small and give them spurious small faces;
// weighting by per-species radii (default sigma_aa / 2: 0.5 for S, 0.6 for L) puts the faces
// where the atoms touch. Both tessellations fill the box exactly (cell volumes sum to V).
//
// Thermal noise splits the degenerate vertices of ideal polyhedra (fcc's four-fold vertices) into
// tiny edges and tiny faces that change the index without changing the structure. The common
// remedy (OVITO's Voronoi analysis, Sheng et al., Nature 439, 419 (2006)) is two thresholds, both
// off by default (exact topology): faces whose area is below a fraction of the cell's surface
// area are dropped (they count neither in the index nor as neighbours), and edges shorter than a
// length are not counted when a face's edges are counted (a face left with fewer than 3 counted
// edges is dropped too). Typical values for LJ glasses: 0.01 and 0.05-0.1 sigma.
#pragma once

#include <glassy/md/system.hpp>

#include <array>
#include <span>
#include <string>
#include <vector>

namespace glassy::md {

struct VoronoiOptions {
  bool radical = true;  // Laguerre (power) tessellation with `radii`; else bisectors
  std::vector<double> radii{0.5, 0.6};  // per species (sigma_aa / 2), used when radical
  double min_face_area_fraction = 0;    // drop faces with area < fraction * cell surface area
  double min_edge_length = 0;           // edges shorter than this (sigma) are not counted
};

struct VoronoiCell {
  std::array<int, 4> index{0, 0, 0, 0};  // n3 n4 n5 n6: kept faces with 3, 4, 5, 6 counted edges
  int faces_over6 = 0;                   // kept faces with 7 or more counted edges
  int coordination = 0;                  // kept faces (= neighbours.size())
  double volume = 0;                     // sigma^3; the full cell, thresholds do not change it
  // The atom across each kept face, in face order. Without thresholds the relation is symmetric
  // (j lists i when i lists j); the relative area threshold can break that for a face that is
  // tiny for one cell and not for the other. In a box smaller than about two neighbour distances
  // an atom can appear twice (two periodic images). An atom whose radical cell is empty (a small
  // atom engulfed by its neighbours' power regions) has volume 0 and no faces.
  std::vector<int> neighbours;
};

// One cell per atom, in atom order. The positions may be unwrapped (they are folded into the box
// here). species: one entry per atom, in [0, radii.size()) when radical (not used otherwise).
// Coincident atoms have empty cells: an error in the plain tessellation, volume 0 in the radical
// one (where an empty cell can also be genuine). Runs on the OpenMP threads (each thread owns a
// copy of the voro++ container, which is not thread-safe). Throws glassy::Error on bad input.
std::vector<VoronoiCell> voronoi_cells(const Snapshot& snapshot, std::span<const int> species,
                                       const VoronoiOptions& options = {});

// "<n3,n4,n5,n6>", e.g. "<0,0,12,0>" for an icosahedron; a trailing "+k" when k faces have more
// than six edges.
std::string format_voronoi_index(const VoronoiCell& cell);

}  // namespace glassy::md
