// md study: the trap-model fit against its closed form and its seeded spread; the temperature
// series on LAMMPS (a tiny glass, short runs): runs made, reused, resumed and refused, each run's
// waiting times equal to `md waiting` on the same trajectory, and the XPCS of the hottest run.
#include "md/quick_glass.hpp"
#include "test_support.hpp"

#include <glassy/core/error.hpp>
#include <glassy/io/hdf5.hpp>
#include <glassy/md/temperature_study.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <random>

namespace glassy::md {
namespace {

using test::error_of;
using test::quick_glass;
using test::ScratchDir;

// ---------------- trap model ----------------

TEST(MdStudy, TrapModelIsExactWithoutNoise) {
  const std::vector<double> t{0.35, 0.40, 0.45}, err{0.02, 0.05, 0.03};
  std::vector<double> beta;
  for (double v : t) beta.push_back(v / 0.8);
  const auto f = fit_trap_model(t, beta, err);
  ASSERT_TRUE(f.ok) << f.reason;
  EXPECT_NEAR(f.t0, 0.8, 1e-12);
  EXPECT_NEAR(f.chi2, 0, 1e-20);
  EXPECT_EQ(f.dof, 2u);
  // The error is that of the weighted slope through the origin, 1 / sqrt(sum T^2 / err^2),
  // carried to T0 = 1 / slope.
  double stt = 0;
  for (std::size_t i = 0; i < t.size(); ++i) stt += t[i] * t[i] / (err[i] * err[i]);
  EXPECT_NEAR(f.t0_err, 0.8 * 0.8 / std::sqrt(stt), 1e-12);
}

TEST(MdStudy, TrapModelErrorsAndChi2MatchTheirSeededSpread) {
  const std::vector<double> t{0.35, 0.39, 0.41, 0.44, 0.46}, err{0.03, 0.04, 0.05, 0.04, 0.06};
  const double t0 = 0.9;
  std::mt19937_64 rng(2024);
  std::normal_distribution<double> g(0.0, 1.0);
  const int draws = 2000;
  int covered = 0, rejected = 0;
  double chi2 = 0;
  for (int d = 0; d < draws; ++d) {
    std::vector<double> beta;
    for (std::size_t i = 0; i < t.size(); ++i) beta.push_back(t[i] / t0 + err[i] * g(rng));
    const auto f = fit_trap_model(t, beta, err);
    ASSERT_TRUE(f.ok) << f.reason;
    covered += std::abs(f.t0 - t0) <= f.t0_err;
    rejected += *f.p_value < 0.05;
    chi2 += f.chi2 / draws;
  }
  // 1-sigma coverage 0.683 (binomial sd 0.010 over 2000 draws; T0 = 1/slope is nonlinear, but
  // its relative error here is ~4 %); chi2 has mean dof = 4 (sd of the mean 0.063); 5 % of the
  // p values fall below 0.05 (sd 0.005).
  EXPECT_NEAR(static_cast<double>(covered) / draws, 0.683, 0.04);
  EXPECT_NEAR(chi2, 4.0, 0.25);
  EXPECT_NEAR(static_cast<double>(rejected) / draws, 0.05, 0.02);
}

TEST(MdStudy, TrapModelSaysWhyItCannotBeTested) {
  const std::vector<double> one{0.4}, err{0.05};
  EXPECT_FALSE(fit_trap_model(one, one, err).ok);
  EXPECT_NE(fit_trap_model(one, one, err).reason.find("at least 2"), std::string::npos);
  const std::vector<double> t{0.4, 0.45}, falling{-0.5, -0.6}, errs{0.05, 0.05};
  const auto f = fit_trap_model(t, falling, errs);
  EXPECT_FALSE(f.ok);
  EXPECT_NE(f.reason.find("grow with T"), std::string::npos);
  const std::vector<double> zero{0.05, 0.0};
  EXPECT_NE(error_of([&] { fit_trap_model(t, t, zero); }).find("errors > 0"), std::string::npos);
}

TEST(MdStudy, TemperatureLabels) {
  EXPECT_EQ(temperature_label("0.90Tf"), "0.9Tf");
  EXPECT_EQ(temperature_label("0.8Tg"), "0.8Tg");
  EXPECT_EQ(temperature_label("0.400"), "0.4");
  for (const char* bad : {"abc", "inf", "-0.4", "0.4K", "0Tg"})
    EXPECT_NE(error_of([&] { temperature_label(bad); }).find("must be a positive"),
              std::string::npos)
        << bad;
}

// ---------------- the series on LAMMPS ----------------

TemperatureStudyOptions tiny_study(const std::filesystem::path& runs) {
  TemperatureStudyOptions o;
  o.temperatures = {"0.6", "0.80"};
  o.run.duration_tau = 40;  // 8000 steps
  o.run.snapshot_every = 100;
  o.run.restart_every = 2000;
  o.waiting.fit.n_boot = 10;
  o.xpcs_all = true;
  o.runs = runs;
  return o;
}

TEST(MdStudy, SeriesRunsReusesResumesAndRefuses) {
  ScratchDir dir;
  prepare_glass(quick_glass(128), dir / "g.h5");
  const auto runs = dir / "runs";
  auto o = tiny_study(runs);
  std::vector<std::string> reported, started;
  o.on_run = [&](const StudyRun& r) { reported.push_back(r.label); };
  o.on_md_start = [&](const StudyRun& r) { started.push_back(r.label + " " + r.how); };
  const auto s = run_temperature_study(dir / "g.h5", dir / "s.h5", o);
  ASSERT_EQ(s.runs.size(), 2u);
  EXPECT_EQ(reported, (std::vector<std::string>{"0.6", "0.8"}));
  EXPECT_EQ(started, (std::vector<std::string>{"0.6 running", "0.8 running"}));
  for (const auto& r : s.runs) {
    EXPECT_EQ(r.how, "ran");
    EXPECT_GT(r.md_seconds, 0);
    EXPECT_EQ(r.trajectory, study_run_file(runs, r.label));
    EXPECT_EQ(r.snapshots, 81u);
    EXPECT_TRUE(std::filesystem::exists(r.waiting_file));
    // The same analysis as `md waiting` on the same trajectory.
    WaitingStudyOptions w = o.waiting;
    const auto direct = study_waiting_times(r.trajectory, dir / "w.h5", w);
    EXPECT_EQ(r.moves, direct.times.event_count());
    EXPECT_EQ(r.compared.n_tail, direct.exchange.n_tail);
    EXPECT_EQ(r.persistence.alpha, direct.persistence.alpha);
  }
  EXPECT_EQ(s.runs[0].temperature, 0.6);
  EXPECT_EQ(s.runs[1].temperature, 0.8);
  EXPECT_TRUE(s.hours_per_microsecond.has_value());
  ASSERT_TRUE(s.xpcs.has_value());
  EXPECT_EQ(s.xpcs->label, "0.8");  // the hottest
  EXPECT_TRUE(std::filesystem::exists(runs / "T0.8.xpcs.h5"));
  ASSERT_GE(s.xpcs->g2.size(), 4u);
  EXPECT_DOUBLE_EQ(s.xpcs->remaining, (s.xpcs->g2.back() - 1) / (s.xpcs->g2.front() - 1));
  EXPECT_EQ(s.xpcs->decayed, s.xpcs->remaining <= o.decayed_fraction);
  ASSERT_EQ(s.colder_xpcs.size(), 1u);  // xpcs_all: the other run too
  EXPECT_EQ(s.colder_xpcs[0].label, "0.6");
  EXPECT_TRUE(std::filesystem::exists(runs / "T0.6.xpcs.h5"));

  // The study file holds the table and the summary.
  {
    const auto f = h5::File::open(dir / "s.h5");
    const auto g = f.group("glassy/md/study");
    EXPECT_EQ(g.read<double>("temperature"), (std::vector<double>{0.6, 0.8}));
    EXPECT_EQ(g.read<double>("moves")[1], static_cast<double>(s.runs[1].moves));
    const auto summary = nlohmann::json::parse(g.attrs().get_string("summary"));
    EXPECT_EQ(summary["runs"][0]["how"], "ran");
    EXPECT_EQ(summary["xpcs"]["label"], "0.8");
    EXPECT_EQ(g.group("xpcs").read<double>("g2"), s.xpcs->g2);
    EXPECT_EQ(g.group("xpcs_colder/T0.6").read<double>("g2"), s.colder_xpcs[0].g2);
    EXPECT_EQ(summary["xpcs_colder"][0]["label"], "0.6");
  }

  // Again: both runs reused (no MD started), the same numbers.
  started.clear();
  const auto again = run_temperature_study(dir / "g.h5", dir / "s2.h5", o);
  EXPECT_TRUE(started.empty());
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(again.runs[i].how, "reused");
    EXPECT_EQ(again.runs[i].md_seconds, s.runs[i].md_seconds);  // the cost the file records
    EXPECT_EQ(again.runs[i].moves, s.runs[i].moves);
    EXPECT_EQ(again.runs[i].compared.alpha, s.runs[i].compared.alpha);
  }
  EXPECT_EQ(again.hours_per_microsecond, s.hours_per_microsecond);
  EXPECT_EQ(again.xpcs->g2, s.xpcs->g2);

