#include <glassy/aging/analysis.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/median.hpp>
#include <glassy/corr/straddle.hpp>
#include <glassy/corr/tables.hpp>

#include <fmt/format.h>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>
#include <limits>

namespace glassy::aging {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Fewer filled error blocks than this and a window keeps its fit-covariance errors.
constexpr std::size_t kMinJackknifeBlocks = 4;
// Windows with a jackknife needed to pool its factor over the run.
constexpr std::size_t kMinPooledWindows = 5;

// Two-sided p value of a Pearson r over n pairs (Student t with n - 2 degrees of freedom).
double pearson_p(double r, std::size_t n) {
  if (n < 3 || !std::isfinite(r)) return 1.0;
  if (std::abs(r) >= 1) return 0.0;
  const double t = r * std::sqrt((n - 2.0) / (1 - r * r));
  boost::math::students_t dist(static_cast<double>(n - 2));
  return 2 * boost::math::cdf(boost::math::complement(dist, std::abs(t)));
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  if (x.size() < 3) return kNaN;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : kNaN;
}

// g2(inf): the mean of C beyond the lag where the one-time g2 has decorrelated, i.e. the
// smallest lag from which every later lag bin agrees with the plateau within 3 sigma.
void long_time_plateau(const OneTimeReducer& source, int bin, bool named_span, AgingResult& r) {
  const std::size_t nl = source.lags();
  for (std::size_t l = 0; l < nl; ++l) {
    const double lag = source.lag_seconds(l);
    if (!std::isfinite(lag)) continue;
    const auto cand = source.plateau_beyond(bin, lag);
    std::size_t bins = 0;
    bool consistent = true;
    for (std::size_t k = l; k < nl; ++k) {
      const auto g = source.g2(bin, k);
      if (g.n == 0) continue;
      ++bins;
      if (std::abs(g.mean - cand.mean) > 3 * std::max(g.error, cand.error)) consistent = false;
    }
    if (bins >= 3 && consistent && cand.n > 0) {
      r.g2_inf = cand.mean;
      r.g2_inf_err = cand.error;
      r.g2_inf_method = fmt::format(
          "{}: mean of C over lags >= {:.4g} s, where the one-time g2 has decorrelated "
          "({} pairs in {} lag bins)",
          named_span ? "named span" : "whole run", lag, cand.n, bins);
      return;
    }
  }
  // Never decorrelated: no plateau can be measured; 1 is the Gaussian-statistics limit.
  r.g2_inf_measured = false;
  r.g2_inf = 1.0;
  r.g2_inf_err = 0.0;
  r.g2_inf_method =
      "not decorrelated within the run: g2(inf) set to 1 (Siegert limit); name a span with "
      "--plateau-span-s";
}

// R is normalised by the plateau at one frame spacing, which sits below the true R(0) = 1 when
// the decay is not much slower than a frame (R(dt) = exp(-2 (dt/tau)^beta)). Fitting
// R = A * model(t) with the amplitude A free (baseline held at 0) removes that bias; for tau >> dt,
// as in the paper, A = 1 and the fit is the paper's.
fit::FitResult fit_normalised(fit::Model model, const std::vector<double>& t,
                              const std::vector<double>& R, const std::vector<double>& sigma) {
  fit::FitOptions o;
  o.sigma = sigma;
  o.free_contrast_baseline = true;
  o.fixed["baseline"] = 0.0;
  // Physical stretching: below ~0.2 a noisy window trades tau against beta and <t> =
  // (tau/beta) Gamma(1/beta) explodes (1e8 s seen at paper scale); such windows are flagged.
  o.bounds["beta"] = {0.2, 2.0};
  return fit::fit(model, t, R, o);
}

// One window's decay as fitted: R = (g2 - g2_inf) / height at each lag with a finite g2 and a
// positive error. The height is the weighted mean of g2 - g2(inf) over the first three lag bins:
// the paper's g2(0, t_a) uses the lag-one pairs alone, which at ~0.005 photons per pixel and frame
// is as noisy as the contrast itself; the free amplitude of the fit absorbs the choice. Means come
// from `mean(l)` (the window's, or with one error block left out), errors are the window's.
struct WindowCurve {
  std::vector<double> t, R, sigma;
  double height = kNaN, height_err = 0, max_lag = 0;
};

template <typename Mean>
WindowCurve window_curve(const std::vector<double>& lag, const double* err, double g2_inf,
                         Mean mean) {
  WindowCurve c;
  const std::size_t nl = lag.size();
  double hw = 0, hs = 0;
  for (std::size_t l = 0, used = 0; l < nl && used < 3; ++l) {
    const double g = mean(l), e = err[l];
    if (!std::isfinite(g) || !(e > 0)) continue;
    hs += (g - g2_inf) / (e * e);
    hw += 1 / (e * e);
    ++used;
  }
  if (hw > 0) c.height = hs / hw, c.height_err = 1 / std::sqrt(hw);
  for (std::size_t l = 0; l < nl; ++l) {
    const double g = mean(l), e = err[l];
    if (!std::isfinite(g) || !std::isfinite(lag[l]) || !(e > 0)) continue;
    c.t.push_back(lag[l]);
    c.R.push_back((g - g2_inf) / c.height);
    c.sigma.push_back(e / std::abs(c.height));
    c.max_lag = std::max(c.max_lag, lag[l]);
  }
  return c;
}

// Delete-one jackknife variance of an estimate from its leave-one-out values.
double jackknife_variance(const std::vector<double>& v) {
  const double n = static_cast<double>(v.size());
  double mean = 0, acc = 0;
  for (double x : v) mean += x / n;
  for (double x : v) acc += (x - mean) * (x - mean);
  return (n - 1) / n * acc;
}

// Jackknife variances of one window's tau, beta and <t> (NaN where not available).
struct JackknifeVariance {
  double tau = kNaN, beta = kNaN, mean_time = kNaN;
};

// The fit of one window, with the fit covariance's errors (independent lag bins assumed), and
// the delete-one jackknife variances over the window's error blocks when every leave-one-out fit
// succeeds: they carry the correlation between lag bins that per-point errors cannot (one block
// of bright speckle moves the whole curve). calibrate_errors() combines the two.
WindowFit fit_window(fit::Model model, const WindowCurve& c,
                     const std::vector<WindowCurve>& leave_one_out, JackknifeVariance& jk) {
  WindowFit w;
  const auto f = fit_normalised(model, c.t, c.R, c.sigma);
  if (!f.ok) {
    w.reason = f.reason;
    return w;
  }
  w.tau = f.param("tau");
  w.tau_err = f.error_of("tau");
  w.beta = f.param("beta");
  w.beta_err = f.error_of("beta");
  w.chi2_red = f.chi2_red;
  w.amplitude = f.param("contrast");
  if (f.mean_time) w.mean_time = *f.mean_time, w.mean_time_err = f.mean_time_error.value_or(0);
  if (w.tau > 3 * c.max_lag) {
    w.reason =
        fmt::format("decay not resolved: tau {:.3g} s beyond the window's lags (max {:.3g} s)",
                    w.tau, c.max_lag);
    return w;
  }
  w.ok = true;
  if (leave_one_out.size() < kMinJackknifeBlocks) return w;
  std::vector<double> tau, beta, mean_time;
  for (const auto& sub : leave_one_out) {
    if (sub.t.size() < 4 || !(sub.height > 0)) return w;
    const auto g = fit_normalised(model, sub.t, sub.R, sub.sigma);
    if (!g.ok) return w;
    tau.push_back(g.param("tau"));
    beta.push_back(g.param("beta"));
    if (g.mean_time) mean_time.push_back(*g.mean_time);
  }
  jk.tau = jackknife_variance(tau);
  jk.beta = jackknife_variance(beta);
  if (mean_time.size() == tau.size() && f.mean_time) jk.mean_time = jackknife_variance(mean_time);
  return w;
}

// A window's jackknife has the few degrees of freedom of its blocks (7 for 8: error bars 27 %
// noisy, and a 1-SE interval that holds 65 %, not 68 %). The ratio of jackknife to covariance
// variance, the part the covariance misses, is pooled instead: its median over the fitted
// windows, over the median of the chi-square the ratio follows (kBandErrorBlocks - 1 degrees of
// freedom), scales every window's covariance error. A median, not a mean: at the paper's photon
// rate a few windows' leave-one-block-out fits run off (tau x100) and a mean of ratios became a
// factor of 5,000. Fewer than kMinPooledWindows windows with a jackknife: each window keeps its own
// jackknife error where it has one.
ErrorCalibration calibrate_errors(std::vector<WindowFit>& fits,
                                  const std::vector<JackknifeVariance>& jk) {
  ErrorCalibration cal;
  std::vector<double> rt, rb, rm;
  for (std::size_t w = 0; w < fits.size(); ++w) {
    const auto& f = fits[w];
    if (!f.ok || !std::isfinite(jk[w].tau) || !(f.tau_err > 0) || !(f.beta_err > 0)) continue;
    rt.push_back(jk[w].tau / (f.tau_err * f.tau_err));
    rb.push_back(jk[w].beta / (f.beta_err * f.beta_err));
    if (std::isfinite(jk[w].mean_time) && f.mean_time_err > 0)
      rm.push_back(jk[w].mean_time / (f.mean_time_err * f.mean_time_err));
  }
  const std::size_t nt = rt.size();
  cal.windows = nt;
  if (nt >= kMinPooledWindows) {
    cal.method = fmt::format(
        "fit covariance x pooled jackknife factor (median over {} windows, {} error blocks each)",
        nt, kBandErrorBlocks);
    // Median of chi-square_k / k (Wilson-Hilferty), k = blocks - 1.
    const double k = static_cast<double>(kBandErrorBlocks - 1);
    const double chi2_median = std::pow(1 - 2 / (9 * k), 3);
    auto factor = [&](std::vector<double>& r) {
      return r.empty() ? 1.0 : std::sqrt(median(r) / chi2_median);
    };
    cal.tau = factor(rt);
    cal.beta = factor(rb);
    cal.mean_time = factor(rm);
    for (auto& f : fits) {
      if (!f.ok) continue;
      f.tau_err *= cal.tau;
      f.beta_err *= cal.beta;
      f.mean_time_err *= cal.mean_time;
    }
    return cal;
  }
  cal.method = "per-window jackknife where available, else the fit covariance";
  for (std::size_t w = 0; w < fits.size(); ++w) {
    if (!fits[w].ok || !std::isfinite(jk[w].tau)) continue;
    fits[w].tau_err = std::sqrt(jk[w].tau);
    fits[w].beta_err = std::sqrt(jk[w].beta);
    if (std::isfinite(jk[w].mean_time)) fits[w].mean_time_err = std::sqrt(jk[w].mean_time);
  }
  return cal;
}

// The long-time view (Fig. 5): one-time g2 over the whole run, normalised by g2_inf, KWW vs ML.
OnetimeView long_time_view(const OneTimeReducer& one, int bin, double g2_inf) {
  OnetimeView v;
  double g0 = kNaN;
  for (std::size_t l = 0; l < one.lags(); ++l) {
    const auto g = one.g2(bin, l);
    if (g.n == 0 || !(g.error > 0)) continue;
    if (!std::isfinite(g0)) g0 = g.mean;
    v.lag.push_back(one.lag_seconds(l));
    v.g2.push_back(g.mean);
    v.g2_err.push_back(g.error);
  }
  const double h = g0 - g2_inf;
  for (std::size_t i = 0; i < v.lag.size(); ++i) {
    v.r.push_back((v.g2[i] - g2_inf) / h);
    v.r_err.push_back(v.g2_err[i] / std::abs(h));
  }
  v.preferred = "none";
  if (v.lag.size() < 4 || !(h > 0)) return v;
  v.kww = fit_normalised(fit::Model::Kww, v.lag, v.r, v.r_err);
  v.ml = fit_normalised(fit::Model::MittagLeffler, v.lag, v.r, v.r_err);
  for (std::size_t i = 0; i < v.lag.size(); ++i) {
    const double k = v.kww.ok ? fit::evaluate(fit::Model::Kww, v.kww, v.lag[i]) : kNaN;
    const double m = v.ml.ok ? fit::evaluate(fit::Model::MittagLeffler, v.ml, v.lag[i]) : kNaN;
    v.kww_residual.push_back((v.r[i] - k) / k);
    v.ml_residual.push_back((v.r[i] - m) / m);
  }
  if (v.kww.ok && v.ml.ok) {
    // A gap under kDecisiveAicGap is no preference: on seeded runs of either truth every wrong
    // call had a smaller gap (tests/aging/test_model_choice.cpp).
    v.preferred = std::abs(v.ml.aic - v.kww.aic) < kDecisiveAicGap ? "undecided"
                  : v.ml.aic < v.kww.aic                           ? "ml"
                                                                   : "kww";
    double worst = -1;
    const double lo = std::log10(v.lag.front()), hi = std::log10(v.lag.back());
    for (int i = 0; i <= 400; ++i) {
      const double t = std::pow(10.0, lo + (hi - lo) * i / 400);
      const double d = std::abs(fit::evaluate(fit::Model::Kww, v.kww, t) -
                                fit::evaluate(fit::Model::MittagLeffler, v.ml, t));
      if (d > worst) worst = d, v.max_difference_time = t;
    }
  } else {
    v.preferred = v.ml.ok ? "ml" : (v.kww.ok ? "kww" : "none");
  }
  return v;
}

// The lag from which the long-time view's fits (both, where both fitted: the slower tail rules)
// have decayed below `level` (in units of R); infinity when a fit never gets there within 1e4
// times the longest lag, NaN when neither fitted.
double decorrelation_lag(const OnetimeView& v, double level) {
  double lag = kNaN;
  for (const auto& [model, f] :
       {std::pair{fit::Model::Kww, &v.kww}, {fit::Model::MittagLeffler, &v.ml}}) {
    if (!f->ok) continue;
    double found = std::numeric_limits<double>::infinity();
    const double lo = std::log10(v.lag.front()), hi = std::log10(v.lag.back()) + 4;
    for (int i = 0; i <= 600; ++i) {
      const double t = std::pow(10.0, lo + (hi - lo) * i / 600);
      if (fit::evaluate(model, *f, t) < level) {
        found = t;
        break;
      }
    }
    lag = std::isfinite(lag) ? std::max(lag, found) : found;
  }
  return lag;
}

// g2(inf) over the whole run, really long-time: only from lags where the fitted decay of the
// long-time view is below half the plateau's own standard error (what is left of the decay
// cannot bias it), refitting with each new g2(inf) until it settles. The first fits are made
// against the Siegert limit 1, not the detected plateau: a plateau taken too early sits on the
// tail, pulls the long lags of R below zero, makes the fits decay faster, and the next plateau
// would start earlier still; the start only moves later. A heavy tail (Mittag-Leffler) or a
// slow decay may leave no such lag inside the run: then g2(inf) is the Siegert limit 1, flagged,
// and the user is told to name a span.
void settle_long_time_plateau(const OneTimeReducer& one, int bin, AgingResult& r) {
  double g2_inf = 1.0, from = 0.0, error = r.g2_inf_err;
  const auto siegert = [&](const std::string& why) {
    r.g2_inf = 1.0;
    r.g2_inf_err = 0.0;
    r.g2_inf_measured = false;
    r.g2_inf_method = why +
                      ": g2(inf) set to 1 (Siegert limit), flagged; name a span with "
                      "--plateau-span-s";
  };
  for (int iteration = 0; iteration < 8; ++iteration) {
    const auto view = long_time_view(one, bin, g2_inf);
    if (view.lag.empty()) return;
    const double height = view.g2.front() - g2_inf;
    if (!(height > 0) || !(error > 0)) return;
    const double level = 0.5 * error / height;
    const double lag = decorrelation_lag(view, level);
    if (std::isnan(lag)) return;  // nothing fitted: keep the detected plateau
    if (!std::isfinite(lag))
      return siegert(fmt::format(
          "no lag of the run is beyond the decay (the fitted long-time decay stays above half the "
          "plateau's error, {:.2g} of its amplitude, past {:.4g} s)",
          level, view.lag.back()));
    from = std::max(from, lag);
    const auto cand = one.plateau_beyond(bin, from);
    std::size_t bins = 0;
    for (std::size_t l = 0; l < one.lags(); ++l)
      if (one.lag_seconds(l) >= from && one.g2(bin, l).n > 0) ++bins;
    if (cand.n == 0 || bins < 2)
      return siegert(
          fmt::format("fewer than two lag bins beyond {:.4g} s, where the fitted "
                      "long-time decay falls below half the plateau's error",
                      from));
    const bool settled = std::abs(cand.mean - g2_inf) <= 0.1 * cand.error;
    g2_inf = r.g2_inf = cand.mean;
    error = r.g2_inf_err = cand.error;
    r.g2_inf_method = fmt::format(
        "whole run: mean of C over lags >= {:.4g} s, where the fitted long-time decay is below "
        "half the plateau's error ({} pairs in {} lag bins)",
        from, cand.n, bins);
    if (settled) return;
  }
}

// The intermittent events of the analysed bin, from the correlation's diagonal band: the cuts
// of the frames path and the events the analysis reports are this one call.
std::vector<Event> events_of(const Correlation& c, const AgingOptions& options) {
  return detect_events(c.diagonal->band(options.bin), c.diagonal->width(), c.clock->times(),
                       c.stats.frame_valid, options.events);
}

// How far from a cut its straddling pairs are removed. Pairs at lags where C has decorrelated
// carry no bias from an event they straddle (C = g2(inf) either way), and removing them costs
// ~reach^2 pairs per cut (the whole run's lags made the cuts cost as much as the correlation at
// the paper preset). The reach is the lag from which the run's one-time g2 stays within 3 errors
// of its far level (mean over the last quarter of the lags), from 10 to 40 age windows: a
// heavy-tailed decay that has not ended within the run (the paper preset's, ML 0.6 with tau
// aging to ~10^4 s) would otherwise make it the whole run. Beyond 40 windows a straddling pair
// carries a bias of the event's loss times g2(40 windows) - 1, and there are few of them.
std::size_t cut_reach_frames(const Correlation& c, const AgingOptions& options) {
  const double floor_s = 10 * options.corr.window_s, cap_s = 40 * options.corr.window_s;
  const auto& one = *c.onetime;
  const std::size_t nl = one.lags();
  double reach_s = floor_s;
  if (nl >= 8 && options.bin < c.partition.n_dynamic()) {
    const auto far = one.plateau_beyond(options.bin, one.lag_seconds(3 * nl / 4));
    std::size_t from = nl;
    while (from > 0) {
      const auto g = one.g2(options.bin, from - 1);
      if (g.n == 0) {
        --from;
        continue;
      }
      if (std::abs(g.mean - far.mean) > 3 * std::hypot(g.error, far.error)) break;
      --from;
    }
    if (from < nl) reach_s = std::max(reach_s, one.lag_seconds(from));
  }
  reach_s = std::min(reach_s, cap_s);
  return static_cast<std::size_t>(std::ceil(reach_s / c.clock->dt()));
}

// The analysis of a correlation; `known_events`, when given, are events_of(c, options) already
// found (the frames path finds them to cut at; the diagonal band the search reads is not
// changed by the cut), so the band is not scanned twice.
AgingResult analyse_correlation(Correlation correlation, const AgingOptions& options,
                                std::optional<std::vector<Event>> known_events);

}  // namespace

