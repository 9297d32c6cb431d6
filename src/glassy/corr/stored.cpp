#include <glassy/core/error.hpp>
#include <glassy/corr/stored.hpp>
#include <glassy/corr/tables.hpp>

#include <fmt/format.h>

#include <cmath>

namespace glassy {
namespace {

// The tables in a fixed order with the names they are stored under.
std::vector<std::pair<std::string, TileReducer*>> named_tables(const Correlation& c) {
  std::vector<std::pair<std::string, TileReducer*>> t;
  if (c.band) t.emplace_back("band", c.band.get());
  if (c.onetime) t.emplace_back("onetime", c.onetime.get());
  if (c.plateau) t.emplace_back("plateau", c.plateau.get());
  if (c.map) t.emplace_back("map", c.map.get());
  if (c.diagonal) t.emplace_back("diagonal", c.diagonal.get());
  return t;
}

h5::DatasetOptions compressed(std::size_t n) {
  if (n == 0) return {};
  return h5::result_compression({std::min<std::size_t>(n, std::size_t{1} << 18)});
}

}  // namespace

void write_correlation_state(const h5::File& file, const Correlation& c) {
  if (!c.band || !c.clock) return;
  const auto g = file.require_group(kStoredState);
  const auto& s = c.setup;
  auto a = g.attrs();
  a.set("version", std::int64_t{1});
  a.set("bins", static_cast<std::int64_t>(s.bins));
  a.set("band_max_lag_s", s.band_max_lag_s);
  a.set("onetime_max_lag_s", s.onetime_max_lag_s);
  a.set("per_decade", static_cast<std::int64_t>(s.per_decade));
  a.set("window_s", s.window_s);
  if (s.plateau_span)
    a.set("plateau_span", std::vector<double>{s.plateau_span->first, s.plateau_span->second});
  a.set("map_size", static_cast<std::int64_t>(s.map_size));
  a.set("diagonal_width", static_cast<std::int64_t>(s.diagonal_width));
  a.set("dt", c.clock->dt());
  a.set("origin", c.origin);
  a.set("straddling_pairs_removed", std::int64_t{c.straddle_cuts ? 1 : 0});
  if (c.straddle_cuts && !c.straddle_cuts->empty()) a.set("straddle_cut_times", *c.straddle_cuts);
  if (c.straddle_reach_s) a.set("straddle_reach_s", *c.straddle_reach_s);
  g.write<double>("frame_total", c.stats.frame_total, {}, compressed(c.stats.frame_total.size()));
  for (const auto& [name, table] : named_tables(c)) {
    const auto tg = g.require_group(name);
    // state() hands out the accumulators for restoring; writing only reads them.
    for (const auto& [field, values] : table->state()) {
      if (name == "diagonal") {
        const std::vector<float> narrow(values->begin(), values->end());
        tg.write<float>(field, narrow, {}, compressed(narrow.size()));
      } else {
        tg.write<double>(field, *values, {}, compressed(values->size()));
      }
    }
  }
}

bool is_glassy_result(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(file) || !h5::File::is_hdf5(file)) return false;
  return h5::File::open(file).is_group("glassy/corr");
}

