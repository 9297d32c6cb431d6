// glassy report AGING.h5 --out report.html: one self-contained HTML page with the paper's
// figures (two-time map, <t> and contrast histories, one-time g2 with KWW and ML fits) made from
// an aging result.
#include "commands.hpp"

#include <glassy/core/atomic_file.hpp>

#include <glassy/report/report.hpp>

#include <cstdio>

namespace glassy::cli {

void register_report(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "HTML report with the paper's figures from AGING.h5");
  struct Args {
    std::string in, out;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("AGING", a->in, "Aging result file (from glassy age or glassy demo)")->required();
  cmd->add_option("--out", a->out, "Report file (HTML)")->required();
  cmd->callback([a] {
    check_output(a->out, {a->in});
    report::ReportOptions o;
    o.command = "glassy report " + a->in + " --out " + a->out;
    report::write_report(a->in, a->out, o);
    std::printf("wrote %s\n", a->out.c_str());
  });
}

}  // namespace glassy::cli
