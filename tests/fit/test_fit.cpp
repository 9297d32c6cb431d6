// Least-squares fits on data made from known parameters with Gaussian noise of known sigma:
// error bars cover the truth as often as they should, reduced chi^2 is near 1, AIC picks the
// true model, <t> errors match a Monte-Carlo spread, failures are clean.
#include <glassy/core/error.hpp>
#include <glassy/core/random.hpp>
#include <glassy/fit/fit.hpp>
#include <glassy/special/mittag_leffler.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace glassy::fit {
namespace {

// Lags from t0 to t0 * 10^decades, 5 per decade (the paper's binning).
std::vector<double> log_lags(double t0, int decades) {
  std::vector<double> t;
  for (int i = 0; i <= 5 * decades; ++i) t.push_back(t0 * std::pow(10.0, i / 5.0));
  return t;
}

// Independent reference curves (written out here, not through model_values).
double kww(double t, double tau, double beta) { return std::exp(-2 * std::pow(t / tau, beta)); }
double ml2(double t, double tau, double beta) {
  const double f = mittag_leffler(beta, 1.0, -std::pow(t / tau, beta));
  return f * f;
}

struct Data {
  std::vector<double> t, y;
};

template <class F>
Data noisy(const std::vector<double>& t, F curve, double sigma, std::uint64_t seed) {
  Xoshiro256 rng(seed, 7);
  std::normal_distribution<double> noise(0.0, sigma);
  Data d{t, {}};
  for (double x : t) d.y.push_back(curve(x) + noise(rng));
  return d;
}

bool all_finite(const FitResult& r) {
  bool ok = std::isfinite(r.chi2) && std::isfinite(r.chi2_red) && std::isfinite(r.aic) &&
            std::isfinite(r.aicc) && std::isfinite(r.bic) && r.covariance.allFinite();
  for (double v : r.value) ok = ok && std::isfinite(v);
  for (double v : r.error) ok = ok && std::isfinite(v);
  for (double v : r.residual) ok = ok && std::isfinite(v);
  if (r.mean_time) ok = ok && std::isfinite(*r.mean_time) && std::isfinite(*r.mean_time_error);
  return ok;
}

struct Coverage {
  int n = 0, in1 = 0, in2 = 0;
  void add(double est, double err, double truth) {
    ++n;
    in1 += std::abs(est - truth) <= err;
    in2 += std::abs(est - truth) <= 2 * err;
  }
  double f1() const { return static_cast<double>(in1) / n; }
  double f2() const { return static_cast<double>(in2) / n; }
};

void expect_coverage(const Coverage& c, const char* what) {
  EXPECT_GE(c.f1(), 0.55) << what;
  EXPECT_LE(c.f1(), 0.80) << what;
  EXPECT_GE(c.f2(), 0.88) << what;
  EXPECT_LE(c.f2(), 0.99) << what;
  std::printf("  coverage %s: %.3f within 1 SE, %.3f within 2 SE (%d fits)\n", what, c.f1(), c.f2(),
              c.n);
}

TEST(FitModels, ParseNamesAndFormulas) {
  for (const char* name : {"kww", "ml", "ml-unsquared", "exp", "power", "tas"}) {
    EXPECT_EQ(model_name(parse_model(name)), name);
  }
  EXPECT_THROW(parse_model("gauss"), Error);
  EXPECT_EQ(parameter_names(Model::Kww, true),
            (std::vector<std::string>{"tau", "beta", "contrast", "baseline"}));
  EXPECT_EQ(formula(Model::MittagLeffler, false), "R = E_beta(-(t/tau)^beta)^2");
  EXPECT_THROW(parameter_names(Model::PowerLaw, true), Error);
}

// The analytic (and, for Mittag-Leffler beta, central-difference) Jacobians against a
// Richardson-extrapolated difference of the values.
TEST(FitModels, JacobiansMatchFiniteDifferences) {
  struct Case {
    Model model;
    bool free;
    std::vector<double> p;
    std::vector<double> x;
  };
  const std::vector<Case> cases = {
      {Model::Kww, false, {50, 0.6}, {1, 10, 50, 300}},
      {Model::Kww, true, {50, 1.4, 0.2, 1.01}, {1, 10, 50, 300}},
      {Model::MittagLeffler, false, {50, 0.5}, {1, 10, 50, 300, 1e4}},
      {Model::MittagLefflerUnsquared, true, {50, 0.8, 0.3, 1.0}, {1, 10, 50, 300, 1e4}},
      {Model::Exponential, true, {20, 0.25, 1.002}, {1, 10, 50}},
      {Model::PowerLaw, false, {3, 1.45}, {1, 10, 50}},
      {Model::TimeAgingSuperposition, false, {300, 2e4}, {0, 1e4, 3e4}},
  };
  for (const auto& c : cases) {
    const std::size_t n = c.x.size(), np = c.p.size();
    std::vector<double> y(n), jac(n * np);
    model_values(c.model, c.free, c.p, c.x, y, jac);
    for (std::size_t k = 0; k < np; ++k) {
      auto at = [&](double h) {
        auto q = c.p;
        q[k] += h;
        std::vector<double> v(n);
        model_values(c.model, c.free, q, c.x, v);
        return v;
      };
      const double h = 1e-3 * std::abs(c.p[k]);
      const auto a1 = at(h), b1 = at(-h), a2 = at(h / 2), b2 = at(-h / 2);
      for (std::size_t i = 0; i < n; ++i) {
        const double d1 = (a1[i] - b1[i]) / (2 * h), d2 = (a2[i] - b2[i]) / h;
        const double ref = (4 * d2 - d1) / 3;
        // Round-off of the differences: ~1e-16 |y| / h.
        EXPECT_NEAR(jac[i * np + k], ref, 1e-6 * std::abs(ref) + 1e-11 * (std::abs(y[i]) + 1) / h)
            << model_name(c.model) << " parameter " << k << " at x = " << c.x[i];
      }
    }
  }
}

TEST(FitKww, NoiselessDataGiveTheParametersBack) {
  const auto t = log_lags(1, 4);
  std::vector<double> y;
  for (double x : t) y.push_back(kww(x, 120, 0.65));
  const auto r = fit(Model::Kww, t, y);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_NEAR(r.param("tau"), 120, 1e-6 * 120);
  EXPECT_NEAR(r.param("beta"), 0.65, 1e-7);
  EXPECT_TRUE(r.errors_scaled_by_chi2);
  EXPECT_NEAR(evaluate(Model::Kww, r, 77.0), kww(77.0, 120, 0.65), 1e-9);
  ASSERT_TRUE(r.mean_time.has_value());
  EXPECT_NEAR(*r.mean_time, 120 / 0.65 * std::tgamma(1 / 0.65), 1e-5);
}

// 200 seeds: the one-sigma error bars hold the truth ~68% of the time, two-sigma ~95%.
TEST(FitKww, ErrorBarsCoverTheTruth) {
  const auto t = log_lags(1, 4);
  const double tau = 150, beta = 0.7, sigma = 0.02;
  FitOptions o;
  o.sigma.assign(t.size(), sigma);
  Coverage ct, cb;
  double chi2 = 0;
  for (std::uint64_t s = 0; s < 200; ++s) {
    const auto d = noisy(
        t, [&](double x) { return kww(x, tau, beta); }, sigma, s);
    const auto r = fit(Model::Kww, d.t, d.y, o);
    ASSERT_TRUE(r.ok) << r.reason;
    EXPECT_FALSE(r.errors_scaled_by_chi2);
    ct.add(r.param("tau"), r.error_of("tau"), tau);
    cb.add(r.param("beta"), r.error_of("beta"), beta);
    chi2 += r.chi2_red / 200;
  }
  expect_coverage(ct, "kww tau");
  expect_coverage(cb, "kww beta");
  EXPECT_NEAR(chi2, 1.0, 0.1);
}

TEST(FitMittagLeffler, ErrorBarsCoverTheTruth) {
  const auto t = log_lags(1, 4);
  const double tau = 60, beta = 0.55, sigma = 0.01;
  FitOptions o;
  o.sigma.assign(t.size(), sigma);
  Coverage ct, cb;
  double chi2 = 0;
  for (std::uint64_t s = 0; s < 200; ++s) {
    const auto d = noisy(
        t, [&](double x) { return ml2(x, tau, beta); }, sigma, 1000 + s);
    const auto r = fit(Model::MittagLeffler, d.t, d.y, o);
    ASSERT_TRUE(r.ok) << r.reason;
    ct.add(r.param("tau"), r.error_of("tau"), tau);
    cb.add(r.param("beta"), r.error_of("beta"), beta);
    chi2 += r.chi2_red / 200;
    EXPECT_FALSE(r.mean_time.has_value());
    ASSERT_TRUE(r.tail_exponent.has_value());
    EXPECT_DOUBLE_EQ(*r.tail_exponent, 2 * r.param("beta"));
  }
  expect_coverage(ct, "ml tau");
  expect_coverage(cb, "ml beta");
  EXPECT_NEAR(chi2, 1.0, 0.1);
}

// g2 = baseline + contrast * R, all four free, errors per point differing.
TEST(FitKww, FreeFormCoverage) {
  const auto t = log_lags(2.5, 4);
  const double tau = 400, beta = 0.6, c = 0.18, b = 1.0024;
  FitOptions o;
  o.free_contrast_baseline = true;
  for (std::size_t i = 0; i < t.size(); ++i) o.sigma.push_back(0.002 * (1 + 0.1 * i));
  Coverage ct, cb, cc, cbase;
  for (std::uint64_t s = 0; s < 200; ++s) {
    Xoshiro256 rng(s, 11);
    std::normal_distribution<double> z(0.0, 1.0);
    std::vector<double> y;
    for (std::size_t i = 0; i < t.size(); ++i)
      y.push_back(b + c * kww(t[i], tau, beta) + o.sigma[i] * z(rng));
    const auto r = fit(Model::Kww, t, y, o);
    ASSERT_TRUE(r.ok) << r.reason;
    ct.add(r.param("tau"), r.error_of("tau"), tau);
    cb.add(r.param("beta"), r.error_of("beta"), beta);
    cc.add(r.param("contrast"), r.error_of("contrast"), c);
    cbase.add(r.param("baseline"), r.error_of("baseline"), b);
  }
  expect_coverage(ct, "free kww tau");
  expect_coverage(cb, "free kww beta");
  expect_coverage(cc, "free kww contrast");
  expect_coverage(cbase, "free kww baseline");
}

// Without sigma the errors come from the residual scatter and match the weighted ones on average.
TEST(FitKww, UnweightedErrorsAreScaledByChi2) {
  const auto t = log_lags(1, 4);
  FitOptions weighted;
  weighted.sigma.assign(t.size(), 0.02);
  double ratio = 0;
  for (std::uint64_t s = 0; s < 50; ++s) {
    const auto d = noisy(
        t, [](double x) { return kww(x, 80, 0.8); }, 0.02, 500 + s);
    const auto a = fit(Model::Kww, d.t, d.y);
    const auto b = fit(Model::Kww, d.t, d.y, weighted);
    ASSERT_TRUE(a.ok && b.ok);
    EXPECT_TRUE(a.errors_scaled_by_chi2);
    EXPECT_NEAR(a.param("tau"), b.param("tau"), 1e-6 * b.param("tau"));
    EXPECT_NEAR(a.error_of("tau"), b.error_of("tau") * std::sqrt(a.chi2_red / (0.02 * 0.02)),
                1e-6 * a.error_of("tau"));
    ratio += a.error_of("tau") / b.error_of("tau") / 50;
  }
  EXPECT_NEAR(ratio, 1.0, 0.15);
}

// Data spanning 4 decades with a Mittag-Leffler tail: AIC prefers ML; KWW data: KWW.
TEST(FitModelSelection, AicPicksTheTrueModel) {
  const auto t = log_lags(1, 4);
  FitOptions o;
  o.sigma.assign(t.size(), 0.01);
  int ml_right = 0, kww_right = 0;
  const int seeds = 100;
  for (int s = 0; s < seeds; ++s) {
    auto d = noisy(
        t, [](double x) { return ml2(x, 20, 0.5); }, 0.01, 2000 + s);
    auto a = fit(Model::MittagLeffler, d.t, d.y, o), b = fit(Model::Kww, d.t, d.y, o);
    ASSERT_TRUE(a.ok) << a.reason;
    ml_right += !b.ok || a.aic < b.aic;
    d = noisy(
        t, [](double x) { return kww(x, 20, 0.5); }, 0.01, 3000 + s);
    a = fit(Model::MittagLeffler, d.t, d.y, o);
    b = fit(Model::Kww, d.t, d.y, o);
    ASSERT_TRUE(b.ok) << b.reason;
    kww_right += !a.ok || b.aic < a.aic;
  }
  std::printf("  AIC picks ML on ML data in %d%%, KWW on KWW data in %d%% of %d seeds\n",
              100 * ml_right / seeds, 100 * kww_right / seeds, seeds);
  EXPECT_GE(ml_right, 0.8 * seeds);
  EXPECT_GE(kww_right, 0.8 * seeds);
}

// The propagated <t> error against the spread of <t> over repeated experiments.
TEST(FitMeanTime, ErrorMatchesMonteCarloSpread) {
  const auto t = log_lags(1, 4);
  const double tau = 200, beta = 0.6;
  FitOptions o;
  o.sigma.assign(t.size(), 0.015);
  std::vector<double> m, e;
  for (std::uint64_t s = 0; s < 300; ++s) {
    const auto d = noisy(
        t, [&](double x) { return kww(x, tau, beta); }, 0.015, 4000 + s);
    const auto r = fit(Model::Kww, d.t, d.y, o);
    ASSERT_TRUE(r.ok && r.mean_time);
    m.push_back(*r.mean_time);
    e.push_back(*r.mean_time_error);
  }
  const double mean = std::accumulate(m.begin(), m.end(), 0.0) / m.size();
  double var = 0;
  for (double v : m) var += (v - mean) * (v - mean) / (m.size() - 1);
  std::sort(e.begin(), e.end());
  const double ratio = e[e.size() / 2] / std::sqrt(var);
  std::printf("  <t>: Monte-Carlo spread %.3f, median propagated error %.3f (ratio %.3f)\n",
              std::sqrt(var), e[e.size() / 2], ratio);
  EXPECT_NEAR(ratio, 1.0, 0.2);
  EXPECT_NEAR(mean, kww_mean_time(tau, beta), 3 * std::sqrt(var / m.size()) + 0.01 * mean);
}

TEST(FitMeanTime, GradientMatchesDifferences) {
  double dt = 0, db = 0;
  const double m = kww_mean_time(100, 0.6, &dt, &db);
  EXPECT_NEAR(m, 100 / 0.6 * std::tgamma(1 / 0.6), 1e-10 * m);
  const double h = 1e-6;
  EXPECT_NEAR(dt, (kww_mean_time(100 + h, 0.6) - kww_mean_time(100 - h, 0.6)) / (2 * h), 1e-6 * dt);
  EXPECT_NEAR(db, (kww_mean_time(100, 0.6 + h) - kww_mean_time(100, 0.6 - h)) / (2 * h),
              1e-6 * std::abs(db));
}

TEST(FitFailures, ReturnOkFalseWithAReasonAndNoNan) {
  const auto t = log_lags(1, 3);
  std::vector<double> good;
  for (double x : t) good.push_back(kww(x, 30, 0.7));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    std::vector<double> t, y;
    FitOptions o;
    const char* expect;
  };
  std::vector<Case> cases;
  cases.push_back({{1, 10}, {0.9, 0.1}, {}, "too few points"});
  auto y = good;
  y[3] = nan;
  cases.push_back({t, y, {}, "non-finite"});
  cases.push_back({t, std::vector<double>(t.size(), 0.4), {}, "flat"});
  auto tn = t;
  tn[0] = -1;
  cases.push_back({tn, good, {}, "positive"});
  FitOptions bad_sigma;
  bad_sigma.sigma.assign(t.size(), 0.01);
  bad_sigma.sigma[2] = 0;
  cases.push_back({t, good, bad_sigma, "sigma"});
  FitOptions narrow;  // the truth (tau = 30) lies outside
  narrow.bounds["tau"] = {100, 1000};
  cases.push_back({t, good, narrow, "bound"});
  for (const Model m : {Model::Kww, Model::MittagLeffler}) {
    for (const auto& c : cases) {
      const auto r = fit(m, c.t, c.y, c.o);
      EXPECT_FALSE(r.ok) << c.expect;
      EXPECT_NE(r.reason.find(c.expect), std::string::npos) << r.reason;
      EXPECT_EQ(r.reason.find('\n'), std::string::npos);
      EXPECT_TRUE(all_finite(r)) << r.reason;
    }
  }
  // Programming errors throw.
  FitOptions unknown;
  unknown.fixed["gamma"] = 1;
  EXPECT_THROW(fit(Model::Kww, t, good, unknown), Error);
  FitOptions short_sigma;
  short_sigma.sigma = {0.1};
  EXPECT_THROW(fit(Model::Kww, t, good, short_sigma), Error);
}

