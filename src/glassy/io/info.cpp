#include <glassy/core/error.hpp>
#include <glassy/io/frames.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/io/hdf5_frames.hpp>
#include <glassy/io/info.hpp>
#include <glassy/io/npy_frames.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace glassy {
namespace {

void describe_frames(FrameSource& src, std::vector<std::string>& out) {
  const FrameInfo& info = src.info();
  out.push_back(
      fmt::format("frames: {} x {} x {} ({})", info.frames, info.height, info.width, info.format));
  if (info.has_times()) {
    const double t0 = info.time(0), t1 = info.time(info.frames - 1);
    out.push_back(fmt::format("time: {:g} s to {:g} s", t0, t1));
    if (!info.timestamps.empty() && info.frames > 1) {
      // Gaps: spacings well beyond the typical one.
      std::vector<double> d(info.frames - 1);
      for (std::size_t i = 1; i < info.frames; ++i)
        d[i - 1] = info.timestamps[i] - info.timestamps[i - 1];
      auto sorted = d;
      std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
      const double typical = sorted[sorted.size() / 2];
      for (std::size_t i = 0; i < d.size(); ++i)
        if (d[i] > 1.5 * typical)
          out.push_back(fmt::format("gap: no frames between {:g} s and {:g} s", info.timestamps[i],
                                    info.timestamps[i + 1]));
    }
  } else {
    out.push_back("time: unknown (no frame_time; give --frame-time to commands that need it)");
  }
  for (const auto& line : info.meta.describe()) out.push_back("  " + line);
}

// glassy synth's /truth (synth/truth.cpp): recognised by its format attributes.
bool is_glassy_truth(const h5::Group& g) {
  const auto a = g.attrs();
  for (const char* key : {"preset", "dynamics", "beta", "contrast", "rate", "seed", "sampling"})
    if (!a.has(key)) return false;
  return true;
}

void describe_truth(const h5::File& f, std::vector<std::string>& out) {
  const auto g = f.group("truth");
  const auto a = g.attrs();
  out.push_back(
      fmt::format("truth: synthetic run, preset {}, dynamics {}, beta {:g}, contrast {:g}, mean "
                  "rate {:g} photons/pixel/frame, seed {}",
                  a.get_string("preset"), a.get_string("dynamics"), a.get_double("beta"),
                  a.get_double("contrast"), a.get_double("rate"), a.get_int("seed")));
  if (g.is_dataset("tau")) {
    const auto tau = g.read<double>("tau");
    if (!tau.empty()) {
      auto [lo, hi] = std::minmax_element(tau.begin(), tau.end());
      out.push_back(fmt::format("  tau from {:.4g} s to {:.4g} s", *lo, *hi));
    }
  }
  // Each table only when all of its columns are there.
  auto all = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (!g.is_dataset(n)) return false;
    return true;
  };
  if (all({"regimes/label", "regimes/start", "regimes/end"})) {
    const auto labels = g.read_strings("regimes/label");
    const auto rs = g.read<double>("regimes/start"), re = g.read<double>("regimes/end");
    for (std::size_t i = 0; i < std::min({labels.size(), rs.size(), re.size()}); ++i)
      out.push_back(fmt::format("  regime {} from {:g} s to {:g} s", labels[i], rs[i], re[i]));
  }
  if (all({"events/time", "events/fraction", "events/tau_factor"})) {
    const auto et = g.read<double>("events/time"), ef = g.read<double>("events/fraction"),
               ek = g.read<double>("events/tau_factor");
    for (std::size_t i = 0; i < std::min({et.size(), ef.size(), ek.size()}); ++i)
      out.push_back(fmt::format("  event at {:g} s: field correlation drops by {:g}, tau x{:g}",
                                et[i], ef[i], ek[i]));
  }
  if (all({"gaps/start", "gaps/end"})) {
    const auto gs = g.read<double>("gaps/start"), ge = g.read<double>("gaps/end");
    for (std::size_t i = 0; i < std::min(gs.size(), ge.size()); ++i)
      out.push_back(fmt::format("  beam loss from {:g} s to {:g} s", gs[i], ge[i]));
  }
  out.push_back(fmt::format("  sampling {}", a.get_string("sampling")));
}

std::string join_names(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& c : names) list += (list.empty() ? "" : ", ") + c;
  return list;
}

// Runs one section's description; whatever it cannot read becomes one line and the rest goes on
// (files from other writers hold groups glassy did not write).
template <typename Fn>
void section(const std::string& name, std::vector<std::string>& out, Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    out.push_back(name + ": not understood, skipped (" + e.what() + ")");
  }
}

}  // namespace

std::vector<std::string> describe_file(const std::filesystem::path& file,
                                       const DetectorMetadata& overrides) {
  std::vector<std::string> out;
  const bool regular = std::filesystem::is_regular_file(file);
  if (!regular || !h5::File::is_hdf5(file)) {
    // Everything else is frames: .npy, .imm, EDF files, folders and globs.
    auto src = open_frames(file, overrides);
    if (regular)
      out.push_back(
          fmt::format("{}: {:.1f} MB", file.string(), std::filesystem::file_size(file) / 1e6));
    else
      out.push_back(file.string() + ":");
    describe_frames(*src, out);
    return out;
  }
  out.push_back(
      fmt::format("{}: {:.1f} MB", file.string(), std::filesystem::file_size(file) / 1e6));
  auto f = h5::File::open(file);
  std::vector<std::string> understood;
  if (overrides.frames_dataset || f.is_group(kSparseGroup) || !find_frame_datasets(f).empty()) {
    section("frames", out, [&] {
      auto src = open_frames(file, overrides);
      describe_frames(*src, out);
    });
    understood.push_back("entry");
  }
  if (f.is_group("truth")) {
    understood.push_back("truth");
    if (is_glassy_truth(f.group("truth")))
      section("truth", out, [&] { describe_truth(f, out); });
    else
      out.push_back(
          "truth: /truth was not written by glassy synth (no preset, dynamics, ... "
          "attributes); not interpreted");
  }
  for (const char* name : {"xpcs", "glassy"}) {
    if (!f.is_group(name)) continue;
    understood.push_back(name);
    section(name, out, [&] {
      out.push_back(fmt::format("result: {} groups /{}/{{{}}}",
                                std::string(name) == "xpcs" ? "XPCS analysis" : "glassy", name,
                                join_names(f.group(name).children())));
    });
  }
  std::vector<std::string> others;
  for (const auto& c : f.children())
    if (std::find(understood.begin(), understood.end(), c) == understood.end()) others.push_back(c);
  if (understood.empty())
    out.push_back("HDF5 file without frames or results; top level: " +
                  (others.empty() ? std::string("(empty)") : join_names(others)));
  else if (!others.empty())
    out.push_back("not understood by glassy (left alone): /" + join_names(others));
  return out;
}

}  // namespace glassy