AgingResult analyse_aging(FrameSource& source, const AgingOptions& options) {
  options.validate();  // at the library entry: a bad value is named before any work
  CorrelateOptions co = options.corr;
  co.twotime = true;
  co.diagonal_band = std::max(co.diagonal_band, options.event_lags(source.info().step()));
  if (options.age_step_s) co.window_s = *options.age_step_s;
  auto c = correlate(source, co);
  if (!options.keep_straddling_pairs && c.band && c.diagonal && c.clock &&
      options.bin < c.partition.n_dynamic()) {
    // Cut at the gaps and at the events the analysis will report (same band, same detector).
    auto cuts = frames_after_gaps(c);
    auto events = events_of(c, options);
    for (const auto& e : events) cuts.push_back(e.frame);
    const auto removal =
        remove_straddling_pairs(source, c, cuts, co.budget, cut_reach_frames(c, options));
    std::vector<double> cut_times;
    for (std::size_t f : removal.cut_frames) cut_times.push_back(c.clock->time(f));
    c.straddle_cuts = cut_times;
    c.straddle_reach_s = static_cast<double>(removal.reach_frames) * c.clock->dt();
    return analyse_correlation(std::move(c), options, std::move(events));
  }
  return analyse_aging(std::move(c), options);
}

AgingResult analyse_aging(Correlation correlation, const AgingOptions& options) {
  options.validate();
  return analyse_correlation(std::move(correlation), options, std::nullopt);
}

