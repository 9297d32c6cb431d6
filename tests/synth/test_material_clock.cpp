// The material clock against closed forms.
#include <gtest/gtest.h>

#include <glassy/synth/material_clock.hpp>

#include <cmath>

namespace glassy::synth {
namespace {

TEST(MaterialClock, StationaryIsLinear) {
  MaterialClock c(20.0, {}, {});
  EXPECT_DOUBLE_EQ(c.tau(1234), 20.0);
  EXPECT_NEAR(c.material_time(1000), 50.0, 1e-12);
  EXPECT_EQ(c.event_decorrelation(1e9), 0.0);
}

TEST(MaterialClock, AgingAndAcceleratingSegments) {
  // tau = 10 exp(t / 100) on [0, 200), then held, then falling with t* = 50 from 300 to 400.
  MaterialClock c(
      10.0, {{0, 200, ClockSegment::Aging, 100}, {300, 400, ClockSegment::Accelerating, 50}}, {});
  EXPECT_NEAR(c.tau(150), 10 * std::exp(1.5), 1e-10);
  const double tau_200 = 10 * std::exp(2.0);
  EXPECT_NEAR(c.tau(250), tau_200, 1e-10);
  EXPECT_NEAR(c.tau(350), tau_200 * std::exp(-1.0), 1e-9);
  EXPECT_NEAR(c.tau(450), tau_200 * std::exp(-2.0), 1e-9);
  // s(t) = (t*/tau0) (1 - exp(-t/t*)) on the aging span.
  EXPECT_NEAR(c.material_time(150), 10.0 * (1 - std::exp(-1.5)), 1e-12);
  const double s200 = 10.0 * (1 - std::exp(-2.0));
  EXPECT_NEAR(c.material_time(300), s200 + 100 / tau_200, 1e-12);
  // Accelerating: integral of exp((t-300)/50)/tau_200 = 50 (e^{x/50} - 1) / tau_200.
  EXPECT_NEAR(c.material_time(380), s200 + 100 / tau_200 + 50 * (std::exp(80.0 / 50) - 1) / tau_200,
              1e-10);
}

TEST(MaterialClock, EventsJumpTauAndDecorrelate) {
  MaterialClock c(10.0, {{0, 1000, ClockSegment::Aging, 500}}, {{300, 0.25, 2.0}, {600, 1.0, 1.0}});
  EXPECT_NEAR(c.tau(299.999), 10 * std::exp(299.999 / 500), 1e-8);
  EXPECT_NEAR(c.tau(300), 2 * 10 * std::exp(300.0 / 500), 1e-8);
  EXPECT_NEAR(c.tau(400), 2 * 10 * std::exp(400.0 / 500), 1e-8);  // aging goes on after the event
  EXPECT_NEAR(c.event_decorrelation(350), -std::log(0.75), 1e-15);
  EXPECT_TRUE(std::isinf(c.event_decorrelation(700)));
  // Material time is continuous across the event.
  EXPECT_NEAR(c.material_time(300 - 1e-9), c.material_time(300), 1e-9);
}

}  // namespace
}  // namespace glassy::synth
