// Python bindings: synthetic experiments, reading frames files, and the q map of a detector.
#include "bind_common.hpp"

#include <glassy/core/error.hpp>
#include <glassy/detector/geometry.hpp>
#include <glassy/io/frames.hpp>
#include <glassy/synth/generator.hpp>

#include <memory>
#include <mutex>

namespace glassy::python {
namespace {

// Applies synth(**overrides) the way `glassy synth` applies its options, so the two agree.
synth::SynthParams synth_params(const std::string& preset, const py::kwargs& kw) {
  synth::SynthParams p = synth::preset(preset);
  static const std::vector<std::string> known = {"frames",   "shape",       "frame_time",  "rate",
                                                 "contrast", "modes",       "tau",         "beta",
                                                 "dynamics", "aging_tstar", "events",      "gaps",
                                                 "seed",     "layout",      "compression", "dtype"};
  for (const auto& item : kw) {
    const auto key = py::cast<std::string>(item.first);
    require(std::find(known.begin(), known.end(), key) != known.end(),
            "synth: unknown parameter '" + key +
                "' (frames, shape, frame_time, rate, contrast, modes, tau, beta, dynamics, "
                "aging_tstar, events, gaps, seed, layout, compression, dtype)");
  }
  auto has = [&](const char* k) { return kw.contains(k) && !kw[k].is_none(); };
  if (has("frames")) p.frames = py::cast<std::size_t>(kw["frames"]);
  if (has("shape")) {
    const auto shape = py::cast<std::vector<std::size_t>>(kw["shape"]);
    require(shape.size() == 2, "synth: shape must be (rows, columns)");
    // Keep the direct beam where it was relative to the detector's middle.
    const double off_y = *p.geometry.beam_center_y - p.height / 2.0;
    const double off_x = *p.geometry.beam_center_x - p.width / 2.0;
    p.height = shape[0];
    p.width = shape[1];
    p.geometry.beam_center_y = p.height / 2.0 + off_y;
    p.geometry.beam_center_x = p.width / 2.0 + off_x;
  }
  if (has("frame_time")) {
    const double ft = py::cast<double>(kw["frame_time"]);
    p.drift_period *= ft / p.frame_time;
    p.frame_time = ft;
    p.geometry.frame_time = p.geometry.count_time = ft;
  }
  // The preset's events, segments and gaps beyond a shortened run go; the caller's own are
  // checked by validate() inside generate().
  p.drop_beyond_end();
  if (has("rate")) p.rate = py::cast<double>(kw["rate"]);
  if (has("contrast")) p.contrast = py::cast<double>(kw["contrast"]);
  if (has("modes")) p.modes = py::cast<int>(kw["modes"]);
  if (has("tau")) p.tau0 = py::cast<double>(kw["tau"]);
  if (has("beta")) p.beta = py::cast<double>(kw["beta"]);
  if (has("dynamics")) p.dynamics = synth::parse_dynamics(py::cast<std::string>(kw["dynamics"]));
  if (has("aging_tstar")) {
    const double tstar = py::cast<double>(kw["aging_tstar"]);
    require(tstar > 0, "synth: aging_tstar must be positive seconds");
    p.clock = {{0, p.duration(), synth::ClockSegment::Aging, tstar}};
  }
  if (has("events")) {
    p.events.clear();
    for (const auto& e : kw["events"]) {
      const auto v = py::cast<std::vector<double>>(e);
      require(!v.empty() && v.size() <= 3, "synth: each event is (time[, fraction[, tau_factor]])");
      p.events.push_back({v[0], v.size() > 1 ? v[1] : 0.5, v.size() > 2 ? v[2] : 2.0});
    }
  }
  if (has("gaps")) {
    p.gaps.clear();
    for (const auto& g : kw["gaps"]) {
      const auto v = py::cast<std::pair<double, double>>(g);
      p.gaps.push_back({v.first, v.second});
    }
  }
  if (has("seed")) p.seed = py::cast<std::uint64_t>(kw["seed"]);
  if (has("layout")) p.output.layout = parse_layout(py::cast<std::string>(kw["layout"]));
  if (has("compression"))
    p.output.compression = h5::parse_compression(py::cast<std::string>(kw["compression"]));
  if (has("dtype")) p.output.dense_type = py::cast<std::string>(kw["dtype"]);
  return p;
}

py::dict synth_py(const std::string& preset, const std::string& out, const py::kwargs& kw) {
  const auto p = synth_params(preset, kw);
  synth::SynthSummary s;
  {
    py::gil_scoped_release release;
    s = synth::generate(p, out);
  }
  py::dict d;
  d["out"] = out;
  d["frames_written"] = s.frames_written;
  d["height"] = p.height;
  d["width"] = p.width;
  d["frame_time"] = p.frame_time;
  d["photons"] = s.photons;
  d["seconds"] = s.seconds;
  d["sampling"] = s.sampling;
  d["max_isf_error"] = s.max_isf_error;
  d["params"] = py::module_::import("json").attr("loads")(p.to_json());
  return d;
}

py::dict metadata_dict(const DetectorMetadata& m) {
  py::dict d;
  d["frame_time"] = optional_float(m.frame_time);
  d["count_time"] = optional_float(m.count_time);
  d["x_pixel_size"] = optional_float(m.x_pixel_size);
  d["y_pixel_size"] = optional_float(m.y_pixel_size);
  d["distance"] = optional_float(m.distance);
  d["beam_center_x"] = optional_float(m.beam_center_x);
  d["beam_center_y"] = optional_float(m.beam_center_y);
  d["energy_kev"] = optional_float(m.energy_kev);
  d["tilt_angle"] = optional_float(m.tilt_angle);
  return d;
}

// A frames file held open. Reads are serialised per object: a FrameSource keeps file state, and
// the GIL is released while it reads.
class Frames {
 public:
  explicit Frames(const std::string& path) : path_(path) {
    py::gil_scoped_release release;
    source_ = open_frames(path);
  }
  const FrameInfo& info() const { return source_->info(); }
  const std::string& path() const { return path_; }
  bool is_sparse() const { return source_->is_sparse(); }

