// A fast, small Wahnström glass for the tests that need a sane starting structure (not a
// relaxed one): melted for 2 tau, quenched at 0.5/tau to 0.3.
#pragma once

#include <glassy/md/protocols.hpp>

#include <cstddef>

namespace glassy::test {

inline md::PrepareOptions quick_glass(std::size_t atoms) {
  md::PrepareOptions o;
  o.atoms = atoms;
  o.seed = 5;
  o.melt_time = 2;
  o.t_melt = 2.0;
  o.t_end = 0.3;
  o.cooling_rate = 0.5;
  o.record_every_dt = 0.05;
  return o;
}

}  // namespace glassy::test
