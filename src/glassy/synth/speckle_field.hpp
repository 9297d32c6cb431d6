// synth/speckle_field: the fluctuating speckle intensity of every pixel. Each pixel holds M
// independent speckle modes; S(p, f) = (1/M) sum_m |E_m(p, f)|^2 has mean 1, and its field
// correlation between frames follows the material clock. Two models:
//  - Gaussian: E is a sum of Ornstein-Uhlenbeck components (a Prony series of the target F),
//    exact for any frame spacing, gaps and events;
//  - CTRW: E is a sum of walkers' phase factors; walkers jump after Mittag-Leffler-distributed
//    waiting times (power-law tail, exponent 1 + beta), so F at age 0 is E_beta(-x^beta) and the
//    field ages as such a walk does.
// Pixels advance lazily: advance(p, f) brings pixel p from the last frame it was evaluated at to
// frame f in one exact step, so photon-starved runs only evaluate the pixels that need it.
#pragma once

#include <glassy/core/random.hpp>
#include <glassy/synth/frame_schedule.hpp>
#include <glassy/synth/relaxation.hpp>

#include <complex>
#include <memory>
#include <vector>

namespace glassy::synth {

class SpeckleField {
 public:
  virtual ~SpeckleField() = default;
  // Moves pixel p to frame f (f >= the pixel's current frame) and returns S(p, f).
  // Calls for different pixels may run concurrently.
  virtual double advance(std::size_t p, std::size_t f) = 0;
  // Optional: precompute what every pixel needs for the step f-1 -> f (dense sampling).
  virtual void prepare_frame(std::size_t f) {}
};

class GaussianSpeckle : public SpeckleField {
 public:
  GaussianSpeckle(std::size_t pixels, int modes, PronySeries series, const FrameSchedule& schedule,
                  std::uint64_t seed);
  double advance(std::size_t p, std::size_t f) override;
  void prepare_frame(std::size_t f) override;

 private:
  void coefficients(std::size_t from, std::size_t to, double* a, double* b) const;
  std::size_t modes_, components_;
  PronySeries series_;
  std::vector<double> sqrt_weight_;
  const FrameSchedule& schedule_;
  std::vector<std::complex<float>> state_;  // [pixel][mode][component], unit variance each
  std::vector<std::uint32_t> frame_;        // frame each pixel's state belongs to
  std::vector<Xoshiro256> rng_;
  std::size_t prepared_ = static_cast<std::size_t>(-1);
  std::vector<double> a_prepared_, b_prepared_;
};

class CtrwSpeckle : public SpeckleField {
 public:
  // jump_correlation: <exp(i q.dr)> of one jump; events: material times and fractions.
  CtrwSpeckle(std::size_t pixels, int modes, int walkers, double beta, double jump_correlation,
              const FrameSchedule& schedule, const std::vector<IntermittentEvent>& events,
              const MaterialClock& clock, std::uint64_t seed);
  double advance(std::size_t p, std::size_t f) override;
  // Scale of the walkers' waiting times so that F(x) = E_beta(-x^beta) at age 0.
  double waiting_scale() const { return tau_w_; }
  // One waiting time, Mittag-Leffler distributed: survival E_beta(-(t/scale)^beta).
  static double sample_waiting_time(double beta, double scale, Xoshiro256& rng);

 private:
  void advance_walkers(std::size_t p, double s_to);
  std::size_t modes_, walkers_;
  double beta_, tau_w_, phase_sigma_;
  bool uniform_jumps_;
  const FrameSchedule& schedule_;
  std::vector<std::pair<double, double>> events_;  // (material time, fraction), in time order
  std::vector<float> phase_;                       // [pixel][mode][walker]
  std::vector<double> next_jump_;                  // material time of each walker's next jump
  std::vector<std::complex<double>> field_;        // [pixel][mode]
  std::vector<std::uint32_t> frame_;
  std::vector<Xoshiro256> rng_;
};

}  // namespace glassy::synth