  // Another seed finds runs it did not make: refused, the trajectory untouched.
  const auto size = std::filesystem::file_size(runs / "T0.6.h5");
  auto other = o;
  other.run.seed = 2;
  EXPECT_NE(error_of([&] {
              run_temperature_study(dir / "g.h5", dir / "s3.h5", other);
            }).find("holds another run"),
            std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(runs / "T0.6.h5"), size);
  EXPECT_FALSE(std::filesystem::exists(dir / "s3.h5"));

  // An interrupted run in another folder is resumed and gives the uninterrupted trajectory.
  const auto runs2 = dir / "runs2";
  std::filesystem::create_directories(runs2);
  ProductionOptions p = o.run;
  set_temperature("0.6", p);
  p.stop_after_step = 5000;  // the last restart is at 4000
  EXPECT_FALSE(run_production(dir / "g.h5", study_run_file(runs2, "0.6"), p).complete);
  auto resumed = o;
  resumed.runs = runs2;
  resumed.temperatures = {"0.6"};
  resumed.xpcs = false;
  const auto r = run_temperature_study(dir / "g.h5", dir / "s4.h5", resumed);
  EXPECT_EQ(r.runs[0].how, "resumed");
  // Its cost adds both calls: 5000 steps, then 4000 .. 8000 again, of 128 atoms.
  const auto cost = read_run_cost(runs2 / "T0.6.h5");
  ASSERT_TRUE(cost.has_value());
  EXPECT_EQ(cost->atom_steps, 128.0 * (5000 + 4000));
  EXPECT_GT(cost->wall_seconds, 0);
  EXPECT_EQ(r.runs[0].md_seconds, cost->wall_seconds);
  EXPECT_FALSE(r.xpcs.has_value());
  auto a = open_trajectory(runs / "T0.6.h5"), b = open_trajectory(runs2 / "T0.6.h5");
  ASSERT_EQ(a->frames(), b->frames());
  EXPECT_EQ(a->read(a->frames() - 1).positions, b->read(b->frames() - 1).positions);
  EXPECT_EQ(r.runs[0].moves, s.runs[0].moves);

