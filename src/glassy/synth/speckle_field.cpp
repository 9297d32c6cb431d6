#include <glassy/core/error.hpp>
#include <glassy/synth/speckle_field.hpp>

#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <cmath>

namespace glassy::synth {
namespace {

constexpr std::size_t kMaxComponents = 256;
constexpr double kTwoPi = 6.283185307179586;

std::complex<double> complex_normal(Xoshiro256& rng) {
  // Unit-variance circular complex Gaussian: E|z|^2 = 1.
  static thread_local boost::random::normal_distribution<double> normal(0.0, M_SQRT1_2);
  const double re = normal(rng);
  const double im = normal(rng);
  return {re, im};
}

}  // namespace

// ---------------- Gaussian (Prony / Ornstein-Uhlenbeck) ----------------

GaussianSpeckle::GaussianSpeckle(std::size_t pixels, int modes, PronySeries series,
                                 const FrameSchedule& schedule, std::uint64_t seed)
    : modes_(static_cast<std::size_t>(modes)),
      components_(series.rate.size()),
      series_(std::move(series)),
      schedule_(schedule),
      state_(pixels * modes_ * components_),
      frame_(pixels, 0),
      rng_(pixels),
      a_prepared_(components_),
      b_prepared_(components_) {
  require(components_ > 0 && components_ <= kMaxComponents,
          "relaxation series has " + std::to_string(components_) + " components (1.." +
              std::to_string(kMaxComponents) + " supported): lower --prony-per-decade");
  for (double w : series_.weight) sqrt_weight_.push_back(std::sqrt(w));
#pragma omp parallel for schedule(static)
  for (std::size_t p = 0; p < pixels; ++p) {
    rng_[p] = Xoshiro256(seed, p);
    // Start every component in its stationary distribution: the run begins in steady state.
    for (std::size_t i = 0; i < modes_ * components_; ++i)
      state_[p * modes_ * components_ + i] = std::complex<float>(complex_normal(rng_[p]));
  }
}

void GaussianSpeckle::coefficients(std::size_t from, std::size_t to, double* a, double* b) const {
  const double ds = schedule_.material[to] - schedule_.material[from];
  const double dd = schedule_.decorrelation[to] - schedule_.decorrelation[from];
  for (std::size_t k = 0; k < components_; ++k) {
    const double exponent = series_.rate[k] * ds + dd;  // may be +inf after a full decorrelation
    a[k] = std::exp(-exponent);
    b[k] = std::sqrt(-std::expm1(-2 * exponent));  // sqrt(1 - a^2) without cancellation
  }
}

void GaussianSpeckle::prepare_frame(std::size_t f) {
  if (f == 0) return;
  coefficients(f - 1, f, a_prepared_.data(), b_prepared_.data());
  prepared_ = f;
}

double GaussianSpeckle::advance(std::size_t p, std::size_t f) {
  std::complex<float>* x = state_.data() + p * modes_ * components_;
  const std::size_t from = frame_[p];
  require(f >= from, "speckle field cannot go back in time");
  if (f > from) {
    const double* a = a_prepared_.data();
    const double* b = b_prepared_.data();
    double a_local[kMaxComponents], b_local[kMaxComponents];
    if (!(f == from + 1 && prepared_ == f)) {
      coefficients(from, f, a_local, b_local);
      a = a_local;
      b = b_local;
    }
    for (std::size_t m = 0; m < modes_; ++m)
      for (std::size_t k = 0; k < components_; ++k) {
        auto& v = x[m * components_ + k];
        v = std::complex<float>(a[k] * std::complex<double>(v) + b[k] * complex_normal(rng_[p]));
      }
    frame_[p] = static_cast<std::uint32_t>(f);
  }
  double s = 0;
  for (std::size_t m = 0; m < modes_; ++m) {
    std::complex<double> e = 0;
    for (std::size_t k = 0; k < components_; ++k)
      e += sqrt_weight_[k] * std::complex<double>(x[m * components_ + k]);
    s += std::norm(e);
  }
  return s / static_cast<double>(modes_);
}

// ---------------- CTRW walkers ----------------

double CtrwSpeckle::sample_waiting_time(double beta, double scale, Xoshiro256& rng) {
  // Kozubowski's representation (as used by Fulger, Scalas & Germano 2008): exact draws from
  // the Mittag-Leffler distribution, whose survival function is E_beta(-(t/scale)^beta).
  const double u = 1.0 - rng.uniform();  // (0, 1]
  const double v = 1.0 - rng.uniform();
  const double bp = beta * M_PI;
  const double shape = std::sin(bp) / std::tan(bp * v) - std::cos(bp);
  return -scale * std::log(u) * std::pow(std::max(shape, 0.0), 1.0 / beta);
}

CtrwSpeckle::CtrwSpeckle(std::size_t pixels, int modes, int walkers, double beta,
                         double jump_correlation, const FrameSchedule& schedule,
                         const std::vector<IntermittentEvent>& events, const MaterialClock& clock,
                         std::uint64_t seed)
    : modes_(static_cast<std::size_t>(modes)),
      walkers_(static_cast<std::size_t>(walkers)),
      beta_(beta),
      // Montroll-Weiss with ML waiting times: F(x) = E_beta(-(1 - phi) (x / tau_w)^beta).
      tau_w_(std::pow(1.0 - jump_correlation, 1.0 / beta)),
      phase_sigma_(jump_correlation > 0 ? std::sqrt(-2 * std::log(jump_correlation)) : 0.0),
      uniform_jumps_(jump_correlation == 0),
      schedule_(schedule),
      phase_(pixels * modes_ * walkers_),
      next_jump_(pixels * modes_ * walkers_),
      field_(pixels * modes_),
      frame_(pixels, 0),
      rng_(pixels) {
  auto sorted = events;
  std::sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.time < b.time; });
  for (const auto& e : sorted) events_.emplace_back(clock.material_time(e.time), e.fraction);
  const double norm = 1.0 / std::sqrt(static_cast<double>(walkers_));
  const double s0 = schedule_.material[0];