namespace {

AgingResult analyse_correlation(Correlation correlation, const AgingOptions& options,
                                std::optional<std::vector<Event>> known_events) {
  AgingResult r;
  r.corr = std::move(correlation);
  const auto& c = r.corr;
  if (c.straddle_cuts) {
    std::string at;
    for (double t : *c.straddle_cuts) at += fmt::format("{}{:.6g} s", at.empty() ? "" : ", ", t);
    r.straddling = c.straddle_cuts->empty()
                       ? "removed (no event or gap to cut at)"
                       : fmt::format(
                             "removed: no pair within {:.6g} s straddles the cuts at {} "
                             "(beyond that lag C has decorrelated)",
                             c.straddle_reach_s.value_or(0), at);
  } else {
    r.straddling = options.keep_straddling_pairs || c.origin.rfind("frames", 0) == 0
                       ? "kept (--keep-straddling-pairs: the paper's definition)"
                       : "kept: the correlation was not made from frames here, and a band cannot "
                         "be cut without them (run glassy age on the frames)";
  }
  require(c.band && c.onetime && c.plateau && c.clock,
          "the correlation has no two-time tables (a multi-tau-only result): run glassy corr "
          "with --mode twotime or both");
  require(options.bin >= 0 && options.bin < c.partition.n_dynamic(),
          fmt::format("--bin {} does not exist: the partition has {} dynamic bins", options.bin + 1,
                      c.partition.n_dynamic()));
  const int bin = options.bin;
  for (const auto& g : c.stats.gaps) r.gaps.emplace_back(g.start, g.end);
  // The analysis windows: the stored age step, or k of them merged.
  std::unique_ptr<AgeBandReducer> merged;
  if (options.corr.window_s != c.band->window_s())
    merged = merge_age_windows(*c.band, *c.clock, options.corr.window_s);
  const AgeBandReducer& band = merged ? *merged : *c.band;
  r.window_s = band.window_s();

  // 1. g2(t, t_a), plateaus, R.
  const std::size_t nw = band.windows(), nl = band.lags();
  for (std::size_t l = 0; l < nl; ++l) r.lag.push_back(band.lag_seconds(l));
  r.g2.assign(nw * nl, kNaN);
  r.g2_err.assign(nw * nl, kNaN);
  for (std::size_t w = 0; w < nw; ++w) {
    r.t_a.push_back(band.window_start(w));
    r.window_centre.push_back(band.window_start(w) + band.window_s() / 2);
    const auto p = band.plateau(bin, w);
    r.g2_0.push_back(p.n ? p.mean : kNaN);
    r.g2_0_err.push_back(p.n ? p.error : kNaN);
    for (std::size_t l = 0; l < nl; ++l) {
      const auto g = band.g2(bin, w, l);
      if (g.n == 0) continue;
      r.g2[w * nl + l] = g.mean;
      r.g2_err[w * nl + l] = g.error;
    }
  }
  const bool named_span = c.setup.plateau_span.has_value();
  long_time_plateau(named_span ? *c.plateau : *c.onetime, bin, named_span, r);
  if (!named_span && r.g2_inf_measured) settle_long_time_plateau(*c.onetime, bin, r);
  r.onetime = long_time_view(*c.onetime, bin, r.g2_inf);

  // Dynamical heterogeneity, normalised by each window's squared contrast.
  r.chi4.assign(nw * nl, kNaN);
  r.chi4_excess.assign(nw * nl, kNaN);
  r.chi4_peak.assign(nw, kNaN);
  r.chi4_peak_lag.assign(nw, kNaN);
  for (std::size_t w = 0; w < nw; ++w) {
    const double contrast = r.g2_0[w] - r.g2_inf;
    if (!(contrast > 0)) continue;
    std::vector<std::size_t> filled;
    for (std::size_t l = 0; l < nl; ++l) {
      const double v = band.pair_variance(bin, w, l);
      if (!std::isfinite(v)) continue;
      r.chi4[w * nl + l] = v / (contrast * contrast);
      filled.push_back(l);
    }
    if (filled.size() < 4) continue;
    double floor = 0;
    for (std::size_t i = filled.size() - 3; i < filled.size(); ++i)
      floor += r.chi4[w * nl + filled[i]] / 3;
    for (std::size_t l : filled) {
      const double e = r.chi4[w * nl + l] - floor;
      r.chi4_excess[w * nl + l] = e;
      if (!(e <= r.chi4_peak[w])) r.chi4_peak[w] = e, r.chi4_peak_lag[w] = r.lag[l];
    }
  }

  // 2. Fits per window on R = (g2 - g2_inf) / (g2_0 - g2_inf).
  r.kww.resize(nw);
  r.ml.resize(nw);
  std::vector<JackknifeVariance> jk_kww(nw), jk_ml(nw);
  // The windows are independent (each writes only its own fits): on the threads, the first
  // failure (in window order) rethrown after the loop.
  std::vector<std::exception_ptr> failures(nw);
  const auto fit_one = [&](std::size_t w) {
    const double* err = &r.g2_err[w * nl];
    const auto full =
        window_curve(r.lag, err, r.g2_inf, [&](std::size_t l) { return r.g2[w * nl + l]; });
    std::string reason;
    if (!std::isfinite(full.height))
      reason = "no frame pairs in this window (gap or beyond the run)";
    else if (full.t.size() < 4)
      reason = fmt::format("too few lags ({}) to fit", full.t.size());
    else if (full.height < 3 * full.height_err)
      reason =
          fmt::format("flat data: g2 at the shortest lags is not above g2(inf) ({:.2g} +- {:.2g})",
                      full.height, full.height_err);
    if (!reason.empty()) {
      r.kww[w].reason = r.ml[w].reason = reason;
      return;
    }
    // The same curve with each error block of the window left out in turn (jackknife).
    std::vector<WindowCurve> leave_one_out;
    for (std::size_t j = 0; j < kBandErrorBlocks; ++j)
      if (band.block_filled(bin, w, j))
        leave_one_out.push_back(window_curve(r.lag, err, r.g2_inf, [&](std::size_t l) {
          return band.g2_without_block(bin, w, l, j);
        }));
    if (options.fit_kww) r.kww[w] = fit_window(fit::Model::Kww, full, leave_one_out, jk_kww[w]);
    if (options.fit_ml)
      r.ml[w] = fit_window(fit::Model::MittagLeffler, full, leave_one_out, jk_ml[w]);
    // Stored amplitudes refer to the file's R = (g2 - g2_inf) / (g2_0 - g2_inf), the paper's.
    const double to_file_r = full.height / (r.g2_0[w] - r.g2_inf);
    r.kww[w].amplitude *= to_file_r;
    r.ml[w].amplitude *= to_file_r;
  };
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t w = 0; w < nw; ++w) {
    try {
      fit_one(w);
    } catch (...) {
      failures[w] = std::current_exception();
    }
  }
  for (const auto& failure : failures)
    if (failure) std::rethrow_exception(failure);
  r.kww_errors = calibrate_errors(r.kww, jk_kww);
  r.ml_errors = calibrate_errors(r.ml, jk_ml);

