// Uses two public headers of the installed glassy and checks a value it can compute by hand.
#include <glassy/special/mittag_leffler.hpp>
#include <glassy/synth/params.hpp>

#include <cmath>
#include <cstdio>

int main() {
  const double e = glassy::mittag_leffler(1.0, 1.0, -1.0);  // E_1(-1) = exp(-1)
  const auto tiny = glassy::synth::preset("tiny");
  if (std::abs(e - std::exp(-1.0)) > 1e-14 || tiny.frames == 0) {
    std::printf("consumer: wrong values\n");
    return 1;
  }
  std::printf("consumer: ok\n");
  return 0;
}
