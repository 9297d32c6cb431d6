// The short-time plateau physics (issue 12, item 7): a process faster than a frame whose
// amplitude grows with tau lowers the contrast where <t> is long, the paper's Fig. 3c
// anti-correlation. glassy age recovers its sign and strength from the frames; without the
// coupling there is none.
#include "synth/synth_run.hpp"
#include "test_support.hpp"

#include <glassy/aging/analysis.hpp>
#include <glassy/synth/generator.hpp>

#include <cmath>
#include <cstdio>

namespace glassy {
namespace {

using test::ScratchDir;

// tau 40 s -> ~300 s -> 40 s (aging, then acceleration), so a linear detrend in t_a leaves the
// tau-driven part of the contrast.
aging::AgingResult run(double coupling, const std::filesystem::path& file) {
  auto p = test::speckle_params(6000, 40, 1.5, 0.3, 40, 0.8, 11);
  p.clock = {{0, 3000, synth::ClockSegment::Aging, 1500},
             {3000, 6000, synth::ClockSegment::Accelerating, 1500}};
  p.fast_amplitude = 0.1;
  p.fast_coupling = coupling;
  synth::generate(p, file);
  auto src = open_frames(file);
  aging::AgingOptions o;
  o.corr.window_s = 300;
  o.corr.multitau = false;
  o.corr.map_size = 64;
  return aging::analyse_aging(*src, o);
}

// Least-squares slope of y on x and its standard error from the residuals.
std::pair<double, double> slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx);
  const double b = sxy / sxx;
  double rss = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double e = y[i] - my - b * (x[i] - mx);
    rss += e * e;
  }
  return {b, std::sqrt(rss / (n - 2) / sxx)};
}

TEST(FastProcess, AntiCorrelationOfContrastAndMeanTimeIsRecovered) {
  ScratchDir dir;
  const double coupling = 0.15;
  const auto r = run(coupling, dir / "fast.h5");
  EXPECT_LT(r.pearson_all, -0.5) << "p = " << r.pearson_all_p;
  EXPECT_LT(r.pearson_all_p, 1e-3);
  // Strength: d ln(g2(0) - g2(inf)) / d ln <t> against the truth -2 c / (1 - a) at the run's mean
  // fast fraction (contrast_seen = contrast (1 - a)^2, a = a0 + c ln(tau / tau0)), plus the
  // lag-one plateau's own rise with tau (R(1 frame) = exp(-2 (1/tau)^0.8)).
  std::vector<double> x, y, a;
  for (std::size_t w = 0; w < r.t_a.size(); ++w) {
    if (!r.kww[w].ok || !(r.g2_0[w] > r.g2_inf)) continue;
    x.push_back(std::log(r.kww[w].mean_time));
    y.push_back(std::log(r.g2_0[w] - r.g2_inf));
    a.push_back(0.1 + coupling * std::log(r.kww[w].tau / 40));
  }
  ASSERT_GE(x.size(), 12u);
  double mean_a = 0;
  for (double v : a) mean_a += v / a.size();
  // The lag-one plateau also rises with tau: d ln R(1 s) / d ln tau = 2 beta (1 s / tau)^beta.
  double plateau_rise = 0;
  for (std::size_t w = 0; w < r.t_a.size(); ++w)
    if (r.kww[w].ok && r.g2_0[w] > r.g2_inf)
      plateau_rise += 2 * 0.8 * std::pow(1 / r.kww[w].tau, 0.8) / static_cast<double>(x.size());
  const double truth = -2 * coupling / (1 - mean_a) + plateau_rise;
  const auto [measured, measured_err] = slope(x, y);
  std::printf("fast process: Pearson r %.3f (p %.2g), slope %.3f +- %.3f vs truth %.3f\n",
              r.pearson_all, r.pearson_all_p, measured, measured_err, truth);
  EXPECT_NEAR(measured, truth, 3 * measured_err) << "truth " << truth;

  const auto none = run(0.0, dir / "none.h5");
  std::printf("without coupling: Pearson r %.3f (p %.2g)\n", none.pearson_all, none.pearson_all_p);
  EXPECT_GT(none.pearson_all, -0.3) << "without the coupling, p = " << none.pearson_all_p;
}

}  // namespace
}  // namespace glassy
