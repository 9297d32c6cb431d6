// Voronoi cells with voro++: one container per OpenMP thread (voro++ keeps per-computation state
// inside the container, e.g. radius_poly's r_rad, so two threads cannot share one), each filled
// with every atom, then the blocks shared out between the threads.
#include <glassy/md/periodic.hpp>
#include <glassy/md/voronoi.hpp>

#include <glassy/core/error.hpp>

#include <fmt/format.h>
#include <voro++.hh>

#include <algorithm>
#include <cmath>
#include <memory>
#include <type_traits>

namespace glassy::md {
namespace {

// voro++ works best with a handful of atoms per block (its docs suggest about 5).
constexpr double kAtomsPerBlock = 5.0;

std::array<int, 3> block_grid(const Box& box, std::size_t atoms) {
  const auto l = box.length();
  const double per_length = std::cbrt(static_cast<double>(std::max<std::size_t>(atoms, 1)) /
                                      (kAtomsPerBlock * box.volume()));
  std::array<int, 3> n{};
  for (int a = 0; a < 3; ++a) n[a] = std::max(1, static_cast<int>(std::lround(l[a] * per_length)));
  return n;
}

// Fills `cell` from a computed voro++ cell, applying the face-area and edge-length thresholds.
struct FaceScratch {
  std::vector<int> neighbours, face_vertices;
  std::vector<double> areas, vertices;
};

void describe_cell(voro::voronoicell_neighbor& c, const VoronoiOptions& o, FaceScratch& s,
                   VoronoiCell& cell) {
  cell.volume = c.volume();
  c.neighbors(s.neighbours);
  const bool area_cut = o.min_face_area_fraction > 0;
  const bool edge_cut = o.min_edge_length > 0;
  double min_area = 0;
  if (area_cut) {
    c.face_areas(s.areas);
    double total = 0;
    for (double a : s.areas) total += a;
    min_area = o.min_face_area_fraction * total;
  }
  c.face_vertices(s.face_vertices);      // per face: n, then n vertex indices (same face order)
  if (edge_cut) c.vertices(s.vertices);  // relative to the atom; only lengths matter
  const double min_edge2 = o.min_edge_length * o.min_edge_length;
  cell.neighbours.clear();
  cell.neighbours.reserve(s.neighbours.size());
  std::size_t p = 0;
  for (std::size_t f = 0; f < s.neighbours.size(); ++f) {
    const int n = s.face_vertices[p];
    int edges = n;
    if (edge_cut) {
      edges = 0;
      for (int k = 0; k < n; ++k) {
        const int u = s.face_vertices[p + 1 + k], v = s.face_vertices[p + 1 + (k + 1) % n];
        double d2 = 0;
        for (int a = 0; a < 3; ++a) {
          const double d = s.vertices[3 * u + a] - s.vertices[3 * v + a];
          d2 += d * d;
        }
        edges += d2 >= min_edge2;
      }
    }
    p += n + 1;
    if ((area_cut && s.areas[f] < min_area) || edges < 3) continue;
    if (edges <= 6) {
      ++cell.index[edges - 3];
    } else {
      ++cell.faces_over6;
    }
    cell.neighbours.push_back(s.neighbours[f]);
  }
  cell.coordination = static_cast<int>(cell.neighbours.size());
}

template <class Container>
void fill_and_compute(Container& con, const std::vector<double>& wrapped,
                      std::span<const int> species, const VoronoiOptions& o,
                      std::vector<VoronoiCell>& cells) {
  const std::size_t n = wrapped.size() / 3;
  for (std::size_t i = 0; i < n; ++i) {
    const double* r = &wrapped[3 * i];
    if constexpr (std::is_same_v<Container, voro::container_poly>) {
      con.put(static_cast<int>(i), r[0], r[1], r[2], o.radii[species[i]]);
    } else {
      con.put(static_cast<int>(i), r[0], r[1], r[2]);
    }
  }
  voro::voronoicell_neighbor c;
  FaceScratch scratch;
  const int blocks = con.nx * con.ny * con.nz;
#pragma omp for schedule(dynamic, 16)
  for (int ijk = 0; ijk < blocks; ++ijk) {
    for (int q = 0; q < con.co[ijk]; ++q) {
      VoronoiCell& cell = cells[con.id[ijk][q]];
      if (con.compute_cell(c, ijk, q)) {
        describe_cell(c, o, scratch, cell);
      } else {
        cell.coordination = -1;  // empty: marked for the check after the parallel region
      }
    }
  }
}

void check_options(const VoronoiOptions& o, std::span<const int> species, std::size_t atoms) {
  const std::string what = "Voronoi cells";
  require(std::isfinite(o.min_face_area_fraction) && o.min_face_area_fraction >= 0 &&
              o.min_face_area_fraction < 1,
          what + ": min_face_area_fraction must be in [0, 1); typical is 0.01 or 0 for none");
  require(std::isfinite(o.min_edge_length) && o.min_edge_length >= 0,
          what + ": min_edge_length must be >= 0 (sigma); 0 counts every edge");
  if (o.radical) {
    require(!o.radii.empty(), what + ": radical tessellation needs one radius per species");
    for (double r : o.radii) {
      require(std::isfinite(r) && r > 0,
              what + ": radii must be positive and finite (default sigma_aa / 2: 0.5, 0.6)");
    }
    check_species(species, atoms, static_cast<int>(o.radii.size()), what);
  } else {
    require(species.size() == atoms, [&] {
      return what + ": " + std::to_string(species.size()) + " species entries for " +
             std::to_string(atoms) + " atoms; pass one species index per atom";
    });
  }
}

}  // namespace

std::vector<VoronoiCell> voronoi_cells(const Snapshot& snapshot, std::span<const int> species,
                                       const VoronoiOptions& options) {
  check_snapshot(snapshot, "Voronoi cells");
  const std::size_t n = snapshot.atoms();
  check_options(options, species, n);
  std::vector<VoronoiCell> cells(n);
  if (n == 0) return cells;
  const auto wrapped = wrapped_positions(snapshot);
  const Box& b = snapshot.box;
  const auto grid = block_grid(b, n);
#pragma omp parallel
  {
    // Each thread builds its own container: cheap (O(N) puts) beside the cell computations.
    if (options.radical) {
      voro::container_poly con(b.lo[0], b.hi[0], b.lo[1], b.hi[1], b.lo[2], b.hi[2], grid[0],
                               grid[1], grid[2], true, true, true, 8);
      fill_and_compute(con, wrapped, species, options, cells);
    } else {
      voro::container con(b.lo[0], b.hi[0], b.lo[1], b.hi[1], b.lo[2], b.hi[2], grid[0], grid[1],
                          grid[2], true, true, true, 8);
      fill_and_compute(con, wrapped, species, options, cells);
    }
  }
  // An empty cell is legitimate in a radical tessellation (an atom inside its neighbours' power
  // regions); with bisector planes only an atom sitting on another one has none.
  for (std::size_t i = 0; i < n; ++i) {
    if (cells[i].coordination >= 0) continue;
    cells[i].coordination = 0;
    require(options.radical, [&] {
      return fmt::format(
          "Voronoi cells: atom {} has an empty cell, so it sits on top of another atom; check "
          "the snapshot for duplicated atoms",
          i);
    });
  }
  return cells;
}

std::string format_voronoi_index(const VoronoiCell& cell) {
  const auto& i = cell.index;
  std::string s = fmt::format("<{},{},{},{}>", i[0], i[1], i[2], i[3]);
  if (cell.faces_over6 > 0) s += fmt::format("+{}", cell.faces_over6);
  return s;
}

}  // namespace glassy::md
