// The Python module `glassy.md` (built as glassy_md; `glassy.md` loads it on first use, so
// `import glassy` stays free of LAMMPS): the MD analyses on numpy arrays (waiting times with
// their evidence, the icosahedral/Frank-Kasper structure, simulated XPCS) and a reader for the
// files `glassy md` writes. Errors are glassy.Error / glassy.FileError like the rest of glassy.
#include "../bind_common.hpp"

#include <glassy/core/error.hpp>
#include <glassy/md/ensemble.hpp>
#include <glassy/md/ifk.hpp>
#include <glassy/md/trajectory.hpp>
#include <glassy/md/voronoi.hpp>
#include <glassy/md/waiting.hpp>
#include <glassy/md/xpcs.hpp>
#include <glassy/report/md_data.hpp>

#include <pybind11/stl.h>

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>

namespace glassy::python {
namespace {

// positions [T, N, 3] (or [N, 3] for one snapshot) as snapshots; box: [lo, hi] pairs as a
// (2, 3) array or the three edge lengths (lo = 0).
struct Frames {
  std::size_t snapshots = 0, atoms = 0;
  std::vector<md::Snapshot> list;
};

md::Box to_box(const py::handle& box) {
  const auto b = to_vector(box);
  md::Box out;
  if (b.size() == 3) {
    out.hi = {b[0], b[1], b[2]};
  } else if (b.size() == 6) {
    out.lo = {b[0], b[1], b[2]};
    out.hi = {b[3], b[4], b[5]};
  } else {
    throw Error("box must be the three edge lengths or [[xlo, ylo, zlo], [xhi, yhi, zhi]]");
  }
  for (int a = 0; a < 3; ++a) require(out.hi[a] > out.lo[a], "box: every edge must have hi > lo");
  return out;
}

Frames to_frames(const py::handle& positions, const py::handle& times, const py::handle& box) {
  const auto p = DoubleArray::ensure(positions);
  if (!p) throw py::type_error("positions must be an array of numbers");
  Frames f;
  if (p.ndim() == 2 && p.shape(1) == 3) {
    f.snapshots = 1;
    f.atoms = static_cast<std::size_t>(p.shape(0));
  } else if (p.ndim() == 3 && p.shape(2) == 3) {
    f.snapshots = static_cast<std::size_t>(p.shape(0));
    f.atoms = static_cast<std::size_t>(p.shape(1));
  } else {
    throw Error("positions must have shape (snapshots, atoms, 3) or (atoms, 3)");
  }
  std::vector<double> t(f.snapshots);
  if (times.is_none()) {
    for (std::size_t k = 0; k < f.snapshots; ++k) t[k] = static_cast<double>(k);
  } else {
    t = to_vector(times);
    require(t.size() == f.snapshots, "times must have one entry per snapshot");
  }
  const md::Box b = box.is_none() ? md::Box{} : to_box(box);
  const double* d = p.data();
  for (std::size_t k = 0; k < f.snapshots; ++k) {
    md::Snapshot s;
    s.time = t[k];
    s.step = static_cast<std::int64_t>(k);
    s.box = b;
    s.positions.assign(d + k * f.atoms * 3, d + (k + 1) * f.atoms * 3);
    f.list.push_back(std::move(s));
  }
  return f;
}

std::vector<int> to_species(const py::handle& species, std::size_t atoms) {
  std::vector<int> s;
  for (double v : to_vector(species)) s.push_back(static_cast<int>(v));
  require(s.size() == atoms, "species must have one entry per atom");
  return s;
}

py::dict sample_dict(const md::WaitingSample& s) {
  py::dict d;
  d["intervals"] = to_numpy(s.intervals);
  d["tau"] = to_numpy(s.tau);
  d["atom"] = to_numpy(s.atom);
  return d;
}

py::dict waiting_fit_dict(const md::WaitingFit& f) {
  py::dict d;
  d["ok"] = f.ok;
  d["reason"] = f.reason;
  d["stated"] = f.stated;
  d["refusals"] = f.refusals;
  d["run_factor_needed"] = f.run_factor_needed;
  d["alpha"] = f.alpha;
  d["alpha_err"] = f.alpha_error;
  d["beta_prime"] = f.beta_prime;
  d["xmin_intervals"] = f.xmin_intervals;
  d["xmin_tau"] = f.xmin_tau;
  d["tail_decades"] = f.tail_decades;
  d["n"] = f.n;
  d["n_tail"] = f.n_tail;
  d["n_censored"] = f.n_censored;
  d["ks_distance"] = f.ks_distance;
  d["p_value"] = optional_float(f.p_value);
  d["p_value_replicates"] = f.n_boot;
  for (const auto& [name, lr] : {std::pair{"vs_exponential", &f.vs_exponential},
                                 std::pair{"vs_lognormal", &f.vs_lognormal}}) {
    py::dict v;
    v["ok"] = lr->ok;
    v["R"] = lr->log_ratio;
    v["p_value"] = lr->p_value;
    d[name] = v;
  }
  d["fractional_diffusion"] = f.fractional_diffusion;
  return d;
}

py::dict waiting_times_py(const py::handle& positions, const py::handle& species,
                          const py::handle& times, std::vector<double> threshold, int window,
                          const std::string& kind, double unit_intervals,
                          std::optional<double> xmin, std::size_t n_boot, std::uint64_t seed,
                          bool use_censored) {
  const Frames f = to_frames(positions, times, py::none());
  const auto sp = to_species(species, f.atoms);
  md::WaitingOptions wo;
  wo.window = window;
  wo.threshold = std::move(threshold);
  md::WaitingFitOptions fo;
  require(kind == "exchange" || kind == "persistence" || kind == "pooled",
          "kind must be exchange, persistence or pooled");
  fo.kind = kind == "persistence" ? md::WaitingKind::kPersistence
            : kind == "pooled"    ? md::WaitingKind::kPooled
                                  : md::WaitingKind::kExchange;
  fo.unit_intervals = unit_intervals;
  fo.xmin = xmin;
  fo.n_boot = n_boot;
  fo.seed = seed;
  fo.use_censored = use_censored;
  md::WaitingTimes w;
  md::WaitingFit fit;
  {
    py::gil_scoped_release release;
    md::WaitingTimeTracker tracker(sp, wo);
    for (const auto& s : f.list) tracker.add(s);
    w = tracker.finish();
    fit = md::fit_waiting_times(w, fo);
  }
  py::dict d;
  d["horizon"] = w.horizon;
  d["moves"] = w.event_count();
  py::list events;
  for (const auto& e : w.events) events.append(to_numpy(e));
  d["events"] = events;
  d["persistence"] = sample_dict(w.persistence);
  d["exchange"] = sample_dict(w.exchange);
  d["censored_persistence"] = sample_dict(w.censored_persistence);
  d["censored_exchange"] = sample_dict(w.censored_exchange);
  d["fit"] = waiting_fit_dict(fit);
  return d;
}

py::dict ifk_py(const py::handle& positions, const py::handle& box, const py::handle& species,
                bool radical, std::vector<double> radii, const std::string& link) {
  const Frames f = to_frames(positions, py::none(), box);
  require(f.snapshots == 1, "ifk takes one snapshot: positions of shape (atoms, 3)");
  const auto sp = to_species(species, f.atoms);
  require(link == "voronoi" || link == "shared", "link must be voronoi or shared");
  md::VoronoiOptions vo;
  vo.radical = radical;
  vo.radii = std::move(radii);
  md::IfkOptions io;
  io.link = link == "voronoi" ? md::IfkLink::kVoronoiNeighbours : md::IfkLink::kSharedShellAtom;
  md::IfkAnalysis a;
  std::vector<md::VoronoiCell> cells;
  {
    py::gil_scoped_release release;
    cells = md::voronoi_cells(f.list[0], sp, vo);
    a = md::analyse_ifk(f.list[0], sp, cells, io);
  }
  py::dict d;
  py::dict fraction;
  for (int m = 1; m < md::kMotifCount; ++m) {
    const auto mm = static_cast<md::Motif>(m);
    fraction[md::motif_name(mm)] = a.overall.fraction(mm);
  }
  fraction["ifk"] = a.overall.ifk_fraction();
  d["fraction"] = fraction;
  std::vector<int> motif, index;
  for (auto m : a.motif) motif.push_back(static_cast<int>(m));
  for (const auto& c : cells) index.insert(index.end(), c.index.begin(), c.index.end());
  d["motif"] = to_numpy(motif);
  d["motif_legend"] = "0 other, 1 icosahedron, 2 Z14, 3 Z15, 4 Z16";
  d["voronoi_index"] = to_numpy(index, {static_cast<py::ssize_t>(cells.size()), 4});
  d["cluster_of"] = to_numpy(a.cluster_of);
  d["largest_cluster"] = a.largest_cluster;
  d["largest_fraction"] = a.largest_fraction;
  d["percolates"] = a.percolates;
  return d;
}

py::dict xpcs_py(const py::handle& positions, const py::handle& times, const py::handle& box,
                 const py::handle& species, const std::string& out,
                 std::optional<double> spot_width) {
  const Frames f = to_frames(positions, times, box);
  md::TrajectoryHeader h;
  h.species = to_species(species, f.atoms);
  // The trajectory goes through a private temporary file: simulate_xpcs reads snapshots the
  // way every MD analysis does (and computes S(q) over them) from a trajectory source.
  static std::atomic<int> calls{0};
  const auto tmp =
      std::filesystem::temp_directory_path() /
      ("glassy-md-xpcs-" + std::to_string(::getpid()) + "-" + std::to_string(calls++) + ".h5");
  struct Remove {
    std::filesystem::path p;
    ~Remove() {
      std::error_code ignored;
      std::filesystem::remove(p, ignored);
    }
  } remove{tmp};
  md::MdXpcsOptions o;
  o.spot_width = spot_width;
  md::MdXpcsResult r;
  {
    py::gil_scoped_release release;
    {
      md::TrajectoryWriter w(tmp, h);
      for (const auto& s : f.list) w.append(s);
      w.commit();
    }
    r = md::simulate_xpcs(tmp, out, o);
  }
  py::dict d;
  d["q1"] = r.q1;
  d["shell"] = py::make_tuple(r.shell.first, r.shell.second);
  d["spot_width"] = r.spot_width;
  d["spot_widened"] = r.spot_widened;
  d["sigma_angstrom"] = r.units.sigma_angstrom();
  d["times_tau"] = to_numpy(r.times_tau);
  py::list regions;
  for (const auto& reg : r.regions) {
    py::dict g;
    g["name"] = reg.name;
    g["q_points"] = reg.q.size();
    g["contrast"] = to_numpy(reg.contrast);
    regions.append(g);
  }
  d["regions"] = regions;
  d["out"] = out;
  return d;
}

// md ensemble's spread between glasses on arrays: one exponent per glass and temperature label.
py::dict sample_spread_py(const std::vector<std::string>& labels, const py::handle& alpha,
                          const py::handle& alpha_err) {
  const auto a = to_vector(alpha), e = to_vector(alpha_err);
  require(a.size() == labels.size() && e.size() == labels.size(),
          "sample_spread: labels, alpha and alpha_err need one value each");
  std::vector<md::EnsemblePoint> points;
  for (std::size_t i = 0; i < a.size(); ++i) {
    require(std::isfinite(a[i]) && std::isfinite(e[i]) && e[i] > 0,
            "sample_spread: every alpha must be a number and every alpha_err positive");
    points.push_back({i, labels[i], 0.0, a[i], e[i]});
  }
  const auto s = md::estimate_sample_spread(points);
  py::dict d;
  d["ok"] = s.ok;
  d["reason"] = s.reason;
  d["spread"] = s.spread;
  d["dof"] = s.dof;
  d["rms_fit_error"] = s.rms_fit_error;
  return d;
}

py::dict read_py(const std::string& path) {
  const auto m = report::read_md_report_data(path);
  py::dict d;
  if (m.glass) {
    py::dict g;
    g["atoms"] = m.glass->atoms;
    g["temperature"] = to_numpy(m.glass->temperature);
    g["potential_energy"] = to_numpy(m.glass->potential_energy);
    g["tg"] = optional_float(m.glass->tg);
    g["tg_err"] = optional_float(m.glass->tg_err);
    // The fictive temperature (md/tg.hpp), None when the file has none.
    const auto& f = m.glass->fictive;
    g["fictive_tg"] = f ? py::object(py::float_(f->tg)) : py::object(py::none());
    g["fictive_tg_err"] = f ? py::object(py::float_(f->tg_err)) : py::object(py::none());
    d["glass"] = g;
  }
  if (m.xpcs) {
    const auto& x = *m.xpcs;
    py::dict g;
    g["regions"] = x.regions;
    g["q_points"] = to_numpy(x.q_points);
    g["time_s"] = to_numpy(x.time_s);
    g["contrast"] = to_numpy(x.contrast, {static_cast<py::ssize_t>(x.regions.size()),
                                          static_cast<py::ssize_t>(x.time_s.size())});
    g["lag_s"] = to_numpy(x.lag_s);
    g["g2_normalized"] = to_numpy(x.g2_normalized, {static_cast<py::ssize_t>(x.lag_s.size()),
                                                    static_cast<py::ssize_t>(x.regions.size())});
    g["sq_q"] = to_numpy(x.sq_q);
    g["sq"] = to_numpy(x.sq);
    g["q1"] = x.q1;
    g["spot_width"] = x.spot_width;
    d["xpcs"] = g;
  }
  if (m.waiting) {
    const auto& w = *m.waiting;
    auto fit = [](const report::MdWaitingFitView& f) {
      py::dict v;
      v["ok"] = f.ok;
      v["stated"] = f.stated;
      v["reason"] = f.reason;
      v["alpha"] = f.alpha;
      v["alpha_err"] = f.alpha_err;
      v["xmin_tau"] = f.xmin_tau;
      v["tail_decades"] = f.tail_decades;
      v["p_value"] = f.p_value;
      v["run_factor_needed"] = f.run_factor;
      v["n_tail"] = f.n_tail;
      v["n_censored"] = f.n_censored;
      return v;
    };
    py::dict g;
    g["moves"] = w.events;
    g["exchange_density"] = py::make_tuple(to_numpy(w.exchange_t), to_numpy(w.exchange_p));
    g["persistence_density"] = py::make_tuple(to_numpy(w.persistence_t), to_numpy(w.persistence_p));
    g["fit"] = fit(w.exchange);
    g["fit_persistence"] = fit(w.persistence);
    d["waiting"] = g;
  }
  if (m.ifk) {
    py::dict g;
    g["time_tau"] = to_numpy(m.ifk->time_tau);
    py::dict fr;
    for (std::size_t k = 0; k < m.ifk->motifs.size(); ++k)
      fr[py::str(m.ifk->motifs[k])] = to_numpy(m.ifk->fraction[k]);
    g["fraction"] = fr;
    g["largest_cluster_fraction"] = to_numpy(m.ifk->largest_cluster);
    g["percolates"] = to_numpy(m.ifk->percolates);
    g["string_length_counts"] = to_numpy(m.ifk->string_length_counts);
    d["ifk"] = g;
  }
  if (m.study) {
    const auto& v = *m.study;
    // The summary's JSON parts become Python dicts (None where the study has none).
    const auto loads = py::module_::import("json").attr("loads");
    py::dict g;
    g["labels"] = v.labels;
    g["temperature"] = to_numpy(v.temperature);
    g["alpha"] = to_numpy(v.alpha);
    g["alpha_err"] = to_numpy(v.alpha_err);
    g["alpha_mle"] = to_numpy(v.alpha_mle);
    g["alpha_mle_err"] = to_numpy(v.alpha_mle_err);
    g["stated"] = to_numpy(v.stated);
    g["tail_decades"] = to_numpy(v.tail_decades);
    g["moves_per_atom_per_tau"] = to_numpy(v.moves_per_atom_per_tau);
    g["duration_tau"] = to_numpy(v.duration_tau);
    g["md_seconds"] = to_numpy(v.md_seconds);
    g["compared"] = v.compared;
    g["trap_model"] = loads(v.trap.dump());
    g["xpcs"] = loads(v.xpcs.dump());
    g["hours_per_microsecond"] = optional_float(v.hours_per_microsecond);
    g["lag_tau"] = to_numpy(v.lag_tau);
    g["g2"] = to_numpy(v.g2);
    g["g2_err"] = to_numpy(v.g2_err);
    g["kww"] = to_numpy(v.kww);
    g["ml"] = to_numpy(v.ml);
    py::list colder;  // the other runs' g2 (md study --xpcs-all)
    for (const auto& c : v.colder) {
      py::dict k;
      k["label"] = c.label;
      k["remaining"] = c.remaining;
      k["lag_tau"] = to_numpy(c.lag_tau);
      k["g2"] = to_numpy(c.g2);
      colder.append(k);
    }
    g["xpcs_colder"] = colder;
    d["study"] = g;
  }
  if (m.ensemble) {
    const auto& v = *m.ensemble;
    const auto loads = py::module_::import("json").attr("loads");
    py::dict g;
    g["studies"] = v.studies;
    py::dict points;  // one entry per glass's stated exponent
    points["study"] = to_numpy(v.points.study);
    points["label"] = v.points.label;
    points["temperature"] = to_numpy(v.points.temperature);
    points["alpha"] = to_numpy(v.points.alpha);
    points["alpha_err"] = to_numpy(v.points.err);
    points["alpha_err_total"] = to_numpy(v.points.err_total);
    g["points"] = points;
    py::dict temps;  // one entry per temperature label
    temps["label"] = v.labels;
    temps["mean_temperature"] = to_numpy(v.mean_temperature);
    temps["mean_alpha"] = to_numpy(v.mean_alpha);
    temps["se_alpha"] = to_numpy(v.se_alpha);
    temps["stated"] = to_numpy(v.stated);
    g["temperatures"] = temps;
    g["summary"] = loads(v.summary.dump());  // spread, spread_estimate, trap_model, warnings
    d["ensemble"] = g;
  }
  return d;
}

}  // namespace
}  // namespace glassy::python

