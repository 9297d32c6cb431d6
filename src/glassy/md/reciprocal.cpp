#include "glassy/md/reciprocal.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <numbers>

#include "glassy/core/error.hpp"

namespace glassy::md {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
// Bounding boxes beyond this many lattice points are refused (a q range meant in 1/A, say).
constexpr double kMaxCandidates = 2e9;

std::string describe_box(const Box& box) {
  const auto l = box.length();
  return fmt::format("{:g} x {:g} x {:g}", l[0], l[1], l[2]);
}

void check_range(const char* what, double qmin, double qmax) {
  require(std::isfinite(qmin) && std::isfinite(qmax) && qmin >= 0 && qmin < qmax, [&] {
    return fmt::format("md {}: need 0 <= qmin < qmax, got qmin = {:g}, qmax = {:g} (1/sigma)", what,
                       qmin, qmax);
  });
}

double norm(const std::array<double, 3>& v) { return std::hypot(v[0], v[1], v[2]); }

// n is the lexicographically negative member of its +-n pair.
bool lex_negative(const std::array<int, 3>& n) {
  for (int v : n)
    if (v != 0) return v < 0;
  return false;
}

// Keeps one of each +-n pair present in a sorted set (the lexicographically positive one).
void drop_friedel_mates(std::vector<std::array<int, 3>>& n) {
  std::vector<std::array<int, 3>> kept;
  kept.reserve(n.size() / 2 + 1);
  for (const auto& v : n) {
    const std::array<int, 3> mate{-v[0], -v[1], -v[2]};
    if (lex_negative(v) && std::binary_search(n.begin(), n.end(), mate)) continue;
    kept.push_back(v);
  }
  n.swap(kept);
}

// Every lattice point with index in [lo, hi] on each axis and qmin <= |q| < qmax that `keep`
// accepts, as a sorted QSet.
template <typename Keep>
QSet collect(const Box& box, std::array<int, 3> lo, std::array<int, 3> hi, double qmin, double qmax,
             FriedelPairs pairs, const char* region, Keep&& keep) {
  const auto b = reciprocal_spacing(box);
  double candidates = 1;
  for (int a = 0; a < 3; ++a) candidates *= std::max(0, hi[a] - lo[a] + 1);
  require(candidates <= kMaxCandidates, [&] {
    return fmt::format(
        "md {}: |q| up to {:g} 1/sigma spans {:g} lattice points in a box of {}; "
        "q is in 1/sigma (LJ units), not 1/A or 1/nm",
        region, qmax, candidates, describe_box(box));
  });
  std::vector<std::array<int, 3>> n;
  for (int x = lo[0]; x <= hi[0]; ++x)
    for (int y = lo[1]; y <= hi[1]; ++y)
      for (int z = lo[2]; z <= hi[2]; ++z) {
        const std::array<double, 3> q{x * b[0], y * b[1], z * b[2]};
        const double qn = norm(q);
        if (qn >= qmin && qn < qmax && keep(q)) n.push_back({x, y, z});
      }
  if (pairs == FriedelPairs::KeepOne) drop_friedel_mates(n);  // loop order = lexicographic
  require(!n.empty(), [&] {
    return fmt::format(
        "md {}: no reciprocal-lattice point with {:g} <= |q| < {:g} 1/sigma in a box "
        "of {} (lattice spacing {:.3g} 1/sigma); widen the q range or use a larger box",
        region, qmin, qmax, describe_box(box), std::min({b[0], b[1], b[2]}));
  });
  QSet set = lattice_set(box, std::move(n), region);
  return set;
}

std::array<int, 3> bound(const std::array<double, 3>& b, double qmax) {
  std::array<int, 3> m{};
  for (int a = 0; a < 3; ++a) m[a] = static_cast<int>(std::floor(qmax / b[a]));
  return m;
}

}  // namespace

std::array<double, 3> reciprocal_spacing(const Box& box) {
  const auto l = box.length();
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(l[a]) && l[a] > 0, [&] {
      return fmt::format(
          "md: box length on axis {} is {:g} (lo = {:g}, hi = {:g}); the reciprocal "
          "lattice needs a periodic box with positive finite lengths",
          "xyz"[a], l[a], box.lo[a], box.hi[a]);
    });
  return {kTwoPi / l[0], kTwoPi / l[1], kTwoPi / l[2]};
}

std::array<double, 3> QSet::q_vector(std::size_t i) const {
  const auto b = reciprocal_spacing(box);
  return {n[i][0] * b[0], n[i][1] * b[1], n[i][2] * b[2]};
}

std::vector<std::array<double, 3>> QSet::q_vectors() const {
  const auto b = reciprocal_spacing(box);
  std::vector<std::array<double, 3>> q(n.size());
  for (std::size_t i = 0; i < n.size(); ++i)
    q[i] = {n[i][0] * b[0], n[i][1] * b[1], n[i][2] * b[2]};
  return q;
}

std::array<int, 3> QSet::n_min() const {
  std::array<int, 3> m{0, 0, 0};
  if (n.empty()) return m;
  m = n.front();
  for (const auto& v : n)
    for (int a = 0; a < 3; ++a) m[a] = std::min(m[a], v[a]);
  return m;
}

