// md/lammps_dump: LAMMPS's own text files, so trajectories from any LAMMPS run can be analysed.
//
// Dumps (`dump atom` or `dump custom`): columns id (optional; atoms are sorted by it), type
// (required: species = type - 1), and one position set: xu yu zu | x y z | xs ys zs | xsu ysu zsu,
// with image flags ix iy iz used when present. Wrapped positions without image flags are
// unwrapped by continuity (minimum image between consecutive frames: atoms must move less than
// half a box length between frames). Frames are indexed on open (one pass) and read lazily.
//
// Data files (`read_data` / `write_data` format): header counts and box, Masses (ignored; the
// model's masses are used), Atoms with style atomic (also charge, molecular, full), optional
// image flags, optional Velocities. One snapshot; also a starting glass for md::run_production.
//
// Orthogonal boxes only: a triclinic box is rejected with a message saying so. Every error names
// the file and line.
#pragma once

#include <glassy/md/trajectory.hpp>

#include <filesystem>
#include <memory>
#include <vector>

namespace glassy::md {

struct LammpsData {
  Snapshot snapshot;               // unwrapped positions in id order; step from the title line
  std::vector<int> species;        // type - 1
  std::vector<double> velocities;  // [N*3]; empty when the file has no Velocities section
};

LammpsData read_lammps_data(const std::filesystem::path& file);
// Writes atom_style atomic with image flags (positions wrapped into the box) and velocities when
// given. Types are species + 1; masses from `masses` (per species) when not empty.
void write_lammps_data(const std::filesystem::path& file, const Snapshot& snapshot,
                       const std::vector<int>& species, const std::vector<double>& velocities = {},
                       const std::vector<double>& masses = {});

// True when the file starts like a LAMMPS dump ("ITEM: TIMESTEP").
bool is_lammps_dump(const std::filesystem::path& file);

// timestep: LJ tau per step (dumps do not record it); Snapshot::time = (step - first step) * dt.
std::unique_ptr<TrajectorySource> open_lammps_dump(const std::filesystem::path& file,
                                                   double timestep = 0.005);
std::unique_ptr<TrajectorySource> open_lammps_data(const std::filesystem::path& file);

}  // namespace glassy::md
