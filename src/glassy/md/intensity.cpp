#include "glassy/md/intensity.hpp"

#include <fmt/format.h>
#include <cmath>
#include <limits>

#include "glassy/core/error.hpp"
#include "glassy/md/intensity_methods.hpp"

namespace glassy::md {

std::string to_string(IntensityMethod method) {
  switch (method) {
    case IntensityMethod::Auto:
      return "auto";
    case IntensityMethod::Direct:
      return "direct";
    case IntensityMethod::Nufft:
      return "nufft";
  }
  return "?";
}

struct IntensityCalculator::Impl {
  QSet q;
  std::vector<double> weights;  // f of each atom's species
  IntensityMethod method = IntensityMethod::Auto;
  std::unique_ptr<detail::DirectIntensity> direct;
  std::unique_ptr<detail::NufftIntensity> nufft;
};

IntensityCalculator::IntensityCalculator(const QSet& q, std::span<const int> species,
                                         std::vector<double> form_factors, IntensityMethod method,
                                         double tolerance)
    : impl_(std::make_unique<Impl>()) {
  require(q.size() > 0 && q.q_norm.size() == q.size(),
          "md intensity: the q set is empty; build it with shell, cross_section or spot");
  reciprocal_spacing(q.box);  // throws on a degenerate box
  require(!species.empty(), "md intensity: no atoms (the species list is empty)");
  require(species.size() < std::numeric_limits<std::uint32_t>::max(),
          "md intensity: more than 2^32 atoms; split the system");
  require(!form_factors.empty(), "md intensity: no form factors; give one per species");
  for (std::size_t s = 0; s < form_factors.size(); ++s)
    require(std::isfinite(form_factors[s]), [&] {
      return fmt::format("md intensity: form factor of species {} is {}; give finite values", s,
                         form_factors[s]);
    });
  require(std::isfinite(tolerance) && tolerance >= 1e-13 && tolerance <= 1e-3, [&] {
    return fmt::format("md intensity: tolerance {:g} is outside [1e-13, 1e-3]", tolerance);
  });
  Impl& m = *impl_;
  m.q = q;
  m.weights.resize(species.size());
  for (std::size_t j = 0; j < species.size(); ++j) {
    const int s = species[j];
    require(s >= 0 && static_cast<std::size_t>(s) < form_factors.size(), [&] {
      return fmt::format(
          "md intensity: atom {} has species {} but form factors are given for {} "
          "species (0..{}); give one form factor per species",
          j, s, form_factors.size(), form_factors.size() - 1);
    });
    m.weights[j] = form_factors[s];
  }
  if (method == IntensityMethod::Auto)
    method = direct_cost(q, species.size()) <= nufft_cost(q, species.size(), tolerance)
                 ? IntensityMethod::Direct
                 : IntensityMethod::Nufft;
  m.method = method;
  if (method == IntensityMethod::Direct)
    m.direct = std::make_unique<detail::DirectIntensity>(q);
  else
    m.nufft = std::make_unique<detail::NufftIntensity>(q, tolerance);
}

IntensityCalculator::~IntensityCalculator() = default;
IntensityCalculator::IntensityCalculator(IntensityCalculator&&) noexcept = default;
IntensityCalculator& IntensityCalculator::operator=(IntensityCalculator&&) noexcept = default;

void IntensityCalculator::compute(const Snapshot& snapshot, std::span<double> out) {
  Impl& m = *impl_;
  require(snapshot.positions.size() == 3 * m.weights.size(), [&] {
    return fmt::format(
        "md intensity: snapshot at step {} has {} coordinates, expected 3 x {} atoms "
        "(one species per atom)",
        snapshot.step, snapshot.positions.size(), m.weights.size());
  });
  require(out.size() == m.q.size(), [&] {
    return fmt::format("md intensity: output has {} values for {} q", out.size(), m.q.size());
  });
  const auto l = snapshot.box.length(), lq = m.q.box.length();
  for (int a = 0; a < 3; ++a)
    require(std::abs(l[a] - lq[a]) <= 1e-9 * std::abs(lq[a]), [&] {
      return fmt::format(
          "md intensity: snapshot at step {} has box length {:.10g} on axis {}, the q "
          "set was built for {:.10g}; rebuild the q set for this box",
          snapshot.step, l[a], "xyz"[a], lq[a]);
    });
  for (std::size_t i = 0; i < snapshot.positions.size(); ++i)
    require(std::isfinite(snapshot.positions[i]), [&] {
      return fmt::format("md intensity: snapshot at step {}: coordinate {} of atom {} is {}",
                         snapshot.step, "xyz"[i % 3], i / 3, snapshot.positions[i]);
    });
  if (m.direct)
    m.direct->compute(snapshot.positions, m.q.box, m.weights, out);
  else
    m.nufft->compute(snapshot.positions, m.q.box, m.weights, out);
}

std::vector<double> IntensityCalculator::compute(const Snapshot& snapshot) {
  std::vector<double> out(impl_->q.size());
  compute(snapshot, out);
  return out;
}

IntensityMethod IntensityCalculator::method() const { return impl_->method; }
const QSet& IntensityCalculator::qset() const { return impl_->q; }
std::size_t IntensityCalculator::atoms() const { return impl_->weights.size(); }

double IntensityCalculator::direct_cost(const QSet& q, std::size_t atoms) {
  return detail::DirectIntensity::cost(q, atoms);
}

double IntensityCalculator::nufft_cost(const QSet& q, std::size_t atoms, double tolerance) {
  return detail::NufftIntensity::cost(q, atoms, tolerance);
}

}  // namespace glassy::md
