// The type-1 non-uniform FFT behind IntensityMethod::Nufft (see md/intensity_methods.hpp).
//
// Scheme (Dutt & Rokhlin 1993; Greengard & Lee 2004; the "exponential of semicircle" kernel of
// Barnett, Magland & af Klinteberg, SIAM J. Sci. Comput. 41, C479, 2019). With t_j in [0, 1) the
// fractional coordinate of atom j on an axis and M grid points on it, u_j = M t_j:
//   b[g] = sum_j c_j psi(g - u_j)                    (spreading, psi of support w points)
//   B[m] = sum_g b[g] exp(+2 pi i m g / M)           (FFT)
//        = psihat(m) sum_j c_j exp(2 pi i m t_j) + aliasing of psihat(m + l M), l != 0
// so F(m) = B[m] / psihat(m), with psihat the continuous Fourier transform of psi. Per axis the
// grid is twice (sigma = 2) the span of indices needed, which pushes the aliased terms below the
// tolerance for psi(s) = exp(beta (sqrt(1 - (2s/w)^2) - 1)), beta = 2.30 w. Three refinements:
//  - the set's index range on each axis is centred on 0 by folding exp(2 pi i c t_j) into c_j, so
//    a spot far from the origin needs a grid only as large as the spot;
//  - an axis with a single index (a cross-section's normal) needs no grid at all: its phase goes
//    into c_j and the transform has one dimension fewer;
//  - atoms are spread in the order of the grid block they land in (a counting sort), so
//    consecutive atoms reuse the same cache lines of the grid.
#include <fftw3.h>

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <numbers>
#include <utility>

#include "glassy/core/error.hpp"
#include "glassy/md/intensity_methods.hpp"

namespace glassy::md::detail {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr int kMaxWidth = 16;
constexpr int kSortBlock = 16;  // grid points per sort bin and axis
// Grids beyond 2^28 points (4 GiB) are refused (S(q) of a 32,000-atom box up to q = 12 1/sigma
// needs 2e7); Auto then falls back to the direct sum.
constexpr double kMaxGridPoints = 268435456.0;

// FFTW's planner is not thread-safe (execution is): every plan is made and destroyed under it.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

// Kernel width (grid points) for a tolerance on max_q |I - I_exact| / mean_q I. Measured on random
// configurations (N = 8,000 and 32,000, the paper's shell) with beta = 2.30 w: that error is about
// 10^-(w - 3.5), so w = ceil(log10(1 / tolerance)) + 3 meets the tolerance with a factor ~3 to
// spare.
int kernel_width(double tolerance) {
  const int w = static_cast<int>(std::ceil(-std::log10(tolerance))) + 3;
  return std::clamp(w, 2, kMaxWidth);
}

// The smallest n' >= n with no prime factor above 5 (FFTW's fast sizes).
int smooth_size(int n) {
  for (int m = std::max(n, 1);; ++m) {
    int r = m;
    for (int p : {2, 3, 5})
      while (r % p == 0) r /= p;
    if (r == 1) return m;
  }
}

// Gauss-Legendre nodes and weights on [-1, 1] (Newton on the three-term recurrence).
void gauss_legendre(int n, std::vector<double>& x, std::vector<double>& w) {
  x.resize(n);
  w.resize(n);
  for (int i = 0; i < n; ++i) {
    double z = std::cos(std::numbers::pi * (i + 0.75) / (n + 0.5)), dp = 0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1, p1 = z;
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1, p1 = p2;
      }
      dp = n * (z * p1 - p0) / (z * z - 1);
      const double dz = p1 / dp;
      z -= dz;
      if (std::abs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
}

}  // namespace

struct NufftIntensity::Plan {
  int w = 0;
  double beta = 0;
  std::array<int, 3> axis{0, 1, 2};    // internal dimension d (0 fastest) -> box axis
  std::array<int, 3> size{1, 1, 1};    // grid points per internal dimension
  std::array<int, 3> width{1, 1, 1};   // kernel points per internal dimension (1: no grid)
  std::array<int, 3> centre{0, 0, 0};  // per box axis: index folded into the weights
  int rank = 0;
  std::size_t grid_points = 1;
  fftw_complex* grid = nullptr;
  fftw_plan fft = nullptr;
  std::vector<std::size_t> out_index;  // grid point of each q
  std::vector<double> out_scale;       // 1 / psihat^2 product for each q
  // Per-snapshot scratch.
  std::vector<double> t, z0, cre, cim;
  std::vector<int> first;
  std::vector<std::uint32_t> key, order, count;