#pragma omp parallel for schedule(static)
  for (std::size_t p = 0; p < pixels; ++p) {
    rng_[p] = Xoshiro256(seed, p);
    for (std::size_t m = 0; m < modes_; ++m) {
      std::complex<double> e = 0;
      for (std::size_t j = 0; j < walkers_; ++j) {
        const std::size_t w = (p * modes_ + m) * walkers_ + j;
        // Every walker has just settled at the start: the walk's age is measured from frame 0.
        phase_[w] = static_cast<float>(kTwoPi * rng_[p].uniform());
        next_jump_[w] = s0 + sample_waiting_time(beta_, tau_w_, rng_[p]);
        e += std::polar(norm, static_cast<double>(phase_[w]));
      }
      field_[p * modes_ + m] = e;
    }
  }
}

void CtrwSpeckle::advance_walkers(std::size_t p, double s_to) {
  static thread_local boost::random::normal_distribution<double> normal;
  const double norm = 1.0 / std::sqrt(static_cast<double>(walkers_));
  for (std::size_t m = 0; m < modes_; ++m) {
    std::complex<double>& e = field_[p * modes_ + m];
    for (std::size_t j = 0; j < walkers_; ++j) {
      const std::size_t w = (p * modes_ + m) * walkers_ + j;
      while (next_jump_[w] <= s_to) {
        const double old_phase = phase_[w];
        double phase = uniform_jumps_ ? kTwoPi * rng_[p].uniform()
                                      : old_phase + phase_sigma_ * normal(rng_[p]);
        phase = std::fmod(phase, kTwoPi);
        if (phase < 0) phase += kTwoPi;
        phase_[w] = static_cast<float>(phase);
        e += std::polar(norm, static_cast<double>(phase_[w])) - std::polar(norm, old_phase);
        next_jump_[w] += sample_waiting_time(beta_, tau_w_, rng_[p]);
      }
    }
  }
}

double CtrwSpeckle::advance(std::size_t p, std::size_t f) {
  const std::size_t from = frame_[p];
  require(f >= from, "speckle field cannot go back in time");
  if (f > from) {
    const double norm = 1.0 / std::sqrt(static_cast<double>(walkers_));
    for (std::size_t i = schedule_.events_before[from]; i < schedule_.events_before[f]; ++i) {
      advance_walkers(p, events_[i].first);
      // The event resets a random fraction of the walkers: their phases become independent.
      for (std::size_t m = 0; m < modes_; ++m)
        for (std::size_t j = 0; j < walkers_; ++j) {
          if (rng_[p].uniform() >= events_[i].second) continue;
          const std::size_t w = (p * modes_ + m) * walkers_ + j;
          const double old_phase = phase_[w];
          phase_[w] = static_cast<float>(kTwoPi * rng_[p].uniform());
          field_[p * modes_ + m] +=
              std::polar(norm, static_cast<double>(phase_[w])) - std::polar(norm, old_phase);
        }
    }
    advance_walkers(p, schedule_.material[f]);
    frame_[p] = static_cast<std::uint32_t>(f);
  }
  double s = 0;
  for (std::size_t m = 0; m < modes_; ++m) s += std::norm(field_[p * modes_ + m]);
  return s / static_cast<double>(modes_);
}

}  // namespace glassy::synth
