// aging/analysis: the paper's age-resolved study in one call, and what it did by eye.
//  1. g2(t, t_a) over age windows (default 1000 s, 5 lags per decade) with errors, the short-time
//     plateau g2(0, t_a), the long-time plateau g2(inf) (over a named span, or detected where the
//     band has decorrelated), R(t, t_a).
//  2. KWW and Mittag-Leffler fits per window; unresolved windows are flagged, not fitted.
//  3. Histories <t>, tau, beta, g2(0, t_a); the detrended contrast and its anti-correlation with
//     <t> (sliding Pearson with significance); time-aging superposition on spans or regimes.
//  4. Intermittent events from a checkerboard kernel along the diagonal of the map.
//  5. Aging regimes by change-point segmentation of log tau(t_a) (KWW).
//  6. The long-time view (Fig. 5): one-time g2(t) over the whole run, KWW vs ML.
#pragma once

#include <glassy/aging/events.hpp>
#include <glassy/aging/regimes.hpp>
#include <glassy/corr/correlate.hpp>
#include <glassy/fit/fit.hpp>

#include <optional>
#include <string>
#include <vector>

namespace glassy::aging {

struct AgingOptions {
  CorrelateOptions corr;  // window_s, per_decade, plateau span, partition, budget, ...
  // Frames path: the band is kept (and stored) at this finer age step, and the analysis windows
  // (corr.window_s, a whole multiple of it) are merged from it; absent: the step is the window.
  std::optional<double> age_step_s;
  int bin = 0;  // 0-based dynamic bin analysed
  bool fit_kww = true, fit_ml = true;
  std::optional<double> contrast_slope;  // m of g2'(0, t_a) = g2(0, t_a) - m t_a; fitted if absent
  std::size_t pearson_windows = 20;      // sliding Pearson window, in age windows
  std::vector<std::pair<double, double>> tas_spans;  // s; empty: each detected aging regime
  RegimeOptions regimes;
  NoveltyOptions events;
  // Lags (frames) of the diagonal band kept for event detection; absent: one analysis window's
  // frames, 2 to 512 (window_band_frames).
  std::optional<std::size_t> event_band;
  // Frames path: g2(t, t_a) keeps the pairs that straddle a detected event or a gap (the paper's
  // definition); by default they are removed (corr/straddle), so no window mixes before and after.
  bool keep_straddling_pairs = false;

  // Every field in range (the correlation's included); throws glassy::Error naming the field.
  void validate() const;
  // The band's lags for frames dt seconds apart.
  std::size_t event_lags(double dt) const {
    return event_band ? *event_band : window_band_frames(corr.window_s, dt);
  }
};

// The numeric fields of AgingOptions, the correlation's included (core/options.hpp).
const std::vector<Field<AgingOptions>>& aging_fields();

struct WindowFit {
  bool ok = false;
  std::string reason;
  double tau = 0, tau_err = 0, beta = 0, beta_err = 0, chi2_red = 0;
  // A of R = A * model(t), R normalised by g2(0, t_a) as in the file: about 1 / R(one frame).
  double amplitude = 1;
  double mean_time = 0, mean_time_err = 0;  // KWW only
};

// How the window fits' errors of tau, beta and <t> were made (analysis.cpp calibrate_errors):
// the fit covariance (independent lag bins) times a factor per parameter, the root mean ratio of
// the delete-one jackknife variance over the window's error blocks to the covariance variance.
struct ErrorCalibration {
  double tau = 1, beta = 1, mean_time = 1;  // the factors
  std::size_t windows = 0;                  // windows whose jackknife went into them
  std::string method;
};

struct TasFit {
  double start, end;
  bool ok;
  std::string reason;
  double tau0, tau0_err, tstar, tstar_err;
};

struct PearsonPoint {
  double t_a, r, p_value;
};

struct EventReport {
  Event event;
  double mean_time_before = 0, mean_time_after = 0;  // <t> of the windows next to it
};

// AIC difference below which the long-time KWW-vs-ML comparison states no preference.
inline constexpr double kDecisiveAicGap = 4.0;

struct OnetimeView {
  std::vector<double> lag, g2, g2_err, r, r_err;  // exponentially binned, R normalised
  fit::FitResult kww, ml;
  std::vector<double> kww_residual, ml_residual;  // relative: (R - model) / model
  double max_difference_time = 0;                 // where the two fits differ most (s)
  // "kww" or "ml" by AIC, "undecided" when their AICs differ by less than kDecisiveAicGap,
  // "none" when neither fit.
  std::string preferred;
};

struct AgingResult {
  Correlation corr;
  std::vector<double> t_a, window_centre, lag;  // s
  std::vector<double> g2, g2_err;               // [window][lag]
  std::vector<double> g2_0, g2_0_err;           // [window]
  // Dynamical heterogeneity chi4(t, t_a) [window][lag]: the variance of C(t_a + t, t_a) over the
  // window's pairs at each lag, over (g2(0, t_a) - g2(inf))^2 (pyCHX's normalised four-point
  // susceptibility). The pairs' shot noise adds a floor that hardly depends on the lag, so
  // chi4_excess is chi4 minus its mean over the window's last three lag bins (decorrelated pairs
  // where the window reaches them), and chi4_peak / chi4_peak_lag its maximum per window.
  std::vector<double> chi4, chi4_excess;
  std::vector<double> chi4_peak, chi4_peak_lag;
  double g2_inf = 1, g2_inf_err = 0;
  std::string g2_inf_method;
  bool g2_inf_measured = true;  // false: no lag qualified, g2(inf) = 1 assumed (see the method)
  std::vector<WindowFit> kww, ml;
  ErrorCalibration kww_errors, ml_errors;
  double contrast_slope = 0;
  std::vector<double> contrast_detrended;  // g2(0, t_a) - m t_a
  double pearson_all = 0, pearson_all_p = 1;
  std::vector<PearsonPoint> pearson;
  std::vector<TasFit> tas;
  std::vector<EventReport> events;
  Regimes regimes;
  OnetimeView onetime;
  std::vector<std::pair<double, double>> gaps;
  double window_s = 0;      // the analysis windows (a multiple of the stored age step)
  std::string events_note;  // why events were not searched, when they were not
  std::string straddling;   // whether pairs across events and gaps are in g2(t, t_a), and why
};

// From frames: correlate() (keeping the band at age_step_s when given), then the tables.
AgingResult analyse_aging(FrameSource& source, const AgingOptions& options);
// From correlation tables (a frames run, a stored result, a foreign map): options.corr.window_s
// is the analysis window, a whole multiple of the tables' age step; options.bin the q bin.
AgingResult analyse_aging(Correlation correlation, const AgingOptions& options);

// The /glassy/aging group (design.md layout) and the APS groups of the correlation.
void write_aging(const h5::File& file, const AgingResult& result);
// One CSV per history (t_a, values, errors) into `dir`, named PREFIX_<history>.csv.
void write_history_csv(const std::filesystem::path& dir, const std::string& prefix,
                       const AgingResult& result);
// A short plain-text summary: windows, range of <t>, events, regimes, preferred long-time model.
std::string summarise(const AgingResult& result);

}  // namespace glassy::aging
