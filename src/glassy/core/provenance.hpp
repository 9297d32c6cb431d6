// core/provenance: where a result came from, stored in every result glassy writes as
// /glassy/provenance: glassy's version, the command line, each input file with its size and
// modification time, the options as JSON, when the work started and ended, and the host.
// The process fills one record: the CLI's main() the command line, each command its inputs and
// options before the work starts (the Python module names the function instead); the writers
// call write_provenance when they create a result file.
#pragma once

#include <glassy/io/hdf5.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace glassy {
namespace provenance {

inline constexpr const char* kPath = "glassy/provenance";

// The program's arguments, joined (shell-quoted where needed) into the command line.
void record_command_line(int argc, const char* const* argv);
// A command line for callers without one, e.g. "python: glassy.correlate".
void record_command(const std::string& command);
// An input file: its absolute path, size in bytes and modification time, read now.
void record_input(const std::filesystem::path& file);
// The options the work used, as JSON (replaces earlier ones).
void record_options(nlohmann::json options);
// How a stage of the work used the machine (e.g. "twotime": workers, memory, block reads):
// differs between runs of the same inputs, so it lives here and not beside the results.
void record_resources(const std::string& stage, nlohmann::json resources);
// Forgets inputs, options and resources and restarts the clock (a new call in a long-lived
// process).
void reset();
// An optional option value as JSON: the value, or null where it is off.
template <class T>
nlohmann::json value_or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
// The record as of now: {glassy_version, command, inputs, options, start_time, end_time, host,
// mpi_ranks, threads, resources}.
nlohmann::json current();

}  // namespace provenance

// Writes the current record into `file` as /glassy/provenance: the JSON text as a string
// dataset, with glassy_version, command, start_time and end_time as attributes. A file that has
// one already keeps it (a writer that calls another writer records once).
void write_provenance(const h5::Location& file);
// The record stored in `file`, if it has one.
std::optional<nlohmann::json> read_provenance(const h5::Location& file);

}  // namespace glassy
