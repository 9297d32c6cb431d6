#include <glassy/core/error.hpp>
#include <glassy/io/frames.hpp>
#include <glassy/io/hdf5.hpp>
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
  if (!info.timestamps.empty() || info.meta.frame_time) {
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

void describe_truth(const h5::File& f, std::vector<std::string>& out) {
  const auto g = f.group("truth");
  const auto a = g.attrs();
  out.push_back(
      fmt::format("truth: synthetic run, preset {}, dynamics {}, beta {:g}, contrast {:g}, mean "
                  "rate {:g} photons/pixel/frame, seed {}",
                  a.get_string("preset"), a.get_string("dynamics"), a.get_double("beta"),
                  a.get_double("contrast"), a.get_double("rate"), a.get_int("seed")));
  const auto tau = g.read<double>("tau");
  if (!tau.empty()) {
    auto [lo, hi] = std::minmax_element(tau.begin(), tau.end());
    out.push_back(fmt::format("  tau from {:.4g} s to {:.4g} s", *lo, *hi));
  }
  const auto labels = g.read_strings("regimes/label");
  const auto rs = g.read<double>("regimes/start"), re = g.read<double>("regimes/end");
  for (std::size_t i = 0; i < labels.size(); ++i)
    out.push_back(fmt::format("  regime {} from {:g} s to {:g} s", labels[i], rs[i], re[i]));
  const auto et = g.read<double>("events/time"), ef = g.read<double>("events/fraction"),
             ek = g.read<double>("events/tau_factor");
  for (std::size_t i = 0; i < et.size(); ++i)
    out.push_back(fmt::format("  event at {:g} s: field correlation drops by {:g}, tau x{:g}",
                              et[i], ef[i], ek[i]));
  const auto gs = g.read<double>("gaps/start"), ge = g.read<double>("gaps/end");
  for (std::size_t i = 0; i < gs.size(); ++i)
    out.push_back(fmt::format("  beam loss from {:g} s to {:g} s", gs[i], ge[i]));
  out.push_back(fmt::format("  sampling {}", a.get_string("sampling")));
}

}  // namespace

std::vector<std::string> describe_file(const std::filesystem::path& file) {
  require(std::filesystem::exists(file), file.string() + ": no such file");
  std::vector<std::string> out;
  out.push_back(
      fmt::format("{}: {:.1f} MB", file.string(), std::filesystem::file_size(file) / 1e6));
  if (!h5::File::is_hdf5(file)) {
    require(NpyFrameSource::looks_like_npy(file), file.string() + " is neither HDF5 nor .npy");
    auto src = open_frames(file);
    describe_frames(*src, out);
    return out;
  }
  auto f = h5::File::open(file);
  bool known = false;
  if (f.is_dataset(kFramesPath) || f.is_group(kSparseGroup)) {
    auto src = open_frames(file);
    describe_frames(*src, out);
    known = true;
  }
  if (f.is_group("truth")) {
    describe_truth(f, out);
    known = true;
  }
  if (f.is_group("xpcs")) {
    const auto groups = f.group("xpcs").children();
    std::string list;
    for (const auto& c : groups) list += (list.empty() ? "" : ", ") + c;
    out.push_back("result: XPCS analysis groups /xpcs/{" + list + "}");
    known = true;
  }
  if (f.is_group("glassy")) {
    const auto groups = f.group("glassy").children();
    std::string list;
    for (const auto& c : groups) list += (list.empty() ? "" : ", ") + c;
    out.push_back("result: glassy groups /glassy/{" + list + "}");
    known = true;
  }
  if (!known) {
    std::string list;
    for (const auto& c : f.children()) list += (list.empty() ? "" : ", ") + c;
    out.push_back("HDF5 file without frames or results; top level: " +
                  (list.empty() ? "(empty)" : list));
  }
  return out;
}

}  // namespace glassy
