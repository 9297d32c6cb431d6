// Uses public headers of the installed glassy and checks values it can compute by hand: one of
// them a fit, which the installed library does through its installed Ceres plugin (core/plugin).
#include <glassy/fit/fit.hpp>
#include <glassy/special/mittag_leffler.hpp>
#include <glassy/synth/params.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
  const double e = glassy::mittag_leffler(1.0, 1.0, -1.0);  // E_1(-1) = exp(-1)
  const auto tiny = glassy::synth::preset("tiny");
  // R(t) = exp(-2 t / tau) with tau = 3 s, noiseless: the fit returns tau to rounding.
  std::vector<double> t, r;
  for (int i = 1; i <= 40; ++i) {
    t.push_back(0.25 * i);
    r.push_back(std::exp(-2 * t.back() / 3.0));
  }
  const auto f = glassy::fit::fit(glassy::fit::Model::Exponential, t, r);
  if (std::abs(e - std::exp(-1.0)) > 1e-14 || tiny.frames == 0 || !f.ok ||
      std::abs(f.param("tau") - 3.0) > 1e-6) {
    std::printf("consumer: wrong values (fit %s: %s)\n", f.ok ? "ok" : "failed", f.reason.c_str());
    return 1;
  }
  std::printf("consumer: ok\n");
  return 0;
}
