// glassy age INPUT... --out AGING.h5: the paper's age-resolved study in one command: g2(t, t_a),
// plateaus, KWW and ML fits per window, histories, contrast anti-correlation, events, regimes and
// the long-time view; the result file, CSV histories and a summary on stdout. INPUT is a frames
// file, a glassy corr/age result (re-analysed from its stored tables, without the frames), or one
// or more two-time maps made elsewhere (consecutive pieces of one run).
#include "commands.hpp"
#include "option_binding.hpp"

#include <glassy/aging/analysis.hpp>
#include <glassy/aging/options_json.hpp>
#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/parse.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/core/ranks.hpp>
#include <glassy/corr/map_source.hpp>
#include <glassy/corr/stored.hpp>
#include <glassy/corr/tables.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <optional>
#include <sstream>

namespace glassy::cli {
namespace {

// Options that act on frames (pixels, mask, partition, correlator): refused for inputs that are
// already correlations, rather than silently ignored.
constexpr const char* kFrameOnly[] = {
    "--qmap",       "--q-range", "--dynamic-q",  "--static-q",  "--dynamic-phi",
    "--static-phi", "--mask",    "--hot-sigma",  "--max-count", "--no-flatfield",
    "--path",       "--resume",  "--pixel-size", "--distance",  "--beam-center",
    "--energy",     "--dataset"};

void refuse_frame_options(const CLI::App& cmd, const std::string& input, const std::string& kind,
                          std::initializer_list<const char*> more = {}) {
  auto check = [&](const char* name) {
    require(cmd.count(name) == 0,
            fmt::format("{} applies to frames; {} is {}: drop it", name, input, kind));
  };
  for (const char* name : kFrameOnly) check(name);
  for (const char* name : more) check(name);
}

}  // namespace

void register_age(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "age", "Age-resolved analysis: g2(t, t_a), fits, histories, events, regimes");
  struct Args : CorrelateOptionsArgs {
    aging::AgingOptions aging;  // the aging fields are bound to it; its .corr comes from `o`
    std::vector<std::string> in;
    std::string out, models = "kww,ml", csv_dir, map_form;
    int bin = 1;
    std::vector<std::string> tas;
    bool resume = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("INPUT", a->in,
                  std::string(kFramesHelp) +
                      "; or a glassy corr/age result (re-analysed from its stored tables); or "
                      "two-time maps (APS HDF5, legacy /exchange, .mat variable C, .npy [T,T]), "
                      "several = consecutive pieces")
      ->required();
  cmd->add_option("--out", a->out, "Result file (HDF5)")->required();
  cmd->add_option("--models", a->models, "Models fitted per window: kww,ml (default both)");
  cmd->add_option("--bin", a->bin, "Dynamic q bin analysed (1-based, default 1)");
  bind_fields(
      *cmd, a->aging, aging::aging_fields(),
      {"contrast_slope", "pearson_windows", "regime_penalty", "regime_min_windows",
       "regime_slope_sigma", "event_sigma", "event_band", "age_step_s", "keep_straddling_pairs"});
  cmd->add_option("--tas-span", a->tas,
                  "A:B span (s) for a time-aging superposition fit (repeatable)");
  cmd->add_option("--csv-dir", a->csv_dir, "Folder for the CSV histories (default: beside --out)");
  cmd->add_option("--map-form", a->map_form,
                  "Two-time maps: the map holds g2 or g2-1 (default: detected from the level far "
                  "from the diagonal)");
  cmd->add_flag("--resume", a->resume, "Continue an interrupted correlation from its checkpoint");
  add_correlate_options(*cmd, *a);
  cmd->callback([a, cmd] {
    check_output(a->out, {a->in.begin(), a->in.end()});
    aging::AgingOptions o = a->aging;
    o.corr = finish_correlate_options(*a);
    o.corr.multitau = false;
    o.corr.checkpoint = a->out + ".checkpoint.h5";
    o.corr.resume = a->resume;
    o.bin = a->bin - 1;
    require(a->bin >= 1, "--bin " + std::to_string(a->bin) + ": q bins count from 1");
    o.fit_kww = a->models.find("kww") != std::string::npos;
    o.fit_ml = a->models.find("ml") != std::string::npos;
    require(o.fit_kww || o.fit_ml, "--models must name kww, ml or both");
    for (const auto& span : a->tas) o.tas_spans.push_back(parse_span(span, "--tas-span"));
    o.validate();  // before any input is opened
    const std::filesystem::path out(a->out);
    const auto csv_dir = a->csv_dir.empty() ? (out.has_parent_path() ? out.parent_path() : ".")
                                            : std::filesystem::path(a->csv_dir);
    require(std::filesystem::is_directory(csv_dir),
            "--csv-dir " + csv_dir.string() + " does not exist");
    std::optional<MapForm> form;
    if (!a->map_form.empty()) form = parse_map_form(a->map_form);

    const std::string& first = a->in.front();
    const bool stored = is_glassy_result(first);
    const bool maps = !stored && looks_like_map(first);
    if (!maps) {
      require(a->in.size() == 1,
              fmt::format("{} inputs given: only two-time maps come in several pieces ({} is {})",
                          a->in.size(), first, stored ? "a glassy result" : "a frames file"));
      require(!form, "--map-form applies to two-time maps; " + first + " is not one");
    }

    for (const auto& in : a->in) provenance::record_input(in);
    provenance::record_options(o);
    // Under mpirun every rank computes its share and rank 0 alone writes.
    std::optional<AtomicOutput> atomic;
    if (ranks().rank() == 0)
      atomic.emplace(out, std::vector<std::filesystem::path>{a->in.begin(), a->in.end()});
    aging::AgingResult r;
    if (stored) {
      refuse_frame_options(*cmd, first, "a stored correlation (its own clock and pixels)",
                           {"--frame-time", "--age-step-s"});
      Correlation c = load_correlation(first);
      // The request: the stored setup, changed only by the options given.
      TableSetup want = c.setup;
      if (cmd->count("--points-per-decade")) want.per_decade = o.corr.per_decade;
      if (cmd->count("--max-lag-s"))
        want.band_max_lag_s = o.corr.max_lag_s
                                  ? std::min(*o.corr.max_lag_s, c.setup.onetime_max_lag_s)
                                  : c.setup.onetime_max_lag_s;
      if (cmd->count("--plateau-span-s")) want.plateau_span = o.corr.plateau_span;
      if (cmd->count("--map-size")) want.map_size = o.corr.map_size;
      const bool full_map = c.map && c.map->full_resolution();
      if (want.diagonal_width == 0 && full_map)
        want.diagonal_width = std::min(o.event_lags(c.clock->dt()), c.info.frames - 1);
      want.window_s = cmd->count("--window-s") ? o.corr.window_s : c.setup.window_s;
      adapt_tables(c, want, first);
      o.corr.window_s = want.window_s;
      r = aging::analyse_aging(std::move(c), o);
    } else if (maps) {
      refuse_frame_options(*cmd, first, "a two-time map");
      MapOptions mo;
      mo.frame_time = a->overrides.frame_time;
      mo.form = form;
      mo.bin = a->bin;
      mo.tables = o.corr;
      if (o.event_band)
        mo.tables.diagonal_band = *o.event_band;
      else
        mo.band_window_s = o.corr.window_s;
      if (o.age_step_s) mo.tables.window_s = *o.age_step_s;
      std::vector<std::filesystem::path> pieces(a->in.begin(), a->in.end());
      o.bin = 0;  // the map's correlation holds the chosen bin only
      r = aging::analyse_aging(correlate_maps(pieces, mo), o);
    } else {
      auto source = open_frames(first, a->overrides);
      r = aging::analyse_aging(*source, o);
    }
    if (!atomic) return;
    {
      auto file = h5::File::create(atomic->temp_path());
      write_aging(file, r);
    }
    atomic->commit();
    aging::write_history_csv(csv_dir, out.stem().string(), r);
    std::printf("%s", aging::summarise(r).c_str());
    std::printf("wrote %s and %s_*.csv\n", a->out.c_str(), (csv_dir / out.stem()).c_str());
  });
}

}  // namespace glassy::cli
