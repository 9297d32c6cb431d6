// glassy md xpcs TRAJ --out RESULT.h5: simulated XPCS (the paper's Fig. 4) of any trajectory
// glassy reads: two-time maps, contrast and g2(t) of the 3D shell, a 2D cut and a 1D spot.
#include "commands.hpp"

#include <glassy/core/parse.hpp>

#include <glassy/core/atomic_file.hpp>

#include <glassy/core/error.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/md/xpcs.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace glassy::cli {

void register_md_xpcs(CLI::App& md) {
  auto* cmd = md.add_subcommand(
      "xpcs", "Simulated XPCS of a trajectory: 3D shell, 2D cut and 1D spot (paper Fig. 4)");
  struct Args {
    std::string in, out, shell, method = "auto", pairs = "one", memory = "2", intensities;
    md::MdXpcsOptions o;
    double spot_width = 0;
    std::vector<double> spot_direction;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("TRAJECTORY", a->in, "Trajectory (glassy HDF5, LAMMPS dump or data file)")
      ->required();
  cmd->add_option("--out", a->out, "Result file (HDF5, XPCS result layout + /glassy/md/xpcs)")
      ->required();
  cmd->add_option("--shell", a->shell,
                  "QMIN:QMAX of the 3D shell in 1/sigma (default: first S(q) peak +- half width)");
  cmd->add_option("--shell-half-width", a->o.shell_half_width,
                  "Half width of the default shell, 1/sigma (default 0.35)");
  cmd->add_option(
      "--q-target", a->o.q_target,
      "q in 1/A the first S(q) peak is mapped onto (sets the length unit; default 2.63)");
  cmd->add_option("--spot-width", a->spot_width,
                  fmt::format("|dq| of the 1D spot in 1/A (default {:g}, widened until the spot "
                              "holds {} q points of the box)",
                              a->o.paper_spot_width, a->o.min_spot_points));
  // A vector, not the std::array of the options: CLI11 reads a std::array<double, 3> as a
  // tuple-like of three values per element and asks for 9.
  cmd->add_option("--spot-direction", a->spot_direction,
                  "Direction X Y Z of the spot centre (default 1 0 0)")
      ->expected(3);
  cmd->add_option("--section-axis", a->o.section_axis,
                  "The 2D cut is the plane n_axis = 0 (0, 1, 2 = x, y, z; default 2)");
  cmd->add_option("--form-factors", a->o.form_factors, "Form factors f_S f_L (default 1 1)")
      ->expected(2);
  cmd->add_option("--method", a->method, "Intensities: auto, direct or nufft (default auto)");
  cmd->add_option("--friedel", a->pairs,
                  "one: one q of each +-q pair (independent pixels; default), both: every q");
  cmd->add_option("--stride", a->o.stride, "Use every k-th snapshot (default 1)");
  cmd->add_option("--map-size", a->o.map_size, "Two-time map cells per axis (default 1024)");
  cmd->add_option("--points-per-decade", a->o.per_decade, "Log-binned lags per decade (default 5)");
  cmd->add_option("--memory", a->memory, "Memory budget in GB (default 2)");
  cmd->add_option("--intensities", a->intensities,
                  "Also keep the intensity frames here (a frames file `glassy corr` reads)");
  cmd->callback([a, cmd] {
    check_output(a->out, {a->in});
    auto& o = a->o;
    if (!a->shell.empty()) o.shell = parse_span(a->shell, "--shell");
    if (cmd->count("--spot-width") > 0) o.spot_width = a->spot_width;
    if (!a->spot_direction.empty())
      std::copy(a->spot_direction.begin(), a->spot_direction.end(), o.spot_direction.begin());
    require(a->method == "auto" || a->method == "direct" || a->method == "nufft",
            "--method must be auto, direct or nufft");
    o.method = a->method == "direct"  ? md::IntensityMethod::Direct
               : a->method == "nufft" ? md::IntensityMethod::Nufft
                                      : md::IntensityMethod::Auto;
    require(a->pairs == "one" || a->pairs == "both", "--friedel must be one or both");
    o.pairs = a->pairs == "one" ? md::FriedelPairs::KeepOne : md::FriedelPairs::KeepBoth;
    require(o.section_axis >= 0 && o.section_axis <= 2, "--section-axis must be 0, 1 or 2");
    o.budget = MemoryBudget::parse(a->memory);
    if (!a->intensities.empty()) o.intensities_out = a->intensities;
    provenance::record_input(a->in);
    provenance::record_options(given_options(*cmd));
    const auto r = md::simulate_xpcs(a->in, a->out, o);
    std::printf(
        "wrote %s: %zu snapshots, first S(q) peak %.3f 1/sigma -> sigma = %.3f A, shell "
        "%.3f..%.3f 1/sigma, %s method\n",
        a->out.c_str(), r.times_tau.size(), r.q1, r.units.sigma_angstrom(), r.shell.first,
        r.shell.second, md::to_string(r.method).c_str());
    if (r.spot_widened)
      std::printf(
          "  1D spot widened to %.3g 1/A (the paper's %.3g holds fewer than %zu q points in this "
          "box; --spot-width to set it)\n",
          r.spot_width, o.paper_spot_width, o.min_spot_points);
    for (const auto& reg : r.regions) {
      double mean = 0;
      for (double c : reg.contrast) mean += c;
      mean /= static_cast<double>(reg.contrast.size());
      std::printf("  %-17s %7zu q points, mean contrast <I^2>/<I>^2 = %.3f\n", reg.name.c_str(),
                  reg.q.size(), mean);
      // C(t, t) over fewer than a few q points is ~1 by construction: say why, do not hide it.
      if (reg.q.size() < 3)
        std::printf(
            "  note: %s holds %zu q point(s), too few for a contrast or normalised g2; "
            "a larger box (more atoms) or a wider --spot-width gives more\n",
            reg.name.c_str(), reg.q.size());
    }
  });
}

}  // namespace glassy::cli