  py::array_t<float> read(std::size_t first, std::optional<std::size_t> count) {
    const auto& in = info();
    require(first <= in.frames, "read: first frame " + std::to_string(first) + " is beyond the " +
                                    std::to_string(in.frames) + " frames of " + path_);
    const std::size_t n = count ? *count : in.frames - first;
    require(first + n <= in.frames, "read: frames [" + std::to_string(first) + ", " +
                                        std::to_string(first + n) + ") run past the " +
                                        std::to_string(in.frames) + " frames of " + path_);
    py::array_t<float> out({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(in.height),
                            static_cast<py::ssize_t>(in.width)});
    if (n == 0) return out;
    {
      py::gil_scoped_release release;
      std::lock_guard lock(mutex_);
      source_->read_dense(first, n, block_);
      std::copy(block_.data.begin(), block_.data.begin() + n * in.pixels(), out.mutable_data());
    }
    return out;
  }

  py::tuple read_sparse(std::size_t first, std::size_t count) {
    const auto& in = info();
    require(first + count <= in.frames, "read_sparse: frames [" + std::to_string(first) + ", " +
                                            std::to_string(first + count) + ") run past the " +
                                            std::to_string(in.frames) + " frames of " + path_);
    SparseBlock b;
    {
      py::gil_scoped_release release;
      std::lock_guard lock(mutex_);
      source_->read_sparse(first, count, b);
    }
    return py::make_tuple(to_numpy(b.offsets), to_numpy(b.pixel), to_numpy(b.counts));
  }

