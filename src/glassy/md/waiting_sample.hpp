// md/waiting_sample (internal to md/waiting_fit and md/waiting_bootstrap): the sample a
// waiting-time fit sees, and the goodness of fit of that fit with the run's censoring simulated.
#pragma once

#include <glassy/md/waiting.hpp>

#include <cstddef>
#include <optional>
#include <vector>

namespace glassy::md::detail {

// The chosen kind and species in integer fit units: observed waits rounded up (>= 1), censored
// ones rounded down (a censored 0 says nothing and is left out; none when use_censored is off).
struct FitSample {
  std::vector<double> obs, cens;
};
FitSample fit_sample(const WaitingTimes& times, const WaitingFitOptions& options);

// The power-law options the fit of `sample` uses (also for every bootstrap replicate).
fit::PowerLawOptions power_law_options(const WaitingFitOptions& options, const FitSample& sample);

struct BootstrapP {
  std::optional<double> p;
  std::size_t replicates = 0;
};

// Parametric bootstrap of Clauset et al. with the censoring of the run: every replicate is a
// whole run in which each atom renews with waits drawn from the fitted power law above x_min
// (probability: the Kaplan-Meier P(X >= x_min) of the data) and from the observed waits below
// it, and is cut at the run's horizon like the tracker cuts it (exchange: from each atom's
// observed first move; persistence and pooled: from snapshot 0). p is the fraction of replicates
// whose own fit has a KS distance at least the data's.
// `sample` is fit_sample(times, options), the data the fit saw.
BootstrapP censored_bootstrap(const WaitingTimes& times, const WaitingFitOptions& options,
                              const FitSample& sample, const fit::PowerLawFit& fit);

}  // namespace glassy::md::detail
