#include <glassy/core/error.hpp>
#include <glassy/corr/correlate.hpp>
#include <glassy/corr/stored.hpp>
#include <glassy/corr/tables.hpp>
#include <glassy/prep/flatfield.hpp>

#include <fmt/format.h>

#include <cmath>

namespace glassy {
namespace {

bool has_geometry(const DetectorMetadata& m) {
  return m.energy_kev && m.distance && m.x_pixel_size && m.beam_center_x && m.beam_center_y;
}

}  // namespace

Correlation correlate(FrameSource& source, const CorrelateOptions& o) {
  Correlation c;
  c.options = o;
  c.info = source.info();
  c.origin = "frames " + source.info().format;
  const auto& info = c.info;
  require(info.meta.frame_time.has_value() || !info.timestamps.empty(),
          "frame time missing: the file has neither frame_time nor timestamps; give --frame-time "
          "SECONDS");
  // The frame spacing: the stated frame time, else the first step of the timestamps.
  double dt = 1.0;
  if (info.meta.frame_time) {
    dt = *info.meta.frame_time;
  } else if (info.timestamps.size() > 1) {
    dt = info.timestamps[1] - info.timestamps[0];
  }
  require(dt > 0, "frame time must be positive");

  // Mask: file or everything; then hot pixels from the data.
  std::vector<std::uint8_t> mask(info.pixels(), 1);
  if (o.mask) mask = read_mask(*o.mask, info.height, info.width);
  require(std::any_of(mask.begin(), mask.end(), [](auto m) { return m != 0; }),
          "the mask excludes every pixel: check --mask");
  c.stats = compute_frame_stats(source, mask, o.budget);
  if (o.hot_sigma > 0 || o.max_count < 1e9) {
    mask = remove_hot_pixels(c.stats, mask, info.height, info.width,
                             o.hot_sigma > 0 ? o.hot_sigma : 1e300, o.max_count, &c.hot_pixels);
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

  c.weights.assign(info.pixels(), 1.0);
  if (o.flatfield) c.weights = flatfield_weights(c.stats.pixel_mean, mask, info.height, info.width);

  std::vector<double> times(info.frames);
  for (std::size_t f = 0; f < info.frames; ++f) times[f] = info.time(f);
  c.clock = std::make_unique<FrameClock>(times, dt);
  if (o.twotime) {
    const double span = times.back() - times.front();
    const double max_lag = o.max_lag_s > 0 ? std::min(o.max_lag_s, span) : span;
    require(max_lag >= dt,
            fmt::format("the run ({} frames) is too short for a two-time analysis", info.frames));
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
    TwoTimeInputs in{c.partition, c.weights, c.stats.frame_valid};
    c.twotime_report = run_twotime(source, in, to, reducers);
  }
  if (o.multitau)
    c.multitau = run_multitau(source, c.partition, source.frames_per_block(o.budget, 0.2));
  return c;
}

void write_correlation(const h5::File& file, const Correlation& c) {
  const auto& info = c.info;
  const int bins = c.partition.n_dynamic();
  write_metadata(file, info.meta);
  if (!info.timestamps.empty()) file.write<double>(kTimestampPath, info.timestamps);
  write_qmap(file, c.partition, c.qmap ? &*c.qmap : nullptr, c.geometry);

  // Temporal mean: the time-averaged pattern and its static-bin profile.
  std::vector<double> saxs2d(c.stats.pixel_mean.begin(), c.stats.pixel_mean.end());
  file.write<double>("xpcs/temporal_mean/scattering_2d", saxs2d, {1, info.height, info.width});
  const auto nsb = static_cast<std::size_t>(c.partition.n_static());
  std::vector<double> saxs1d(nsb, 0.0), n1d(nsb, 0.0);
  for (std::size_t p = 0; p < saxs2d.size(); ++p)
    if (c.partition.static_map[p] > 0) {
      saxs1d[static_cast<std::size_t>(c.partition.static_map[p] - 1)] += saxs2d[p];
      n1d[static_cast<std::size_t>(c.partition.static_map[p] - 1)] += 1;
    }
  for (std::size_t s = 0; s < nsb; ++s) saxs1d[s] = n1d[s] > 0 ? saxs1d[s] / n1d[s] : 0.0;
  file.write<double>("xpcs/temporal_mean/scattering_1d", saxs1d, {1, nsb});

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
  g.write<double>("weights", c.weights, {info.height, info.width});

  if (c.multitau) {
    const auto& mt = *c.multitau;
    std::vector<double> delay_s;
    const double dt = c.clock->dt();
    for (auto d : mt.delays) delay_s.push_back(static_cast<double>(d) * dt);
    const auto nd = mt.delays.size();
    file.write<double>("xpcs/multitau/delay_list", delay_s).attrs().set("units", "s");
    file.write<double>("xpcs/multitau/normalized_g2", mt.g2,
                       {nd, static_cast<std::size_t>(mt.dynamic_bins)});
    file.write<double>("xpcs/multitau/normalized_g2_err", mt.g2_err,
                       {nd, static_cast<std::size_t>(mt.dynamic_bins)});
    std::vector<double> g2ipif;
    g2ipif.insert(g2ipif.end(), mt.G2.begin(), mt.G2.end());
    g2ipif.insert(g2ipif.end(), mt.IP.begin(), mt.IP.end());
    g2ipif.insert(g2ipif.end(), mt.IF.begin(), mt.IF.end());
    file.write<double>("xpcs/multitau/unnormalized_G2", g2ipif,
                       {3, nd, static_cast<std::size_t>(mt.static_bins)})
        .attrs()
        .set("layout", "[G2, IP, IF][delay][static bin]");
  }
  if (c.band) {
    // One-time g2 from the two-time band, APS /xpcs/twotime/{normalized_g2, delay_list}.
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
    file.write<double>("xpcs/twotime/delay_list", lag).attrs().set("units", "s");
    file.write<double>("xpcs/twotime/normalized_g2", g2, {nl, static_cast<std::size_t>(bins)});
    file.write<double>("xpcs/twotime/normalized_g2_err", err, {nl, static_cast<std::size_t>(bins)});
    std::vector<std::int64_t> processed;
    for (int b = 1; b <= bins; ++b) processed.push_back(b);
    file.write<std::int64_t>("xpcs/twotime/processed_bins", processed);
    if (c.map) {
      const auto n = c.map->size();
      for (int b = 0; b < bins; ++b) {
        h5::DatasetOptions opt;
        opt.chunk = {std::min<std::size_t>(n, 256), std::min<std::size_t>(n, 256)};
        opt.compression = h5::Compression::Gzip;
        auto ds = file.write<float>(fmt::format("xpcs/twotime/correlation_map/c2_{:05d}", b + 1),
                                    c.map->map(b), {n, n}, opt);
        ds.attrs().set("cell_seconds", c.map->cell_width());
        ds.attrs().set("full_resolution", static_cast<std::int64_t>(c.map->full_resolution()));
      }
      file.group("xpcs/twotime").attrs().set("map_start_time", c.map->cell_start(0));
    }
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
}

}  // namespace glassy
