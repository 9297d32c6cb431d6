#include <glassy/core/error.hpp>
#include <glassy/md/image_flags.hpp>
#include <glassy/md/lammps_session.hpp>

#include <lammps/library.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

namespace glassy::md {
namespace {

// What LAMMPS is doing right now, for the exit handler when a LAMMPS error ends the process.
std::string g_current_command;
std::filesystem::path g_current_log;
bool g_in_command = false;
std::atomic<int> g_session_counter{0};

// The last "ERROR..." line of the LAMMPS log, or a generic note.
std::string last_error_in_log(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::string line, error;
  while (std::getline(in, line))
    if (line.rfind("ERROR", 0) == 0) error = line;
  return error.empty() ? "LAMMPS stopped with an error (no message in its log)" : error;
}

// Runs at process exit. If LAMMPS is ending the process from inside a command (a build without
// exceptions calls exit(1) after MPI_Finalize), say why in one line and exit with glassy's code
// for bad input; otherwise finalise MPI once, after every session has closed.
void at_exit() {
  if (g_in_command) {
    std::fprintf(stderr, "glassy: LAMMPS failed on '%s': %s\n", g_current_command.c_str(),
                 last_error_in_log(g_current_log).c_str());
    std::fflush(stderr);
    std::error_code ignored;
    std::filesystem::remove(g_current_log, ignored);  // no destructor runs after _exit
    _exit(2);
  }
  lammps_mpi_finalize();
}

void register_exit_handler() {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(at_exit); });
}

}  // namespace

std::string lammps_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

LammpsSession::LammpsSession() {
  register_exit_handler();
  log_ =
      std::filesystem::temp_directory_path() / ("glassy-lammps-" + std::to_string(::getpid()) +
                                                "-" + std::to_string(g_session_counter++) + ".log");
  const std::string log = log_.string();
  // The OPT package's styles (lj/cut/opt for the Wahnstrom pair) are the same model with a
  // tighter inner loop, 15-20 % faster on this pair style; "-sf opt" uses them where they exist
  // and the plain style elsewhere (e.g. the soft push-off of prepare).
  const bool opt = lammps_config_has_package("OPT") != 0;
  std::vector<const char*> args{"glassy", "-log", log.c_str(), "-screen", "none", "-nocite"};
  if (opt) {
    args.push_back("-sf");
    args.push_back("opt");
  }
  suffix_ = opt ? "opt" : "";
  handle_ =
      lammps_open_no_mpi(static_cast<int>(args.size()), const_cast<char**>(args.data()), nullptr);
  require(handle_ != nullptr, "cannot start LAMMPS (liblammps): check its installation");
}

LammpsSession::~LammpsSession() {
  if (handle_ != nullptr) lammps_close(handle_);
  std::error_code ignored;
  std::filesystem::remove(log_, ignored);
}

void LammpsSession::command(const std::string& line) {
  // Each "run" appends a few lines to the log; starting it afresh now and then bounds its size.
  if (++commands_since_log_reset_ > 5000) {
    commands_since_log_reset_ = 0;
    command("log " + log_.string());
  }
  g_current_command = line;
  g_current_log = log_;
  g_in_command = true;
  lammps_command(handle_, line.c_str());
  g_in_command = false;
  if (lammps_has_error(handle_)) {
    char buf[1024] = {};
    lammps_get_last_error_message(handle_, buf, sizeof buf);
    std::string message(buf);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    throw Error("LAMMPS failed on '" + line + "': " + message);
  }
}

void LammpsSession::commands(const std::string& lines) {
  std::istringstream in(lines);
  std::string line;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t") != std::string::npos) command(line);
}

bool LammpsSession::errors_are_exceptions() { return lammps_config_has_exceptions() != 0; }

int LammpsSession::rank() const { return lammps_extract_setting(handle_, "world_rank"); }
int LammpsSession::ranks() const { return lammps_extract_setting(handle_, "world_size"); }

void LammpsSession::barrier() {
  // An all-reduce over the atoms (the library exposes no plain barrier without MPI headers).
  if (ranks() > 1) species();
}

void LammpsSession::create_system(const WahnstromModel& model, const Box& box,
                                  const std::vector<int>& species,
                                  const std::vector<double>& positions,
                                  const std::vector<double>* velocities) {
  const std::size_t n = species.size();
  require(n > 0 && positions.size() == 3 * n, "create_system: positions must be [N][3] for N > 0");
  require(velocities == nullptr || velocities->size() == 3 * n,
          "create_system: velocities must be [N][3]");
  const auto len = box.length();
  for (int d = 0; d < 3; ++d)
    require(len[d] > 0 && std::isfinite(len[d]), "create_system: box lengths must be positive");
  commands(model.lammps_preamble());
  commands("region glassy_box block " + lammps_number(box.lo[0]) + " " + lammps_number(box.hi[0]) +
           " " + lammps_number(box.lo[1]) + " " + lammps_number(box.hi[1]) + " " +
           lammps_number(box.lo[2]) + " " + lammps_number(box.hi[2]) + "\ncreate_box 2 glassy_box");
  // Wrap into the box here and keep the image flags, so unwrapped positions survive exactly.
  std::vector<int> ids(n), types(n), images(n);
  std::vector<double> x(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    require(species[i] == 0 || species[i] == 1, [&] {
      return "atom " + std::to_string(i + 1) + " has species " + std::to_string(species[i]) +
             ": the Wahnström model has species 0 (small) and 1 (large) only";
    });
    ids[i] = static_cast<int>(i + 1);
    types[i] = species[i] + 1;
    int image[3];
    for (int d = 0; d < 3; ++d) {
      const double u = positions[3 * i + d];
      require(std::isfinite(u), "create_system: non-finite position");
      require(std::abs(u - box.lo[d]) < 500 * len[d],
              "create_system: an atom lies more than 500 box lengths away");
      const FoldedCoordinate w = fold_with_image(u, box.lo[d], box.hi[d]);
      image[d] = w.image;
      x[3 * i + d] = w.x;
    }
    images[i] = lammps_encode_image_flags(image[0], image[1], image[2]);
  }
  const int created =
      lammps_create_atoms(handle_, static_cast<int>(n), ids.data(), types.data(), x.data(),
                          velocities != nullptr ? velocities->data() : nullptr, images.data(), 0);
  require(created == static_cast<int>(n), [&] {
    return "LAMMPS created " + std::to_string(created) + " of " + std::to_string(n) + " atoms";
  });
  commands(model.lammps_commands());
  commands("thermo_modify norm no\nneighbor 0.3 bin\nneigh_modify delay 0 every 1 check yes");
  energies_step_ = -1;
}

