// md/strings: string-like cooperative motion (Donati et al., PRL 80, 2338 (1998); paper: "in the
// non-IFK regions, thermally-driven structural fluctuations ... take the form of string-like
// excitations ... a chain of atoms spanning a length-scale of several bond lengths").
//
// Over an interval between two snapshots (positions r(0) and r(t)):
//   1. mobile atoms: the given fraction (Donati: 5%) with the largest displacements |r_i(t) -
//      r_i(0)| (or every atom displaced more than a fixed distance);
//   2. two mobile atoms i, j are in the same string when one has moved into the other's old place:
//        min(|r_i(t) - r_j(0)|, |r_i(0) - r_j(t)|) < delta_ij        (minimum image),
//      with delta_ij = 0.6 sigma_ij by default (Donati's 0.6 sigma for a one-component-like
//      criterion, scaled by the pair's size in the binary mixture: sigma_SS = 1, sigma_SL = 1.1,
//      sigma_LL = 1.2), or one fixed delta for every pair;
//   3. strings are the connected components of that relation; an isolated mobile atom is a string
//      of length 1 (Donati's P(n) includes n = 1).
// Vibrations blur the criterion; averaging the positions over a few consecutive snapshots around
// each end (the window overload) removes most of them before the comparison.
#pragma once

#include <glassy/md/system.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace glassy::md {

struct StringOptions {
  double mobile_fraction = 0.05;           // top fraction by displacement, in (0, 1]
  std::optional<double> mobile_threshold;  // instead: atoms displaced more than this (sigma)
  double delta_factor = 0.6;               // delta_ij = delta_factor * (sigma_i + sigma_j) / 2
  std::vector<double> sigma{1.0, 1.2};     // sigma_aa per species (Wahnstrom: S 1.0, L 1.2)
  std::optional<double> delta;             // one delta for every pair instead (sigma)
};

struct StringAnalysis {
  std::vector<int> mobile;                 // the mobile atoms, ascending
  double displacement_cut = 0;             // smallest displacement among the mobile atoms
  std::vector<std::vector<int>> strings;   // atoms of each string, ascending; longest first
  std::vector<int> string_of;              // per atom: index into strings, -1 when not mobile
  std::vector<std::size_t> length_counts;  // [n]: strings with n atoms ([0] unused, = 0)
  double mean_length = 0;                  // number average over strings, sum n P(n) / sum P(n)
  double weighted_mean_length = 0;         // Donati's weight average sum n^2 P(n) / sum n P(n)
  std::size_t count() const { return strings.size(); }
};

// Strings over the interval from `start` to `end` (same atoms, same order; positions unwrapped,
// as md::Snapshot holds them, so displacements across the boundary are real). Cross distances
// use the minimum image in `start`'s box. species: one entry per atom, in [0, sigma.size()).
// Throws glassy::Error on bad input.
StringAnalysis find_strings(const Snapshot& start, const Snapshot& end,
                            std::span<const int> species, const StringOptions& options = {});

// The same with each end averaged over a window of consecutive snapshots (vibrations removed).
StringAnalysis find_strings(std::span<const Snapshot> start_window,
                            std::span<const Snapshot> end_window, std::span<const int> species,
                            const StringOptions& options = {});

// Mean unwrapped positions of consecutive snapshots of one trajectory (same atoms); box and step
// from the first, time the mean. Throws on an empty window or a changing atom count.
Snapshot average_snapshots(std::span<const Snapshot> window);

}  // namespace glassy::md
