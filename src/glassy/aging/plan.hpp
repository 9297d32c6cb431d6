// aging/plan: what a beamtime can resolve, before it is measured (`glassy plan`). From the photon
// rate, the speckle contrast, the pixels of a q bin, the frame time and the age window: the error
// of g2 per lag bin, of tau, beta and <t> per window, and the smallest intermittent event the
// analysis flags at 5 sigma, from the noise model the analysis itself stands on:
//  - one pair's C(t1, t2) = <I1 I2>_p / (<I1>_p <I2>_p) over N pixels at n photons per pixel and
//    frame has variance (1 + beta g1^2) / (N n^2) (Poisson photons on speckle, leading order in
//    n: valid while n (1 + beta) << 1, the photon-starved regime of metallic-glass XPCS; the next
//    order adds a relative ~n (1 + 2 beta));
//  - pairs are independent at that rate (shot noise dominates the speckle noise by ~1 / (n^2 N)),
//    so a lag bin's error is that over the square root of its pairs (frames of the window times
//    the bin's distinct lags: the batch-means design effect is ~1 there);
//  - the window fit's errors from the Fisher matrix of R = A exp(-2 (t/tau)^beta) on those lag
//    bins, <t> = (tau/beta) Gamma(1/beta) by the delta method;
//  - the event search (aging/events: matched filter over the lags of the diagonal band) estimates
//    the fraction of correlation lost with the error aging::loss_error() gives for the expected
//    g2 - 1 at each lag; 5 times that error is the smallest event flagged.
#pragma once

#include <glassy/core/options.hpp>

#include <optional>
#include <string>
#include <vector>

namespace glassy::aging {

struct PlanOptions {
  double rate = 0.005;                    // photons per pixel per frame (the paper: ~0.005)
  double contrast = 0.05;                 // speckle contrast beta = g2(0) - 1
  double pixels = 266256;                 // pixels in the q bin (516 x 516)
  double frame_time = 2.5;                // s
  double window_s = 1000;                 // s, age window of g2(t, t_a)
  double tau = 500;                       // s, KWW relaxation time expected
  double beta = 0.7;                      // KWW stretching expected
  int per_decade = 5;                     // lag bins per decade
  std::optional<std::size_t> event_band;  // frames of lags pooled; absent: as glassy age
  void validate() const;
};

const std::vector<Field<PlanOptions>>& plan_fields();

struct PlanLag {
  double lag;         // s, centre of the bin's lags
  double pairs;       // in one window
  double g2_minus_1;  // expected beta exp(-2 (t/tau)^b)
  double g2_err;      // expected standard error
};

struct Plan {
  double pair_sigma = 0;  // noise of one pair's C
  std::vector<PlanLag> lags;
  double g2_0_err = 0;  // the lag-one plateau of one window
  double tau_err = 0, beta_err = 0, mean_time = 0, mean_time_err = 0;
  std::size_t event_lags = 0;        // lags pooled by the event search
  double event_sigma = 0;            // error of the fraction of correlation lost
  double event_fraction_5sigma = 0;  // smallest fraction of correlation lost flagged at 5 sigma
  std::string validity;              // where the noise model stops holding, when it does
};

Plan plan_beamtime(const PlanOptions& options);
std::string describe(const Plan& plan, const PlanOptions& options);

}  // namespace glassy::aging
