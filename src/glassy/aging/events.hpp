// aging/events: intermittent events, the abrupt decorrelations between consecutive frames that
// split the two-time map into blocks (paper: one at about 202,500 s that doubles <t>).
//
// Input is the near-diagonal band of one q-bin's map, band[f * K + (k - 1)] = C(f, f - k) for
// k = 1..K (what corr's DiagonalBandReducer keeps), NaN where unavailable.
//
// At the paper's photon rate one pair's C is ~8 times noisier than the whole correlation it
// carries, so no handful of pairs can show an event: the evidence of every pair that straddles a
// candidate frame f, at every lag the band holds, is pooled. For each lag k the pairs across f
// (k of them) are compared with lag-matched pairs that do not straddle f, inside the blocks
// f-b..f-1 and f..f+b-1 (b - k each, b = block_frames(k, h)): lag-matched, the difference is zero
// on average wherever nothing happens, aging or not (linear trends of C along the diagonal cancel
// between the two blocks). An event that removes a fraction phi of the correlation lowers the pairs
// across it by phi (C_k - 1), so the lag differences d_k are combined as a matched filter,
//   phi_hat(f) = sum_k A_k d_k / v_k / sum_k A_k^2 / v_k,   error 1 / sqrt(sum_k A_k^2 / v_k),
// with A_k = C_k - 1 and v_k = s_k^2 (1 / n_within + 1 / n_across) both measured on the band in
// a neighbourhood of f (local mean and scatter of C at lag k): the weights follow the local decay,
// so lags beyond the local tau, which carry no signal, add no noise. phi_hat is the fraction of
// correlation lost, and phi_hat / error its significance against an analytic null (independent
// pairs); the significance is then divided by the run's own robust spread of it when that is
// larger than 1 (correlated noise the analytic null misses), never multiplied up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace glassy::aging {

struct NoveltyOptions {
  std::size_t half_width = 0;      // kernel half-width h in frames; 0: default_half_width(K)
  double threshold_sigma = 5.0;    // significance an event must exceed
  std::size_t min_separation = 0;  // frames between reported events; 0: h
};

// 2 K, at least 4: lags up to K are pooled and the longest of them still has K lag-matched
// reference pairs on each side.
std::size_t default_half_width(std::size_t K);

// Lags pooled by a kernel of half-width h on a band of K lags: min(K, h - 1).
std::size_t pooled_lags(std::size_t K, std::size_t h);

// Frames of the blocks either side of a candidate at lag k: min(h, 4 k), so 3 k lag-matched
// pairs on each side (the error is within 8 % of infinitely long blocks). Short lags compare with
// near frames only: a change of dynamics (tau steps at an event, or within a few windows) moves the
// score only over ~4 local tau around it, not over the whole kernel.
std::size_t block_frames(std::size_t k, std::size_t h);

// Frames of the neighbourhood over which A_k and s_k are measured, on each side: 2 h.
std::size_t reference_half_width(std::size_t h);

struct NoveltyScore {
  std::vector<double> loss;        // phi_hat per frame; NaN where not scanned
  std::vector<double> loss_error;  // its analytic standard error
};

// The matched-filter loss and its error at every frame. NaN where the kernel does not fit inside
// the run (f < h or f + h > frames), where less than half of its nominal pairs are available, or
// where the neighbourhood shows no correlation at any pooled lag. half_width 0 picks
// default_half_width(K).
NoveltyScore novelty_score(std::span<const float> band, std::size_t K, std::size_t frames,
                           std::size_t half_width);

// The analytic standard error of phi_hat for pairs of noise pair_sigma and a local correlation
// g2_minus_1[k - 1] = C_k - 1 at lags k = 1.. (what glassy plan predicts with): the matched
// filter's 1 / sqrt(sum_k A_k^2 / v_k) over the lags pooled by half-width h.
double loss_error(std::span<const double> g2_minus_1, double pair_sigma, std::size_t h);

struct Event {
  std::size_t frame;    // first frame after the event
  double time;          // s, of that frame
  double strength;      // fraction of the correlation lost across the event (phi_hat)
  double strength_err;  // its analytic standard error
  double significance;  // phi_hat / error, divided by the run's spread when that exceeds 1
  double p_value;       // one-sided Gaussian tail of the significance, times the frames scanned
  // The paper's signature, "an abrupt decorrelation from one recorded speckle pattern to the
  // next": mean C(g, g - 1) over the kernel's within-block neighbours minus C(frame, frame - 1).
  // One pair, so far noisier than strength; NaN when that pair is unavailable.
  double correlation_drop;
};

// Events in one q-bin's band. times: s per frame (strictly increasing); valid: 0 for frames to
// ignore. A gap (a time step over 1.5x the median step) is not an event: pairs across it are
// dropped from every kernel (their frame lag is not their time lag) and candidates within one
// frame of it are not reported. Candidates are local maxima of the significance above
// threshold_sigma, kept strongest first at least min_separation apart. In frame order.
std::vector<Event> detect_events(std::span<const float> band, std::size_t K,
                                 std::span<const double> times, std::span<const std::uint8_t> valid,
                                 const NoveltyOptions& options);

}  // namespace glassy::aging