TEST(FitOptionsTest, FixedParametersStayFixedAndBoundsHold) {
  const auto t = log_lags(1, 4);
  const auto d = noisy(
      t, [](double x) { return 0.2 * kww(x, 50, 0.6) + 1.0; }, 0.003, 77);
  FitOptions o;
  o.free_contrast_baseline = true;
  o.fixed["baseline"] = 1.0;
  o.fixed["beta"] = 0.6;
  o.sigma.assign(t.size(), 0.003);
  auto r = fit(Model::Kww, d.t, d.y, o);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.param("baseline"), 1.0);
  EXPECT_EQ(r.param("beta"), 0.6);
  EXPECT_EQ(r.error_of("beta"), 0.0);
  EXPECT_EQ(r.n_free, 2u);
  EXPECT_NEAR(r.param("tau"), 50, 4 * r.error_of("tau"));
  // Bounds that contain the optimum: respected and harmless.
  o.fixed.clear();
  o.bounds["beta"] = {0.3, 0.9};
  o.bounds["tau"] = {10, 200};
  r = fit(Model::Kww, d.t, d.y, o);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_GT(r.param("beta"), 0.3);
  EXPECT_LT(r.param("beta"), 0.9);
  // A bound that cuts into the optimum: the parameter stays inside and the fit says so.
  o.bounds["beta"] = {0.7, 0.9};
  r = fit(Model::Kww, d.t, d.y, o);
  EXPECT_FALSE(r.ok);
  EXPECT_GE(r.param("beta"), 0.7);
  EXPECT_NE(r.reason.find("beta"), std::string::npos) << r.reason;
}

