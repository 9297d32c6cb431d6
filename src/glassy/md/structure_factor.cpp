#include "glassy/md/structure_factor.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "glassy/core/error.hpp"
#include "glassy/md/intensity.hpp"
#include "glassy/md/reciprocal.hpp"

namespace glassy::md {
namespace {

// Every lattice q with 0 < |q| < qmax, one of each +-q pair (same I, so the same mean: half the
// work; counts are doubled back), and its bin.
struct Binning {
  QSet q;
  std::vector<std::size_t> bin;
  std::size_t bins = 0;
  double dq = 0;
};

Binning make_bins(std::span<const Snapshot> snapshots, double qmax, double dq) {
  require(!snapshots.empty(), "md structure_factor: no snapshots given");
  require(std::isfinite(qmax) && qmax > 0 && std::isfinite(dq) && dq > 0 && dq <= qmax, [&] {
    return fmt::format(
        "md structure_factor: need 0 < dq <= qmax, got dq = {:g}, qmax = {:g} "
        "(1/sigma)",
        dq, qmax);
  });
  Binning b;
  const auto spacing = reciprocal_spacing(snapshots.front().box);
  const double q_zero_excluded = 0.5 * std::min({spacing[0], spacing[1], spacing[2]});
  b.q = shell(snapshots.front().box, q_zero_excluded, qmax, FriedelPairs::KeepOne);
  b.dq = dq;
  b.bins = static_cast<std::size_t>(std::ceil(qmax / dq));
  b.bin.resize(b.q.size());
  for (std::size_t i = 0; i < b.q.size(); ++i)
    b.bin[i] = std::min(b.bins - 1, static_cast<std::size_t>(b.q.q_norm[i] / dq));
  return b;
}

// Mean over snapshots of I(q) / sum_j f_j^2 for every q of the binning.
std::vector<double> mean_normalised_intensity(std::span<const Snapshot> snapshots,
                                              std::span<const int> species,
                                              const std::vector<double>& form_factors,
                                              const QSet& q, double tolerance) {
  IntensityCalculator calc(q, species, form_factors, IntensityMethod::Auto, tolerance);
  double f2 = 0;
  for (int s : species) f2 += form_factors[s] * form_factors[s];
  require(f2 > 0, "md structure_factor: all form factors are zero; S(q) is undefined");
  std::vector<double> mean(q.size(), 0.0), one(q.size());
  for (const Snapshot& snap : snapshots) {
    calc.compute(snap, one);
    for (std::size_t i = 0; i < q.size(); ++i) mean[i] += one[i];
  }
  const double scale = 1.0 / (f2 * static_cast<double>(snapshots.size()));
  for (double& v : mean) v *= scale;
  return mean;
}

StructureFactor reduce(const Binning& b, const std::vector<double>& value) {
  std::vector<double> q(b.bins, 0.0), s(b.bins, 0.0);
  std::vector<std::size_t> count(b.bins, 0);
  for (std::size_t i = 0; i < b.q.size(); ++i) {
    q[b.bin[i]] += b.q.q_norm[i];
    s[b.bin[i]] += value[i];
    ++count[b.bin[i]];
  }
  StructureFactor out;
  out.dq = b.dq;
  for (std::size_t k = 0; k < b.bins; ++k) {
    if (count[k] == 0) continue;
    out.q.push_back(q[k] / static_cast<double>(count[k]));
    out.s.push_back(s[k] / static_cast<double>(count[k]));
    out.count.push_back(2 * count[k]);  // each kept q stands for itself and -q
  }
  return out;
}

}  // namespace

StructureFactor structure_factor(std::span<const Snapshot> snapshots, std::span<const int> species,
                                 double qmax, double dq, std::vector<double> form_factors,
                                 double tolerance) {
  const Binning b = make_bins(snapshots, qmax, dq);
  return reduce(b, mean_normalised_intensity(snapshots, species, form_factors, b.q, tolerance));
}

StructureFactor structure_factor(const Snapshot& snapshot, std::span<const int> species,
                                 double qmax, double dq, std::vector<double> form_factors,
                                 double tolerance) {
  return structure_factor(std::span<const Snapshot>(&snapshot, 1), species, qmax, dq,
                          std::move(form_factors), tolerance);
}

PartialStructureFactors partial_structure_factors(std::span<const Snapshot> snapshots,
                                                  std::span<const int> species, int a, int b,
                                                  double qmax, double dq, double tolerance) {
  require(a >= 0 && b >= 0 && a != b, [&] {
    return fmt::format(
        "md partial_structure_factors: need two different species >= 0, got {} and "
        "{}",
        a, b);
  });
  const int species_count = std::max(a, b) + 1;
  double na = 0, nb = 0;
  for (int s : species) {
    require(s >= 0, "md partial_structure_factors: negative species index");
    na += s == a, nb += s == b;
  }
  require(na > 0 && nb > 0, [&] {
    return fmt::format(
        "md partial_structure_factors: species {} has {} atoms and species {} has {}; "
        "both must be present",
        a, na, b, nb);
  });
  const Binning bins = make_bins(snapshots, qmax, dq);
  // Species beyond a and b get form factor 0; the form-factor list must cover every species.
  int highest = species_count - 1;
  for (int s : species) highest = std::max(highest, s);
  auto selecting = [&](bool with_a, bool with_b) {
    std::vector<double> f(highest + 1, 0.0);
    f[a] = with_a, f[b] = with_b;
    return f;
  };
  // mean_normalised_intensity divides by sum f^2 = N_a, N_b or N_a + N_b: undo it.
  auto ia =
      mean_normalised_intensity(snapshots, species, selecting(true, false), bins.q, tolerance);
  auto ib =
      mean_normalised_intensity(snapshots, species, selecting(false, true), bins.q, tolerance);
  auto iab =
      mean_normalised_intensity(snapshots, species, selecting(true, true), bins.q, tolerance);
  std::vector<double> cross(bins.q.size());
  for (std::size_t i = 0; i < cross.size(); ++i) {
    // |F_a + F_b|^2 - |F_a|^2 - |F_b|^2 = 2 Re(F_a conj(F_b)); ia, ib are already |F|^2 / N.
    cross[i] = 0.5 * (iab[i] * (na + nb) - ia[i] * na - ib[i] * nb) / std::sqrt(na * nb);
  }
  PartialStructureFactors out;
  out.aa = reduce(bins, ia);
  out.bb = reduce(bins, ib);
  out.ab = reduce(bins, cross);
  return out;
}

Peak first_peak(const StructureFactor& sq, double q_lo, double q_hi) {
  require(sq.q.size() == sq.s.size() && sq.q.size() == sq.count.size(),
          "md first_peak: S(q) columns have different lengths");
  std::size_t best = sq.q.size();
  for (std::size_t k = 0; k < sq.q.size(); ++k)
    if (sq.q[k] >= q_lo && sq.q[k] <= q_hi && (best == sq.q.size() || sq.s[k] > sq.s[best]))
      best = k;
  require(best < sq.q.size(), [&] {
    return fmt::format("md first_peak: no S(q) bin in {:g} <= q <= {:g} 1/sigma", q_lo, q_hi);
  });
  Peak peak{sq.q[best], sq.s[best], best};
  // Weighted least squares s = c0 + c1 x + c2 x^2 in x = q - q_best over best-2 .. best+2.
  const std::size_t from = best >= 2 ? best - 2 : 0, to = std::min(sq.q.size() - 1, best + 2);
  if (to - from < 2) return peak;
  double m[3][4] = {};
  for (std::size_t k = from; k <= to; ++k) {
    const double x = sq.q[k] - sq.q[best],
                 w = static_cast<double>(std::max<std::size_t>(1, sq.count[k]));
    const double p[3] = {1, x, x * x};
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) m[r][c] += w * p[r] * p[c];
      m[r][3] += w * p[r] * sq.s[k];
    }
  }
  for (int c = 0; c < 3; ++c) {  // Gauss-Jordan with partial pivoting on the 3x3 normal equations
    int pivot = c;
    for (int r = c + 1; r < 3; ++r)
      if (std::abs(m[r][c]) > std::abs(m[pivot][c])) pivot = r;
    if (std::abs(m[pivot][c]) < 1e-300) return peak;
    for (int k = 0; k < 4; ++k) std::swap(m[c][k], m[pivot][k]);
    for (int r = 0; r < 3; ++r) {
      if (r == c) continue;
      const double f = m[r][c] / m[c][c];
      for (int k = c; k < 4; ++k) m[r][k] -= f * m[c][k];
    }
  }
  const double c0 = m[0][3] / m[0][0], c1 = m[1][3] / m[1][1], c2 = m[2][3] / m[2][2];
  if (!(c2 < 0)) return peak;
  const double x = -c1 / (2 * c2);
  if (x < sq.q[from] - sq.q[best] || x > sq.q[to] - sq.q[best]) return peak;
  peak.q = sq.q[best] + x;
  peak.s = c0 + c1 * x + c2 * x * x;
  return peak;
}

}  // namespace glassy::md
