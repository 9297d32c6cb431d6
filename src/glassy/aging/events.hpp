// aging/events: intermittent events, the abrupt decorrelations between consecutive frames that
// split the two-time map into blocks (paper: one at about 202,500 s that doubles <t>).
//
// Input is the near-diagonal band of one q-bin's map, band[f * K + (k - 1)] = C(f, f - k) for
// k = 1..K (what corr's DiagonalBandReducer keeps), NaN where unavailable. A checkerboard kernel
// (Foote 2000) slides along the diagonal: at frame f it compares C within the past block
// (f-h..f-1) and the future block (f..f+h-1) with C across them. Within and cross pairs are
// compared lag by lag: the plain kernel mixes short within-block lags with long cross lags, so it
// carries a baseline from the decay of C that drifts with tau(t_a) and would need detrending;
// lag-matched, the score is zero on average wherever nothing happens, aging or not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace glassy::aging {

struct NoveltyOptions {
  std::size_t half_width = 0;      // kernel half-width h in frames; 0: default_half_width(K)
  double threshold_sigma = 5.0;    // robust z-score an event must exceed
  std::size_t min_separation = 0;  // frames between reported events; 0: 2 h
};

// min(K, 20), at least 2: lags beyond K are not in the band, and at h = 20 the score already
// weighs ~90 pairs' worth (noise sigma_C / 9.5) while an event still moves it within 20 frames.
std::size_t default_half_width(std::size_t K);

// Lag-matched checkerboard novelty along the diagonal, one value per frame, in units of C: the
// weighted mean over lags k = 1..min(h - 1, K) of mean C(within blocks, lag k) - mean C(cross,
// lag k), each lag weighted by n_within n_cross / (n_within + n_cross) (inverse variance of the
// difference for equal per-pair noise). NaN-aware; NaN where the kernel does not fit inside the
// run (f < h or f + h > frames) or where less than half of its nominal weight is available.
// half_width 0 picks default_half_width(K).
std::vector<double> novelty_score(std::span<const float> band, std::size_t K, std::size_t frames,
                                  std::size_t half_width);

struct Event {
  std::size_t frame;    // first frame after the event
  double time;          // s, of that frame
  double strength;      // novelty score at the frame (mean loss of C across it, lag-matched)
  double significance;  // (score - median) / (1.4826 MAD) over the frames scanned
  double p_value;       // one-sided Gaussian tail of the significance, times the frames scanned
  // The paper's signature, "an abrupt decorrelation from one recorded speckle pattern to the
  // next": mean C(g, g - 1) over the kernel's within-block neighbours minus C(frame, frame - 1).
  // One pair, so noisier than strength; NaN when that pair is unavailable.
  double correlation_drop;
};

// Events in one q-bin's band. times: s per frame (strictly increasing); valid: 0 for frames to
// ignore. A gap (a time step over 1.5x the median step) is not an event: pairs across it are
// dropped from every kernel (their frame lag is not their time lag) and candidates within one
// frame of it are not reported. Candidates are local maxima of the score above
// median + threshold_sigma * 1.4826 * MAD, kept strongest first at least min_separation apart.
// Returned in frame order.
std::vector<Event> detect_events(std::span<const float> band, std::size_t K,
                                 std::span<const double> times, std::span<const std::uint8_t> valid,
                                 const NoveltyOptions& options);

}  // namespace glassy::aging
