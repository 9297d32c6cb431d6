// report/md_data: what the report shows of the MD side (paper Fig. 4 and the Fig. 1c inset), read
// from the files `glassy md` writes: simulated XPCS (/glassy/md/xpcs with its two-time maps),
// waiting times (/glassy/md/waiting), structure (/glassy/md/ifk, /glassy/md/strings), glass
// files (/md/state, /md/cooling, /md/tg), temperature series (/glassy/md/study) and ensembles of
// them (/glassy/md/ensemble). Read with HDF5
// alone, so the report needs no LAMMPS.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace glassy::report {

struct MdMap {  // one region's two-time map, square, row-major, in seconds
  std::string region;
  std::vector<double> values;
  std::size_t side = 0;
  double start = 0, cell_seconds = 0;
};

struct MdXpcsView {
  std::vector<std::string> regions;   // shell_3d, cross_section_2d, spot_1d
  std::vector<double> q_points;       // per region
  std::vector<double> time_s;         // per snapshot
  std::vector<double> contrast;       // [region x snapshot] (Fig. 4d)
  std::vector<double> lag_s;          // per lag
  std::vector<double> g2_normalized;  // [lag x region] (Fig. 4e)
  std::vector<double> sq_q, sq;       // S(q), 1/sigma
  double q1 = 0, spot_width = 0;      // 1/sigma; 1/A
  bool spot_widened = false;
  std::vector<MdMap> maps;
};

struct MdWaitingFitView {
  bool ok = false, stated = false;
  std::string reason;  // why no fit, or why no exponent is stated
  double alpha = 0, alpha_err = 0, xmin_tau = 0, tail_decades = 0, p_value = 0, run_factor = 0;
  double n = 0, n_tail = 0, n_censored = 0;
};

struct MdWaitingView {
  double interval_tau = 0, events = 0, horizon = 0;
  std::vector<double> exchange_t, exchange_p, persistence_t, persistence_p;  // density, 1/tau
  MdWaitingFitView exchange, persistence;
};

struct MdIfkView {
  std::vector<double> time_tau;
  std::vector<std::string> motifs;            // icosahedron, Z14, Z15, Z16, ifk
  std::vector<std::vector<double>> fraction;  // per motif, per snapshot
  std::vector<double> largest_cluster, percolates;
  std::vector<double> string_length_counts;  // [n]: strings of n atoms (empty: none)
};

// The fictive temperature of md/tg (glass line meeting the liquid's a + b T^(3/5)).
struct MdFictiveView {
  double tg = 0, tg_err = 0, glass_slope = 0, liquid_a = 0, liquid_b = 0;
};

struct MdGlassView {
  std::vector<double> temperature, potential_energy;
  std::optional<double> tg, tg_err;
  std::optional<MdFictiveView> fictive;
  std::size_t atoms = 0;
};

// A temperature series (`glassy md study`, /glassy/md/study): 1 + beta' against T with the trap
// model, the rate of moves, and the hottest run's XPCS g2 with its KWW and ML fits.
struct MdStudyView {
  std::vector<std::string> labels;
  std::vector<double> temperature, alpha, alpha_err, alpha_mle, alpha_mle_err, stated, tail_decades,
      moves_per_atom_per_tau, duration_tau, md_seconds;
  std::string compared;       // exchange, persistence or pooled
  nlohmann::json trap, xpcs;  // the summary's parts (null when absent)
  std::optional<double> hours_per_microsecond;
  std::vector<double> lag_tau, g2, g2_err, kww, ml;  // the hottest run's shell g2 and fits
  struct Colder {                                    // the other runs' g2 (md study --xpcs-all)
    std::string label;
    double remaining = 0;
    std::vector<double> lag_tau, g2;
  };
  std::vector<Colder> colder;
};

// Studies of several glasses together (`glassy md ensemble`, /glassy/md/ensemble): every glass's
// stated 1 + beta' with its fit error and the error with the spread between glasses, the means per
// temperature, and the summary (spread, trap model).
struct MdEnsembleView {
  // One group of exponents (/points or /fitted): one entry per glass and temperature.
  struct Exponents {
    std::vector<std::string> label;
    std::vector<double> study, temperature, alpha, err;
    std::vector<double> err_total;  // with the spread (points only)
  };
  std::vector<std::string> studies, labels;
  Exponents points;  // the stated exponents
  Exponents fitted;  // every fitted one, stated or not (empty in files before it was written)
  std::vector<double> mean_temperature, mean_alpha, se_alpha, stated;
  nlohmann::json summary = nlohmann::json::object();  // empty when the file has none
};

struct MdReportData {
  std::filesystem::path source;
  std::optional<MdXpcsView> xpcs;
  std::optional<MdWaitingView> waiting;
  std::optional<MdIfkView> ifk;
  std::optional<MdGlassView> glass;
  std::optional<MdStudyView> study;
  std::optional<MdEnsembleView> ensemble;
  std::optional<nlohmann::json> provenance;
  bool empty() const { return !xpcs && !waiting && !ifk && !glass && !study && !ensemble; }
};

// Whether `file` (an HDF5 file) holds any MD result the report draws.
bool is_md_result(const std::filesystem::path& file);

// Reads every MD part of `file`; glassy::Error naming the file when it holds none.
MdReportData read_md_report_data(const std::filesystem::path& file);

}  // namespace glassy::report