 private:
  std::string path_;
  std::unique_ptr<FrameSource> source_;
  std::mutex mutex_;
  FrameBlock block_;
};

// Start times of all frames; empty when the file has neither timestamps nor a frame time.
py::array_t<double> frame_times(const FrameInfo& in) {
  if (!in.timestamps.empty()) return to_numpy(in.timestamps);
  if (!in.meta.frame_time) return to_numpy(std::vector<double>{});
  std::vector<double> t(in.frames);
  for (std::size_t i = 0; i < in.frames; ++i) t[i] = in.time(i);
  return to_numpy(t);
}

py::dict qmap_py(double energy_kev, double distance, double pixel, double center_x, double center_y,
                 double tilt_deg, std::size_t height, std::size_t width,
                 std::optional<double> pixel_y) {
  Geometry g;
  g.energy_kev = energy_kev;
  g.distance = distance;
  g.pixel_x = pixel;
  g.pixel_y = pixel_y.value_or(pixel);
  g.center_x = center_x;
  g.center_y = center_y;
  g.tilt_deg = tilt_deg;
  QMap q;
  {
    py::gil_scoped_release release;
    q = compute_qmap(g, height, width);
  }
  const std::vector<py::ssize_t> shape = {static_cast<py::ssize_t>(height),
                                          static_cast<py::ssize_t>(width)};
  py::dict d;
  d["q"] = to_numpy(q.q, shape);
  d["phi"] = to_numpy(q.phi, shape);
  d["two_theta"] = to_numpy(q.two_theta, shape);
  d["wavelength"] = g.wavelength();
  return d;
}

}  // namespace

void bind_io(py::module_& m) {
  m.def("synth", &synth_py, py::arg("preset") = "tiny", py::arg("out"),
        R"doc(Writes a synthetic XPCS experiment with known truth (HDF5 frames plus /truth).

preset: "tiny" (seconds), "demo" or "paper". out: the frames file to write.
Overrides (keyword arguments, as `glassy synth` takes them): frames, shape=(rows, cols),
frame_time, rate (photons per pixel per frame), contrast, modes, tau (s), beta, dynamics
("kww", "ml", "ctrw"), aging_tstar (s), events=[(time, fraction, tau_factor), ...],
gaps=[(start, end), ...], seed, layout ("dense", "sparse"), compression ("none", "gzip", "lzf",
"bslz4"), dtype ("uint8", "uint16", "uint32", "float32"). Unknown names and impossible values
raise glassy.Error. The GIL is released while generating.

Returns a dict: out, frames_written, height, width, frame_time, photons, seconds, sampling,
max_isf_error, params (the full parameter set).)doc");

  py::class_<FrameInfo>(m, "FrameInfo", "Shape, timing and metadata of a frames file.")
      .def_readonly("frames", &FrameInfo::frames, "Number of frames.")
      .def_readonly("height", &FrameInfo::height, "Detector rows.")
      .def_readonly("width", &FrameInfo::width, "Detector columns.")
      .def_readonly("format", &FrameInfo::format, "What the file holds, e.g. 'hdf5 dense uint32'.")
      .def_property_readonly(
          "frame_time", [](const FrameInfo& in) { return optional_float(in.meta.frame_time); },
          "Seconds between frame starts (None when the file does not say).")
      .def_property_readonly("timestamps", &frame_times,
                             "Start time of every frame in s (stored timestamps, else i * "
                             "frame_time; empty when neither is known).")
      .def_property_readonly(
          "metadata", [](const FrameInfo& in) { return metadata_dict(in.meta); },
          "Detector metadata found in the file (None where absent).")
      .def("__repr__", [](const FrameInfo& in) {
        return "FrameInfo(frames=" + std::to_string(in.frames) +
               ", height=" + std::to_string(in.height) + ", width=" + std::to_string(in.width) +
               ", format='" + in.format + "')";
      });

  py::class_<Frames>(m, "Frames", "An open frames file (HDF5 dense or sparse, or .npy).")
      .def_property_readonly("info", &Frames::info, py::return_value_policy::reference_internal,
                             "The file's FrameInfo.")
      .def_property_readonly("path", &Frames::path, "The file's path.")
      .def_property_readonly("is_sparse", &Frames::is_sparse,
                             "True when the file stores photon events.")
      .def("read", &Frames::read, py::arg("first") = 0, py::arg("count") = py::none(),
           "Frames [first, first + count) as float32 numpy [count, height, width] (count None: "
           "to the end). The GIL is released while reading.")
      .def("read_sparse", &Frames::read_sparse, py::arg("first"), py::arg("count"),
           "Frames [first, first + count) as photon events: (offsets, pixel, counts), frame k "
           "holding entries offsets[k]:offsets[k+1] of pixel (row * width + col) and counts.")
      .def(
          "__len__", [](const Frames& f) { return f.info().frames; }, "Number of frames.");

  m.def(
      "open_frames", [](const std::string& path) { return std::make_unique<Frames>(path); },
      py::arg("path"),
      "Opens a frames file by content (HDF5 /entry/data/data or /entry/sparse, or .npy) and "
      "returns a Frames object with .info and .read(first, count). Raises glassy.Error when "
      "the file cannot be read.");

  m.def("qmap", &qmap_py, py::arg("energy_kev"), py::arg("distance"), py::arg("pixel"),
        py::arg("center_x"), py::arg("center_y"), py::arg("tilt_deg"), py::arg("height"),
        py::arg("width"), py::arg("pixel_y") = py::none(),
        R"doc(Momentum transfer and azimuth of every pixel.

energy_kev: beam energy; distance: sample to detector plane (m); pixel: pixel size (m; pixel_y
for non-square pixels); center_x, center_y: the direct beam on the detector plane (column, row in
pixels, may lie off the detector); tilt_deg: angle between the beam and the detector normal
(wide-angle arm). Returns a dict of numpy [height, width] arrays q (1/A), phi (deg) and
two_theta (deg), and the wavelength (A).)doc");
}

}  // namespace glassy::python