TEST(FitOtherModels, ExponentialPowerLawAndTimeAgingSuperposition) {
  const auto t = log_lags(1, 3);
  std::vector<double> y;
  for (double x : t) y.push_back(0.3 * std::exp(-2 * x / 40) + 1.001);
  FitOptions o;
  o.free_contrast_baseline = true;
  auto r = fit(Model::Exponential, t, y, o);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_NEAR(r.param("tau"), 40, 1e-6);
  EXPECT_NEAR(r.param("contrast"), 0.3, 1e-9);
  ASSERT_TRUE(r.mean_time);
  EXPECT_DOUBLE_EQ(*r.mean_time, r.param("tau"));

  y.clear();
  for (double x : t) y.push_back(2.5 * std::pow(x, -1.45));
  r = fit(Model::PowerLaw, t, y);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_NEAR(r.param("p"), 1.45, 1e-8);
  EXPECT_NEAR(r.param("a"), 2.5, 1e-8);

  std::vector<double> ta, tau;
  for (int i = 0; i < 25; ++i)
    ta.push_back(1000.0 * i), tau.push_back(300 * std::exp(1000.0 * i / 2e4));
  r = fit(Model::TimeAgingSuperposition, ta, tau);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_NEAR(r.param("tau0"), 300, 1e-6);
  EXPECT_NEAR(r.param("tstar"), 2e4, 1e-3);
  EXPECT_NEAR(evaluate(Model::TimeAgingSuperposition, r, 5e3), 300 * std::exp(0.25), 1e-6);
}

