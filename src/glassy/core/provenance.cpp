#include <glassy/core/error.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/core/ranks.hpp>
#include <glassy/core/threads.hpp>

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <vector>

namespace glassy {
namespace {

std::string iso8601(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::time_t now() { return std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()); }

// Quotes an argument the way a shell would need it, so the command line can be pasted back.
std::string shell_quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_./:=,+@%") == std::string::npos)
    return arg;
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  out += '\'';
  return out;
}

struct Record {
  std::mutex mutex;
  std::string command;
  std::vector<std::string> arguments;
  nlohmann::json inputs = nlohmann::json::array();
  nlohmann::json options;
  nlohmann::json resources = nlohmann::json::object();
  std::time_t start = now();
};

Record& record() {
  static Record r;
  return r;
}

}  // namespace

namespace provenance {

void record_command_line(int argc, const char* const* argv) {
  auto& r = record();
  std::lock_guard lock(r.mutex);
  r.arguments.assign(argv, argv + argc);
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) line += ' ';
    line += shell_quote(argv[i]);
  }
  r.command = line;
}

void record_command(const std::string& command) {
  auto& r = record();
  std::lock_guard lock(r.mutex);
  r.command = command;
  r.arguments.clear();
}

void record_input(const std::filesystem::path& file) {
  struct stat st {};
  nlohmann::json entry = {{"path", std::filesystem::absolute(file).lexically_normal().string()}};
  if (::stat(file.c_str(), &st) == 0) {
    entry["size_bytes"] = static_cast<std::uint64_t>(st.st_size);
    entry["modified"] = iso8601(st.st_mtime);
  } else {
    entry["size_bytes"] = nullptr;
    entry["modified"] = nullptr;
  }
  auto& r = record();
  std::lock_guard lock(r.mutex);
  r.inputs.push_back(std::move(entry));
}

void record_options(nlohmann::json options) {
  auto& r = record();
  std::lock_guard lock(r.mutex);
  r.options = std::move(options);
}

void record_resources(const std::string& stage, nlohmann::json resources) {
  auto& r = record();
  std::lock_guard lock(r.mutex);
  r.resources[stage] = std::move(resources);
}

void reset() {
  auto& r = record();
  std::lock_guard lock(r.mutex);
  r.inputs = nlohmann::json::array();
  r.options = nullptr;
  r.resources = nlohmann::json::object();
  r.start = now();
}

nlohmann::json current() {
  auto& r = record();
  std::lock_guard lock(r.mutex);
  char host[256] = {};
  const bool has_host = gethostname(host, sizeof host - 1) == 0;
  return {{"glassy_version", GLASSY_VERSION},
          {"command", r.command.empty() ? "library call (no command line recorded)" : r.command},
          {"arguments", r.arguments},
          {"inputs", r.inputs},
          {"options", r.options},
          {"start_time", iso8601(r.start)},
          {"end_time", iso8601(now())},
          {"host", has_host ? nlohmann::json(host) : nlohmann::json(nullptr)},
          // How it ran: MPI ranks and threads per rank.
          {"mpi_ranks", ranks().size()},
          {"threads", thread_count()},
          {"resources", r.resources}};
}

}  // namespace provenance

void write_provenance(const h5::Location& file) {
  if (file.exists(provenance::kPath)) return;
  const auto p = provenance::current();
  file.write_string(provenance::kPath, p.dump(2));
  auto ds = file.dataset(provenance::kPath);
  for (const char* key : {"glassy_version", "command", "start_time", "end_time"})
    ds.attrs().set(key, p[key].get<std::string>());
}

std::optional<nlohmann::json> read_provenance(const h5::Location& file) {
  if (!file.is_dataset(provenance::kPath)) return std::nullopt;
  const auto text = file.read_string(provenance::kPath);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(file.path() + ": /" + provenance::kPath + " is not valid JSON (" + e.what() +
                "): the file was changed after glassy wrote it");
  }
}

}  // namespace glassy
