// md/glass_file: the file `glassy md prepare` writes and `glassy md tg` / `glassy md run` read:
// the final state of a quench (positions, velocities, species, box), its cooling curve, the model
// and protocol, and later the Tg estimate. Written atomically (temporary file, then rename).
//
// Layout (docs/file-formats.md, "MD trajectories"):
//   /md attributes: format = "glassy-md-glass", version, model, units, protocol (json strings)
//   /md/state/{position [N,3] (unwrapped), velocity [N,3], species [N] int32, box [2,3]}
//             attributes step, time
//   /md/cooling/{time, target_temperature, temperature, potential_energy, pressure, volume} [R]
//             (averages over each recording interval; energies per atom)
//   /md/tg attributes: the TgEstimate fields (json attribute "estimate" holds them all)
#pragma once

#include <glassy/md/system.hpp>
#include <glassy/md/tg.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <vector>

namespace glassy::md {

struct CoolingCurve {
  std::vector<double> time;                // LJ tau since the start of the quench
  std::vector<double> target_temperature;  // thermostat set point in the middle of the interval
  std::vector<double> temperature;         // measured, averaged over the interval
  std::vector<double> potential_energy;    // per atom
  std::vector<double> pressure;
  std::vector<double> volume;
  std::size_t size() const { return time.size(); }
};

struct GlassState {
  Snapshot snapshot;               // unwrapped positions in atom-id order, box, step
  std::vector<int> species;        // 0 small, 1 large
  std::vector<double> velocities;  // [N*3]; may be empty
  nlohmann::json model;            // WahnstromModel json
  nlohmann::json units;            // UnitMapping json
  nlohmann::json protocol;         // how it was made
  std::optional<TgEstimate> tg;
};

bool is_glass_file(const std::filesystem::path& file);  // HDF5 with /md/state

// Writes a new glass file atomically.
void write_glass_file(const std::filesystem::path& file, const GlassState& state,
                      const CoolingCurve& cooling);
GlassState read_glass_state(const std::filesystem::path& file);
CoolingCurve read_cooling_curve(const std::filesystem::path& file);  // empty when absent

// A starting configuration for a run: a glass file, or a LAMMPS data file (no Tg, no protocol).
GlassState read_start_state(const std::filesystem::path& file);

// Fits Tg to a cooling curve: options.quantity ("potential_energy" or "volume") against the
// measured temperature. A constant volume (an NVT quench) is refused with a clear message.
TgEstimate estimate_tg(const CoolingCurve& curve, const TgOptions& options = {});

// Fits Tg to the file's cooling curve and stores it under /md/tg (a new version of the file,
// written atomically). Returns the estimate.
TgEstimate estimate_and_store_tg(const std::filesystem::path& glass_file,
                                 const TgOptions& options = {});
void store_tg(const std::filesystem::path& glass_file, const TgEstimate& estimate);

}  // namespace glassy::md
