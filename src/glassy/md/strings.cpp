// String detection: mobile atoms by displacement, then a cell-list search of "i moved into j's old
// place" pairs (each unordered pair is checked in both directions because i runs over every
// mobile atom), then union-find components.
#include <glassy/md/periodic.hpp>
#include <glassy/md/strings.hpp>

#include <glassy/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace glassy::md {
namespace {

const std::string kWhat = "string analysis";

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  int find(int i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  void unite(int a, int b) {
    a = find(a);
    b = find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<int> parent_;
};

// Mobile atoms (ascending) and the smallest displacement among them.
std::vector<int> select_mobile(const Snapshot& a, const Snapshot& b, const StringOptions& o,
                               double& cut) {
  const std::size_t n = a.atoms();
  std::vector<double> d2(n);
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0;
    for (int k = 0; k < 3; ++k) {
      const double d = b.positions[3 * i + k] - a.positions[3 * i + k];
      s += d * d;
    }
    d2[i] = s;
  }
  std::vector<int> mobile;
  if (o.mobile_threshold) {
    const double t2 = *o.mobile_threshold * *o.mobile_threshold;
    for (std::size_t i = 0; i < n; ++i) {
      if (d2[i] > t2) mobile.push_back(static_cast<int>(i));
    }
  } else {
    const auto m = std::min<std::size_t>(
        n, static_cast<std::size_t>(std::llround(o.mobile_fraction * static_cast<double>(n))));
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    // Largest displacement first; ties by atom index so the choice is deterministic.
    std::partial_sort(order.begin(), order.begin() + m, order.end(),
                      [&](int i, int j) { return d2[i] != d2[j] ? d2[i] > d2[j] : i < j; });
    mobile.assign(order.begin(), order.begin() + m);
    std::sort(mobile.begin(), mobile.end());
  }
  cut = 0;
  if (!mobile.empty()) {
    double lo = d2[mobile[0]];
    for (int i : mobile) lo = std::min(lo, d2[i]);
    cut = std::sqrt(lo);
  }
  return mobile;
}

void check_options(const StringOptions& o) {
  if (o.mobile_threshold) {
    require(std::isfinite(*o.mobile_threshold) && *o.mobile_threshold >= 0,
            kWhat + ": mobile_threshold must be a distance >= 0 (sigma)");
  } else {
    require(std::isfinite(o.mobile_fraction) && o.mobile_fraction > 0 && o.mobile_fraction <= 1,
            kWhat + ": mobile_fraction must be in (0, 1]; Donati et al. use 0.05");
  }
  if (o.delta) {
    require(std::isfinite(*o.delta) && *o.delta > 0,
            kWhat + ": delta must be a positive distance (sigma); Donati et al. use 0.6");
  } else {
    require(std::isfinite(o.delta_factor) && o.delta_factor > 0,
            kWhat + ": delta_factor must be positive; Donati et al. use 0.6");
    require(!o.sigma.empty(), kWhat + ": give sigma_aa for each species");
    for (double s : o.sigma) {
      require(std::isfinite(s) && s > 0, kWhat + ": sigma values must be positive and finite");
    }
  }
}

}  // namespace

Snapshot average_snapshots(std::span<const Snapshot> window) {
  require(!window.empty(), "averaging snapshots: the window is empty; give at least one snapshot");
  Snapshot avg;
  avg.step = window[0].step;
  avg.box = window[0].box;
  avg.positions.assign(window[0].positions.size(), 0.0);
  double time = 0;
  for (const auto& s : window) {
    require(s.positions.size() == avg.positions.size(),
            "averaging snapshots: the atom count changes inside the window; use snapshots of one "
            "trajectory");
    for (std::size_t k = 0; k < s.positions.size(); ++k) avg.positions[k] += s.positions[k];
    time += s.time;
  }
  const double w = 1.0 / static_cast<double>(window.size());
  for (double& v : avg.positions) v *= w;
  avg.time = time * w;
  return avg;
}

