// md/intensity_methods (internal to md/intensity): the two engines behind IntensityCalculator.
// Both take positions [N][3] (unwrapped is fine), the box and one real weight f_j per atom, and
// write |sum_j f_j exp(i q.r_j)|^2 for each q of the set they were built for.
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include <glassy/md/reciprocal.hpp>

namespace glassy::md::detail {

// Fractional coordinates t in [0, 1) of each atom on each axis, [N][3]: exp(i 2 pi n t) is the
// lattice phase whatever the image the unwrapped position sits in.
void fractional_coordinates(std::span<const double> positions, const Box& box,
                            std::vector<double>& t);

// Separable direct sum: per-axis phase tables exp(i 2 pi n t) built by recurrence (re-anchored
// by an exact sincos every few steps), q grouped in rows that share two indices, atoms in blocks
// that keep the tables in cache.
class DirectIntensity {
 public:
  explicit DirectIntensity(const QSet& q);
  void compute(std::span<const double> positions, const Box& box, std::span<const double> weights,
               std::span<double> out);
  static double cost(const QSet& q, std::size_t atoms);

 private:
  struct Row {
    int n_outer0, n_outer1;  // the two shared indices (axes outer_[0], outer_[1])
    std::size_t begin, end;  // range in order_
  };
  std::array<int, 3> lo_{}, size_{};  // index range of the tables per axis
  int inner_ = 0;                     // axis that varies along a row
  std::array<int, 2> outer_{1, 2};
  std::vector<Row> rows_;
  std::vector<std::size_t> order_;  // q indices, row by row
  std::vector<int> inner_n_;        // inner index for each entry of order_
  std::vector<double> t_, table_re_, table_im_, yz_re_, yz_im_;
  std::vector<std::complex<double>> sum_;
};

// Type-1 non-uniform FFT onto the lattice q of the set (see intensity.cpp for the scheme).
class NufftIntensity {
 public:
  NufftIntensity(const QSet& q, double tolerance);
  ~NufftIntensity();
  void compute(std::span<const double> positions, const Box& box, std::span<const double> weights,
               std::span<double> out);
  static double cost(const QSet& q, std::size_t atoms, double tolerance);

  struct Plan;  // grid, FFTW plan and scratch; defined in intensity_nufft.cpp

 private:
  std::unique_ptr<Plan> plan_;
};

}  // namespace glassy::md::detail