PYBIND11_MODULE(glassy_md, m) {
  namespace gp = glassy::python;
  using pybind11::arg;
  // glassy.Error and glassy.FileError (and their translation) come with the main module.
  pybind11::module_::import("glassy");
  m.doc() =
      "glassy.md: the MD analyses of the paper on numpy arrays (waiting times, structure, "
      "simulated XPCS) and a reader for the files `glassy md` writes.";
  m.def(
      "read", &gp::read_py, arg("path"),
      "What an MD file of glassy holds, as a dict with the parts present: glass (cooling curve, "
      "tg and tg_err from the two-line fit, fictive_tg and fictive_tg_err or None), xpcs "
      "(contrast [regions, snapshots], g2_normalized [lags, regions], S(q)), waiting "
      "(densities and fits with their verdict), ifk (fractions per motif, largest cluster), study "
      "(a temperature series: temperature, alpha and alpha_err (NaN where no exponent is "
      "stated), trap_model, the hottest run's g2 with its kww and ml curves, xpcs fits), ensemble "
      "(md ensemble: points with alpha, alpha_err and alpha_err_total per glass, temperatures "
      "with their means, and the summary with the spread between glasses and the trap model).");
  // Defaults from the option structs (one source of truth with the command line).
  const glassy::md::WaitingOptions tracking;
  const glassy::md::WaitingFitOptions fitting;
  m.def("sample_spread", &gp::sample_spread_py, arg("labels"), arg("alpha"), arg("alpha_err"),
        "The spread of an exponent between glasses beyond its fit errors, as md ensemble "
        "estimates it (method of moments over the labels, usually temperatures, that two or more "
        "glasses share): dict with ok, reason, spread, dof (sum of glasses - 1 per label) and "
        "rms_fit_error.");
  m.def("waiting_times", &gp::waiting_times_py, arg("positions"), arg("species"),
        arg("times") = pybind11::none(), arg("threshold") = tracking.threshold,
        arg("window") = tracking.window, arg("kind") = "exchange",
        arg("unit_intervals") = fitting.unit_intervals, arg("xmin") = pybind11::none(),
        arg("n_boot") = fitting.n_boot, arg("seed") = fitting.seed,
        arg("use_censored") = fitting.use_censored,
        "Waiting times to move `threshold` (sigma; one value or one per species) from where each "
        "atom settled, vibrations averaged over `window` snapshots, and the power-law fit of the "
        "chosen kind with its evidence (see `glassy md waiting`). positions: unwrapped, shape "
        "(snapshots, atoms, 3); times: per snapshot (default 0, 1, ...). Returns a dict: events "
        "(per atom), persistence, exchange and their censored values {intervals, tau, atom}, "
        "horizon, moves, fit {ok, reason, stated, refusals, run_factor_needed, alpha, alpha_err, "
        "beta_prime, xmin_tau, tail_decades, n_tail, n_censored, p_value, vs_exponential, "
        "vs_lognormal, fractional_diffusion}. The GIL is released.");
  const glassy::md::VoronoiOptions voronoi;
  m.def("ifk", &gp::ifk_py, arg("positions"), arg("box"), arg("species"),
        arg("radical") = voronoi.radical, arg("radii") = voronoi.radii, arg("link") = "voronoi",
        "Voronoi indices (voro++, periodic box) and the icosahedral/Frank-Kasper network of one "
        "snapshot: positions (atoms, 3), box (edge lengths or [[lo], [hi]]), species per atom. "
        "Returns fraction {icosahedron, Z14, Z15, Z16, ifk}, motif and cluster_of per atom, "
        "voronoi_index (atoms, 4), largest_cluster, largest_fraction, percolates.");
  m.def("xpcs", &gp::xpcs_py, arg("positions"), arg("times"), arg("box"), arg("species"),
        arg("out"), arg("spot_width") = pybind11::none(),
        "Simulated XPCS of a trajectory (paper Fig. 4), as `glassy md xpcs`: positions "
        "(snapshots, atoms, 3) unwrapped, times in LJ tau, box, species; writes `out` (the XPCS "
        "result layout + /glassy/md/xpcs) and returns q1, shell, spot_width, spot_widened, "
        "times_tau and regions [{name, q_points, contrast}]. spot_width in 1/A (None: the "
        "paper's 0.21, widened to hold 8 q points).");
}
