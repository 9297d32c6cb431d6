// synth/relaxation: the field correlation F(x) the generator imposes, as a function of the
// material-time lag x (in units of tau): KWW exp(-x^beta) or Mittag-Leffler E_beta(-x^beta).
// Both are completely monotone for beta <= 1, so they are superpositions of exponential
// relaxations; the Gaussian generator realises them as a Prony series sum_k w_k exp(-r_k x)
// with non-negative weights fitted over the lags the run can see.
#pragma once

#include <glassy/synth/params.hpp>

#include <vector>

namespace glassy::synth {

// F(x) for the chosen dynamics (ctrw: the age-0 form E_beta(-x^beta) its walkers produce).
double target_isf(Dynamics dynamics, double beta, double x);

struct PronySeries {
  std::vector<double> rate;    // r_k = 1 / tau_k, in units of 1/tau
  std::vector<double> weight;  // w_k >= 0, sum 1 (the field has unit variance)
  double max_abs_error = 0;    // max |sum - target| over the fitted lags
  double eval(double x) const;
};

// Fits non-negative weights on rates spaced `per_decade` per decade so that the series matches
// F over material lags [x_min, x_max] (relative weighting keeps the power-law tail of ML).
PronySeries fit_prony(Dynamics dynamics, double beta, double x_min, double x_max, int per_decade);

// Non-negative least squares min |A w - b|, w >= 0 (Lawson & Hanson's active-set method).
// A is row-major rows x cols.
std::vector<double> nnls(const std::vector<double>& A, std::size_t rows, std::size_t cols,
                         const std::vector<double>& b);

}  // namespace glassy::synth
