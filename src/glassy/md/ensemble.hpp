// md/ensemble: `glassy md ensemble`, the temperature studies of several glasses made with one
// protocol (`glassy md study`, one glass each) taken together. One glass cannot test the trap
// model: the exponent 1 + beta' of glasses made alike differs by ~0.05 at N = 1000, 3-5 times a
// run's fit error (docs/md.md, stop 28), and a fit with the fit errors alone rejected the model
// where the spread between glasses did not. The ensemble estimates that spread from glasses that
// share a temperature (method of moments, as a random-effects meta-analysis does), adds it to
// every exponent's error, and fits the trap model 1 + beta' = 1 + T/T0 to every glass's stated
// exponent with those errors.
#pragma once

#include <glassy/md/temperature_study.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace glassy::md {

struct EnsembleOptions {
  // The spread of 1 + beta' between glasses at one temperature beyond their fit errors (a
  // standard deviation), when known from a larger ensemble; absent: estimated from the studies,
  // which needs two glasses with a stated exponent at one temperature at least.
  std::optional<double> sample_spread;
  // Estimate the spread from every fitted exponent (the maximum-likelihood 1 + beta' of a run
  // whose exponent is not stated too: how much the estimate varies between glasses does not
  // depend on whether a power law describes the tail) instead of the stated ones only. The trap
  // model is fitted to stated exponents either way.
  bool spread_from_fitted = false;
};

// One glass's stated exponent at one temperature.
struct EnsemblePoint {
  std::size_t study = 0;   // index into the studies given
  std::string label;       // the temperature as the study gave it ("0.95Tf", "0.457")
  double temperature = 0;  // LJ; for a label relative to Tf it differs with each glass's Tf
  double alpha = 0, alpha_err = 0;  // 1 + beta' and its fit error
};

// The glasses at one temperature label.
struct EnsembleTemperature {
  std::string label;
  std::size_t studies = 0;      // studies that ran it
  std::size_t stated = 0;       // of them, with a stated exponent (only these enter)
  double mean_temperature = 0;  // of the stated ones (NaN: none)
  double mean_alpha = 0;        // unweighted mean of the stated exponents (NaN: none)
  double sd_alpha = 0;          // their standard deviation (NaN below 2)
  double se_alpha = 0;          // error of the mean: sqrt(sum of (fit error^2 + spread^2)) / stated
};

// The spread between glasses, by the method of moments: over the temperatures with k >= 2 stated
// exponents a_i (fit errors e_i), E[sum (a_i - mean)^2] = (k - 1) spread^2 + (k - 1)/k sum e_i^2.
struct SampleSpread {
  bool ok = false;
  std::string reason;        // why not estimated
  double spread = 0;         // >= 0 (clipped: the exponents agree within their fit errors)
  std::size_t dof = 0;       // sum of (k - 1)
  double rms_fit_error = 0;  // of the exponents that entered, for comparison
};

SampleSpread estimate_sample_spread(const std::vector<EnsemblePoint>& points);

struct Ensemble {
  std::vector<std::filesystem::path> studies;
  std::vector<std::string> glasses;      // each study's glass, as it recorded it
  std::string compared;                  // the waiting times all studies compared (exchange, ...)
  std::optional<double> xmin_intervals;  // their fixed x_min (snapshot intervals); absent: by KS
  std::vector<EnsemblePoint> points;     // the stated exponents
  std::vector<EnsemblePoint> fitted;     // every fitted one (alpha_mle), stated or not
  std::vector<EnsembleTemperature> temperatures;  // in order of first appearance
  SampleSpread estimated;   // from `points`, or `fitted` with EnsembleOptions::spread_from_fitted
  std::string spread_from;  // which: "stated exponents" or "every fitted exponent"
  // The spread used: EnsembleOptions::sample_spread when given, else the estimate; absent when
  // neither (then the trap model's T0 is fitted with the fit errors and no goodness of fit is
  // stated: they are known to be too small).
  std::optional<double> spread;
  TrapModelFit trap;
  std::vector<std::string> warnings;  // e.g. two studies naming the same glass file
};

// The statistics alone, from points already gathered (temperatures and spread, trap model).
void combine_points(Ensemble& e, const EnsembleOptions& options);

// Reads the study files (/glassy/md/study), combines them and writes `out`
// (/glassy/md/ensemble) atomically; `out` may not be a study. Throws glassy::Error on a file that
// is not a study, a study given twice, or studies that compared different waiting times or chose
// x_min differently.
Ensemble combine_studies(const std::vector<std::filesystem::path>& studies,
                         const std::filesystem::path& out, const EnsembleOptions& options);

}  // namespace glassy::md
