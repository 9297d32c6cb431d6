#include <glassy/core/atomic_file.hpp>
#include <glassy/core/error.hpp>
#include <glassy/core/progress.hpp>
#include <glassy/core/provenance.hpp>
#include <glassy/synth/frame_schedule.hpp>
#include <glassy/synth/generator.hpp>
#include <glassy/synth/material_clock.hpp>
#include <glassy/synth/speckle_field.hpp>
#include <glassy/synth/truth.hpp>

#include <boost/math/special_functions/gamma.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

namespace glassy::synth {
namespace {

// Streams of the run's seed, one per purpose, so adding one never shifts another.
enum Stream : std::uint64_t { kFieldStream = 1, kPhotonStream = 2, kFrameStream = 3 };
std::uint64_t stream_seed(std::uint64_t seed, Stream s) {
  std::uint64_t x = seed * 0x9e3779b97f4a7c15ULL + s;
  return splitmix64(x);
}

std::uint32_t poisson(double lambda, Xoshiro256& rng) {
  if (lambda <= 0) return 0;
  return boost::random::poisson_distribution<std::uint32_t, double>(lambda)(rng);
}

// Thinning needs a bound B with P(S > B) negligible over the whole run: S is Gamma(M, 1/M).
double thinning_bound(int modes, double pixel_frames) {
  const double tail = 1e-3 / std::max(pixel_frames, 1.0);
  return boost::math::gamma_q_inv(static_cast<double>(modes), tail) / modes;
}

std::unique_ptr<SpeckleField> make_field(const SynthParams& p, const FrameSchedule& schedule,
                                         const MaterialClock& clock, PronySeries* series_out) {
  const std::size_t pixels = p.height * p.width;
  const std::uint64_t seed = stream_seed(p.seed, kFieldStream);
  if (p.dynamics == Dynamics::Ctrw)
    return std::make_unique<CtrwSpeckle>(pixels, p.modes, p.ctrw_walkers, p.beta,
                                         p.ctrw_jump_correlation, schedule, p.events, clock, seed);
  // The lags the run can see, in material time: one frame at the slowest dynamics up to the
  // whole run.
  const double tau_max = *std::max_element(schedule.tau.begin(), schedule.tau.end());
  const double x_min = 0.5 * p.frame_time / tau_max;
  const double x_max = std::max(schedule.material.back() - schedule.material.front(), 100 * x_min);
  *series_out = fit_prony(p.dynamics, p.beta, x_min, x_max, p.prony_per_decade);
  return std::make_unique<GaussianSpeckle>(pixels, p.modes, *series_out, schedule, seed);
}

}  // namespace

SynthSummary generate(const SynthParams& p, const std::filesystem::path& out) {
  p.validate();
  const auto start = std::chrono::steady_clock::now();
  const std::size_t pixels = p.height * p.width;
  const MaterialClock clock(p.tau0, p.clock, p.events);
  const FrameSchedule schedule = make_schedule(p, clock);
  const std::size_t nf = schedule.size();

  const std::vector<double> mean_rate = static_intensity(p);
  const std::vector<double> i0 = incident_intensity(p, schedule, stream_seed(p.seed, kFrameStream));
  const double gamma = std::sqrt(p.contrast * p.modes);  // coherent fraction of the intensity
  // Per frame: a fast process blurs the fraction a of the coherent part within the exposure, so
  // it arrives as flat (incoherent) intensity.
  std::vector<double> gamma_f(nf);
  for (std::size_t f = 0; f < nf; ++f) gamma_f[f] = gamma * (1 - p.fast_fraction(schedule.tau[f]));
  PronySeries series;
  auto field = make_field(p, schedule, clock, &series);

  // Thinning evaluates the field only where a candidate photon lands; it pays when candidates
  // are rare (photon-starved runs), otherwise every pixel is drawn every frame.
  const double bound =
      thinning_bound(p.modes, static_cast<double>(pixels) * static_cast<double>(nf));
  const double max_rate = *std::max_element(mean_rate.begin(), mean_rate.end()) *
                          *std::max_element(i0.begin(), i0.end());
  const bool thinning = max_rate * gamma * bound < 0.2;

  SynthSummary summary;
  summary.sampling = thinning ? "thinning" : "dense";
  summary.max_isf_error = series.max_abs_error;
  std::uint64_t bound_exceeded = 0;

  AtomicOutput atomic(out);
  {
    auto file = h5::File::create(atomic.temp_path());
    FrameFileSpec spec = p.output;
    spec.height = p.height;
    spec.width = p.width;
    auto writer = make_frame_writer(file, spec);
    Progress progress("synth " + p.preset, nf);

    std::vector<float> frame(pixels);
    std::vector<std::uint32_t> ev_pixel, ev_count;
    if (thinning) {
      Xoshiro256 rng(stream_seed(p.seed, kPhotonStream), 0);
      std::discrete_distribution<std::size_t> where(mean_rate.begin(), mean_rate.end());
      double total_rate = 0;
      for (double r : mean_rate) total_rate += r;
      std::vector<std::uint32_t> hits;
      for (std::size_t f = 0; f < nf; ++f) {
        hits.clear();
        const std::uint32_t incoherent = poisson(i0[f] * (1 - gamma_f[f]) * total_rate, rng);
        for (std::uint32_t i = 0; i < incoherent; ++i)
          hits.push_back(static_cast<std::uint32_t>(where(rng)));
        const std::uint32_t candidates = poisson(i0[f] * gamma_f[f] * bound * total_rate, rng);
        for (std::uint32_t i = 0; i < candidates; ++i) {
          const std::size_t px = where(rng);
          const double s = field->advance(px, f);
          if (s > bound) ++bound_exceeded;
          if (rng.uniform() * bound < s) hits.push_back(static_cast<std::uint32_t>(px));
        }
        std::sort(hits.begin(), hits.end());
        ev_pixel.clear();
        ev_count.clear();
        for (std::size_t i = 0; i < hits.size(); ++i) {
          if (i > 0 && hits[i] == hits[i - 1]) {
            ++ev_count.back();
          } else {
            ev_pixel.push_back(hits[i]);
            ev_count.push_back(1);
          }
        }
        summary.photons += hits.size();
        writer->append_events(ev_pixel, ev_count);
        progress.advance();
      }
    } else {
      std::vector<Xoshiro256> rng(pixels);
      for (std::size_t px = 0; px < pixels; ++px)
        rng[px] = Xoshiro256(stream_seed(p.seed, kPhotonStream), px);
      for (std::size_t f = 0; f < nf; ++f) {
        field->prepare_frame(f);
        std::uint64_t photons = 0;
#pragma omp parallel for schedule(static) reduction(+ : photons)
        for (std::size_t px = 0; px < pixels; ++px) {
          const double s = field->advance(px, f);
          const double lambda = i0[f] * mean_rate[px] * ((1 - gamma_f[f]) + gamma_f[f] * s);
          const std::uint32_t n = poisson(lambda, rng[px]);
          frame[px] = static_cast<float>(n);
          photons += n;
        }
        summary.photons += photons;
        writer->append_dense(frame.data());
        progress.advance();
      }
    }
    writer->finish();
    progress.finish();
    summary.frames_written = nf;

    write_metadata(file, p.geometry);
    write_provenance(file);
    file.write<double>(kTimestampPath, schedule.time).attrs().set("units", "s");
    TruthRecord truth{p,     schedule,      mean_rate, i0, gamma, series, summary.sampling,
                      bound, bound_exceeded};
    if (p.dynamics == Dynamics::Ctrw)
      truth.ctrw_waiting_scale = static_cast<CtrwSpeckle&>(*field).waiting_scale();
    write_truth(file, truth);
  }
  atomic.commit();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace glassy::synth
