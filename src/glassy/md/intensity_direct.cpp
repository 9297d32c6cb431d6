// The separable direct sum behind IntensityMethod::Direct (see md/intensity_methods.hpp).
#include <algorithm>
#include <cmath>
#include <numbers>
#include <tuple>

#include "glassy/md/intensity_methods.hpp"

namespace glassy::md::detail {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
// Atoms per block: the three phase tables of a block (75 indices per axis for the paper's shell)
// stay within L2, one table row (kBlock complex) within L1.
constexpr std::size_t kBlock = 256;
// A table entry is re-anchored with an exact sincos every kAnchor recurrence steps, so the
// rounding error of the recurrence never grows beyond ~kAnchor ulps.
constexpr int kAnchor = 16;

}  // namespace

void fractional_coordinates(std::span<const double> positions, const Box& box,
                            std::vector<double>& t) {
  const auto l = box.length();
  t.resize(positions.size());
  for (std::size_t i = 0; i < positions.size(); i += 3)
    for (int a = 0; a < 3; ++a) {
      const double s = (positions[i + a] - box.lo[a]) / l[a];
      double f = s - std::floor(s);
      if (f >= 1.0) f = 0.0;  // s a hair below an integer rounds up to 1
      t[i + a] = f;
    }
}

DirectIntensity::DirectIntensity(const QSet& q) {
  lo_ = q.n_min();
  const auto hi = q.n_max();
  for (int a = 0; a < 3; ++a) size_[a] = hi[a] - lo_[a] + 1;
  // The axis that varies along a row is the one that leaves the fewest rows: each row costs one
  // extra complex product per atom, each q in it one.
  std::size_t best_rows = q.size() + 1;
  for (int inner = 0; inner < 3; ++inner) {
    const int o0 = inner == 0 ? 1 : 0, o1 = inner == 2 ? 1 : 2;
    std::vector<std::pair<int, int>> pairs(q.size());
    for (std::size_t i = 0; i < q.size(); ++i) pairs[i] = {q.n[i][o0], q.n[i][o1]};
    std::sort(pairs.begin(), pairs.end());
    const auto rows =
        static_cast<std::size_t>(std::unique(pairs.begin(), pairs.end()) - pairs.begin());
    if (rows < best_rows) best_rows = rows, inner_ = inner, outer_ = {o0, o1};
  }
  order_.resize(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) order_[i] = i;
  auto key = [&](std::size_t i) {
    return std::make_tuple(q.n[i][outer_[0]], q.n[i][outer_[1]], q.n[i][inner_]);
  };
  std::sort(order_.begin(), order_.end(),
            [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  inner_n_.resize(q.size());
  for (std::size_t e = 0; e < q.size(); ++e) {
    const auto& n = q.n[order_[e]];
    inner_n_[e] = n[inner_];
    if (rows_.empty() || rows_.back().n_outer0 != n[outer_[0]] ||
        rows_.back().n_outer1 != n[outer_[1]])
      rows_.push_back({n[outer_[0]], n[outer_[1]], e, e});
    rows_.back().end = e + 1;
  }
  table_re_.resize(static_cast<std::size_t>(size_[0] + size_[1] + size_[2]) * kBlock);
  table_im_.resize(table_re_.size());
  yz_re_.resize(kBlock);
  yz_im_.resize(kBlock);
  sum_.resize(q.size());
}

// Nanoseconds on one core (AMD EPYC, SSE2 build, measured with bench_md_intensity): 0.47 per
// atom and q, 1 per atom and row or table entry, 20 per sincos pair per atom.
double DirectIntensity::cost(const QSet& q, std::size_t atoms) {
  DirectIntensity probe(q);  // cheap next to one evaluation; gives the row count
  double per_atom = 0.47 * static_cast<double>(q.size()) + static_cast<double>(probe.rows_.size());
  for (int a = 0; a < 3; ++a)
    per_atom += 0.8 * probe.size_[a] +
                20.0 * ((probe.size_[a] + kAnchor - 1) / kAnchor + (probe.size_[a] > 1 ? 1 : 0));
  return static_cast<double>(atoms) * per_atom + 2.0 * static_cast<double>(q.size());
}

void DirectIntensity::compute(std::span<const double> positions, const Box& box,
                              std::span<const double> weights, std::span<double> out) {
  fractional_coordinates(positions, box, t_);
  const std::size_t atoms = weights.size();
  std::fill(sum_.begin(), sum_.end(), std::complex<double>{});
  const std::array<std::size_t, 3> offset{0, static_cast<std::size_t>(size_[0]) * kBlock,
                                          static_cast<std::size_t>(size_[0] + size_[1]) * kBlock};
  double* tr = table_re_.data();
  double* ti = table_im_.data();
  double* yr = yz_re_.data();
  double* yi = yz_im_.data();
  for (std::size_t j0 = 0; j0 < atoms; j0 += kBlock) {
    const std::size_t nb = std::min(kBlock, atoms - j0);
    // Phase tables exp(i 2 pi n t) for n = lo .. lo + size - 1, [axis][n][atom]: exact sincos at
    // every kAnchor-th n, the recurrence times exp(i 2 pi t) (held in yz_, free here) between.
    for (int a = 0; a < 3; ++a) {
      for (std::size_t j = 0; j < nb && size_[a] > 1; ++j) {
        const double phase = kTwoPi * t_[3 * (j0 + j) + a];
        yr[j] = std::cos(phase);
        yi[j] = std::sin(phase);
      }
      for (int k = 0; k < size_[a]; ++k) {
        double* r = tr + offset[a] + k * kBlock;
        double* i = ti + offset[a] + k * kBlock;
        if (k % kAnchor == 0) {
          const double n = lo_[a] + k;
          for (std::size_t j = 0; j < nb; ++j) {
            const double nt = n * t_[3 * (j0 + j) + a];
            const double phase = kTwoPi * (nt - std::floor(nt));
            r[j] = std::cos(phase);
            i[j] = std::sin(phase);
          }
        } else {
          const double* pr = r - kBlock;
          const double* pi = i - kBlock;
          for (std::size_t j = 0; j < nb; ++j) {
            r[j] = pr[j] * yr[j] - pi[j] * yi[j];
            i[j] = pr[j] * yi[j] + pi[j] * yr[j];
          }
        }
      }
    }
    const double* w = weights.data() + j0;
    for (const Row& row : rows_) {
      const std::size_t k0 = offset[outer_[0]] + (row.n_outer0 - lo_[outer_[0]]) * kBlock;
      const std::size_t k1 = offset[outer_[1]] + (row.n_outer1 - lo_[outer_[1]]) * kBlock;
      const double *ar = tr + k0, *ai = ti + k0, *br = tr + k1, *bi = ti + k1;
      for (std::size_t j = 0; j < nb; ++j) {
        yr[j] = w[j] * (ar[j] * br[j] - ai[j] * bi[j]);
        yi[j] = w[j] * (ar[j] * bi[j] + ai[j] * br[j]);
      }
      for (std::size_t e = row.begin; e < row.end; ++e) {
        const std::size_t k = offset[inner_] + (inner_n_[e] - lo_[inner_]) * kBlock;
        const double *xr = tr + k, *xi = ti + k;
        double sr = 0, si = 0;
#pragma omp simd reduction(+ : sr, si)
        for (std::size_t j = 0; j < nb; ++j) {
          sr += yr[j] * xr[j] - yi[j] * xi[j];
          si += yr[j] * xi[j] + yi[j] * xr[j];
        }
        sum_[order_[e]] += std::complex<double>(sr, si);
      }
    }
  }
  for (std::size_t i = 0; i < sum_.size(); ++i) out[i] = std::norm(sum_[i]);
}

}  // namespace glassy::md::detail