  // A longer --time extends the run from the restart the study kept at its end, and gives the
  // run made in one go.
  ASSERT_TRUE(std::filesystem::exists(restart_path(runs2 / "T0.6.h5")));
  auto longer = resumed;
  longer.run.duration_tau = 50;  // 10000 steps
  started.clear();
  longer.on_md_start = o.on_md_start;
  const auto x = run_temperature_study(dir / "g.h5", dir / "s5.h5", longer);
  EXPECT_EQ(started, (std::vector<std::string>{"0.6 extending"}));
  EXPECT_EQ(x.runs[0].how, "extended");
  EXPECT_EQ(x.runs[0].duration_tau, 50);
  EXPECT_EQ(read_run_cost(runs2 / "T0.6.h5")->atom_steps, 128.0 * (5000 + 4000 + 2000));
  ProductionOptions whole = o.run;
  set_temperature("0.6", whole);
  whole.duration_tau = 50;
  run_production(dir / "g.h5", dir / "whole.h5", whole);
  auto c = open_trajectory(runs2 / "T0.6.h5"), d = open_trajectory(dir / "whole.h5");
  ASSERT_EQ(c->frames(), 101u);
  ASSERT_EQ(d->frames(), 101u);
  EXPECT_EQ(c->read(100).positions, d->read(100).positions);
  EXPECT_EQ(c->header().protocol["duration_tau"], 50.0);
  // Reused at that length; a shorter --time than the run holds is refused, the run untouched.
  EXPECT_EQ(run_temperature_study(dir / "g.h5", dir / "s6.h5", longer).runs[0].how, "reused");
  EXPECT_NE(error_of([&] {
              run_temperature_study(dir / "g.h5", dir / "s7.h5", resumed);
            }).find("holds another run"),
            std::string::npos);
  EXPECT_EQ(open_trajectory(runs2 / "T0.6.h5")->frames(), 101u);
}

TEST(MdStudy, NextDurationFollowsTheEvidenceOnRestartBoundaries) {
  TemperatureStudyOptions o;
  o.until_stated_tau = 45;
  ProductionOptions p;
  p.snapshot_every = 100;
  p.restart_every = 2000;  // 10 tau
  StudyRun r;
  r.duration_tau = 20;
  r.compared.run_factor_needed = 1.6;  // 20 x 1.6 x 1.25 = 40: a boundary
  EXPECT_DOUBLE_EQ(next_study_duration(o, p, r), 40);
  r.compared.run_factor_needed = 1.7;  // 42.5, up to the boundary at 50, capped at 45
  EXPECT_DOUBLE_EQ(next_study_duration(o, p, r), 45);
  o.until_stated_tau = 100;
  EXPECT_DOUBLE_EQ(next_study_duration(o, p, r), 50);
  r.compared.run_factor_needed = 0;  // only the goodness of fit failed: twice as long
  EXPECT_DOUBLE_EQ(next_study_duration(o, p, r), 40);
  r.compared.stated = true;
  EXPECT_EQ(next_study_duration(o, p, r), 0);
  r.compared.stated = false;
  r.duration_tau = 100;  // at the cap
  EXPECT_EQ(next_study_duration(o, p, r), 0);
  o.until_stated_tau = 0;  // off
  r.duration_tau = 20;
  EXPECT_EQ(next_study_duration(o, p, r), 0);
}

// A run whose exponent is not stated grows to what the evidence asks for, here the limit (no
// tail of 128 atoms spans the ten decades asked), and equals the run of that length made in one
// go; the same command again takes it at its length.
TEST(MdStudy, UntilStatedExtendsTheRunAndGoesOnWithTheSameCommand) {
  ScratchDir dir;
  prepare_glass(quick_glass(128), dir / "g.h5");
  auto o = tiny_study(dir / "runs");
  o.temperatures = {"0.6"};
  o.xpcs = false;
  o.xpcs_all = false;
  o.run.duration_tau = 20;  // 4000 steps, restarts every 2000
  o.until_stated_tau = 45;
  o.waiting.fit.evidence.min_decades = 10;
  std::vector<std::string> started;
  o.on_md_start = [&](const StudyRun& r) {
    started.push_back(r.how + " " + std::to_string(static_cast<int>(r.duration_tau)));
  };
  const auto s = run_temperature_study(dir / "g.h5", dir / "s.h5", o);
  ASSERT_FALSE(s.runs[0].compared.stated);
  // 20 tau, then longer by what the evidence asks (on 10 tau restart boundaries), up to 45.
  ASSERT_GE(started.size(), 2u);
  EXPECT_EQ(started.front(), "running 20");
  EXPECT_EQ(started.back(), "extending 45");
  for (std::size_t i = 1; i + 1 < started.size(); ++i) {
    const int tau = std::stoi(started[i].substr(started[i].find(' ') + 1));
    EXPECT_EQ(started[i].rfind("extending ", 0), 0u) << started[i];
    EXPECT_EQ(tau % 10, 0) << started[i];
    EXPECT_GT(tau, i == 1 ? 20 : std::stoi(started[i - 1].substr(started[i - 1].find(' ') + 1)));
  }
  EXPECT_EQ(s.runs[0].how, "extended");
  EXPECT_EQ(s.runs[0].duration_tau, 45);
  EXPECT_EQ(s.runs[0].snapshots, 91u);
  {
    const auto f = h5::File::open(dir / "s.h5");
    const auto g = f.group("glassy/md/study");
    EXPECT_EQ(g.read<double>("duration_tau"), (std::vector<double>{45}));
    EXPECT_EQ(nlohmann::json::parse(g.attrs().get_string("summary"))["until_stated_tau"], 45.0);
  }
  ProductionOptions whole = o.run;
  set_temperature("0.6", whole);
  whole.duration_tau = 45;
  run_production(dir / "g.h5", dir / "whole.h5", whole);
  auto a = open_trajectory(study_run_file(dir / "runs", "0.6")),
       b = open_trajectory(dir / "whole.h5");
  ASSERT_EQ(a->frames(), b->frames());
  EXPECT_EQ(a->read(a->frames() - 1).positions, b->read(b->frames() - 1).positions);
  // Again: taken at its length, no MD.
  started.clear();
  const auto again = run_temperature_study(dir / "g.h5", dir / "s2.h5", o);
  EXPECT_TRUE(started.empty());
  EXPECT_EQ(again.runs[0].how, "reused");
  EXPECT_EQ(again.runs[0].duration_tau, 45);
  // Without until_stated the 45 tau run is not the 20 tau run asked for: refused.
  auto plain = o;
  plain.until_stated_tau = 0;
  EXPECT_NE(error_of([&] {
              run_temperature_study(dir / "g.h5", dir / "s3.h5", plain);
            }).find("holds another run"),
            std::string::npos);
  // An extension interrupted part-way (the complete 20 tau run still there beside its partial
  // 30 tau one) is resumed by the same command first, then grown on.
  const auto runs2 = dir / "runs2";
  auto first = o;
  first.runs = runs2;
  first.until_stated_tau = 0;
  run_temperature_study(dir / "g.h5", dir / "s5.h5", first);
  ProductionOptions cut = o.run;
  set_temperature("0.6", cut);
  cut.duration_tau = 30;
  cut.extend = true;
  cut.keep_restart = true;
  cut.stop_after_step = 5000;  // the last restart at 4000 (the one kept at the end of 20 tau)
  EXPECT_FALSE(run_production(dir / "g.h5", study_run_file(runs2, "0.6"), cut).complete);
  auto on = o;
  on.runs = runs2;
  started.clear();
  const auto grown = run_temperature_study(dir / "g.h5", dir / "s6.h5", on);
  ASSERT_GE(started.size(), 2u);
  EXPECT_EQ(started.front(), "resuming 30");
  EXPECT_EQ(started.back(), "extending 45");
  EXPECT_EQ(grown.runs[0].duration_tau, 45);
  auto c = open_trajectory(study_run_file(runs2, "0.6"));
  ASSERT_EQ(c->frames(), b->frames());
  EXPECT_EQ(c->read(c->frames() - 1).positions, b->read(b->frames() - 1).positions);
  auto below = o;
  below.until_stated_tau = 10;
  EXPECT_NE(error_of([&] {
              run_temperature_study(dir / "g.h5", dir / "s4.h5", below);
            }).find("at least --time"),
            std::string::npos);
}

TEST(MdStudy, BadInputGivesClearErrors) {
  ScratchDir dir;
  prepare_glass(quick_glass(64), dir / "g.h5");
  auto o = tiny_study(dir / "runs");
  auto twice = o;
  twice.temperatures = {"0.6", "0.60"};
  EXPECT_NE(error_of([&] {
              run_temperature_study(dir / "g.h5", dir / "s.h5", twice);
            }).find("given twice"),
            std::string::npos);
  auto none = o;
  none.temperatures.clear();
  EXPECT_NE(error_of([&] {
              run_temperature_study(dir / "g.h5", dir / "s.h5", none);
            }).find("at least one temperature"),
            std::string::npos);
  auto fraction = o;  // 64 atoms quenched in 3 tau: no Tg to take a fraction of
  fraction.temperatures = {"0.8Tg"};
  const auto why = error_of([&] { run_temperature_study(dir / "g.h5", dir / "s.h5", fraction); });
  EXPECT_NE(why.find("Tg estimate"), std::string::npos) << why;
  const auto same = error_of([&] { run_temperature_study(dir / "g.h5", dir / "g.h5", o); });
  EXPECT_NE(same.find("would destroy it"), std::string::npos) << same;
  auto inside = o;
  inside.runs = dir.path();
  inside.temperatures = {"0.6"};
  std::filesystem::copy_file(dir / "g.h5", dir / "T0.6.h5");
  const auto glass_there =
      error_of([&] { run_temperature_study(dir / "T0.6.h5", dir / "s.h5", inside); });
  EXPECT_NE(glass_there.find("where the study keeps"), std::string::npos) << glass_there;
  EXPECT_FALSE(std::filesystem::exists(dir / "runs"));  // refused before anything was made
  std::filesystem::create_directories(dir / "runs");    // as after an earlier study
  // --out on one of the study's run files (the trajectory it reads, the analyses it writes) and
  // a glass where the study keeps a run file are refused before anything runs.
  for (const char* name : {"T0.6.h5", "T0.8.waiting.h5", "T0.6.xpcs.h5", "T0.6.h5.partial"}) {
    const auto clash =
        error_of([&] { run_temperature_study(dir / "g.h5", dir / "runs" / name, o); });
    EXPECT_NE(clash.find("a file the study keeps in its runs folder"), std::string::npos) << clash;
  }
}

}  // namespace
}  // namespace glassy::md
