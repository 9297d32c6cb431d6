#include "synth/synth_run.hpp"

#include <glassy/io/frames.hpp>
#include <glassy/io/hdf5.hpp>

#include <cmath>

namespace glassy::test {

synth::SynthParams speckle_params(std::size_t frames, std::size_t side, double rate,
                                  double contrast, double tau, double beta, std::uint64_t seed) {
  auto p = synth::preset("tiny");
  p.frames = frames;
  p.height = p.width = side;
  p.rate = rate;
  p.contrast = contrast;
  p.tau0 = tau;
  p.beta = beta;
  p.seed = seed;
  p.output.compression = h5::Compression::None;
  return p;
}

SynthRun make_run(const synth::SynthParams& params, const std::filesystem::path& file) {
  synth::generate(params, file);
  SynthRun run = load_run(file);
  run.params = params;
  return run;
}

SynthRun load_run(const std::filesystem::path& file) {
  SynthRun run;
  auto src = open_frames(file);
  run.frames = src->info().frames;
  run.pixels = src->info().pixels();
  FrameBlock block;
  src->read_dense(0, run.frames, block);
  run.counts = std::move(block.data);
  auto f = h5::File::open(file);
  auto truth = f.group("truth");
  run.time = truth.read<double>("time");
  run.material = truth.read<double>("material_time");
  run.decorrelation = truth.read<double>("event_decorrelation");
  run.tau = truth.read<double>("tau");
  run.i0 = truth.read<double>("I0");
  run.mean_rate = truth.read<double>("mean_rate");
  run.coherent_fraction = truth.attrs().get_double("coherent_fraction");
  run.sampling = truth.attrs().get_string("sampling");
  run.params.contrast = truth.attrs().get_double("contrast");
  run.params.beta = truth.attrs().get_double("beta");
  run.params.dynamics = synth::parse_dynamics(truth.attrs().get_string("dynamics"));
  return run;
}

Estimate measured_g2_minus_1(const SynthRun& run, std::size_t lag, std::size_t first,
                             std::size_t last) {
  last = std::min(last, run.frames - lag);
  // Frame by frame with one accumulator per pixel (see measured_contrast): same sums, in order.
  std::vector<double> acc(run.pixels, 0.0);
  for (std::size_t f = first; f < last; ++f) {
    const double scale = run.i0[f] * run.i0[f + lag];
    for (std::size_t p = 0; p < run.pixels; ++p) acc[p] += run.n(f, p) * run.n(f + lag, p) / scale;
  }
  double sum = 0, sum2 = 0;
  for (std::size_t p = 0; p < run.pixels; ++p) {
    const double v =
        acc[p] / static_cast<double>(last - first) / (run.mean_rate[p] * run.mean_rate[p]);
    sum += v;
    sum2 += v * v;
  }
  const double np = static_cast<double>(run.pixels);
  const double mean = sum / np;
  return {mean - 1, std::sqrt(std::max(sum2 / np - mean * mean, 0.0) / (np - 1))};
}

double expected_g2_minus_1(const SynthRun& run, std::size_t lag, std::size_t first,
                           std::size_t last) {
  last = std::min(last, run.frames - lag);
  double acc = 0;
  for (std::size_t f = first; f < last; ++f) {
    const double x = run.material[f + lag] - run.material[f];
    const double field = synth::target_isf(run.params.dynamics, run.params.beta, x) *
                         std::exp(-(run.decorrelation[f + lag] - run.decorrelation[f]));
    acc += run.params.contrast * field * field;
  }
  return acc / static_cast<double>(last - first);
}

Estimate measured_contrast(const SynthRun& run) {
  // Frame by frame (the order counts are stored in), one accumulator per pixel: walking a pixel
  // through all frames strides the whole stack and took minutes under AddressSanitizer. Each
  // pixel's sum is taken in the same order as before, so the result is the same to the bit.
  std::vector<double> acc(run.pixels, 0.0);
  for (std::size_t f = 0; f < run.frames; ++f) {
    const double scale = run.i0[f] * run.i0[f];
    for (std::size_t p = 0; p < run.pixels; ++p) {
      const double n = run.n(f, p);
      acc[p] += n * (n - 1) / scale;
    }
  }
  double sum = 0, sum2 = 0;
  for (std::size_t p = 0; p < run.pixels; ++p) {
    const double v =
        acc[p] / static_cast<double>(run.frames) / (run.mean_rate[p] * run.mean_rate[p]);
    sum += v;
    sum2 += v * v;
  }
  const double np = static_cast<double>(run.pixels);
  const double mean = sum / np;
  return {mean - 1, std::sqrt(std::max(sum2 / np - mean * mean, 0.0) / (np - 1))};
}

}  // namespace glassy::test
