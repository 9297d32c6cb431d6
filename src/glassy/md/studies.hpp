// md/studies: the whole-trajectory analyses behind `glassy md waiting` and `glassy md ifk`. Each
// streams a trajectory (any format md::open_trajectory reads) once, runs the per-snapshot
// analyses (md/waiting; md/voronoi + md/ifk + md/strings), writes one HDF5 result group
// atomically and returns a summary the command line prints.
#pragma once

#include <glassy/md/ifk.hpp>
#include <glassy/md/strings.hpp>
#include <glassy/md/voronoi.hpp>
#include <glassy/md/waiting.hpp>

#include <filesystem>
#include <vector>

namespace glassy::md {

struct WaitingStudyOptions {
  WaitingOptions tracking;
  WaitingFitOptions fit;
  std::size_t stride = 1;  // use every stride-th snapshot
};

struct WaitingStudy {
  WaitingTimes times;
  WaitingFit exchange, persistence;  // the requested kind's fit is `exchange` unless kPersistence
  double snapshot_interval_tau = 0;
};

// Writes /glassy/md/waiting/...: every waiting time (intervals and LJ tau, with atoms), the
// censored values, a log-binned density p(t) for plots, both fits and the Mittag-Leffler
// prediction beta' = alpha - 1.
WaitingStudy study_waiting_times(const std::filesystem::path& trajectory,
                                 const std::filesystem::path& out,
                                 const WaitingStudyOptions& options);

struct StructureStudyOptions {
  VoronoiOptions voronoi;
  IfkOptions ifk;
  StringOptions strings;
  std::size_t snapshots = 10;     // snapshots analysed, spread evenly over the run (>= 1)
  std::size_t string_lag = 0;     // snapshots between the two ends of a string interval; 0: none
  std::size_t string_window = 1;  // snapshots averaged at each end (removes vibrations)
};

struct StructureStudy {
  std::vector<double> time_tau;         // analysed snapshots
  std::vector<IfkAnalysis> ifk;         // one per analysed snapshot (per-atom data of the last only
                                        // is written)
  std::vector<StringAnalysis> strings;  // one per interval starting at an analysed snapshot
};

// Writes /glassy/md/ifk/... (motif fractions per snapshot and species, largest IFK cluster,
// percolation, Voronoi index histogram, per-atom motifs of the last snapshot) and
// /glassy/md/strings/... (length distribution, mean lengths per interval).
StructureStudy study_structure(const std::filesystem::path& trajectory,
                               const std::filesystem::path& out,
                               const StructureStudyOptions& options);

}  // namespace glassy::md
