// Python bindings: the correlation step (two-time map, its reducers, multi-tau) from a frames
// file.
#include "bind_common.hpp"

#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/provenance.hpp>

#include <cmath>

namespace glassy::python {

const char* const kCorrelateKeys =
    "q_range, qmap_file, mask, flatfield, path, plateau_span, memory, twotime, multitau";

namespace {

// Removes `key` from kw and returns it cast to T, or nothing when absent or None.
template <typename T>
std::optional<T> take(py::dict& kw, const char* key) {
  if (!kw.contains(key)) return std::nullopt;
  const py::object v = kw[key];
  PyDict_DelItemString(kw.ptr(), key);
  if (v.is_none()) return std::nullopt;
  return v.cast<T>();
}

}  // namespace

CorrelateOptions correlate_options(py::dict& kw) {
  CorrelateOptions o;
  take_fields(kw, o, correlate_fields());  // the numeric options, from their table
  if (auto v = take<std::pair<double, double>>(kw, "q_range")) o.q_range = *v;
  if (auto v = take<std::string>(kw, "qmap_file")) o.qmap_file = *v;
  if (auto v = take<std::string>(kw, "mask")) o.mask = *v;
  if (auto v = take<bool>(kw, "flatfield")) o.flatfield = *v;
  if (auto v = take<std::string>(kw, "path")) o.path = parse_corr_path(*v);
  if (auto v = take<std::pair<double, double>>(kw, "plateau_span")) o.plateau_span = *v;
  if (auto v = take<std::string>(kw, "memory")) o.budget = MemoryBudget::parse(*v);
  if (auto v = take<bool>(kw, "twotime")) o.twotime = *v;
  if (auto v = take<bool>(kw, "multitau")) o.multitau = *v;
  return o;
}

void reject_unknown(const py::dict& kw, const std::string& function, const std::string& known) {
  for (const auto& item : kw)
    throw Error(function + ": unknown option '" + py::str(item.first).cast<std::string>() +
                "' (known: " + known + ")");
}

py::dict correlation_dict(const Correlation& c) {
  const int bins = c.partition.n_dynamic();
  const auto nb = static_cast<py::ssize_t>(bins);
  py::dict d;
  d["frames"] = c.info.frames;
  d["height"] = c.info.height;
  d["width"] = c.info.width;
  d["bins"] = bins;
  d["q"] = to_numpy(c.partition.dynamic_q_values);
  d["phi"] = to_numpy(c.partition.dynamic_phi_values);
  const std::vector<py::ssize_t> image = {static_cast<py::ssize_t>(c.partition.height),
                                          static_cast<py::ssize_t>(c.partition.width)};
  d["mask"] = to_numpy(c.partition.mask, image);
  d["dynamic_map"] = to_numpy(c.partition.dynamic_map, image);
  d["hot_pixels"] = c.hot_pixels;
  d["empty_frames"] = c.stats.empty_frames;
  py::list gaps;
  for (const auto& g : c.stats.gaps) gaps.append(py::make_tuple(g.start, g.end));
  d["gaps"] = gaps;
  d["photon_density"] = c.stats.photon_density;
  if (c.clock) {
    d["frame_times"] = to_numpy(c.clock->times());
    d["dt"] = c.clock->dt();
  }

  if (c.map) {
    const auto n = c.map->size();
    py::array_t<float> maps({nb, static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(n)});
    for (int b = 0; b < bins; ++b) {
      const auto m = c.map->map(b);
      std::copy(m.begin(), m.end(), maps.mutable_data() + static_cast<std::size_t>(b) * n * n);
    }
    std::vector<double> starts(n);
    for (std::size_t i = 0; i < n; ++i) starts[i] = c.map->cell_start(i);
    py::dict t;
    t["map"] = maps;
    t["cell_start"] = to_numpy(starts);
    t["cell_width"] = c.map->cell_width();
    t["full_resolution"] = c.map->full_resolution();
    d["twotime"] = t;
  } else {
    d["twotime"] = py::none();
  }

  if (c.onetime) {
    const auto nl = c.onetime->lags();
    std::vector<double> lag(nl), g2(bins * nl), err(bins * nl), count(bins * nl);
    for (std::size_t l = 0; l < nl; ++l) lag[l] = c.onetime->lag_seconds(l);
    for (int b = 0; b < bins; ++b)
      for (std::size_t l = 0; l < nl; ++l) {
        const auto a = c.onetime->g2(b, l);
        g2[b * nl + l] = a.mean;
        err[b * nl + l] = a.error;
        count[b * nl + l] = static_cast<double>(a.n);
      }
    const std::vector<py::ssize_t> shape = {nb, static_cast<py::ssize_t>(nl)};
    py::dict o;
    o["lag"] = to_numpy(lag);
    o["g2"] = to_numpy(g2, shape);
    o["g2_err"] = to_numpy(err, shape);
    o["pairs"] = to_numpy(count, shape);
    d["onetime"] = o;
  } else {
    d["onetime"] = py::none();
  }

  if (c.band) {
    const auto nw = c.band->windows(), nl = c.band->lags();
    std::vector<double> t_a(nw), lag(nl), g2(bins * nw * nl), err(bins * nw * nl);
    std::vector<double> g0(bins * nw), g0_err(bins * nw);
    for (std::size_t w = 0; w < nw; ++w) t_a[w] = c.band->window_start(w);
    for (std::size_t l = 0; l < nl; ++l) lag[l] = c.band->lag_seconds(l);
    for (int b = 0; b < bins; ++b)
      for (std::size_t w = 0; w < nw; ++w) {
        const auto p = c.band->plateau(b, w);
        // Windows without pairs (gaps) have no plateau: NaN, not the reducer's placeholder 0.
        g0[b * nw + w] = p.n ? p.mean : NAN;
        g0_err[b * nw + w] = p.n ? p.error : NAN;
        for (std::size_t l = 0; l < nl; ++l) {
          const auto a = c.band->g2(b, w, l);
          g2[(b * nw + w) * nl + l] = a.n ? a.mean : NAN;
          err[(b * nw + w) * nl + l] = a.n ? a.error : NAN;
        }
      }
    const std::vector<py::ssize_t> shape = {nb, static_cast<py::ssize_t>(nw),
                                            static_cast<py::ssize_t>(nl)};
    const std::vector<py::ssize_t> shape0 = {nb, static_cast<py::ssize_t>(nw)};
    py::dict band;
    band["t_a"] = to_numpy(t_a);
    band["window_s"] = c.band->window_s();
    band["lag"] = to_numpy(lag);
    band["g2"] = to_numpy(g2, shape);
    band["g2_err"] = to_numpy(err, shape);
    d["band"] = band;
    d["g2_0"] = to_numpy(g0, shape0);
    d["g2_0_err"] = to_numpy(g0_err, shape0);
  } else {
    d["band"] = py::none();
  }

  if (c.multitau) {
    const auto& mt = *c.multitau;
    const auto nd = mt.delays.size();
    const auto nbins = static_cast<std::size_t>(mt.dynamic_bins);
    // The library stores [delay][bin]; Python gets [bin][delay] like the other g2 arrays.
    std::vector<double> g2(nbins * nd), err(nbins * nd), delay_s(nd);
    for (std::size_t k = 0; k < nd; ++k) {
      delay_s[k] = mt.frames_per_second > 0 ? mt.delays[k] / mt.frames_per_second : NAN;
      for (std::size_t b = 0; b < nbins; ++b) {
        g2[b * nd + k] = mt.g2[k * nbins + b];
        err[b * nd + k] = mt.g2_err[k * nbins + b];
      }
    }
    const std::vector<py::ssize_t> shape = {static_cast<py::ssize_t>(nbins),
                                            static_cast<py::ssize_t>(nd)};
    py::dict m;
    m["delay_frames"] = to_numpy(mt.delays);
    m["delay"] = to_numpy(delay_s);
    m["g2"] = to_numpy(g2, shape);
    m["g2_err"] = to_numpy(err, shape);
    d["multitau"] = m;
  } else {
    d["multitau"] = py::none();
  }
  return d;
}

namespace {

py::dict correlate_py(const std::string& path, const std::optional<std::string>& out,
                      const py::kwargs& kwargs, bool multitau_only) {
  py::dict kw(kwargs);
  auto o = correlate_options(kw);
  reject_unknown(kw, multitau_only ? "multitau" : "correlate",
                 field_names(correlate_fields()) + ", " + kCorrelateKeys);
  if (multitau_only) {
    o.twotime = false;
    o.multitau = true;
  }
  provenance::reset();
  provenance::record_command(multitau_only ? "python: glassy.multitau"
                                           : "python: glassy.correlate");
  provenance::record_input(path);
  provenance::record_options(o);
  std::optional<py::dict> result;
  {
    py::gil_scoped_release release;
    auto source = open_frames(path);
    const auto c = correlate(*source, o);
    if (out) {
      // Atomic: an interrupted write leaves no half result file behind.
      AtomicOutput atomic(*out, {path}, "out");  // never over the frames it reads
      {
        auto file = h5::File::create(atomic.temp_path());
        write_correlation(file, c);
      }
      atomic.commit();
    }
    py::gil_scoped_acquire acquire;
    result = correlation_dict(c);
  }
  if (multitau_only) return (*result)["multitau"].cast<py::dict>();
  return *result;
}

}  // namespace

// correlate()'s docstring: the numeric options come from their table (name, meaning, unit,
// range, default), the others are described here.
const std::string& correlate_doc() {
  static const std::string doc =
      "The whole correlation step on a frames file, as `glassy corr` runs it.\n\nOptions "
      "(keywords):\n" +
      fields_doc(correlate_fields()) +
      "  q_range=(min, max) 1/A; qmap_file; mask (FILE or FILE:/dataset); flatfield (True); path "
      "(\"auto\", \"dense\", \"sparse\"); plateau_span=(start, end) s; memory (\"2GB\"); "
      "twotime (True); multitau (True).\n"
      R"doc(out: also write the result file (pyXpcsViewer layout plus /glassy/corr).
The GIL is released while correlating.

Returns a dict: frames, height, width, bins, q, phi, mask, dynamic_map, hot_pixels,
empty_frames, gaps, photon_density, frame_times, dt;
twotime: {map: float32 [bins, n, n] (NaN where no pair fell), cell_start, cell_width,
full_resolution}; onetime: {lag (s), g2, g2_err, pairs: [bins, lags]};
band: {t_a (window starts, s), window_s, lag, g2, g2_err: [bins, windows, lags]} (NaN in empty
cells); g2_0, g2_0_err: [bins, windows] (short-time plateau g2(0, t_a));
multitau: {delay_frames, delay (s), g2, g2_err: [bins, delays]}. Parts not computed are None.)doc";
  return doc;
}

void bind_corr(py::module_& m) {
  m.def(
      "correlate",
      [](const std::string& path, std::optional<std::string> out, py::kwargs kw) {
        return correlate_py(path, out, kw, false);
      },
      py::arg("path"), py::arg("out") = py::none(), correlate_doc().c_str());

  m.def(
      "multitau",
      [](const std::string& path, py::kwargs kw) {
        return correlate_py(path, std::nullopt, kw, true);
      },
      py::arg("path"),
      "Multi-tau one-time g2 of a frames file (APS 8-ID delays). Takes correlate()'s partition "
      "and mask options. Returns a dict: delay_frames, delay (s), g2 and g2_err [bins, delays]. "
      "The GIL is released while correlating.");
}

}  // namespace glassy::python
