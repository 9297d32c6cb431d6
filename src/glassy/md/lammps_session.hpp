// md/lammps_session: one in-process LAMMPS instance (Debian's liblammps through its C library
// interface), quiet, on MPI_COMM_WORLD, so `mpirun -np N glassy md ...` runs it in parallel.
// Every rank runs the same calls; gathers are collective and hand the whole system to every
// rank; only the root rank (rank() == 0) should write files.
//
// Errors: glassy validates what it sends, so LAMMPS errors should not happen. When one does and
// this LAMMPS build has C++ exceptions, command() throws glassy::Error with LAMMPS's message. The
// Debian build has none: LAMMPS then ends the process itself; glassy prints LAMMPS's message
// (from its private log file) as one line on stderr and exits with code 2.
//
// MPI is initialised by the first session and finalised once at process exit.
#pragma once

#include <glassy/md/model.hpp>
#include <glassy/md/system.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace glassy::md {

// A double written exactly (%.17g) for a LAMMPS command, so LAMMPS sees the value glassy holds.
std::string lammps_number(double v);

class LammpsSession {
 public:
  LammpsSession();
  ~LammpsSession();
  LammpsSession(const LammpsSession&) = delete;
  LammpsSession& operator=(const LammpsSession&) = delete;

  // One LAMMPS input line; several lines separated by '\n'.
  void command(const std::string& line);
  void commands(const std::string& lines);

  // True when this LAMMPS build reports errors as exceptions (command() then throws); false for
  // Debian's build, where a LAMMPS error ends the process (exit code 2, one line on stderr).
  static bool errors_are_exceptions();

  int rank() const;
  int ranks() const;
  bool is_root() const { return rank() == 0; }
  // Returns when every rank has reached it (after the root wrote a file the others will read).
  // Needs the system to exist.
  void barrier();

  // ---- building the system (once per session) ----
  // Box, model and atoms: species 0/1 per atom, unwrapped positions [N*3] (wrapped into the box
  // here, image flags keep them unwrapped), optional velocities [N*3]. Atom ids 1..N in order.
  void create_system(const WahnstromModel& model, const Box& box, const std::vector<int>& species,
                     const std::vector<double>& positions,
                     const std::vector<double>* velocities = nullptr);
  // Reads a LAMMPS restart file written by write_restart() and re-applies the model commands.
  void read_restart(const WahnstromModel& model, const std::filesystem::path& file);
  // Writes a restart file atomically (temporary name, renamed by the root rank).
  void write_restart(const std::filesystem::path& file);

  // ---- running ----
  // "run steps pre yes|no post no": setup = false skips the neighbour-list rebuild and force
  // recomputation between consecutive chunks of one run (LAMMPS's own advice for chunked runs).
  void run(std::int64_t steps, bool setup = true);
  // As run(), with "start first stop last" so that ramped fixes (a quench) span many chunks.
  void run_ramped(std::int64_t steps, std::int64_t first, std::int64_t last, bool setup);

  // ---- reading the state (collective: call on every rank) ----
  std::int64_t natoms() const;
  std::int64_t step() const;
  double timestep() const;
  Box box() const;
  std::vector<double> positions();  // unwrapped (x + image * L), atom-id order, [N*3]
  std::vector<double> velocities();
  std::vector<double> forces();
  std::vector<int> species();      // LAMMPS type - 1
  Snapshot snapshot(double time);  // step, box, unwrapped positions; `time` as given
  // Current value of a thermo keyword (pe, ke, etot, temp, press, vol, ...). Energies are totals
  // (thermo_modify norm no). If the last run did not end on this step, a "run 0" computes them.
  double thermo(const std::string& keyword);
  // Element `index` of a fix's global vector (e.g. the averages of fix ave/time).
  double fix_vector(const std::string& fix_id, int index);

  // The accelerator suffix LAMMPS applies to styles that have one ("opt": the OPT package) or "".
  const std::string& suffix() const { return suffix_; }

 private:
  void* handle_ = nullptr;
  std::filesystem::path log_;
  std::int64_t commands_since_log_reset_ = 0;
  std::int64_t energies_step_ = -1;  // step at which the last run ended
  std::string suffix_;               // accelerator styles in use ("opt" or none)
};

}  // namespace glassy::md
