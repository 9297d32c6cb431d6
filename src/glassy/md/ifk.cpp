// IFK motifs, the network's clusters (breadth-first over a compressed adjacency list) and the
// wrap test for percolation.
#include <glassy/md/ifk.hpp>
#include <glassy/md/periodic.hpp>

#include <glassy/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <queue>
#include <string>
#include <tuple>

namespace glassy::md {
namespace {

// Undirected graph on the atoms from a list of edges, as compressed adjacency lists.
struct Graph {
  std::vector<std::size_t> start;  // neighbours of i: adj[start[i] .. start[i + 1])
  std::vector<int> adj;
};

Graph build_graph(std::size_t n, std::vector<std::pair<int, int>>& edges) {
  for (auto& e : edges) {
    if (e.first > e.second) std::swap(e.first, e.second);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  Graph g;
  g.start.assign(n + 1, 0);
  for (const auto& [a, b] : edges) {
    ++g.start[a + 1];
    ++g.start[b + 1];
  }
  std::partial_sum(g.start.begin(), g.start.end(), g.start.begin());
  g.adj.resize(g.start[n]);
  std::vector<std::size_t> fill(g.start.begin(), g.start.end() - 1);
  for (const auto& [a, b] : edges) {
    g.adj[fill[a]++] = b;
    g.adj[fill[b]++] = a;
  }
  return g;
}

std::vector<std::pair<int, int>> network_edges(std::span<const VoronoiCell> cells,
                                               const std::vector<Motif>& motif, IfkLink link) {
  std::vector<std::pair<int, int>> edges;
  const int n = static_cast<int>(cells.size());
  if (link == IfkLink::kVoronoiNeighbours) {
    for (int i = 0; i < n; ++i) {
      if (!is_ifk(motif[i])) continue;
      for (int j : cells[i].neighbours) {
        if (j != i && is_ifk(motif[j])) edges.emplace_back(i, j);
      }
    }
    return edges;
  }
  // Shared shell atom: the clusters of IFK centres c (c and its neighbours) containing atom a are
  // all linked; a star from the first such centre keeps the edge count O(N) and the components
  // (and wraps) the same as the full clique.
  std::vector<std::vector<int>> centres_at(n);
  for (int c = 0; c < n; ++c) {
    if (!is_ifk(motif[c])) continue;
    centres_at[c].push_back(c);
    for (int a : cells[c].neighbours) centres_at[a].push_back(c);
  }
  for (const auto& centres : centres_at) {
    for (std::size_t k = 1; k < centres.size(); ++k) {
      if (centres[k] != centres[0]) edges.emplace_back(centres[0], centres[k]);
    }
  }
  return edges;
}

void check_input(const Snapshot& s, std::span<const int> species,
                 std::span<const VoronoiCell> cells) {
  const std::string what = "IFK analysis";
  check_snapshot(s, what);
  const std::size_t n = s.atoms();
  require(cells.size() == n, [&] {
    return what + ": " + std::to_string(cells.size()) + " Voronoi cells for " + std::to_string(n) +
           " atoms; compute the cells from the same snapshot";
  });
  int max_species = 0;
  for (int v : species) max_species = std::max(max_species, v);
  check_species(species, n, max_species + 1, what);
  for (std::size_t i = 0; i < n; ++i) {
    for (int j : cells[i].neighbours) {
      require(j >= 0 && static_cast<std::size_t>(j) < n, [&] {
        return what + ": cell " + std::to_string(i) + " lists neighbour " + std::to_string(j) +
               ", not an atom of the snapshot; compute the cells from the same snapshot";
      });
    }
  }
}

}  // namespace

Motif classify_motif(const VoronoiCell& c) {
  if (c.faces_over6 != 0 || c.index[0] != 0 || c.index[1] != 0 || c.index[2] != 12)
    return Motif::kOther;
  switch (c.index[3]) {
    case 0:
      return Motif::kIcosahedron;
    case 2:
      return Motif::kZ14;
    case 3:
      return Motif::kZ15;
    case 4:
      return Motif::kZ16;
    default:
      return Motif::kOther;
  }
}

const char* motif_name(Motif m) {
  switch (m) {
    case Motif::kIcosahedron:
      return "icosahedron";
    case Motif::kZ14:
      return "Z14";
    case Motif::kZ15:
      return "Z15";
    case Motif::kZ16:
      return "Z16";
    default:
      return "other";
  }
}

IfkAnalysis analyse_ifk(const Snapshot& snapshot, std::span<const int> species,
                        std::span<const VoronoiCell> cells, const IfkOptions& options) {
  check_input(snapshot, species, cells);
  const std::size_t n = cells.size();
  IfkAnalysis r;
  int n_species = 0;
  for (int v : species) n_species = std::max(n_species, v + 1);
  r.per_species.resize(n_species);
  r.motif.resize(n);
  r.overall.atoms = n;
  for (std::size_t i = 0; i < n; ++i) {
    const Motif m = classify_motif(cells[i]);
    r.motif[i] = m;
    auto& ps = r.per_species[species[i]];
    ++ps.atoms;
    ++ps.count[static_cast<int>(m)];
    ++r.overall.count[static_cast<int>(m)];
    if (is_ifk(m)) {
      ++ps.ifk;
      ++r.overall.ifk;
    }
  }

  // Components and wraps by breadth-first search with unwrapped positions.
  auto edges = network_edges(cells, r.motif, options.link);
  const Graph g = build_graph(n, edges);
  const auto box = snapshot.box.length();
  const auto& x = snapshot.positions;
  std::vector<int> comp(n, -1);
  std::vector<double> unwrapped(3 * n);
  std::vector<IfkCluster> found;
  std::queue<int> todo;
  for (std::size_t s = 0; s < n; ++s) {
    if (!is_ifk(r.motif[s]) || comp[s] >= 0) continue;
    const int id = static_cast<int>(found.size());
    IfkCluster cl;
    comp[s] = id;
    for (int a = 0; a < 3; ++a) unwrapped[3 * s + a] = x[3 * s + a];
    todo.push(static_cast<int>(s));
    while (!todo.empty()) {
      const int u = todo.front();
      todo.pop();
      cl.atoms.push_back(u);
      for (std::size_t k = g.start[u]; k < g.start[u + 1]; ++k) {
        const int v = g.adj[k];
        double reach[3];
        for (int a = 0; a < 3; ++a) {
          reach[a] = unwrapped[3 * u + a] + minimum_image(x[3 * v + a] - x[3 * u + a], box[a]);
        }
        if (comp[v] < 0) {
          comp[v] = id;
          for (int a = 0; a < 3; ++a) unwrapped[3 * v + a] = reach[a];
          todo.push(v);
        } else {
          // Reached again: a different image means a closed path around the box.
          for (int a = 0; a < 3; ++a) {
            if (std::abs(reach[a] - unwrapped[3 * v + a]) > 0.5 * box[a]) cl.wraps[a] = true;
          }
        }
      }
    }
    std::sort(cl.atoms.begin(), cl.atoms.end());
    found.push_back(std::move(cl));
  }

  // Largest first; found is in order of first atom, so a stable sort breaks ties by it.
  std::vector<int> order(found.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return found[a].atoms.size() > found[b].atoms.size(); });
  std::vector<int> rank(found.size());
  for (std::size_t k = 0; k < order.size(); ++k) rank[order[k]] = static_cast<int>(k);
  r.clusters.reserve(found.size());
  for (int k : order) r.clusters.push_back(std::move(found[k]));
  r.cluster_of.assign(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (comp[i] >= 0) r.cluster_of[i] = rank[comp[i]];
  }
  for (const auto& cl : r.clusters) {
    for (int a = 0; a < 3; ++a) r.percolates_along[a] = r.percolates_along[a] || cl.wraps[a];
  }
  r.percolates = r.percolates_along[0] || r.percolates_along[1] || r.percolates_along[2];
  if (!r.clusters.empty()) {
    r.largest_cluster = r.clusters.front().atoms.size();
    r.largest_fraction = static_cast<double>(r.largest_cluster) / n;
    r.largest_fraction_of_ifk = static_cast<double>(r.largest_cluster) / r.overall.ifk;
  }

  // Voronoi index histogram.
  std::map<std::tuple<int, int, int, int, int>, std::size_t> histogram;
  for (const auto& c : cells) {
    ++histogram[{c.index[0], c.index[1], c.index[2], c.index[3], c.faces_over6}];
  }
  std::vector<IndexCount> all;
  all.reserve(histogram.size());
  for (const auto& [key, count] : histogram) {
    IndexCount ic;
    ic.index = {std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key)};
    ic.faces_over6 = std::get<4>(key);
    ic.count = count;
    ic.fraction = n ? static_cast<double>(count) / n : 0.0;
    all.push_back(ic);
  }
  // Map order is lexicographic, so the stable sort breaks count ties by index.
  std::stable_sort(all.begin(), all.end(),
                   [](const IndexCount& a, const IndexCount& b) { return a.count > b.count; });
  if (all.size() > options.top_indices) all.resize(options.top_indices);
  r.top_indices = std::move(all);
  return r;
}

}  // namespace glassy::md
