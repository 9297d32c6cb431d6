// glassy report RESULT... --out report.html: one self-contained HTML page with the paper's
// figures: from an aging result the two-time map, <t> and contrast histories, one-time g2 with
// KWW and ML fits; from MD results Fig. 4, the Fig. 1c inset, the cooling curve and structure.
#include "commands.hpp"

#include <glassy/core/atomic_file.hpp>

#include <glassy/report/report.hpp>

#include <cstdio>
#include <filesystem>
#include <vector>

namespace glassy::cli {

void register_report(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "report", "HTML report with the paper's figures from an aging result and/or MD results");
  struct Args {
    std::vector<std::string> in;
    std::string out;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("RESULT", a->in,
                  "Aging result (glassy age, glassy demo) and/or MD results (glassy md prepare, "
                  "xpcs, waiting, ifk)")
      ->required();
  cmd->add_option("--out", a->out, "Report file (HTML)")->required();
  cmd->callback([a] {
    std::vector<std::filesystem::path> files(a->in.begin(), a->in.end());
    check_output(a->out, files);
    report::ReportOptions o;
    o.command = "glassy report";
    for (const auto& f : a->in) o.command += " " + f;
    o.command += " --out " + a->out;
    report::write_report(files, a->out, o);
    std::printf("wrote %s\n", a->out.c_str());
  });
}

}  // namespace glassy::cli