  // 3. Detrended contrast and its anti-correlation with <t>.
  {
    std::vector<double> x, y, wt;
    for (std::size_t w = 0; w < nw; ++w)
      if (std::isfinite(r.g2_0[w]) && r.g2_0_err[w] > 0)
        x.push_back(r.window_centre[w]), y.push_back(r.g2_0[w]),
            wt.push_back(1 / (r.g2_0_err[w] * r.g2_0_err[w]));
    if (options.contrast_slope) {
      r.contrast_slope = *options.contrast_slope;
    } else if (x.size() >= 2) {
      double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
      for (std::size_t i = 0; i < x.size(); ++i)
        sw += wt[i], sx += wt[i] * x[i], sy += wt[i] * y[i], sxx += wt[i] * x[i] * x[i],
            sxy += wt[i] * x[i] * y[i];
      const double den = sw * sxx - sx * sx;
      r.contrast_slope = den > 0 ? (sw * sxy - sx * sy) / den : 0.0;
    }
    r.contrast_detrended.resize(nw);
    for (std::size_t w = 0; w < nw; ++w)
      r.contrast_detrended[w] = r.g2_0[w] - r.contrast_slope * r.window_centre[w];
    std::vector<double> a, b, ta;
    for (std::size_t w = 0; w < nw; ++w)
      if (r.kww[w].ok && std::isfinite(r.contrast_detrended[w]))
        a.push_back(r.contrast_detrended[w]), b.push_back(r.kww[w].mean_time),
            ta.push_back(r.window_centre[w]);
    r.pearson_all = pearson(a, b);
    r.pearson_all_p = pearson_p(r.pearson_all, a.size());
    const std::size_t half = options.pearson_windows / 2;
    if (a.size() >= options.pearson_windows && options.pearson_windows >= 3)
      for (std::size_t i = half; i + (options.pearson_windows - half) <= a.size(); ++i) {
        std::vector<double> sa(
            a.begin() + static_cast<std::ptrdiff_t>(i - half),
            a.begin() + static_cast<std::ptrdiff_t>(i - half + options.pearson_windows));
        std::vector<double> sb(
            b.begin() + static_cast<std::ptrdiff_t>(i - half),
            b.begin() + static_cast<std::ptrdiff_t>(i - half + options.pearson_windows));
        const double rr = pearson(sa, sb);
        r.pearson.push_back({ta[i], rr, pearson_p(rr, sa.size())});
      }
  }