std::array<int, 3> QSet::n_max() const {
  std::array<int, 3> m{0, 0, 0};
  if (n.empty()) return m;
  m = n.front();
  for (const auto& v : n)
    for (int a = 0; a < 3; ++a) m[a] = std::max(m[a], v[a]);
  return m;
}

QSet shell(const Box& box, double qmin, double qmax, FriedelPairs pairs) {
  check_range("shell", qmin, qmax);
  const auto m = bound(reciprocal_spacing(box), qmax);
  return collect(box, {-m[0], -m[1], -m[2]}, m, qmin, qmax, pairs, "shell",
                 [](const std::array<double, 3>&) { return true; });
}

QSet cross_section(const Box& box, double qmin, double qmax, int axis, FriedelPairs pairs) {
  check_range("cross_section", qmin, qmax);
  require(axis >= 0 && axis <= 2, [&] {
    return fmt::format("md cross_section: axis must be 0, 1 or 2 (x, y, z), got {}", axis);
  });
  auto m = bound(reciprocal_spacing(box), qmax);
  std::array<int, 3> lo{-m[0], -m[1], -m[2]};
  lo[axis] = m[axis] = 0;
  return collect(box, lo, m, qmin, qmax, pairs, "cross_section",
                 [](const std::array<double, 3>&) { return true; });
}

QSet spot(const Box& box, const std::array<double, 3>& q0, double qmin, double qmax, double dq,
          FriedelPairs pairs) {
  check_range("spot", qmin, qmax);
  const double q0n = norm(q0);
  require(std::isfinite(q0n) && q0n >= qmin && q0n <= qmax, [&] {
    return fmt::format(
        "md spot: centre |q0| = {:g} 1/sigma is off the shell {:g} <= |q| <= {:g}; "
        "give a centre on the shell (or a direction to spot_along)",
        q0n, qmin, qmax);
  });
  require(std::isfinite(dq) && dq > 0,
          [&] { return fmt::format("md spot: width dq must be positive, got {:g} 1/sigma", dq); });
  const auto b = reciprocal_spacing(box);
  const double r = 0.5 * dq;
  std::array<int, 3> lo{}, hi{};
  for (int a = 0; a < 3; ++a) {
    lo[a] = static_cast<int>(std::ceil((q0[a] - r) / b[a]));
    hi[a] = static_cast<int>(std::floor((q0[a] + r) / b[a]));
  }
  return collect(box, lo, hi, qmin, qmax, pairs, "spot", [&](const std::array<double, 3>& q) {
    return norm({q[0] - q0[0], q[1] - q0[1], q[2] - q0[2]}) <= r;
  });
}

QSet spot_along(const Box& box, const std::array<double, 3>& direction, double qmin, double qmax,
                double dq, FriedelPairs pairs) {
  const double d = norm(direction);
  require(std::isfinite(d) && d > 0, "md spot_along: the direction must be a non-zero vector");
  check_range("spot", qmin, qmax);
  const double s = 0.5 * (qmin + qmax) / d;
  return spot(box, {direction[0] * s, direction[1] * s, direction[2] * s}, qmin, qmax, dq, pairs);
}

QSet lattice_set(const Box& box, std::vector<std::array<int, 3>> n, std::string region) {
  require(!n.empty(), "md lattice_set: the list of lattice indices is empty; give at least one q");
  const auto b = reciprocal_spacing(box);
  std::sort(n.begin(), n.end());
  n.erase(std::unique(n.begin(), n.end()), n.end());
  QSet set;
  set.box = box;
  set.region = std::move(region);
  set.q_norm.resize(n.size());
  for (std::size_t i = 0; i < n.size(); ++i)
    set.q_norm[i] = norm({n[i][0] * b[0], n[i][1] * b[1], n[i][2] * b[2]});
  set.n = std::move(n);
  return set;
}

std::vector<std::size_t> locate_in(const QSet& region, const QSet& set) {
  const auto a = region.box.length(), b = set.box.length();
  require(a == b, [&] {
    return fmt::format("md locate_in: the region was built for a box of {}, the set for {}",
                       describe_box(region.box), describe_box(set.box));
  });
  require(std::is_sorted(set.n.begin(), set.n.end()),
          "md locate_in: the set's indices are not sorted; build it with shell or lattice_set");
  auto find = [&](const std::array<int, 3>& n) {
    const auto it = std::lower_bound(set.n.begin(), set.n.end(), n);
    return it != set.n.end() && *it == n ? static_cast<std::size_t>(it - set.n.begin())
                                         : set.n.size();
  };
  std::vector<std::size_t> where(region.size());
  for (std::size_t i = 0; i < region.size(); ++i) {
    const auto& n = region.n[i];
    std::size_t k = find(n);
    if (k == set.n.size()) k = find({-n[0], -n[1], -n[2]});
    require(k < set.n.size(), [&] {
      return fmt::format(
          "md locate_in: q index ({}, {}, {}) of the {} is not in the {} (nor its "
          "mate -q); build the region inside the set's q range",
          n[0], n[1], n[2], region.region, set.region);
    });
    where[i] = k;
  }
  return where;
}

}  // namespace glassy::md
