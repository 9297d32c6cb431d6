// glassy plan --rate R --contrast C --pixels N --frame-time S --window-s W [--tau T --beta B]:
// what a beamtime can resolve (aging/plan): the error of g2 per lag bin, of tau, beta and <t> per
// window, and the smallest event flagged at 5 sigma, before anything is measured.
#include "commands.hpp"
#include "option_binding.hpp"

#include <glassy/aging/plan.hpp>

#include <cstdio>

namespace glassy::cli {

void register_plan(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "plan", "Expected errors of g2, tau, <t> and the smallest detectable event for a beamtime");
  auto o = std::make_shared<aging::PlanOptions>();
  bind_fields(*cmd, *o, aging::plan_fields());
  cmd->callback([o] {
    const auto plan = aging::plan_beamtime(*o);
    std::fputs(aging::describe(plan, *o).c_str(), stdout);
  });
}

}  // namespace glassy::cli