  // 4. Intermittent events from the diagonal band.
  if (!c.diagonal)
    r.events_note =
        "not searched: the correlation keeps no diagonal band (glassy corr does not; "
        "run glassy age on the frames)";
  if (c.diagonal) {
    const auto events = known_events ? std::move(*known_events) : events_of(c, options);
    for (const auto& e : events) {
      EventReport rep{e, 0, 0};
      double sb = 0, nb = 0, sa = 0, na = 0;
      for (std::size_t w = 0; w < nw; ++w) {
        if (!r.kww[w].ok) continue;
        const double dt = r.window_centre[w] - e.time;
        if (dt < 0 && dt > -3 * band.window_s()) sb += r.kww[w].mean_time, nb += 1;
        if (dt > 0 && dt < 3 * band.window_s()) sa += r.kww[w].mean_time, na += 1;
      }
      rep.mean_time_before = nb > 0 ? sb / nb : kNaN;
      rep.mean_time_after = na > 0 ? sa / na : kNaN;
      r.events.push_back(rep);
    }
  }

  // 5. Regimes: segments of log10 tau(t_a) (KWW). Not of <t> = (tau / beta) Gamma(1 / beta): at
  // the paper preset's noise the fitted beta scatters 0.3-0.6 (truth 0.6), which moves <t> by up
  // to x3 at constant tau and turned a stationary stretch into "acceleration"; tau follows the
  // truth within its errors there.
  {
    std::vector<double> t, y, e;
    for (std::size_t w = 0; w < nw; ++w) {
      t.push_back(r.window_centre[w]);
      const auto& k = r.kww[w];
      const bool use = k.ok && k.tau > 0 && k.tau_err > 0;
      y.push_back(use ? std::log10(k.tau) : kNaN);
      e.push_back(use ? k.tau_err / (k.tau * std::log(10.0)) : kNaN);
    }
    std::vector<double> breaks;  // no regime spans a detected event
    for (const auto& ev : r.events) breaks.push_back(ev.event.time);
    r.regimes = segment_history(t, y, e, r.gaps, options.regimes, breaks);
  }

