// Reading an aging result for the report. Optional pieces (the map, TAS fits) may be absent;
// the /glassy/aging core is required.
#include <glassy/core/error.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/report/data.hpp>
#include <glassy/report/map_reader.hpp>

#include <cmath>

namespace glassy::report {

bool read_stored_map(const h5::File& f, const std::string& name, StoredMap& m) {
  if (!f.is_dataset(name)) return false;
  const auto ds = f.dataset(name);
  const auto dims = ds.dims();
  require(dims.size() == 2 && dims[0] == dims[1], "report: " + name + " is not square");
  m.side = dims[0];
  m.values = ds.read_all<double>();
  // Stored as APS does, the upper triangle only: mirror it for the figure.
  if (ds.attrs().has("populated_elements") &&
      ds.attrs().get_string("populated_elements") == "upper_half")
    for (std::size_t i = 0; i < m.side; ++i)
      for (std::size_t j = 0; j < i; ++j) m.values[i * m.side + j] = m.values[j * m.side + i];
  m.cell_seconds = ds.attrs().get_double("cell_seconds");
  const auto tt = f.group("xpcs/twotime");
  m.start = tt.attrs().has("map_start_time") ? tt.attrs().get_double("map_start_time") : 0;
  return true;
}

ReportData read_report_data(const std::filesystem::path& file) {
  require(std::filesystem::exists(file), "report: " + file.string() + " does not exist",
          ErrorKind::InputOutput);
  require(h5::File::is_hdf5(file), "report: " + file.string() + " is not an HDF5 file");
  const auto f = h5::File::open(file);
  require(f.is_group("glassy/aging"),
          "report: " + file.string() + " has no /glassy/aging group (make it with glassy age)");
  ReportData d;
  d.source = file;
  const auto g = f.group("glassy/aging");
  d.window_s = g.attrs().has("window_s") ? g.attrs().get_double("window_s") : 0;
  d.provenance = read_provenance(f);

  if (StoredMap m; read_stored_map(f, "xpcs/twotime/correlation_map/c2_00001", m)) {
    d.map = std::move(m.values);
    d.map_n = m.side;
    d.map_start = m.start;
    d.cell_seconds = m.cell_seconds;
  }

  d.time = g.read<double>("intensity/time");
  d.i0 = g.read<double>("intensity/I0");
  d.gap_start = g.read<double>("gaps/start");
  d.gap_end = g.read<double>("gaps/end");
  d.event_time = g.read<double>("events/time");
  d.regime_start = g.read<double>("regimes/start");
  d.regime_end = g.read<double>("regimes/end");
  d.regime_label = g.read_strings("regimes/label");
  if (g.is_group("tas")) {
    d.tas_start = g.read<double>("tas/start");
    d.tas_end = g.read<double>("tas/end");
    d.tas_tau0 = g.read<double>("tas/tau0");
    d.tas_tstar = g.read<double>("tas/tstar");
  }

  d.t_a = g.read<double>("t_a");
  d.t_a_centre = g.read<double>("t_a_centre");
  d.g2_0 = g.read<double>("g2_0");
  d.g2_0_err = g.read<double>("g2_0_err");
  d.contrast_detrended = g.read<double>("contrast/g2_0_detrended");
  d.pearson_all = g.group("contrast").attrs().get_double("pearson_all");
  d.tau = g.read<double>("kww/tau");
  d.tau_err = g.read<double>("kww/tau_err");
  d.beta = g.read<double>("kww/beta");
  d.beta_err = g.read<double>("kww/beta_err");
  d.mean_time = g.read<double>("kww/mean_time");
  d.mean_time_err = g.read<double>("kww/mean_time_err");
  d.chi2_red = g.read<double>("kww/chi2_red");
  d.amplitude = g.read<double>("kww/amplitude");
  d.flag = g.read_strings("kww/flag");
  if (g.exists("chi4/peak")) d.chi4_peak = g.read<double>("chi4/peak");  // older results lack it

  d.lag = g.read<double>("lag");
  d.g2 = g.read<double>("g2");
  d.g2_err = g.read<double>("g2_err");
  const auto inf = g.dataset("g2_inf");
  d.g2_inf = inf.read_all<double>().at(0);
  d.g2_inf_err = inf.attrs().get_double("err");
  d.g2_inf_method = inf.attrs().get_string("method");

  const auto one = g.group("onetime");
  d.one_lag = one.read<double>("lag");
  d.one_r = one.read<double>("R");
  d.one_r_err = one.read<double>("R_err");
  for (auto [name, m] : {std::pair{"kww", &d.kww}, std::pair{"ml", &d.ml}}) {
    const auto mg = one.group(name);
    m->amplitude = mg.attrs().get_double("amplitude");
    m->tau = mg.read<double>("tau").at(0);
    m->beta = mg.read<double>("beta").at(0);
    m->residual = mg.read<double>("residual");
  }
  d.preferred = one.attrs().get_string("preferred");

  const std::size_t nw = d.t_a.size();
  require(d.t_a_centre.size() == nw && d.tau.size() == nw && d.mean_time.size() == nw &&
              d.amplitude.size() == nw && d.g2.size() == nw * d.lag.size() && d.flag.size() == nw,
          "report: " + file.string() + " has /glassy/aging histories of inconsistent lengths");
  return d;
}

}  // namespace glassy::report
