// glassy age FRAMES --out AGING.h5: the paper's age-resolved study in one command: g2(t, t_a),
// plateaus, KWW and ML fits per window, histories, contrast anti-correlation, events, regimes and
// the long-time view; the result file, CSV histories and a summary on stdout.
#include "commands.hpp"
#include "option_binding.hpp"

#include <glassy/aging/analysis.hpp>
#include <glassy/aging/options_json.hpp>
#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/parse.hpp>
#include <glassy/core/provenance.hpp>

#include <cstdio>
#include <sstream>

namespace glassy::cli {

void register_age(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "age", "Age-resolved analysis: g2(t, t_a), fits, histories, events, regimes");
  struct Args : CorrelateOptionsArgs {
    aging::AgingOptions aging;  // the aging fields are bound to it; its .corr comes from `o`
    std::string in, out, models = "kww,ml", csv_dir;
    int bin = 1;
    std::vector<std::string> tas;
    bool resume = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("FRAMES", a->in, kFramesHelp)->required();
  cmd->add_option("--out", a->out, "Result file (HDF5)")->required();
  cmd->add_option("--models", a->models, "Models fitted per window: kww,ml (default both)");
  cmd->add_option("--bin", a->bin, "Dynamic q bin analysed (1-based, default 1)");
  bind_fields(*cmd, a->aging, aging::aging_fields(),
              {"contrast_slope", "pearson_windows", "regime_penalty", "regime_min_windows",
               "regime_slope_sigma", "event_sigma", "event_band"});
  cmd->add_option("--tas-span", a->tas,
                  "A:B span (s) for a time-aging superposition fit (repeatable)");
  cmd->add_option("--csv-dir", a->csv_dir, "Folder for the CSV histories (default: beside --out)");
  cmd->add_flag("--resume", a->resume, "Continue an interrupted correlation from its checkpoint");
  add_correlate_options(*cmd, *a);
  cmd->callback([a] {
    check_output(a->out, {a->in});
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
    o.validate();  // before the frames are opened
    const std::filesystem::path out(a->out);
    const auto csv_dir = a->csv_dir.empty() ? (out.has_parent_path() ? out.parent_path() : ".")
                                            : std::filesystem::path(a->csv_dir);
    require(std::filesystem::is_directory(csv_dir),
            "--csv-dir " + csv_dir.string() + " does not exist");
    provenance::record_input(a->in);
    provenance::record_options(o);
    AtomicOutput atomic(out, {a->in});
    auto source = open_frames(a->in, a->overrides);
    const auto r = aging::analyse_aging(*source, o);
    {
      auto file = h5::File::create(atomic.temp_path());
      write_aging(file, r);
    }
    atomic.commit();
    aging::write_history_csv(csv_dir, out.stem().string(), r);
    std::printf("%s", aging::summarise(r).c_str());
    std::printf("wrote %s and %s_*.csv\n", a->out.c_str(), (csv_dir / out.stem()).c_str());
  });
}

}  // namespace glassy::cli
