// Fit throughput: 300 age windows (21 log-binned lags, 5 per decade over 4 decades, the paper's
// binning) fitted with both KWW and Mittag-Leffler, beside the anchor "300 windows, both models,
// under 1 s". Data: a Mittag-Leffler R(t) whose tau ages through the run, Gaussian noise of known
// sigma, as the aging analysis sees it.
//   bench_fit            normalised R (the paper's fits)
//   bench_fit --free     also the free form g2 = baseline + contrast * R
#include "bench_common.hpp"

#include <glassy/core/random.hpp>
#include <glassy/fit/fit.hpp>
#include <glassy/special/mittag_leffler.hpp>

#include <cmath>
#include <cstring>
#include <random>

using namespace glassy;

namespace {

struct Window {
  std::vector<double> t, y;
};

std::vector<Window> make_windows(std::size_t count, bool free_form) {
  std::vector<Window> w(count);
  for (std::size_t k = 0; k < count; ++k) {
    const double tau = 300 * std::exp(2.0 * k / count);  // aging: tau grows e^2-fold over the run
    const double beta = 0.55 + 0.1 * std::sin(0.05 * k);
    Xoshiro256 rng(42, k);
    std::normal_distribution<double> noise(0.0, 0.01);
    for (int i = 0; i <= 20; ++i) {
      const double t = 2.5 * std::pow(10.0, i / 5.0);
      const double f = mittag_leffler(beta, 1.0, -std::pow(t / tau, beta));
      const double R = f * f + noise(rng);
      w[k].t.push_back(t);
      w[k].y.push_back(free_form ? 1.0024 + 0.2 * R : R);
    }
  }
  return w;
}

void run(bool free_form) {
  const std::size_t count = 300;
  const auto windows = make_windows(count, free_form);
  fit::FitOptions o;
  o.sigma.assign(windows[0].t.size(), free_form ? 0.002 : 0.01);
  o.free_contrast_baseline = free_form;
  double seconds[2] = {0, 0};
  int failed[2] = {0, 0};
  const fit::Model models[2] = {fit::Model::Kww, fit::Model::MittagLeffler};
  for (int m = 0; m < 2; ++m) {
    const double t0 = bench::now_s();
    for (const auto& w : windows) failed[m] += !fit::fit(models[m], w.t, w.y, o).ok;
    seconds[m] = bench::now_s() - t0;
  }
  const double total = seconds[0] + seconds[1];
  std::printf(
      "fit %zu windows x %zu lags, %s: KWW %.3f s (%.2f ms/fit), ML %.3f s (%.2f ms/fit); "
      "both %.3f s  (anchor 300 windows KWW+ML under 1 s: ratio %.2f)  failed fits %d + %d\n",
      count, windows[0].t.size(), free_form ? "free form g2 = b + c R" : "normalised R", seconds[0],
      1e3 * seconds[0] / count, seconds[1], 1e3 * seconds[1] / count, total, 1.0 / total, failed[0],
      failed[1]);
}

}  // namespace

int main(int argc, char** argv) {
  run(false);
  if (argc > 1 && std::strcmp(argv[1], "--free") == 0) run(true);
  return 0;
}