  // Time-aging superposition on named spans, else on each aging regime.
  std::vector<std::pair<double, double>> spans = options.tas_spans;
  if (spans.empty())
    for (const auto& s : r.regimes.segments)
      if (s.label == "aging") spans.emplace_back(s.start, s.end);
  for (const auto& [a, b] : spans) {
    std::vector<double> t, tau, sig;
    for (std::size_t w = 0; w < nw; ++w)
      if (r.kww[w].ok && r.window_centre[w] >= a && r.window_centre[w] <= b && r.kww[w].tau_err > 0)
        t.push_back(r.window_centre[w]), tau.push_back(r.kww[w].tau),
            sig.push_back(r.kww[w].tau_err);
    TasFit tf{a, b, false, "", 0, 0, 0, 0};
    if (t.size() < 3) {
      tf.reason = "fewer than 3 fitted windows in the span";
    } else {
      const auto f = fit::fit(fit::Model::TimeAgingSuperposition, t, tau, {sig, {}, {}, false});
      tf.ok = f.ok;
      tf.reason = f.reason;
      if (f.ok)
        tf.tau0 = f.param("tau0"), tf.tau0_err = f.error_of("tau0"), tf.tstar = f.param("tstar"),
        tf.tstar_err = f.error_of("tstar");
    }
    r.tas.push_back(tf);
  }

  return r;
}

}  // namespace

}  // namespace glassy::aging