StringAnalysis find_strings(const Snapshot& start, const Snapshot& end,
                            std::span<const int> species, const StringOptions& o) {
  check_snapshot(start, kWhat);
  check_snapshot(end, kWhat);
  const std::size_t n = start.atoms();
  require(end.atoms() == n, [&] {
    return kWhat + ": " + std::to_string(n) + " atoms at the start but " +
           std::to_string(end.atoms()) + " at the end; use snapshots of one trajectory";
  });
  check_options(o);
  if (o.delta) {
    require(species.size() == n, kWhat + ": pass one species entry per atom");
  } else {
    check_species(species, n, static_cast<int>(o.sigma.size()), kWhat);
  }

  StringAnalysis r;
  r.mobile = select_mobile(start, end, o, r.displacement_cut);
  r.string_of.assign(n, -1);
  const std::size_t m = r.mobile.size();
  if (m == 0) return r;

  auto delta_of = [&](int i, int j) {
    return o.delta ? *o.delta : o.delta_factor * 0.5 * (o.sigma[species[i]] + o.sigma[species[j]]);
  };
  double delta_max = o.delta ? *o.delta : 0;
  if (!o.delta) {
    for (double s : o.sigma) delta_max = std::max(delta_max, o.delta_factor * s);
  }

  // Cell list over the mobile atoms' start positions (folded into the box); cells at least
  // delta_max wide so every partner of a query lies in the 27 cells around it.
  const Box& box = start.box;
  const auto len = box.length();
  std::array<int, 3> nc{};
  for (int k = 0; k < 3; ++k) nc[k] = std::max(1, static_cast<int>(len[k] / delta_max));
  const bool brute = nc[0] < 3 || nc[1] < 3 || nc[2] < 3;
  auto cell_coord = [&](double x, int k) {
    const double w = wrap_coordinate(x, box.lo[k], len[k]);
    return std::min(nc[k] - 1, static_cast<int>((w - box.lo[k]) / len[k] * nc[k]));
  };
  const std::size_t n_cells = brute ? 1 : static_cast<std::size_t>(nc[0]) * nc[1] * nc[2];
  std::vector<std::size_t> first(n_cells + 1, 0);
  std::vector<int> cell_of(m, 0), members(m);
  if (!brute) {
    for (std::size_t k = 0; k < m; ++k) {
      const double* x = &start.positions[3 * r.mobile[k]];
      cell_of[k] =
          cell_coord(x[0], 0) + nc[0] * (cell_coord(x[1], 1) + nc[1] * cell_coord(x[2], 2));
      ++first[cell_of[k] + 1];
    }
  } else {
    first[1] = m;
  }
  std::partial_sum(first.begin(), first.end(), first.begin());
  {
    std::vector<std::size_t> fill(first.begin(), first.end() - 1);
    for (std::size_t k = 0; k < m; ++k) members[fill[cell_of[k]]++] = static_cast<int>(k);
  }

  UnionFind uf(m);
  auto try_pair = [&](std::size_t ki, int kj) {
    if (static_cast<std::size_t>(kj) == ki) return;
    const int i = r.mobile[ki], j = r.mobile[kj];
    double d2 = 0;
    for (int k = 0; k < 3; ++k) {
      const double d = minimum_image(end.positions[3 * i + k] - start.positions[3 * j + k], len[k]);
      d2 += d * d;
    }
    const double delta = delta_of(i, j);
    if (d2 < delta * delta) uf.unite(static_cast<int>(ki), kj);
  };
  for (std::size_t ki = 0; ki < m; ++ki) {
    if (brute) {
      for (std::size_t kj = 0; kj < m; ++kj) try_pair(ki, static_cast<int>(kj));
      continue;
    }
    const double* x = &end.positions[3 * r.mobile[ki]];
    const int c[3] = {cell_coord(x[0], 0), cell_coord(x[1], 1), cell_coord(x[2], 2)};
    for (int dz = -1; dz <= 1; ++dz) {
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int cx = (c[0] + dx + nc[0]) % nc[0], cy = (c[1] + dy + nc[1]) % nc[1],
                    cz = (c[2] + dz + nc[2]) % nc[2];
          const std::size_t cell = cx + static_cast<std::size_t>(nc[0]) * (cy + nc[1] * cz);
          for (std::size_t p = first[cell]; p < first[cell + 1]; ++p) try_pair(ki, members[p]);
        }
      }
    }
  }

  // Components: roots are the smallest member (unite keeps the smaller root), in ascending order.
  std::vector<int> slot(m, -1);
  for (std::size_t k = 0; k < m; ++k) {
    const int root = uf.find(static_cast<int>(k));
    if (slot[root] < 0) {
      slot[root] = static_cast<int>(r.strings.size());
      r.strings.emplace_back();
    }
    r.strings[slot[root]].push_back(r.mobile[k]);
  }
  std::stable_sort(r.strings.begin(), r.strings.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
  r.length_counts.assign(r.strings.front().size() + 1, 0);
  double sum_n = 0, sum_n2 = 0;
  for (std::size_t s = 0; s < r.strings.size(); ++s) {
    const double len_s = static_cast<double>(r.strings[s].size());
    ++r.length_counts[r.strings[s].size()];
    sum_n += len_s;
    sum_n2 += len_s * len_s;
    for (int i : r.strings[s]) r.string_of[i] = static_cast<int>(s);
  }
  r.mean_length = sum_n / static_cast<double>(r.strings.size());
  r.weighted_mean_length = sum_n2 / sum_n;
  return r;
}

StringAnalysis find_strings(std::span<const Snapshot> start_window,
                            std::span<const Snapshot> end_window, std::span<const int> species,
                            const StringOptions& options) {
  return find_strings(average_snapshots(start_window), average_snapshots(end_window), species,
                      options);
}

}  // namespace glassy::md
