#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/core/threads.hpp>
#include <glassy/corr/correlate.hpp>
#include <glassy/io/frame_writer.hpp>
#include <glassy/md/structure_factor.hpp>
#include <glassy/md/trajectory.hpp>
#include <glassy/md/xpcs.hpp>

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace glassy::md {
namespace {

// S(q) from up to four snapshots spread over the run: a smoother peak than one
// snapshot.
StructureFactor averaged_structure_factor(TrajectorySource& source,
                                          const std::vector<std::size_t>& frames,
                                          const std::vector<double>& form_factors, double qmax) {
  const std::size_t samples = std::min<std::size_t>(frames.size(), 4);
  std::vector<Snapshot> snaps;
  for (std::size_t k = 0; k < samples; ++k)
    snaps.push_back(
        source.read(frames[k * (frames.size() - 1) / std::max<std::size_t>(samples - 1, 1)]));
  return structure_factor(snaps, source.header().species, qmax, 0.05, form_factors);
}

double frame_contrast(const double* intensity, std::size_t count) {
  double s1 = 0, s2 = 0;
  for (std::size_t i = 0; i < count; ++i) s1 += intensity[i], s2 += intensity[i] * intensity[i];
  const double mean = s1 / static_cast<double>(count);
  return mean > 0 ? (s2 / static_cast<double>(count)) / (mean * mean) : std::nan("");
}

Partition region_partition(const std::vector<MdXpcsRegion>& regions, std::size_t width,
                           const UnitMapping& units) {
  Partition p;
  p.height = 1;
  p.width = width;
  p.mask.assign(width, 1);
  p.dynamic_map.assign(width, 0);
  p.static_map.assign(width, 0);
  p.dynamic_q = p.static_q = static_cast<int>(regions.size());
  p.dynamic_phi = p.static_phi = 1;
  for (std::size_t r = 0; r < regions.size(); ++r) {
    const auto& q = regions[r].q;
    for (std::size_t i = 0; i < q.size(); ++i)
      p.dynamic_map[regions[r].first_pixel + i] = p.static_map[regions[r].first_pixel + i] =
          static_cast<std::int32_t>(r + 1);
    const double mean_q =
        std::accumulate(q.q_norm.begin(), q.q_norm.end(), 0.0) / static_cast<double>(q.size());
    p.dynamic_q_values.push_back(units.to_inv_angstrom(mean_q));
  }
  p.static_q_values = p.dynamic_q_values;
  p.dynamic_phi_values = p.static_phi_values = {0.0};
  return p;
}

void write_md_group(const h5::File& file, const MdXpcsResult& r, const MdXpcsOptions& o,
                    const Correlation& c, const std::filesystem::path& trajectory) {
  auto g = file.require_group("glassy/md/xpcs");
  g.attrs().set("trajectory", trajectory.string());
  g.attrs().set("units", r.units.to_json().dump());
  g.attrs().set("method", to_string(r.method));
  g.attrs().set("friedel_pairs",
                o.pairs == FriedelPairs::KeepOne ? "one of each +-q pair" : "both");
  g.attrs().set("q1_lj", r.q1);
  g.attrs().set("q1_inv_angstrom", r.units.to_inv_angstrom(r.q1));
  g.attrs().set("sigma_angstrom", r.units.sigma_angstrom());
  g.write<double>("shell_lj", {r.shell.first, r.shell.second}).attrs().set("units", "1/sigma");
  g.attrs().set("spot_width_inv_angstrom", r.spot_width);
  g.attrs().set("spot_widened", static_cast<std::int64_t>(r.spot_widened));
  g.write<double>("sq/q", r.sq_q).attrs().set("units", "1/sigma");
  g.write<double>("sq/s", r.sq);
  g.write<double>("sq/counts", r.sq_counts);
  g.write<double>("time_tau", r.times_tau);
  std::vector<double> time_s;
  for (double t : r.times_tau) time_s.push_back(r.units.to_seconds(t));
  g.write<double>("time_s", time_s);

  std::vector<std::string> names;
  std::vector<double> counts, contrast;
  for (const auto& reg : r.regions) {
    names.push_back(reg.name);
    counts.push_back(static_cast<double>(reg.q.size()));
    contrast.insert(contrast.end(), reg.contrast.begin(), reg.contrast.end());
    auto rg = g.require_group("regions/" + reg.name);
    std::vector<std::int32_t> n;
    for (const auto& v : reg.q.n) n.insert(n.end(), v.begin(), v.end());
    rg.write<std::int32_t>("n", n, {reg.q.size(), 3});
    rg.write<double>("q_norm", reg.q.q_norm).attrs().set("units", "1/sigma");
  }
  g.write_strings("region_names", names);
  g.write<double>("region_q_points", counts);
  g.write<double>("contrast", contrast, {r.regions.size(), r.times_tau.size()})
      .attrs()
      .set("definition", "<I^2>/<I>^2 over the region's q points, per frame");

  // g2(t) normalised to run from 1 (t = 0) to 0 (full decorrelation, C = 1):
  // (g2 - 1) over the run's mean diagonal contrast minus 1 (no shot noise in a
  // simulation, so the diagonal is g2(0)).
  const std::size_t nl = c.onetime->lags();
  const auto bins = r.regions.size();
  std::vector<double> lag(nl), norm(nl * bins, std::nan(""));
  for (std::size_t l = 0; l < nl; ++l) lag[l] = c.onetime->lag_seconds(l);
  for (std::size_t b = 0; b < bins; ++b) {
    double beta = 0;
    std::size_t n = 0;
    for (double v : r.regions[b].contrast)
      if (std::isfinite(v)) beta += v - 1, ++n;
    beta /= static_cast<double>(std::max<std::size_t>(n, 1));
    for (std::size_t l = 0; l < nl; ++l) {
      const auto a = c.onetime->g2(static_cast<int>(b), l);
      if (a.n > 0 && beta > 0) norm[l * bins + b] = (a.mean - 1) / beta;
    }
  }
  g.write<double>("g2_lag_s", lag).attrs().set("units", "s");
  g.write<double>("g2_normalized", norm, {nl, bins})
      .attrs()
      .set("definition", "(g2(t) - 1) / (<I^2>/<I>^2 - 1): 1 at t = 0, 0 when decorrelated");
}

// The 1D spot (see MdXpcsOptions::spot_width): the given width, or the paper's widened until it
// holds min_spot_points q points; a given width that holds fewer is refused with the atom count
// (same density, box scaled in steps of 5 % in length) whose lattice holds them.
QSet choose_spot(const Box& box, std::size_t atoms, const MdXpcsOptions& o, MdXpcsResult& r) {
  const auto& d = o.spot_direction;
  require(std::isfinite(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) &&
              d[0] * d[0] + d[1] * d[1] + d[2] * d[2] > 0,
          "--spot-direction must be a non-zero vector X Y Z");
  auto spot_in = [&](const Box& b, double width) {
    try {
      return spot_along(b, d, r.shell.first, r.shell.second, r.units.from_inv_angstrom(width),
                        o.pairs);
    } catch (const Error&) {
      return QSet{};  // no lattice point in the spot (or too many to list): counts as too few
    }
  };
  const double widest = r.units.to_inv_angstrom(2 * r.shell.second);  // the whole shell
  r.spot_width = o.spot_width.value_or(o.paper_spot_width);
  QSet q = spot_in(box, r.spot_width);
  if (!o.spot_width) {
    while (q.size() < o.min_spot_points && r.spot_width < widest) {
      r.spot_width *= 1.05;
      r.spot_widened = true;
      q = spot_in(box, r.spot_width);
    }
  }
  if (q.size() >= o.min_spot_points) return q;
  // Refused: how many atoms would hold the points at this width.
  Box big = box;
  double scale = 1;
  for (int k = 0; k < 200 && spot_in(big, r.spot_width).size() < o.min_spot_points; ++k) {
    scale *= 1.05;
    for (int a = 0; a < 3; ++a) big.hi[a] = big.lo[a] + scale * (box.hi[a] - box.lo[a]);
  }
  const double needed = std::ceil(static_cast<double>(atoms) * scale * scale * scale);
  throw Error(
      fmt::format("the 1D spot of {:.3g} 1/A holds {} q point(s) in this box of {} atoms; "
                  "{} are needed for a contrast and a g2: {}use a box of at least {:.0f} "
                  "atoms",
                  r.spot_width, q.size(), atoms, o.min_spot_points,
                  o.spot_width ? "leave --spot-width out (glassy widens it) or " : "", needed),
      ErrorKind::InvalidArgument, "spot_width");
}

}  // namespace

MdXpcsResult simulate_xpcs(const std::filesystem::path& trajectory,
                           const std::filesystem::path& out, const MdXpcsOptions& o) {
  require(o.stride >= 1, "--stride must be at least 1");
  require(o.shell_half_width > 0, "--shell-half-width must be positive");
  require(!o.spot_width || (std::isfinite(*o.spot_width) && *o.spot_width > 0),
          "--spot-width must be positive (1/A)");
  require(o.q_target > 0, "--q-target must be positive (1/A)");
  auto source = open_trajectory(trajectory);
  const auto& header = source->header();
  std::vector<std::size_t> frames;
  for (std::size_t f = 0; f < source->frames(); f += o.stride) frames.push_back(f);
  require(frames.size() >= 3, fmt::format("{} has {} usable snapshots; simulated XPCS needs at "
                                          "least 3 (lower --stride "
                                          "or run longer)",
                                          trajectory.string(), frames.size()));
  require(
      o.form_factors.size() >= 2 && std::all_of(o.form_factors.begin(), o.form_factors.end(),
                                                [](double f) { return std::isfinite(f) && f > 0; }),
      "--form-factors needs one positive value per species (S L)");

  MdXpcsResult r;
  // The time unit comes with the trajectory (defaults when it has none); the length unit from S(q).
  r.units = UnitMapping::from_json(header.units);

  // S(q) and its first peak fix the shell and the length unit.
  const Snapshot first = source->read(frames.front());
  const double sq_max = o.shell ? o.shell->second + 1.0 : 10.0;
  const auto sq = averaged_structure_factor(*source, frames, o.form_factors, sq_max);
  r.sq_q = sq.q;
  r.sq = sq.s;
  r.sq_counts.assign(sq.count.begin(), sq.count.end());
  // The first peak of a dense LJ liquid or glass lies near 2 pi / (bond length)
  // ~ 6 sigma^-1; searching above 2 sigma^-1 keeps small-q noise of small boxes
  // out.
  r.q1 = first_peak(sq, 2.0).q;
  const auto length_unit = UnitMapping::from_peak(r.q1, o.q_target);
  r.units.q1_lj = length_unit.q1_lj;
  r.units.q_target = length_unit.q_target;
  r.shell = o.shell
                ? *o.shell
                : std::pair<double, double>{r.q1 - o.shell_half_width, r.q1 + o.shell_half_width};
  require(r.shell.first > 0 && r.shell.second > r.shell.first,
          "the q shell must satisfy 0 < QMIN < QMAX (sigma^-1)");

  const QSet shell_q = shell(first.box, r.shell.first, r.shell.second, o.pairs);
  const QSet section_q =
      cross_section(first.box, r.shell.first, r.shell.second, o.section_axis, o.pairs);
  const QSet spot_q = choose_spot(first.box, header.species.size(), o, r);
  const std::vector<std::pair<std::string, const QSet*>> defs{
      {"shell_3d", &shell_q}, {"cross_section_2d", &section_q}, {"spot_1d", &spot_q}};
  std::size_t width = 0;
  std::vector<std::vector<std::size_t>> index;
  for (const auto& [name, q] : defs) {
    MdXpcsRegion reg;
    reg.name = name;
    reg.q = *q;
    reg.first_pixel = width;
    reg.contrast.resize(frames.size());
    width += q->size();
    // A spot may hold the partner -q of a point the shell keeps: I(q) = I(-q), same value.
    index.push_back(locate_in(*q, shell_q));
    r.regions.push_back(std::move(reg));
  }

  // Intensities: snapshots in parallel, one calculator per thread, written in
  // order.
  const int threads = std::max(1, thread_count());
  std::vector<IntensityCalculator> calculators;
  for (int t = 0; t < threads; ++t)
    calculators.emplace_back(shell_q, header.species, o.form_factors, o.method, o.tolerance);
  r.method = calculators.front().method();

  const auto frames_path = o.intensities_out
                               ? *o.intensities_out
                               : std::filesystem::path(out.string() + ".intensities.h5");
  AtomicOutput frames_out(frames_path);
  {
    auto file = h5::File::create(frames_out.temp_path());
    FrameFileSpec spec;
    spec.height = 1;
    spec.width = width;
    spec.dense_type = "float32";
    auto writer = make_frame_writer(file, spec);
    const std::size_t block = static_cast<std::size_t>(threads) * 4;
    std::vector<Snapshot> snaps(block);
    std::vector<std::vector<double>> shell_i(block, std::vector<double>(shell_q.size()));
    std::vector<float> frame(width);
    Progress progress("md xpcs", frames.size());
    for (std::size_t start = 0; start < frames.size(); start += block) {
      const std::size_t n = std::min(block, frames.size() - start);
      for (std::size_t k = 0; k < n; ++k) {
        snaps[k] = source->read(frames[start + k]);
        r.times_tau.push_back(snaps[k].time);
        require(snaps[k].box.lo == first.box.lo && snaps[k].box.hi == first.box.hi,
                fmt::format("snapshot {} of {} has a different box; simulated XPCS needs a "
                            "constant (NVT) box",
                            frames[start + k], trajectory.string()));
      }
      std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
      for (std::size_t k = 0; k < n; ++k) {
        try {
          calculators[static_cast<std::size_t>(omp_get_thread_num())].compute(snaps[k], shell_i[k]);
        } catch (...) {
#pragma omp critical
          failure = std::current_exception();
        }
      }
      if (failure) std::rethrow_exception(failure);
      for (std::size_t k = 0; k < n; ++k) {
        for (std::size_t reg = 0; reg < r.regions.size(); ++reg) {
          auto& region = r.regions[reg];
          std::vector<double> vals(index[reg].size());
          for (std::size_t i = 0; i < vals.size(); ++i) {
            vals[i] = shell_i[k][index[reg][i]];
            frame[region.first_pixel + i] = static_cast<float>(vals[i]);
          }
          region.contrast[start + k] = frame_contrast(vals.data(), vals.size());
        }
        writer->append_dense(frame.data());
      }
      progress.advance(n);
    }
    writer->finish();
    progress.finish();
    DetectorMetadata meta;
    meta.frame_time =
        r.units.to_seconds(r.times_tau.size() > 1 ? r.times_tau[1] - r.times_tau[0] : 1.0);
    write_metadata(file, meta);
    std::vector<double> stamps;
    for (double t : r.times_tau) stamps.push_back(r.units.to_seconds(t - r.times_tau.front()));
    file.write<double>(kTimestampPath, stamps).attrs().set("units", "s");
  }
  frames_out.commit();
  // A temporary intensity file goes away however the rest ends.
  struct RemoveTemporary {
    std::filesystem::path path;
    ~RemoveTemporary() {
      std::error_code ignored;
      if (!path.empty()) std::filesystem::remove(path, ignored);
    }
  } temporary{o.intensities_out ? std::filesystem::path{} : frames_path};

  // The correlator, one dynamic bin per region; no detector corrections apply
  // to a simulation.
  CorrelateOptions co;
  co.partition = region_partition(r.regions, width, r.units);
  co.hot_sigma = 0;
  co.flatfield = false;
  co.path = CorrPath::Dense;
  const double span = r.units.to_seconds(r.times_tau.back() - r.times_tau.front());
  co.window_s = span * 1.01;  // one age window: g2(t) averaged over the whole run (paper Fig. 4e)
  co.per_decade = o.per_decade;
  co.map_size = o.map_size;
  co.budget = o.budget;
  Correlation c;
  {
    auto frames_source = open_frames(frames_path);
    c = correlate(*frames_source, co);
  }
  AtomicOutput result(out);
  {
    auto file = h5::File::create(result.temp_path());
    write_correlation(file, c);
    write_md_group(file, r, o, c, trajectory);
  }
  result.commit();
  return r;
}

}  // namespace glassy::md
