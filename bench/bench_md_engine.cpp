// The MD engine: LAMMPS NVT on an N = 4000 Wahnström glass, alone and inside run_production with
// snapshots streamed from LAMMPS memory into the HDF5 trajectory every 100 and every 10 steps.
// Figures: atom-steps/s beside the anchors (LAMMPS ~1.7e6 atom-steps/s on one core; on-the-fly
// snapshots under 10% over the same run without them).
//   bench_md_engine [atoms=4000] [steps=2000] [repeats=3]
#include "bench_common.hpp"

#include <glassy/core/progress.hpp>
#include <glassy/md/protocols.hpp>

#include <algorithm>
#include <cstdlib>

using namespace glassy;

namespace {

constexpr double kTemperature = 0.4;

// The bare LAMMPS run: one "run" command, no chunks, no snapshots.
double bare_lammps_seconds(const md::GlassState& g, std::int64_t steps) {
  md::LammpsSession s;
  s.create_system(md::WahnstromModel(), g.snapshot.box, g.species, g.snapshot.positions);
  s.commands(
      "timestep 0.005\nvelocity all create 0.4 1 dist gaussian mom yes rot no loop geom\n"
      "fix nvt all nvt temp 0.4 0.4 0.5");
  s.run(0, true);
  const double t0 = bench::now_s();
  s.run(steps, true);
  return bench::now_s() - t0;
}

struct Production {
  double seconds;
  double mb;
};

Production production_seconds(const std::filesystem::path& glass, std::int64_t steps,
                              std::int64_t every) {
  md::ProductionOptions o;
  o.temperature = kTemperature;
  o.duration_tau = static_cast<double>(steps) * o.timestep;
  o.snapshot_every = every;
  o.restart_every = 0;
  const auto out = bench::scratch("md-engine") / "traj.h5";
  const auto r = md::run_production(glass, out, o);
  Production p{r.seconds, std::filesystem::file_size(out) / 1e6};
  std::filesystem::remove(out);
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  glassy::Progress::set_quiet(true);
  const std::size_t atoms = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 4000;
  const std::int64_t steps = argc > 2 ? std::strtoll(argv[2], nullptr, 10) : 2000;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
  const double atom_steps = static_cast<double>(atoms) * static_cast<double>(steps);

  // A quickly quenched glass (rate 0.1 per tau): the dynamics cost the same as a slow one's.
  const auto glass = bench::scratch("md-engine") / "glass.h5";
  md::PrepareOptions p;
  p.atoms = atoms;
  p.melt_time = 10;
  p.cooling_rate = 0.1;
  p.record_every_dt = 0.05;
  const double tp = bench::now_s();
  md::prepare_glass(p, glass);
  std::printf("prepare: N = %zu, melt 10 tau + quench 2.0 -> 0.1 at 0.1/tau: %.1f s\n", atoms,
              bench::now_s() - tp);
  const auto g = md::read_glass_state(glass);

  // Interleaved repeats, best of each: the machine is shared, the minimum is the honest figure.
  double bare = 1e300, none = 1e300, every100 = 1e300, every10 = 1e300;
  double mb100 = 0, mb10 = 0;
  for (int r = 0; r < repeats; ++r) {
    bare = std::min(bare, bare_lammps_seconds(g, steps));
    none = std::min(none, production_seconds(glass, steps, steps).seconds);
    const auto a = production_seconds(glass, steps, 100);
    every100 = std::min(every100, a.seconds);
    mb100 = a.mb;
    const auto b = production_seconds(glass, steps, 10);
    every10 = std::min(every10, b.seconds);
    mb10 = b.mb;
  }
  const double anchor_rate = 1.7e6;
  std::printf("N = %zu, %lld NVT steps at T = %.2f, best of %d, one core:\n", atoms,
              static_cast<long long>(steps), kTemperature, repeats);
  std::printf(
      "  LAMMPS alone (one run command)        %6.2f s  %.3g atom-steps/s  (anchor %.2g: "
      "ratio %.2f)\n",
      bare, atom_steps / bare, anchor_rate, atom_steps / bare / anchor_rate);
  std::printf(
      "  run_production, no snapshots          %6.2f s  %.3g atom-steps/s  (%+.1f%% vs "
      "LAMMPS alone)\n",
      none, atom_steps / none, 100 * (none / bare - 1));
  std::printf(
      "  run_production, snapshot every 100    %6.2f s  %.3g atom-steps/s  overhead "
      "%+.1f%% (anchor < 10%%)  %.1f MB\n",
      every100, atom_steps / every100, 100 * (every100 / none - 1), mb100);
  std::printf(
      "  run_production, snapshot every 10     %6.2f s  %.3g atom-steps/s  overhead "
      "%+.1f%% (anchor < 10%%)  %.1f MB\n",
      every10, atom_steps / every10, 100 * (every10 / none - 1), mb10);
  std::filesystem::remove(glass);
  return 0;
}