  ~Plan() {
    if (fft != nullptr) {
      std::lock_guard lock(planner_mutex());
      fftw_destroy_plan(fft);
    }
    if (grid != nullptr) fftw_free(grid);
  }

  double kernel(double z) const {
    return std::exp(beta * (std::sqrt(std::max(0.0, 1 - z * z)) - 1));
  }
};

namespace {

using Plan = NufftIntensity::Plan;

// Kernel values at the `width` grid points from the atom's first one; 1 on an axis with no grid.
inline void kernel_values(const Plan& p, int width, double z0, double* k) {
  if (width == 1) {
    k[0] = 1;
    return;
  }
  const double step = 2.0 / p.w;
  for (int i = 0; i < width; ++i) k[i] = p.kernel(z0 + i * step);
}

// Spreads every atom onto the grid. W (the fastest axis' kernel width) is a template argument so
// that the innermost loop, a real axpy of 2W doubles along one grid row, is fully unrolled and
// vectorised.
template <int W>
void spread(Plan& p) {
  double* grid = reinterpret_cast<double*>(p.grid);
  const int m0 = p.size[0], m1 = p.size[1], m2 = p.size[2];
  const int w1 = p.width[1], w2 = p.width[2];
  double k0[kMaxWidth], k1[kMaxWidth], k2[kMaxWidth];
  alignas(64) double row_values[2 * W];
  std::size_t rows[kMaxWidth * kMaxWidth];
  double row_weights[kMaxWidth * kMaxWidth];
  for (std::uint32_t j : p.order) {
    kernel_values(p, W, p.z0[3 * j], k0);
    kernel_values(p, w1, p.z0[3 * j + 1], k1);
    kernel_values(p, w2, p.z0[3 * j + 2], k2);
    const double cr = p.cre[j], ci = p.cim[j];
    for (int i = 0; i < W; ++i) {
      row_values[2 * i] = cr * k0[i];
      row_values[2 * i + 1] = ci * k0[i];
    }
    // The w1 x w2 grid rows the atom touches (wrapped) and their kernel weights.
    int nrows = 0;
    int iz = p.first[3 * j + 2];
    for (int c = 0; c < w2; ++c, ++iz) {
      if (iz >= m2) iz -= m2;
      int iy = p.first[3 * j + 1];
      for (int b = 0; b < w1; ++b, ++iy) {
        if (iy >= m1) iy -= m1;
        rows[nrows] = 2 * (static_cast<std::size_t>(iz) * m1 + iy) * m0;
        row_weights[nrows++] = k2[c] * k1[b];
      }
    }
    const int i0 = p.first[3 * j];
    if (i0 + W <= m0) {
      for (int r = 0; r < nrows; ++r) {
        double* g = grid + rows[r] + 2 * i0;
        const double s = row_weights[r];
        for (int e = 0; e < 2 * W; ++e) g[e] += s * row_values[e];
      }
    } else {  // the kernel wraps around the end of the row
      const int head = 2 * (m0 - i0);
      for (int r = 0; r < nrows; ++r) {
        double* g = grid + rows[r];
        const double s = row_weights[r];
        for (int e = 0; e < head; ++e) g[2 * i0 + e] += s * row_values[e];
        for (int e = head; e < 2 * W; ++e) g[e - head] += s * row_values[e];
      }
    }
  }
}

using SpreadFn = void (*)(Plan&);
template <std::size_t... I>
constexpr std::array<SpreadFn, sizeof...(I)> spread_table(std::index_sequence<I...>) {
  return {&spread<static_cast<int>(I) + 1>...};
}
constexpr auto kSpread = spread_table(std::make_index_sequence<kMaxWidth>{});

}  // namespace

NufftIntensity::NufftIntensity(const QSet& q, double tolerance) : plan_(std::make_unique<Plan>()) {
  Plan& p = *plan_;
  p.w = kernel_width(tolerance);
  p.beta = 2.30 * p.w;
  const auto lo = q.n_min(), hi = q.n_max();
  // Active axes (more than one index) become the fastest internal dimensions.
  std::array<int, 3> half{};
  int d = 0;
  for (int pass = 0; pass < 2; ++pass)
    for (int a = 0; a < 3; ++a) {
      const bool active = hi[a] > lo[a];
      if (active != (pass == 0)) continue;
      p.axis[d] = a;
      p.centre[a] = lo[a] + (hi[a] - lo[a]) / 2;
      half[d] = std::max(hi[a] - p.centre[a], p.centre[a] - lo[a]);
      if (active) {
        p.size[d] = smooth_size(std::max(2 * (2 * half[d] + 1), 2 * p.w));
        p.width[d] = p.w;
        ++p.rank;
      }
      ++d;
    }
  const double points = static_cast<double>(p.size[0]) * p.size[1] * p.size[2];
  require(points <= kMaxGridPoints, [&] {
    return fmt::format(
        "md intensity: the NUFFT grid for q indices {}..{}, {}..{}, {}..{} would have "
        "{:.3g} points ({:.1f} GiB); lower qmax or use the direct method",
        lo[0], hi[0], lo[1], hi[1], lo[2], hi[2], points, points * 16 / (1 << 30));
  });
  p.grid_points = static_cast<std::size_t>(p.size[0]) * p.size[1] * p.size[2];
  p.grid = fftw_alloc_complex(p.grid_points);
  require(p.grid != nullptr, [&] {
    return "md intensity: cannot allocate the NUFFT grid of " + std::to_string(p.grid_points) +
           " points; use a smaller q region or the direct method";
  });
  if (p.rank > 0) {
    int dims[3];
    for (int k = 0; k < p.rank; ++k) dims[k] = p.size[p.rank - 1 - k];  // row-major, slowest first
    std::lock_guard lock(planner_mutex());
    p.fft = fftw_plan_dft(p.rank, dims, p.grid, p.grid, FFTW_BACKWARD, FFTW_ESTIMATE);
  }
  require(p.rank == 0 || p.fft != nullptr, "md intensity: FFTW could not plan the NUFFT grid");

  // 1 / psihat(m) per internal dimension for m in [-half, half], by Gauss-Legendre quadrature of
  // psihat(m) = (w/2) int_{-1}^{1} phi(z) cos(pi m w z / M) dz.
  std::vector<double> gx, gw;
  gauss_legendre(2 * p.w + 40, gx, gw);
  std::array<std::vector<double>, 3> inv_hat;
  for (d = 0; d < 3; ++d) {
    inv_hat[d].assign(2 * half[d] + 1, 1.0);
    if (p.width[d] == 1) continue;
    for (int m = -half[d]; m <= half[d]; ++m) {
      double s = 0;
      for (std::size_t k = 0; k < gx.size(); ++k)
        s += gw[k] * p.kernel(gx[k]) * std::cos(std::numbers::pi * m * p.w * gx[k] / p.size[d]);
      inv_hat[d][m + half[d]] = 1 / (0.5 * p.w * s);
    }
  }
  p.out_index.resize(q.size());
  p.out_scale.resize(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) {
    std::size_t index = 0, stride = 1;
    double scale = 1;
    for (d = 0; d < 3; ++d) {
      const int m = q.n[i][p.axis[d]] - p.centre[p.axis[d]];
      const int g = m < 0 ? m + p.size[d] : m;
      index += static_cast<std::size_t>(g) * stride;
      stride *= p.size[d];
      const double h = inv_hat[d][m + half[d]];
      scale *= h * h;
    }
    p.out_index[i] = index;
    p.out_scale[i] = scale;
  }
}

NufftIntensity::~NufftIntensity() = default;

// Nanoseconds on one core (AMD EPYC, SSE2 build, measured with bench_md_intensity): 40 per atom
// (coordinates, sort, weights), 6 per kernel value, 0.3 per grid point an atom is spread onto,
// 0.3 G log2 G for the FFT of G points and 1 per grid point to clear it, 2 per q.
double NufftIntensity::cost(const QSet& q, std::size_t atoms, double tolerance) {
  const int w = kernel_width(tolerance);
  const auto lo = q.n_min(), hi = q.n_max();
  double points = 1, per_atom = 40, spread = 1;
  for (int a = 0; a < 3; ++a) {
    if (hi[a] == lo[a]) continue;
    const int half = (hi[a] - lo[a] + 1) / 2;
    points *= smooth_size(std::max(2 * (2 * half + 1), 2 * w));
    per_atom += 6.0 * w;
    spread *= w;
  }
  if (spread > 1) per_atom += 0.3 * spread;
  if (points > kMaxGridPoints) return std::numeric_limits<double>::infinity();
  const double fft = points > 1 ? 0.3 * points * std::log2(points) + points : 0;
  return static_cast<double>(atoms) * per_atom + fft + 2.0 * static_cast<double>(q.size());
}

void NufftIntensity::compute(std::span<const double> positions, const Box& box,
                             std::span<const double> weights, std::span<double> out) {
  Plan& p = *plan_;
  const std::size_t atoms = weights.size();
  fractional_coordinates(positions, box, p.t);
  p.z0.resize(3 * atoms);
  p.first.resize(3 * atoms);
  p.cre.resize(atoms);
  p.cim.resize(atoms);
  p.key.resize(atoms);
  p.order.resize(atoms);
  std::array<int, 3> bins{};
  for (int d = 0; d < 3; ++d) bins[d] = (p.size[d] + kSortBlock - 1) / kSortBlock;
  p.count.assign(static_cast<std::size_t>(bins[0]) * bins[1] * bins[2] + 1, 0);
  const double half_width = 0.5 * p.w, to_z = 2.0 / p.w;
  for (std::size_t j = 0; j < atoms; ++j) {
    double phase = 0;
    std::uint32_t key = 0;
    for (int d = 2; d >= 0; --d) {
      const int a = p.axis[d];
      const double t = p.t[3 * j + a];
      phase += p.centre[a] * t;
      int first = 0;
      double z0 = 0;
      if (p.width[d] > 1) {
        const double u = t * p.size[d];
        first = static_cast<int>(std::ceil(u - half_width));
        z0 = (first - u) * to_z;
        first %= p.size[d];
        if (first < 0) first += p.size[d];
      }
      p.first[3 * j + d] = first;
      p.z0[3 * j + d] = z0;
      key = key * bins[d] + first / kSortBlock;
    }
    p.key[j] = key;
    ++p.count[key + 1];
    phase -= std::floor(phase);
    p.cre[j] = weights[j] * std::cos(kTwoPi * phase);
    p.cim[j] = weights[j] * std::sin(kTwoPi * phase);
  }
  for (std::size_t b = 1; b < p.count.size(); ++b) p.count[b] += p.count[b - 1];
  for (std::size_t j = 0; j < atoms; ++j)
    p.order[p.count[p.key[j]]++] = static_cast<std::uint32_t>(j);

  std::memset(p.grid, 0, p.grid_points * sizeof(fftw_complex));
  kSpread[p.width[0] - 1](p);
  if (p.fft != nullptr) fftw_execute(p.fft);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double* g = p.grid[p.out_index[i]];
    out[i] = (g[0] * g[0] + g[1] * g[1]) * p.out_scale[i];
  }
}

}  // namespace glassy::md::detail