TEST(FitMittagLeffler, UnsquaredFormAndFreeForm) {
  const auto t = log_lags(1, 4);
  std::vector<double> y;
  for (double x : t) y.push_back(mittag_leffler(0.45, 1.0, -std::pow(x / 30, 0.45)));
  auto r = fit(Model::MittagLefflerUnsquared, t, y);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_NEAR(r.param("tau"), 30, 1e-5);
  EXPECT_NEAR(r.param("beta"), 0.45, 1e-7);
  ASSERT_TRUE(r.tail_exponent);
  EXPECT_NEAR(*r.tail_exponent, 0.45, 1e-7);
  EXPECT_EQ(r.formula, "R = E_beta(-(t/tau)^beta)");

  FitOptions o;
  o.free_contrast_baseline = true;
  o.sigma.assign(t.size(), 0.001);
  const auto d = noisy(
      t, [](double x) { return 1.002 + 0.15 * ml2(x, 300, 0.6); }, 0.001, 5);
  r = fit(Model::MittagLeffler, d.t, d.y, o);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_NEAR(r.param("tau"), 300, 4 * r.error_of("tau"));
  EXPECT_NEAR(r.param("beta"), 0.6, 4 * r.error_of("beta"));
  EXPECT_NEAR(r.param("baseline"), 1.002, 4 * r.error_of("baseline"));
  EXPECT_LT(r.chi2_red, 2.5);
}

}  // namespace
}  // namespace glassy::fit
