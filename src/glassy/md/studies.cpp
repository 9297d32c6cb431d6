#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/md/studies.hpp>
#include <glassy/md/trajectory.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>

namespace glassy::md {
namespace {

void write_sample(const h5::Group& g, const std::string& name, const WaitingSample& s) {
  std::vector<std::int64_t> intervals(s.intervals.begin(), s.intervals.end());
  std::vector<std::int32_t> atoms(s.atom.begin(), s.atom.end());
  g.write<std::int64_t>(name + "/intervals", intervals);
  g.write<double>(name + "/tau", s.tau).attrs().set("units", "LJ tau");
  g.write<std::int32_t>(name + "/atom", atoms);
}

// Log-binned probability density of waiting times (in snapshot intervals), 5
// bins per decade: what the paper's Fig. 1c inset plots. Bins of width < 1
// interval merge into integer ones.
void write_density(const h5::Group& g, const WaitingSample& s, double interval_tau) {
  if (s.intervals.empty()) return;
  const double top = static_cast<double>(*std::max_element(s.intervals.begin(), s.intervals.end()));
  std::vector<double> edges{1.0};
  for (int k = 1; edges.back() <= top; ++k)
    edges.push_back(std::max(edges.back() + 1, std::ceil(std::pow(10.0, k / 5.0))));
  std::vector<double> centre, density;
  for (std::size_t b = 0; b + 1 < edges.size(); ++b) {
    std::size_t n = 0;
    for (auto v : s.intervals) n += v >= edges[b] && v < edges[b + 1];
    if (n == 0) continue;
    centre.push_back(std::sqrt(edges[b] * (edges[b + 1] - 1)) * interval_tau);
    density.push_back(static_cast<double>(n) / static_cast<double>(s.size()) /
                      ((edges[b + 1] - edges[b]) * interval_tau));
  }
  g.write<double>("density/t_tau", centre);
  g.write<double>("density/p", density).attrs().set("units", "1/tau");
}

void write_fit(const h5::Group& g, const WaitingFit& f) {
  auto a = g.attrs();
  a.set("ok", static_cast<std::int64_t>(f.ok));
  a.set("reason", f.reason);
  a.set("alpha", f.alpha);
  a.set("alpha_err", f.alpha_error);
  a.set("beta_prime", f.beta_prime);
  a.set("beta_prime_err", f.beta_prime_error);
  a.set("xmin_intervals", f.xmin_intervals);
  a.set("xmin_tau", f.xmin_tau);
  a.set("ks_distance", f.ks_distance);
  a.set("p_value", f.p_value ? *f.p_value : std::nan(""));
  a.set("n", static_cast<std::int64_t>(f.n));
  a.set("n_tail", static_cast<std::int64_t>(f.n_tail));
  a.set("n_censored", static_cast<std::int64_t>(f.n_censored));
  a.set("vs_exponential_R", f.vs_exponential.log_ratio);
  a.set("vs_exponential_p", f.vs_exponential.p_value);
  a.set("vs_lognormal_R", f.vs_lognormal.log_ratio);
  a.set("vs_lognormal_p", f.vs_lognormal.p_value);
  a.set("p_value_replicates", static_cast<std::int64_t>(f.n_boot));
  a.set("p_value_method", "parametric bootstrap, the run's censoring simulated");
  a.set("tail_decades", f.tail_decades);
  a.set("stated", static_cast<std::int64_t>(f.stated));
  std::string why;
  for (const auto& r : f.refusals) why += (why.empty() ? "" : "; ") + r;
  a.set("not_stated_because", why);
  a.set("run_factor_needed", f.run_factor_needed);
  a.set("predicted_beta", f.predicted_beta);
  a.set("fractional_diffusion", static_cast<std::int64_t>(f.fractional_diffusion));
}

WaitingFit fit_kind(const WaitingTimes& times, WaitingFitOptions o, WaitingKind kind) {
  o.kind = kind;
  return fit_waiting_times(times, o);
}

}  // namespace

WaitingStudy study_waiting_times(const std::filesystem::path& trajectory,
                                 const std::filesystem::path& out, const WaitingStudyOptions& o) {
  require(o.stride >= 1, "--stride must be at least 1");
  auto source = open_trajectory(trajectory);
  const auto& species = source->header().species;
  const std::size_t used = (source->frames() + o.stride - 1) / o.stride;
  require(used > static_cast<std::size_t>(o.tracking.window) + 1,
          fmt::format("{} has {} usable snapshots; waiting times need more "
                      "than window + 1 = {} "
                      "(lower --window or --stride, or run longer)",
                      trajectory.string(), used, o.tracking.window + 1));
  WaitingTimeTracker tracker(species, o.tracking);
  Progress progress("md waiting", used);
  for (std::size_t f = 0; f < source->frames(); f += o.stride) {
    tracker.add(source->read(f));
    progress.advance();
  }
  progress.finish();

  WaitingStudy s;
  s.times = tracker.finish();
  const auto& t = s.times.snapshot_time;
  s.snapshot_interval_tau = (t.back() - t.front()) / static_cast<double>(t.size() - 1);
  const auto main_kind =
      o.fit.kind == WaitingKind::kPersistence ? WaitingKind::kExchange : o.fit.kind;
  s.exchange = fit_kind(s.times, o.fit, main_kind);
  s.persistence = fit_kind(s.times, o.fit, WaitingKind::kPersistence);

  AtomicOutput result(out);
  {
    auto file = h5::File::create(result.temp_path());
    write_provenance(file);
    auto g = file.require_group("glassy/md/waiting");
    g.attrs().set("trajectory", trajectory.string());
    g.attrs().set("window", static_cast<std::int64_t>(s.times.window));
    g.attrs().set("horizon", static_cast<std::int64_t>(s.times.horizon));
    g.attrs().set("snapshot_interval_tau", s.snapshot_interval_tau);
    g.attrs().set("events", static_cast<std::int64_t>(s.times.event_count()));
    g.write<double>("threshold", o.tracking.threshold).attrs().set("units", "sigma_SS");
    g.write<double>("snapshot_time", t).attrs().set("units", "LJ tau");
    write_sample(g, "exchange", s.times.exchange);
    write_sample(g, "persistence", s.times.persistence);
    write_sample(g, "censored_exchange", s.times.censored_exchange);
    write_sample(g, "censored_persistence", s.times.censored_persistence);
    auto ex = g.require_group("exchange");
    write_density(ex, s.times.exchange, s.snapshot_interval_tau);
    auto pe = g.require_group("persistence");
    write_density(pe, s.times.persistence, s.snapshot_interval_tau);
    auto fit_main = g.require_group("fit");
    fit_main.attrs().set("kind", main_kind == WaitingKind::kPooled ? "pooled" : "exchange");
    write_fit(fit_main, s.exchange);
    write_fit(g.require_group("fit_persistence"), s.persistence);
  }
  result.commit();
  return s;
}

StructureStudy study_structure(const std::filesystem::path& trajectory,
                               const std::filesystem::path& out, const StructureStudyOptions& o) {
  require(o.snapshots >= 1, "--snapshots must be at least 1");
  require(o.string_window >= 1, "--string-window must be at least 1");
  auto source = open_trajectory(trajectory);
  const auto& species = source->header().species;
  const std::size_t frames = source->frames();
  require(o.string_lag == 0 || o.string_lag + o.string_window <= frames,
          fmt::format("--string-lag {} (+ window {}) does not fit in the {} "
                      "snapshots of {}",
                      o.string_lag, o.string_window, frames, trajectory.string()));
  // Analysed snapshots spread evenly over the part of the run where a string
  // interval fits.
  const std::size_t last_start =
      o.string_lag > 0 ? frames - o.string_lag - o.string_window : frames - 1;
  const std::size_t n = std::min(o.snapshots, last_start + 1);
  std::vector<std::size_t> picks;
  for (std::size_t k = 0; k < n; ++k) picks.push_back(n > 1 ? k * last_start / (n - 1) : 0);

  StructureStudy s;
  std::vector<VoronoiCell> last_cells;
  Progress progress("md ifk", picks.size());
  auto window = [&](std::size_t first) {
    std::vector<Snapshot> w;
    for (std::size_t k = 0; k < o.string_window; ++k) w.push_back(source->read(first + k));
    return w;
  };
  for (auto f : picks) {
    const auto snap = source->read(f);
    s.time_tau.push_back(snap.time);
    last_cells = voronoi_cells(snap, species, o.voronoi);
    s.ifk.push_back(analyse_ifk(snap, species, last_cells, o.ifk));
    if (o.string_lag > 0)
      s.strings.push_back(find_strings(window(f), window(f + o.string_lag), species, o.strings));
    progress.advance();
  }
  progress.finish();

  AtomicOutput result(out);
  {
    auto file = h5::File::create(result.temp_path());
    write_provenance(file);
    auto g = file.require_group("glassy/md/ifk");
    g.attrs().set("trajectory", trajectory.string());
    g.attrs().set("radical", static_cast<std::int64_t>(o.voronoi.radical));
    g.attrs().set("link", o.ifk.link == IfkLink::kVoronoiNeighbours ? "voronoi_neighbours"
                                                                    : "shared_shell_atom");
    g.write<double>("time_tau", s.time_tau).attrs().set("units", "LJ tau");
    const std::size_t m = s.ifk.size();
    auto series = [&](const std::string& name, auto value) {
      std::vector<double> v;
      for (const auto& a : s.ifk) v.push_back(value(a));
      g.write<double>(name, v);
    };
    for (int motif = 1; motif < kMotifCount; ++motif) {
      const auto mm = static_cast<Motif>(motif);
      series(std::string("fraction/") + motif_name(mm),
             [mm](const IfkAnalysis& a) { return a.overall.fraction(mm); });
      for (std::size_t sp = 0; sp < 2; ++sp)
        series(fmt::format("fraction_species{}/{}", sp, motif_name(mm)),
               [mm, sp](const IfkAnalysis& a) {
                 return sp < a.per_species.size() ? a.per_species[sp].fraction(mm) : 0.0;
               });
    }
    series("fraction/ifk", [](const IfkAnalysis& a) { return a.overall.ifk_fraction(); });
    series("largest_cluster_fraction", [](const IfkAnalysis& a) { return a.largest_fraction; });
    series("largest_cluster_fraction_of_ifk",
           [](const IfkAnalysis& a) { return a.largest_fraction_of_ifk; });
    series("percolates", [](const IfkAnalysis& a) { return a.percolates ? 1.0 : 0.0; });
    const auto& last = s.ifk.back();
    std::vector<std::int32_t> motif, index;
    for (auto mo : last.motif) motif.push_back(static_cast<std::int32_t>(mo));
    g.write<std::int32_t>("last/motif", motif)
        .attrs()
        .set("legend", "0 other, 1 icosahedron, 2 Z14, 3 Z15, 4 Z16");
    for (const auto& c : last_cells) index.insert(index.end(), c.index.begin(), c.index.end());
    g.write<std::int32_t>("last/voronoi_index", index, {last_cells.size(), 4});
    std::vector<std::string> top;
    std::vector<double> top_fraction;
    for (const auto& t : last.top_indices) {
      top.push_back(fmt::format("<{},{},{},{}>", t.index[0], t.index[1], t.index[2], t.index[3]));
      top_fraction.push_back(t.fraction);
    }
    g.write_strings("last/top_indices", top);
    g.write<double>("last/top_fraction", top_fraction);
    (void)m;

    if (!s.strings.empty()) {
      auto sg = file.require_group("glassy/md/strings");
      sg.attrs().set("lag_snapshots", static_cast<std::int64_t>(o.string_lag));
      sg.attrs().set("window_snapshots", static_cast<std::int64_t>(o.string_window));
      sg.attrs().set("mobile_fraction", o.strings.mobile_fraction);
      std::vector<double> mean, weighted, count;
      std::size_t longest = 0;
      for (const auto& a : s.strings) {
        mean.push_back(a.mean_length);
        weighted.push_back(a.weighted_mean_length);
        count.push_back(static_cast<double>(a.count()));
        longest = std::max(longest, a.length_counts.size());
      }
      std::vector<double> total(longest, 0.0);
      for (const auto& a : s.strings)
        for (std::size_t len = 0; len < a.length_counts.size(); ++len)
          total[len] += static_cast<double>(a.length_counts[len]);
      sg.write<double>("mean_length", mean);
      sg.write<double>("weighted_mean_length", weighted);
      sg.write<double>("count", count);
      sg.write<double>("length_counts", total)
          .attrs()
          .set("definition", "[n]: strings of n atoms, summed over the intervals");
    }
  }
  result.commit();
  return s;
}

}  // namespace glassy::md
