// Reading the MD results for the report. Each part is optional; a file with none is refused.
#include <glassy/core/error.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/report/map_reader.hpp>
#include <glassy/report/md_data.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace glassy::report {
namespace {

double attr_or(const h5::Group& g, const char* name, double fallback) {
  return g.attrs().has(name) ? g.attrs().get_double(name) : fallback;
}

std::vector<double> read_or_empty(const h5::Group& g, const std::string& name) {
  return g.is_dataset(name) ? g.read<double>(name) : std::vector<double>{};
}

MdXpcsView read_xpcs(const h5::File& f, const std::filesystem::path& file) {
  const auto g = f.group("glassy/md/xpcs");
  MdXpcsView v;
  v.regions = g.read_strings("region_names");
  v.q_points = g.read<double>("region_q_points");
  v.time_s = g.read<double>("time_s");
  v.contrast = g.read<double>("contrast");
  v.lag_s = g.read<double>("g2_lag_s");
  v.g2_normalized = g.read<double>("g2_normalized");
  v.sq_q = read_or_empty(g, "sq/q");
  v.sq = read_or_empty(g, "sq/s");
  v.q1 = attr_or(g, "q1_lj", 0);
  v.spot_width = attr_or(g, "spot_width_inv_angstrom", std::nan(""));
  v.spot_widened = attr_or(g, "spot_widened", 0) != 0;
  const auto nr = v.regions.size();
  require(
      nr > 0 && v.contrast.size() == nr * v.time_s.size() &&
          v.g2_normalized.size() == nr * v.lag_s.size(),
      fmt::format("report: {} has /glassy/md/xpcs arrays of inconsistent sizes", file.string()));
  for (std::size_t r = 0; r < nr; ++r) {
    StoredMap m;
    if (!read_stored_map(f, fmt::format("xpcs/twotime/correlation_map/c2_{:05d}", r + 1), m))
      continue;
    v.maps.push_back({v.regions[r], std::move(m.values), m.side, m.start, m.cell_seconds});
  }
  return v;
}

MdWaitingFitView read_fit(const h5::Group& g) {
  MdWaitingFitView v;
  v.ok = attr_or(g, "ok", 0) != 0;
  v.stated = attr_or(g, "stated", 0) != 0;
  const char* why = v.ok ? "not_stated_because" : "reason";
  if (g.attrs().has(why)) v.reason = g.attrs().get_string(why);
  v.alpha = attr_or(g, "alpha", 0);
  v.alpha_err = attr_or(g, "alpha_err", 0);
  v.xmin_tau = attr_or(g, "xmin_tau", 0);
  v.tail_decades = attr_or(g, "tail_decades", 0);
  v.p_value = attr_or(g, "p_value", std::nan(""));
  v.run_factor = attr_or(g, "run_factor_needed", 0);
  v.n = attr_or(g, "n", 0);
  v.n_tail = attr_or(g, "n_tail", 0);
  v.n_censored = attr_or(g, "n_censored", 0);
  return v;
}

MdWaitingView read_waiting(const h5::File& f) {
  const auto g = f.group("glassy/md/waiting");
  MdWaitingView v;
  v.interval_tau = attr_or(g, "snapshot_interval_tau", 0);
  v.events = attr_or(g, "events", 0);
  v.horizon = attr_or(g, "horizon", 0);
  v.exchange_t = read_or_empty(g, "exchange/density/t_tau");
  v.exchange_p = read_or_empty(g, "exchange/density/p");
  v.persistence_t = read_or_empty(g, "persistence/density/t_tau");
  v.persistence_p = read_or_empty(g, "persistence/density/p");
  if (g.is_group("fit")) v.exchange = read_fit(g.group("fit"));
  if (g.is_group("fit_persistence")) v.persistence = read_fit(g.group("fit_persistence"));
  return v;
}

MdIfkView read_ifk(const h5::File& f) {
  const auto g = f.group("glassy/md/ifk");
  MdIfkView v;
  v.time_tau = g.read<double>("time_tau");
  for (const char* m : {"icosahedron", "Z14", "Z15", "Z16", "ifk"}) {
    const std::string name = std::string("fraction/") + m;
    if (!g.is_dataset(name)) continue;
    v.motifs.push_back(m);
    v.fraction.push_back(g.read<double>(name));
  }
  v.largest_cluster = read_or_empty(g, "largest_cluster_fraction");
  v.percolates = read_or_empty(g, "percolates");
  if (f.is_group("glassy/md/strings"))
    v.string_length_counts = f.group("glassy/md/strings").read<double>("length_counts");
  return v;
}

MdGlassView read_glass(const h5::File& f) {
  MdGlassView v;
  if (f.is_group("md/cooling")) {
    const auto c = f.group("md/cooling");
    v.temperature = c.read<double>("temperature");
    v.potential_energy = c.read<double>("potential_energy");
  }
  if (f.is_group("md/tg")) {
    const auto t = f.group("md/tg");
    v.tg = attr_or(t, "tg", std::nan(""));
    v.tg_err = attr_or(t, "tg_err", std::nan(""));
    // The full estimate (JSON, md/tg.hpp); files from before the fictive temperature lack it.
    if (t.attrs().has("estimate")) {
      const auto j = nlohmann::json::parse(t.attrs().get_string("estimate"), nullptr, false);
      if (j.is_object() && j.contains("fictive") && j["fictive"].is_object()) {
        const auto& fj = j["fictive"];
        v.fictive = MdFictiveView{fj.value("tg", 0.0), fj.value("tg_err", 0.0),
                                  fj.value("glass_slope", 0.0), fj.value("liquid_a", 0.0),
                                  fj.value("liquid_b", 0.0)};
      }
    }
  }
  if (f.is_dataset("md/state/species")) v.atoms = f.dataset("md/state/species").dims().at(0);
  return v;
}

// The group's JSON "summary" attribute (md study, md ensemble); an empty object when absent or
// not a JSON object.
nlohmann::json summary_of(const h5::Group& g) {
  const auto j = nlohmann::json::parse(
      g.attrs().has("summary") ? g.attrs().get_string("summary") : "{}", nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

MdStudyView read_study(const h5::File& f) {
  const auto g = f.group("glassy/md/study");
  MdStudyView v;
  v.labels = g.read_strings("label");
  v.temperature = g.read<double>("temperature");
  v.alpha = g.read<double>("alpha");
  v.alpha_err = g.read<double>("alpha_err");
  v.stated = g.read<double>("stated");
  v.alpha_mle = read_or_empty(g, "alpha_mle");
  v.alpha_mle_err = read_or_empty(g, "alpha_mle_err");
  v.tail_decades = read_or_empty(g, "tail_decades");
  v.moves_per_atom_per_tau = read_or_empty(g, "moves_per_atom_per_tau");
  v.duration_tau = read_or_empty(g, "duration_tau");
  v.md_seconds = read_or_empty(g, "md_seconds");
  const auto n = v.temperature.size();
  require(v.labels.size() == n && v.alpha.size() == n && v.alpha_err.size() == n &&
              v.stated.size() == n,
          "report: /glassy/md/study has arrays of inconsistent sizes");
  const auto summary = summary_of(g);
  if (!summary.empty()) {
    v.compared = summary.value("compared", "");
    v.trap = summary.value("trap_model", nlohmann::json());
    v.xpcs = summary.value("xpcs", nlohmann::json());
    if (summary.contains("hours_per_microsecond") && summary["hours_per_microsecond"].is_number())
      v.hours_per_microsecond = summary["hours_per_microsecond"].get<double>();
  }
  if (g.is_group("xpcs")) {
    const auto x = g.group("xpcs");
    v.lag_tau = x.read<double>("lag_tau");
    v.g2 = x.read<double>("g2");
    v.g2_err = read_or_empty(x, "g2_err");
    v.kww = read_or_empty(x, "kww");
    v.ml = read_or_empty(x, "ml");
  }
  if (summary.contains("xpcs_colder") && g.is_group("xpcs_colder"))
    for (const auto& c : summary["xpcs_colder"]) {
      MdStudyView::Colder k;
      k.label = c.value("label", std::string());
      k.remaining = c.value("remaining", 0.0);
      const std::string name = "xpcs_colder/T" + k.label;
      if (!g.is_group(name)) continue;
      const auto x = g.group(name);
      k.lag_tau = x.read<double>("lag_tau");
      k.g2 = x.read<double>("g2");
      v.colder.push_back(std::move(k));
    }
  return v;
}

// /glassy/md/ensemble/<name>: the arrays of one group of exponents, checked for equal length and
// for study indices the file lists.
MdEnsembleView::Exponents read_exponents(const h5::Group& g, const std::string& name,
                                         std::size_t studies) {
  MdEnsembleView::Exponents x;
  const auto at = g.group(name);
  x.study = at.read<double>("study");
  x.label = at.read_strings("label");
  x.temperature = at.read<double>("temperature");
  x.alpha = at.read<double>("alpha");
  x.err = at.read<double>("alpha_err");
  x.err_total = read_or_empty(at, "alpha_err_total");
  const auto n = x.study.size();
  require(x.label.size() == n && x.temperature.size() == n && x.alpha.size() == n &&
              x.err.size() == n && (x.err_total.empty() || x.err_total.size() == n),
          "report: /glassy/md/ensemble/" + name + " has arrays of inconsistent sizes");
  for (const double s : x.study)
    require(s >= 0 && s < static_cast<double>(studies),
            "report: /glassy/md/ensemble/" + name + "/study names a study the file does not list");
  return x;
}

MdEnsembleView read_ensemble(const h5::File& f) {
  const auto g = f.group("glassy/md/ensemble");
  MdEnsembleView v;
  v.studies = g.read_strings("studies");
  v.points = read_exponents(g, "points", v.studies.size());
  require(v.points.err_total.size() == v.points.study.size(),
          "report: /glassy/md/ensemble/points lacks alpha_err_total");
  if (g.is_group("fitted")) v.fitted = read_exponents(g, "fitted", v.studies.size());
  v.labels = g.read_strings("temperatures/label");
  v.mean_temperature = g.read<double>("temperatures/mean_temperature");
  v.mean_alpha = g.read<double>("temperatures/mean_alpha");
  v.se_alpha = g.read<double>("temperatures/se_alpha");
  v.stated = g.read<double>("temperatures/stated");
  const auto m = v.labels.size();
  require(v.mean_temperature.size() == m && v.mean_alpha.size() == m && v.se_alpha.size() == m &&
              v.stated.size() == m,
          "report: /glassy/md/ensemble/temperatures has arrays of inconsistent sizes");
  v.summary = summary_of(g);
  return v;
}

}  // namespace

bool is_md_result(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file) || !h5::File::is_hdf5(file)) return false;
  const auto f = h5::File::open(file);
  return f.is_group("glassy/md") || f.is_group("md/state");
}

MdReportData read_md_report_data(const std::filesystem::path& file) {
  require(std::filesystem::exists(file), "report: " + file.string() + " does not exist",
          ErrorKind::InputOutput);
  require(h5::File::is_hdf5(file), "report: " + file.string() + " is not an HDF5 file");
  const auto f = h5::File::open(file);
  MdReportData d;
  d.source = file;
  d.provenance = read_provenance(f);
  if (f.is_group("glassy/md/xpcs")) d.xpcs = read_xpcs(f, file);
  if (f.is_group("glassy/md/waiting")) d.waiting = read_waiting(f);
  if (f.is_group("glassy/md/ifk")) d.ifk = read_ifk(f);
  if (f.is_group("md/state")) d.glass = read_glass(f);
  if (f.is_group("glassy/md/study")) d.study = read_study(f);
  if (f.is_group("glassy/md/ensemble")) d.ensemble = read_ensemble(f);
  require(!d.empty(),
          "report: " + file.string() +
              " holds no result the report draws (an aging result from glassy age, "
              "or an MD result from glassy md prepare, xpcs, waiting, ifk, study or ensemble)");
  return d;
}

}  // namespace glassy::report