Correlation load_correlation(const std::filesystem::path& path) {
  const auto f = h5::File::open(path);
  const std::string where = path.string();
  require(f.is_group(kStoredState),
          where +
              " holds no stored correlation tables (/glassy/corr/state; written before they "
              "were kept): run glassy corr or age on the frames again");
  const auto g = f.group(kStoredState);
  const auto a = g.attrs();
  Correlation c;
  TableSetup s;
  s.bins = static_cast<int>(a.get_int("bins"));
  s.band_max_lag_s = a.get_double("band_max_lag_s");
  s.onetime_max_lag_s = a.get_double("onetime_max_lag_s");
  s.per_decade = static_cast<int>(a.get_int("per_decade"));
  s.window_s = a.get_double("window_s");
  if (a.has("plateau_span")) {
    const auto span = a.get_doubles("plateau_span");
    require(span.size() == 2, where + ": stored plateau_span is not [start, end]");
    s.plateau_span = std::pair{span[0], span[1]};
  }
  s.map_size = static_cast<std::size_t>(a.get_int("map_size"));
  s.diagonal_width = static_cast<std::size_t>(a.get_int("diagonal_width"));
  const double dt = a.get_double("dt");
  const std::string stored_origin = a.has("origin") ? a.get_string("origin") : "frames";
  if (a.has("straddling_pairs_removed") && a.get_int("straddling_pairs_removed") == 1)
    c.straddle_cuts =
        a.has("straddle_cut_times") ? a.get_doubles("straddle_cut_times") : std::vector<double>{};
  if (a.has("straddle_reach_s")) c.straddle_reach_s = a.get_double("straddle_reach_s");

  // Frames: times, validity, gaps, empty frames, totals.
  const auto times = f.read<double>("glassy/corr/frames/time");
  const auto valid = f.read<double>("glassy/corr/frames/valid");
  require(!times.empty() && valid.size() == times.size(),
          where + ": /glassy/corr/frames/time and valid differ in length");
  auto& info = c.info;
  info.frames = times.size();
  info.meta = read_metadata(f);
  if (f.is_dataset(kTimestampPath)) info.timestamps = f.read<double>(kTimestampPath);
  info.format = "stored correlation";
  if (f.is_dataset("glassy/corr/weights")) {
    const auto dims = f.dataset("glassy/corr/weights").dims();
    if (dims.size() == 2) info.height = dims[0], info.width = dims[1];
    c.weights = f.read<double>("glassy/corr/weights");
  }
  auto& st = c.stats;
  st.frames = info.frames;
  st.pixels = info.pixels();
  st.frame_valid.assign(valid.begin(), valid.end());
  st.frame_total = g.read<double>("frame_total");
  require(st.frame_total.size() == info.frames,
          where + ": stored frame_total does not match the frames");
  for (double e : f.read<double>("glassy/corr/frames/empty"))
    st.empty_frames.push_back(static_cast<std::size_t>(e));
  const auto gs = f.read<double>("glassy/corr/frames/gap_start");
  const auto ge = f.read<double>("glassy/corr/frames/gap_end");
  for (std::size_t k = 0; k < std::min(gs.size(), ge.size()); ++k)
    st.gaps.push_back({gs[k], ge[k]});
  const auto corr_group = f.group("glassy/corr");  // alive while its attributes are read
  const auto corr_attrs = corr_group.attrs();
  st.photon_density = corr_attrs.get_double("photon_density");
  st.nonzero_fraction = corr_attrs.get_double("nonzero_fraction");
  c.hot_pixels = static_cast<std::size_t>(corr_attrs.get_int("hot_pixels"));
  c.options.flatfield = corr_attrs.get_int("flatfield") != 0;
  c.twotime_report.path = parse_corr_path(corr_attrs.get_string("path"));

  // Pixels: the time-averaged pattern, the q map (and the geometry it came from, if any).
  if (info.pixels() > 0) {
    st.pixel_mean = f.read<double>("xpcs/temporal_mean/scattering_2d");
    c.partition = read_aps_qmap(path, info.height, info.width);
    if (f.is_dataset("xpcs/qmap/qmap")) {
      try {
        c.geometry = Geometry::from_metadata(info.meta);
        c.qmap = compute_qmap(*c.geometry, info.height, info.width);
      } catch (const Error&) {
        c.geometry.reset();
      }
    }
  } else {
    c.partition.dynamic_q = s.bins;
    c.partition.static_q = 0;
  }
  require(c.partition.n_dynamic() == s.bins,
          fmt::format("{}: the q map has {} dynamic bins, the stored tables {}", where,
                      c.partition.n_dynamic(), s.bins));

  c.clock = std::make_unique<FrameClock>(times, dt);
  build_tables(c, s);
  for (const auto& [name, table] : named_tables(c)) {
    require(g.is_group(name), where + ": stored tables lack " + name);
    const auto tg = g.group(name);
    for (auto& [field, values] : table->state()) {
      if (optional_table_field(field) && !tg.exists(field)) continue;  // written before blocks
      const auto stored = tg.read<double>(field);
      require(stored.size() == values->size(),
              fmt::format("{}: /{}/{}/{} holds {} values, the tables need {}", where, kStoredState,
                          name, field, stored.size(), values->size()));
      *values = stored;
    }
  }
  c.origin = fmt::format("stored correlation in {} (made from {})", where, stored_origin);
  c.options.window_s = s.window_s;
  c.options.per_decade = s.per_decade;
  c.options.map_size = s.map_size;
  c.options.diagonal_band = s.diagonal_width;
  c.options.plateau_span = s.plateau_span;
  return c;
}

}  // namespace glassy
