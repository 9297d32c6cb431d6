#include <glassy/core/error.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/core/ranks.hpp>
#include <glassy/corr/aps_layout.hpp>
#include <glassy/corr/correlate.hpp>
#include <glassy/corr/reducer_cost.hpp>
#include <glassy/corr/stored.hpp>
#include <glassy/corr/tables.hpp>
#include <glassy/prep/flatfield.hpp>

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace glassy {
namespace {

bool has_geometry(const DetectorMetadata& m) {
  return m.energy_kev && m.distance && m.x_pixel_size && m.beam_center_x && m.beam_center_y;
}

// Spans of the run in /xpcs/temporal_mean/scattering_1d_segments (boost_corr uses ten).
constexpr std::size_t kProfileSegments = 10;

}  // namespace

Correlation correlate(FrameSource& source, const CorrelateOptions& o) {
  o.validate();
  Correlation c;
  c.options = o;
  c.info = source.info();
  c.origin = "frames " + source.info().format;
  const auto& info = c.info;
  info.require_times();
  const double dt = info.step();

  check_claimed_size(info, o.budget);
  // Mask: file or everything; then hot pixels from the data.
  std::vector<std::uint8_t> mask(info.pixels(), 1);
  if (o.mask) mask = read_mask(*o.mask, info.height, info.width);
  require(std::any_of(mask.begin(), mask.end(), [](auto m) { return m != 0; }),
          "the mask excludes every pixel: check --mask");
  // The static profiles' segment sums come with the statistics (one read of the frames less).
  c.segments = std::min<std::size_t>(kProfileSegments, info.frames);
  c.stats = compute_frame_stats(source, mask, o.budget, c.segments);
  if (o.hot_sigma > 0 || o.max_count) {
    constexpr double kNever = std::numeric_limits<double>::infinity();
    mask = remove_hot_pixels(c.stats, mask, info.height, info.width,
                             o.hot_sigma > 0 ? o.hot_sigma : kNever, o.max_count.value_or(kNever),
                             &c.hot_pixels);
  }

  // Partition.
  if (o.partition) {
    require(o.partition->height == info.height && o.partition->width == info.width,
            "the partition's shape does not match the frames");
    c.partition = *o.partition;
    for (std::size_t p = 0; p < mask.size(); ++p)
      if (!mask[p])
        c.partition.dynamic_map[p] = c.partition.static_map[p] = 0, c.partition.mask[p] = 0;
  } else if (o.qmap_file) {
    c.partition = read_aps_qmap(*o.qmap_file, info.height, info.width);
    for (std::size_t p = 0; p < mask.size(); ++p)
      if (!mask[p])
        c.partition.dynamic_map[p] = c.partition.static_map[p] = 0, c.partition.mask[p] = 0;
  } else if (has_geometry(info.meta)) {
    c.geometry = Geometry::from_metadata(info.meta);
    c.qmap = compute_qmap(*c.geometry, info.height, info.width);
    PartitionSpec spec;
    if (o.q_range) spec.q_min = o.q_range->first, spec.q_max = o.q_range->second;
    spec.dynamic_q = o.dynamic_q;
    spec.static_q = o.static_q;
    spec.dynamic_phi = o.dynamic_phi;
    spec.static_phi = o.static_phi;
    c.partition = make_partition(*c.qmap, mask, spec);
  } else {
    require(!o.q_range,
            "--q-range needs the geometry (energy, distance, pixel size, beam centre) or --qmap");
    c.partition = single_bin_partition(info.height, info.width, mask);
  }
  const int bins = c.partition.n_dynamic();
  for (std::size_t p = 0; p < mask.size(); ++p)
    if (c.partition.dynamic_map[p] == 0) mask[p] = 0;
  // The q map's geometry: what a q-map file states wins over the frames' metadata.
  c.map_geometry = info.meta;
  if (!o.partition && o.qmap_file) c.map_geometry.apply(read_qmap_geometry(*o.qmap_file));
  if (c.stats.segments() == c.segments) {
    c.profile_segments = static_profile_segments(c.stats, c.partition);
    c.stats.segment_pixel_sum = {};  // freed: the correlation keeps the statistics
  } else {  // too many pixels for the budget: a second pass over the frames, one span at a time
    c.profile_segments =
        static_profile_segments(source, c.partition, c.stats.frame_valid, c.segments, o.budget);
  }

  c.weights.assign(info.pixels(), 1.0);
  if (o.flatfield) c.weights = flatfield_weights(c.stats.pixel_mean, mask, info.height, info.width);

  std::vector<double> times(info.frames);
  for (std::size_t f = 0; f < info.frames; ++f) times[f] = info.time(f);
  c.clock = std::make_unique<FrameClock>(times, dt);
  if (o.twotime) {
    const double span = times.back() - times.front();
    const double max_lag = o.max_lag_s ? std::min(*o.max_lag_s, span) : span;
    require(max_lag >= dt,
            fmt::format("the run ({} frames) is too short for a two-time analysis", info.frames));
    ReducerPlan plan{info.frames,
                     bins,
                     span,
                     dt,
                     o.window_s,
                     max_lag,
                     o.per_decade,
                     o.map_size > 0 ? std::min(o.map_size, info.frames) : 0,
                     o.diagonal_band > 0 ? std::min(o.diagonal_band, info.frames - 1) : 0};
    check_reducer_plan(plan, o.budget);
    TableSetup setup;
    setup.bins = bins;
    setup.band_max_lag_s = max_lag;
    setup.onetime_max_lag_s = span;
    setup.per_decade = o.per_decade;
    setup.window_s = o.window_s;
    setup.plateau_span = o.plateau_span;
    setup.map_size = o.map_size;
    setup.diagonal_width = o.diagonal_band > 0 ? std::min(o.diagonal_band, info.frames - 1) : 0;
    build_tables(c, setup);
    const auto reducers = table_reducers(c);
    TwoTimeOptions to;
    to.path = o.path;
    to.budget = o.budget;
    to.nonzero_fraction = c.stats.nonzero_fraction;
    to.checkpoint = o.checkpoint;
    to.resume = o.resume;
    to.after_row = o.after_row;
    to.ranks = &ranks();  // one process, or the MPI ranks of mpirun (same bits either way)
    TwoTimeInputs in{c.partition, c.weights, c.stats.frame_valid};
    c.twotime_report = run_twotime(source, in, to, reducers);
    // How the pass used the --memory budget (a tight one means one worker and blocks read
    // again: the reason a run was slow).
    const auto& tr = c.twotime_report;
    provenance::record_resources("twotime", {{"memory_budget_bytes", o.budget.bytes()},
                                             {"workers", tr.workers},
                                             {"block_frames", tr.block_frames},
                                             {"block_reads", tr.block_reads},
                                             {"block_budget_bytes", tr.block_budget_bytes},
                                             {"peak_block_bytes", tr.peak_block_bytes},
                                             {"seconds", tr.seconds}});
  }
  if (o.multitau)
    c.multitau =
        run_multitau(source, c.partition, source.frames_per_block(o.budget, 0.2), &ranks());
  return c;
}

void write_correlation(const h5::File& file, const Correlation& c) {
  const auto& info = c.info;
  const int bins = c.partition.n_dynamic();
  const double dt = c.clock->dt();
  // /entry: the frames' metadata plus what pyXpcsViewer reads on every open: frame_time (the
  // clock's spacing when the file had only timestamps), count_time, incident_energy (NaN when
  // unknown) and start_time (the acquisition's start; glassy is not told it).
  DetectorMetadata meta = info.meta;
  if (!meta.frame_time) meta.frame_time = dt;
  write_metadata(file, meta);
  const double nan = std::nan("");
  const std::string unknown = "unknown: not in the frames file";
  if (!meta.count_time)
    file.write_scalar<double>(std::string(kDetectorGroup) + "/count_time", nan)
        .attrs()
        .set("note", unknown);
  if (!meta.energy_kev) file.write_scalar<double>(kEnergyPath, nan).attrs().set("note", unknown);
  file.write_string("entry/start_time", "");
  if (!info.timestamps.empty()) file.write<double>(kTimestampPath, info.timestamps);
  write_qmap(file, c.partition, c.qmap ? &*c.qmap : nullptr, c.map_geometry);

  // Temporal mean: the time-averaged pattern, its static-bin profile over the run and over
  // segments of it (NaN for a bin without pixels, which the viewer skips).
  const auto& saxs2d = c.stats.pixel_mean;  // written as it is: no copy of a detector's doubles
  const h5::Dims pattern{1, info.height, info.width};
  file.write<double>("xpcs/temporal_mean/scattering_2d", saxs2d, pattern,
                     h5::pixel_map_options(pattern, sizeof(double)));
  const auto nsb = static_cast<std::size_t>(c.partition.n_static());
  std::vector<double> saxs1d(nsb, 0.0), n1d(nsb, 0.0);
  for (std::size_t p = 0; p < saxs2d.size(); ++p)
    if (c.partition.static_map[p] > 0) {
      saxs1d[static_cast<std::size_t>(c.partition.static_map[p] - 1)] += saxs2d[p];
      n1d[static_cast<std::size_t>(c.partition.static_map[p] - 1)] += 1;
    }
  for (std::size_t s = 0; s < nsb; ++s) saxs1d[s] = n1d[s] > 0 ? saxs1d[s] / n1d[s] : nan;
  // [1, bins] as APS writes it, but [1] for a single bin: the viewer turns any [1, 1] dataset
  // into a number and then cannot reshape it.
  file.write<double>("xpcs/temporal_mean/scattering_1d", saxs1d,
                     nsb > 1 ? h5::Dims{1, nsb} : h5::Dims{1});
  file.write<double>("xpcs/temporal_mean/scattering_1d_segments", c.profile_segments,
                     {c.segments, nsb})
      .attrs()
      .set("layout", "[segment: equal spans of the run][static bin]");

  // Spatial mean: [2, T] rows time and mean intensity per pixel (APS layout).
  std::size_t masked = 0;
  for (auto m : c.partition.dynamic_map) masked += m > 0;
  std::vector<double> ivt(2 * info.frames);
  for (std::size_t f = 0; f < info.frames; ++f) {
    ivt[f] = c.clock->time(f);
    ivt[info.frames + f] =
        c.stats.frame_total[f] / static_cast<double>(std::max<std::size_t>(masked, 1));
  }
  file.write<double>("xpcs/spatial_mean/intensity_vs_time", ivt, {2, info.frames});

  auto g = file.require_group("glassy/corr");
  g.attrs().set("path", to_string(c.twotime_report.path));
  g.attrs().set("hot_pixels", static_cast<std::int64_t>(c.hot_pixels));
  g.attrs().set("photon_density", c.stats.photon_density);
  g.attrs().set("nonzero_fraction", c.stats.nonzero_fraction);
  g.attrs().set("flatfield", static_cast<std::int64_t>(c.options.flatfield));
  std::vector<std::int64_t> empty(c.stats.empty_frames.begin(), c.stats.empty_frames.end());
  g.write<std::int64_t>("frames/empty", empty);
  std::vector<double> gs, ge;
  for (const auto& gap : c.stats.gaps) gs.push_back(gap.start), ge.push_back(gap.end);
  g.write<double>("frames/gap_start", gs);
  g.write<double>("frames/gap_end", ge);
  std::vector<double> valid(c.stats.frame_valid.begin(), c.stats.frame_valid.end());
  g.write<double>("frames/valid", valid);
  g.write<double>("frames/time", c.clock->times());
  // Smooth doubles: LZF does not shrink them (pixel_map_options), so contiguous.
  g.write<double>("weights", c.weights, {info.height, info.width});

  if (c.multitau) {
    const auto& mt = *c.multitau;
    const auto nd = mt.delays.size();
    // Delays in frames: the viewer's time axis is delay_list * frame_time * stride * avg.
    std::vector<double> delay(mt.delays.begin(), mt.delays.end());
    file.write<double>("xpcs/multitau/delay_list", delay).attrs().set("units", "frames");
    // A bin without pixels has no g2: NaN, not the correlator's 0.
    auto g2 = mt.g2, g2_err = mt.g2_err;
    const auto nbins = static_cast<std::size_t>(mt.dynamic_bins);
    std::vector<bool> occupied(nbins, false);
    for (int b : occupied_bins(c.partition)) occupied[static_cast<std::size_t>(b - 1)] = true;
    for (std::size_t k = 0; k < nd; ++k)
      for (std::size_t b = 0; b < nbins; ++b)
        if (!occupied[b]) g2[k * nbins + b] = g2_err[k * nbins + b] = nan;
    file.write<double>("xpcs/multitau/normalized_g2", g2, {nd, nbins});
    file.write<double>("xpcs/multitau/normalized_g2_err", g2_err, {nd, nbins});
    file.write_scalar<std::int64_t>("xpcs/multitau/config/stride_frame", 1);
    file.write_scalar<std::int64_t>("xpcs/multitau/config/avg_frame", 1);
    // Per static bin, not APS's per-pixel unnormalized_G2 [delay][G2, IP, IF][row][col], so it
    // has its own name (the viewer's G2 view would misread it).
    std::vector<double> g2ipif;
    g2ipif.insert(g2ipif.end(), mt.G2.begin(), mt.G2.end());
    g2ipif.insert(g2ipif.end(), mt.IP.begin(), mt.IP.end());
    g2ipif.insert(g2ipif.end(), mt.IF.begin(), mt.IF.end());
    file.write<double>("xpcs/multitau/unnormalized_G2_static", g2ipif,
                       {3, nd, static_cast<std::size_t>(mt.static_bins)})
        .attrs()
        .set("layout", "[G2, IP, IF][delay][static bin]");
  }
  if (c.band) {
    // glassy's one-time g2 from every pair of the two-time pass, on log-spaced lags (s).
    // /xpcs/twotime/normalized_g2 itself is the viewer's: diagonal means of the map.
    const std::size_t nl = c.onetime->lags();
    std::vector<double> lag(nl), g2(nl * static_cast<std::size_t>(bins)), err(g2.size());
    for (std::size_t l = 0; l < nl; ++l) {
      lag[l] = c.onetime->lag_seconds(l);
      for (int b = 0; b < bins; ++b) {
        const auto a = c.onetime->g2(b, l);
        g2[l * static_cast<std::size_t>(bins) + static_cast<std::size_t>(b)] =
            a.n ? a.mean : std::nan("");
        err[l * static_cast<std::size_t>(bins) + static_cast<std::size_t>(b)] = a.error;
      }
    }
    file.write<double>("xpcs/twotime/onetime_delay", lag).attrs().set("units", "s");
    file.write<double>("xpcs/twotime/onetime_g2", g2, {nl, static_cast<std::size_t>(bins)});
    file.write<double>("xpcs/twotime/onetime_g2_err", err, {nl, static_cast<std::size_t>(bins)});
    if (c.map) write_viewer_twotime(file, *c.map, occupied_bins(c.partition), dt);
    // glassy's band: g2(t, t_a) per bin, window and lag.
    auto band = g.require_group("band");
    const std::size_t nw = c.band->windows(), nlb = c.band->lags();
    std::vector<double> t_a(nw), blag(nlb), bg2(static_cast<std::size_t>(bins) * nw * nlb),
        berr(bg2.size()), bn(bg2.size());
    std::vector<double> g0(static_cast<std::size_t>(bins) * nw), g0e(g0.size()), g0n(g0.size());
    for (std::size_t w = 0; w < nw; ++w) t_a[w] = c.band->window_start(w);
    for (std::size_t l = 0; l < nlb; ++l) blag[l] = c.band->lag_seconds(l);
    for (int b = 0; b < bins; ++b)
      for (std::size_t w = 0; w < nw; ++w) {
        for (std::size_t l = 0; l < nlb; ++l) {
          const auto a = c.band->g2(b, w, l);
          const std::size_t i = (static_cast<std::size_t>(b) * nw + w) * nlb + l;
          bg2[i] = a.n ? a.mean : std::nan("");
          berr[i] = a.error;
          bn[i] = static_cast<double>(a.n);
        }
        const auto p = c.band->plateau(b, w);
        const std::size_t i = static_cast<std::size_t>(b) * nw + w;
        g0[i] = p.n ? p.mean : std::nan("");
        g0e[i] = p.error;
        g0n[i] = static_cast<double>(p.n);
      }
    band.write<double>("t_a", t_a)
        .attrs()
        .set("units", "s (window start; t_a = t2, the earlier frame)");
    band.attrs().set("window_s", c.band->window_s());
    band.write<double>("lag", blag).attrs().set("units", "s");
    const h5::Dims shape{static_cast<std::size_t>(bins), nw, nlb};
    band.write<double>("g2", bg2, shape);
    band.write<double>("g2_err", berr, shape);
    band.write<double>("pairs", bn, shape);
    band.write<double>("g2_0", g0, {static_cast<std::size_t>(bins), nw});
    band.write<double>("g2_0_err", g0e, {static_cast<std::size_t>(bins), nw});
    band.write<double>("g2_0_pairs", g0n, {static_cast<std::size_t>(bins), nw});
  }
  write_correlation_state(file, c);  // the tables a re-analysis starts from (corr/stored)
  write_provenance(file);
}

void to_json(nlohmann::json& j, const CorrelateOptions& o) {
  auto optional_path = [](const auto& p) { return p ? nlohmann::json(p->string()) : nullptr; };
  auto optional_range = [](const auto& r) {
    return r ? nlohmann::json::array({r->first, r->second}) : nullptr;
  };
  j = {
      {"twotime", o.twotime},
      {"multitau", o.multitau},
      {"qmap_file", optional_path(o.qmap_file)},
      {"partition", o.partition ? nlohmann::json(fmt::format("given by the caller: {} dynamic bins",
                                                             o.partition->n_dynamic()))
                                : nullptr},
      {"q_range", optional_range(o.q_range)},
      {"dynamic_q", o.dynamic_q},
      {"static_q", o.static_q},
      {"dynamic_phi", o.dynamic_phi},
      {"static_phi", o.static_phi},
      {"mask", o.mask ? nlohmann::json(*o.mask) : nullptr},
      {"hot_sigma", o.hot_sigma},
      {"max_count", provenance::value_or_null(o.max_count)},
      {"flatfield", o.flatfield},
      {"path", to_string(o.path)},
      {"max_lag_s", provenance::value_or_null(o.max_lag_s)},
      {"window_s", o.window_s},
      {"per_decade", o.per_decade},
      {"map_size", o.map_size},
      {"diagonal_band", o.diagonal_band},
      {"plateau_span", optional_range(o.plateau_span)},
      {"memory_bytes", o.budget.bytes()},
      {"checkpoint", optional_path(o.checkpoint)},
      {"resume", o.resume}};
}

}  // namespace glassy