void LammpsSession::read_restart(const WahnstromModel& model, const std::filesystem::path& file) {
  require(std::filesystem::exists(file), "restart file '" + file.string() + "' does not exist",
          ErrorKind::InputOutput);
  command("atom_modify map array");
  command("read_restart " + file.string());
  commands(model.lammps_commands());
  commands("thermo_modify norm no\nneighbor 0.3 bin\nneigh_modify delay 0 every 1 check yes");
  energies_step_ = -1;
}

void LammpsSession::write_restart(const std::filesystem::path& file) {
  const auto temp = file.string() + ".tmp";
  command("write_restart " + temp);
  if (is_root()) {
    std::error_code ec;
    std::filesystem::rename(temp, file, ec);
    require(!ec, "cannot move restart file onto '" + file.string() + "': " + ec.message(),
            ErrorKind::InputOutput);
  }
}

void LammpsSession::run(std::int64_t steps, bool setup) {
  command("run " + std::to_string(steps) + " pre " + (setup ? "yes" : "no") + " post no");
  energies_step_ = step();
}

void LammpsSession::run_ramped(std::int64_t steps, std::int64_t first, std::int64_t last,
                               bool setup) {
  command("run " + std::to_string(steps) + " start " + std::to_string(first) + " stop " +
          std::to_string(last) + " pre " + (setup ? "yes" : "no") + " post no");
  energies_step_ = step();
}

std::int64_t LammpsSession::natoms() const {
  return static_cast<std::int64_t>(lammps_get_natoms(handle_));
}

std::int64_t LammpsSession::step() const {
  return *static_cast<std::int64_t*>(lammps_extract_global(handle_, "ntimestep"));
}

double LammpsSession::timestep() const {
  return *static_cast<double*>(lammps_extract_global(handle_, "dt"));
}

Box LammpsSession::box() const {
  double lo[3], hi[3], xy, yz, xz;
  int periodic[3], changed;
  lammps_extract_box(handle_, lo, hi, &xy, &yz, &xz, periodic, &changed);
  Box b;
  for (int d = 0; d < 3; ++d) {
    b.lo[d] = lo[d];
    b.hi[d] = hi[d];
  }
  return b;
}

std::vector<double> LammpsSession::positions() {
  const auto n = static_cast<std::size_t>(natoms());
  std::vector<double> x(3 * n);
  std::vector<int> image(3 * n);
  lammps_gather_atoms(handle_, const_cast<char*>("x"), 1, 3, x.data());
  // count 3 makes LAMMPS unpack each packed image int into ix, iy, iz.
  lammps_gather_atoms(handle_, const_cast<char*>("image"), 0, 3, image.data());
  const auto len = box().length();
  for (std::size_t i = 0; i < 3 * n; ++i) x[i] += image[i] * len[i % 3];
  return x;
}

std::vector<double> LammpsSession::velocities() {
  std::vector<double> v(3 * static_cast<std::size_t>(natoms()));
  lammps_gather_atoms(handle_, const_cast<char*>("v"), 1, 3, v.data());
  return v;
}

std::vector<double> LammpsSession::forces() {
  std::vector<double> f(3 * static_cast<std::size_t>(natoms()));
  lammps_gather_atoms(handle_, const_cast<char*>("f"), 1, 3, f.data());
  return f;
}

std::vector<int> LammpsSession::species() {
  std::vector<int> t(static_cast<std::size_t>(natoms()));
  lammps_gather_atoms(handle_, const_cast<char*>("type"), 0, 1, t.data());
  for (int& s : t) s -= 1;
  return t;
}

Snapshot LammpsSession::snapshot(double time) {
  Snapshot s;
  s.step = step();
  s.time = time;
  s.box = box();
  s.positions = positions();
  return s;
}

double LammpsSession::thermo(const std::string& keyword) {
  if (energies_step_ != step()) run(0, true);
  return lammps_get_thermo(handle_, keyword.c_str());
}

double LammpsSession::fix_vector(const std::string& fix_id, int index) {
  // Global vector element: LAMMPS returns a newly allocated double (style 0 global, type 1 vector).
  void* p = lammps_extract_fix(handle_, fix_id.c_str(), 0, 1, index, 0);
  require(p != nullptr,
          "LAMMPS fix '" + fix_id + "' has no global vector element " + std::to_string(index));
  const double v = *static_cast<double*>(p);
  lammps_free(p);
  return v;
}

}  // namespace glassy::md
