// given_options: what the user passed to a subcommand, as JSON, for /glassy/provenance.
#include "commands.hpp"

namespace glassy::cli {

nlohmann::json given_options(const CLI::App& cmd) {
  nlohmann::json j = nlohmann::json::object();
  for (const CLI::Option* opt : cmd.get_options()) {
    const auto& given = opt->results();
    if (given.empty()) continue;
    j[opt->get_name()] = given.size() == 1 ? nlohmann::json(given[0]) : nlohmann::json(given);
  }
  return j;
}

}  // namespace glassy::cli
