// report/data: everything the HTML report shows, read from an AGING.h5 file (the /glassy/aging
// group of design.md and the downsampled two-time map under /xpcs/twotime).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace glassy::report {

struct ModelCurve {  // one-time fit: A, tau, beta (NaN when the fit failed) and relative residuals
  double amplitude = 1, tau = 0, beta = 0;
  std::vector<double> residual;
};

struct ReportData {
  std::filesystem::path source;
  double window_s = 0;
  // Two-time map [map_n x map_n], row-major; cell i covers map_start + [i, i+1) * cell_seconds.
  std::vector<double> map;
  std::size_t map_n = 0;
  double map_start = 0, cell_seconds = 0;
  std::vector<double> time, i0;                  // I0(t) per frame
  std::vector<double> gap_start, gap_end;        // s
  std::vector<double> event_time;                // s
  std::vector<double> regime_start, regime_end;  // s
  std::vector<std::string> regime_label;         // aging, stationary, acceleration
  std::vector<double> tas_start, tas_end, tas_tau0, tas_tstar;
  // Per age window.
  std::vector<double> t_a, t_a_centre, g2_0, g2_0_err, contrast_detrended;
  std::vector<double> tau, tau_err, beta, beta_err, mean_time, mean_time_err, chi2_red;
  std::vector<double> amplitude;  // A of the KWW window fit, R = A exp(-2 (t/tau)^beta)
  std::vector<std::string> flag;
  std::vector<double>
      chi4_peak;  // max over lags of chi4's excess over its noise floor; may be empty
  double pearson_all = 0;
  // g2(t, t_a) [windows x lags] and the plateaus it is normalised with.
  std::vector<double> lag, g2, g2_err;
  double g2_inf = 1, g2_inf_err = 0;
  std::string g2_inf_method;
  // One-time view (Fig. 5).
  std::vector<double> one_lag, one_r, one_r_err;
  ModelCurve kww, ml;
  std::string preferred;
  std::optional<nlohmann::json> provenance;  // /glassy/provenance, when the file has one
};

// Reads `file`; glassy::Error naming the file when it is missing, not HDF5 or not an aging result.
ReportData read_report_data(const std::filesystem::path& file);

}  // namespace glassy::report
