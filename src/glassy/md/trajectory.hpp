// md/trajectory: one way to read any MD trajectory (glassy's HDF5 trajectory, a glass file's
// final state, a LAMMPS text dump or a LAMMPS data file), chosen by content, and the writer of
// glassy's HDF5 trajectories. Snapshots carry unwrapped positions in atom-id order, so every
// analysis sees real displacements across the periodic boundary.
//
// HDF5 layout (docs/file-formats.md, "MD trajectories"):
//   /md/trajectory/position [T,N,3] float64  unwrapped, one chunk per snapshot, compressed
//   /md/trajectory/step [T] int64, time [T] float64 (LJ tau), box [T,2,3] float64 (lo, hi)
//   /md/trajectory/species [N] int32         0 = small, 1 = large (LAMMPS type - 1)
//   /md/trajectory attributes: format, version, timestep, model, units, protocol (json strings)
//   /md/thermo/{step, time, temperature, potential_energy, kinetic_energy, total_energy,
//               pressure} [R]                per-atom energies, written by md::run_production
#pragma once

#include <glassy/md/system.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

namespace glassy::md {

struct TrajectoryHeader {
  std::vector<int> species;  // per atom, 0-based (LAMMPS type - 1), atom-id order
  double timestep = 0.005;   // LJ tau per MD step
  nlohmann::json model;      // WahnstromModel::to_json() (+ anything); null when unknown
  nlohmann::json units;      // UnitMapping::to_json(); null when unknown
  nlohmann::json protocol;   // how the trajectory was made (ProductionOptions json); may be null
};

// One sample of the thermodynamic log kept beside a production trajectory.
struct ThermoSample {
  std::int64_t step = 0;
  double time = 0;              // LJ tau since the start of the production run
  double temperature = 0;       // LJ units
  double potential_energy = 0;  // per atom
  double kinetic_energy = 0;    // per atom
  double total_energy = 0;      // per atom
  double pressure = 0;
};

// Reads a trajectory by frame index. Frames come back in file order with a constant atom count.
class TrajectorySource {
 public:
  virtual ~TrajectorySource();
  const TrajectoryHeader& header() const { return header_; }
  std::size_t frames() const { return frames_; }
  std::size_t atoms() const { return header_.species.size(); }
  virtual Snapshot read(std::size_t i) = 0;  // i < frames(); errors name file and frame

 protected:
  TrajectoryHeader header_;
  std::size_t frames_ = 0;
};

// Opens by content: glassy HDF5 trajectory (/md/trajectory), glassy glass file (/md/state, one
// frame), LAMMPS text dump (ITEM: TIMESTEP ...), LAMMPS data file (read_data format, one frame).
std::unique_ptr<TrajectorySource> open_trajectory(const std::filesystem::path& file);

// The thermodynamic log (/md/thermo) of a glassy HDF5 trajectory.
std::vector<ThermoSample> read_thermo_log(const std::filesystem::path& file);

// What a production run cost on the machine that ran it, summed over its calls: a resumed run
// adds each call's wall time and the atom-steps it computed (steps recomputed after the restart
// included). Stored as attributes of /md/trajectory.
struct RunCost {
  double wall_seconds = 0;
  double atom_steps = 0;
};

// The recorded cost; absent in trajectories of an older glassy and in other formats.
std::optional<RunCost> read_run_cost(const std::filesystem::path& file);

// Writes a glassy HDF5 trajectory to "<out>.partial" and renames it onto `out` on commit().
// Dropped without commit() (an exception, a stop for a later resume) the partial file stays so
// that a run can be resumed. resume = true reopens an existing "<out>.partial" (its species and
// timestep must match the header) and appends after its last frame.
class TrajectoryWriter {
 public:
  TrajectoryWriter(const std::filesystem::path& out, const TrajectoryHeader& header,
                   bool resume = false);
  ~TrajectoryWriter();
  TrajectoryWriter(const TrajectoryWriter&) = delete;
  TrajectoryWriter& operator=(const TrajectoryWriter&) = delete;

  void append(const Snapshot& snapshot);  // positions unwrapped, atoms() == header atoms
  void append_thermo(const ThermoSample& sample);
  std::size_t frames() const;
  std::int64_t last_step() const;  // step of the last frame; -1 when empty
  // Drops frames and thermo samples with step > `step` (resume from an older restart).
  void truncate_after(std::int64_t step);
  RunCost cost() const;  // recorded so far: zero in a new file, the earlier calls' after resume
  // Replaces the recorded protocol (an extended run: its longer duration).
  void set_protocol(const nlohmann::json& protocol);
  void record_cost(const RunCost& cost);
  void flush();   // makes everything appended so far durable in the partial file
  void commit();  // closes and renames "<out>.partial" onto `out`

  static std::filesystem::path partial_path(const std::filesystem::path& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace glassy::md
