// glassy md waiting|ifk TRAJ --out RESULT.h5: the waiting-time power law (paper Fig. 1c inset,
// 1 + beta' = 1.45) and the icosahedral/Frank-Kasper network with string-like motion.
#include "commands.hpp"

#include <glassy/core/atomic_file.hpp>

#include <glassy/core/error.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/md/studies.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

namespace glassy::cli {
namespace {

void register_waiting(CLI::App& md) {
  auto* cmd = md.add_subcommand(
      "waiting", "Waiting times to move one bond length, their power law and what it predicts");
  struct Args {
    std::string in, out, kind = "exchange";
    md::WaitingStudyOptions o;
    double xmin = 0;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("TRAJECTORY", a->in, "Trajectory (glassy HDF5, LAMMPS dump)")->required();
  cmd->add_option("--out", a->out, "Result file (HDF5, /glassy/md/waiting)")->required();
  cmd->add_option("--threshold", a->o.tracking.threshold,
                  "Displacement that counts as a move, sigma_SS: one value, or one per species "
                  "(default 1.0)");
  cmd->add_option("--window", a->o.tracking.window,
                  "Snapshots averaged to remove vibrations (default 5)");
  cmd->add_option("--stride", a->o.stride, "Use every k-th snapshot (default 1)");
  cmd->add_option("--kind", a->kind,
                  "Times fitted: exchange (between moves; default), persistence or pooled");
  cmd->add_option("--species", a->o.fit.species, "Fit only this species (0 small, 1 large)");
  cmd->add_option("--xmin", a->xmin, "Fixed x_min in snapshot intervals (default: by KS)");
  cmd->add_flag("!--no-censored", a->o.fit.use_censored,
                "Leave the atoms still waiting at the end out of the likelihood");
  cmd->add_option("--n-boot", a->o.fit.n_boot,
                  fmt::format("Runs simulated (with the censoring) for the goodness-of-fit p; 0: "
                              "none, and no exponent is stated (default {})",
                              a->o.fit.n_boot));
  cmd->add_option("--seed", a->o.fit.seed,
                  fmt::format("Seed of the simulated runs (default {})", a->o.fit.seed));
  cmd->callback([a, cmd] {
    check_output(a->out, {a->in});
    auto& o = a->o;
    require(a->kind == "exchange" || a->kind == "persistence" || a->kind == "pooled",
            "--kind must be exchange, persistence or pooled");
    o.fit.kind = a->kind == "persistence" ? md::WaitingKind::kPersistence
                 : a->kind == "pooled"    ? md::WaitingKind::kPooled
                                          : md::WaitingKind::kExchange;
    require(o.fit.species >= -1 && o.fit.species <= 1, "--species must be 0 or 1");
    if (a->xmin > 0) o.fit.xmin = a->xmin;
    provenance::record_input(a->in);
    provenance::record_options(given_options(*cmd));
    const auto s = md::study_waiting_times(a->in, a->out, o);
    std::printf("wrote %s: %zu atoms, %zu snapshots (%.4g tau apart), %zu moves\n", a->out.c_str(),
                s.times.atoms, s.times.snapshots, s.snapshot_interval_tau, s.times.event_count());
    const double run_tau = s.times.snapshot_time.back() - s.times.snapshot_time.front();
    // The run that would meet what failed (run_factor_needed; 0: nothing a longer run cures).
    auto run_needed = [run_tau](const md::WaitingFit& f, const char* would) {
      if (f.run_factor_needed > 0)
        std::printf(
            "    a run of about %.4g tau (%.3g times this one) would %s, at the measured rate of "
            "moves\n",
            f.run_factor_needed * run_tau, f.run_factor_needed, would);
    };
    auto show = [&run_needed](const char* name, const md::WaitingFit& f) {
      if (!f.ok) {
        std::printf("  %s: no fit (%s)\n", name, f.reason.c_str());
        run_needed(f, "hold the waits an exponent needs");
        return;
      }
      std::printf("  %s: %zu uncensored waits >= x_min %.4g tau over %.2f decades, %zu censored",
                  name, f.n_tail, f.xmin_tau, f.tail_decades, f.n_censored);
      if (f.p_value)
        std::printf("; goodness of fit p = %.2f (%zu runs simulated with the censoring)",
                    *f.p_value, f.n_boot);
      std::printf("\n    vs exponential: R = %.3g (p %.2g); vs log-normal: R = %.3g (p %.2g)\n",
                  f.vs_exponential.log_ratio, f.vs_exponential.p_value, f.vs_lognormal.log_ratio,
                  f.vs_lognormal.p_value);
      if (!f.stated) {
        std::printf(
            "    no exponent stated (the tail's maximum-likelihood 1 + beta' would be "
            "%.3f +- %.3f):\n",
            f.alpha, f.alpha_error);
        for (const auto& why : f.refusals) std::printf("      - %s\n", why.c_str());
        run_needed(f, "meet the span and count conditions");
        return;
      }
      std::printf("    1 + beta' = %.3f +- %.3f (KS %.3f)\n", f.alpha, f.alpha_error,
                  f.ks_distance);
      if (f.fractional_diffusion)
        std::printf("    fractional diffusion: g2 ~ E_beta'(-(t/tau)^beta'), beta' = %.3f\n",
                    f.predicted_beta);
      else
        std::printf("    beta' = %.3f is not in (0, 1): a finite mean wait, normal diffusion\n",
                    f.beta_prime);
    };
    show("exchange times", s.exchange);
    show("persistence times", s.persistence);
  });
}

void register_ifk(CLI::App& md) {
  auto* cmd = md.add_subcommand(
      "ifk", "Voronoi indices, icosahedral/Frank-Kasper network, string-like motion");
  struct Args {
    std::string in, out, link = "voronoi";
    bool plain = false;
    md::StructureStudyOptions o;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("TRAJECTORY", a->in, "Trajectory or single configuration")->required();
  cmd->add_option("--out", a->out, "Result file (HDF5, /glassy/md/ifk and /glassy/md/strings)")
      ->required();
  cmd->add_option("--snapshots", a->o.snapshots,
                  "Snapshots analysed, spread over the run "
                  "(default 10)");
  cmd->add_flag("--plain", a->plain, "Plain Voronoi instead of the radical (Laguerre) one");
  cmd->add_option("--radii", a->o.voronoi.radii, "Radical radii per species (default 0.5 0.6)")
      ->expected(2);
  cmd->add_option("--min-face-fraction", a->o.voronoi.min_face_area_fraction,
                  "Drop faces smaller than this fraction of the cell surface (default 0)");
  cmd->add_option("--link", a->link,
                  "IFK network links: voronoi (neighbouring centres; default) or shared");
  cmd->add_option("--string-lag", a->o.string_lag,
                  "Snapshots between the ends of a string interval (0: no strings; default 0)");
  cmd->add_option("--string-window", a->o.string_window,
                  "Snapshots averaged at each end of a string interval (default 1)");
  cmd->add_option("--mobile-fraction", a->o.strings.mobile_fraction,
                  "Fraction of most-displaced atoms called mobile (default 0.05)");
  cmd->callback([a, cmd] {
    check_output(a->out, {a->in});
    auto& o = a->o;
    o.voronoi.radical = !a->plain;
    require(a->link == "voronoi" || a->link == "shared", "--link must be voronoi or shared");
    o.ifk.link =
        a->link == "voronoi" ? md::IfkLink::kVoronoiNeighbours : md::IfkLink::kSharedShellAtom;
    provenance::record_input(a->in);
    provenance::record_options(given_options(*cmd));
    const auto s = md::study_structure(a->in, a->out, o);
    const auto& last = s.ifk.back();
    std::printf("wrote %s: %zu snapshots analysed\n", a->out.c_str(), s.ifk.size());
    std::printf(
        "  last snapshot (t = %.4g tau): icosahedra %.4f, Z14 %.4f, Z15 %.4f, Z16 %.4f, "
        "IFK %.4f\n",
        s.time_tau.back(), last.overall.fraction(md::Motif::kIcosahedron),
        last.overall.fraction(md::Motif::kZ14), last.overall.fraction(md::Motif::kZ15),
        last.overall.fraction(md::Motif::kZ16), last.overall.ifk_fraction());
    std::printf("  largest IFK cluster: %zu atoms (%.3f of all, %.3f of IFK), %s\n",
                last.largest_cluster, last.largest_fraction, last.largest_fraction_of_ifk,
                last.percolates ? "percolates" : "does not percolate");
    if (!s.strings.empty()) {
      double mean = 0;
      for (const auto& st : s.strings) mean += st.mean_length;
      std::printf("  strings: mean length %.2f over %zu intervals\n",
                  mean / static_cast<double>(s.strings.size()), s.strings.size());
    }
  });
}

}  // namespace

void register_md_analysis(CLI::App& md) {
  register_waiting(md);
  register_ifk(md);
}

}  // namespace glassy::cli
