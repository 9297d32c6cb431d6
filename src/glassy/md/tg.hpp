// md/tg: the glass transition temperature from a cooling curve. The potential energy (or the
// volume, at constant pressure) against temperature is fitted by two straight lines that meet at
// Tg: a glass line below and a liquid line above,
//     y(T) = y_g + b_glass (T - Tg)  for T < Tg,     y_g + b_liquid (T - Tg)  for T >= Tg,
// by least squares. For a fixed Tg the fit is linear in (y_g, b_glass, b_liquid); Tg minimises
// the residual sum of squares SSE(Tg) (scanned on a grid, then refined by golden section).
// Error: the profile likelihood. With s^2 = SSE_min / (n - 4), the 68% interval of Tg is where
// SSE(Tg) <= SSE_min + s^2 (Delta chi^2 = 1); tg_err is its half width.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace glassy::md {

struct TgOptions {
  std::string quantity = "potential_energy";  // or "volume" (meaningful for NPT quenches)
  // Fit range [t_min, t_max] in LJ temperature; 0 = no limit on that side. Above ~2 Tg the
  // liquid's energy bends (Rosenfeld-Tarazona, U ~ T^(3/5)) and a straight liquid line would put
  // the kink in the hot liquid; with range_from_data the liquid line is further restricted to
  // where the curve is straight (grown from Tg while a quadratic's curvature stays under 3
  // standard errors), iterated with Tg, the range reported and the shift of Tg when that side
  // is halved added to the error. Off: exactly [t_min, t_max].
  double t_min = 0;
  double t_max = 1.0;  // ~2 Tg: an outer bound; the data choose within it
  bool range_from_data = true;
  std::size_t min_points_per_line = 5;  // Tg is searched where each line has at least this many
  // Only kinks where the liquid line is the steeper one (heat capacity and thermal expansion
  // drop on vitrification) are accepted; false fits any kink.
  bool liquid_steeper = true;
  // The fictive temperature, a second estimate beside the two lines (see fictive_tg below): the
  // glass line fitted at T <= fictive_glass_max meets the equilibrium liquid, fitted at
  // T >= fictive_liquid_min with the Rosenfeld-Tarazona law y = a + b T^(3/5). LJ units of the
  // Wahnström model: its liquid is in equilibrium above ~0.7 at any quench rate up to 2e-3/tau,
  // and its glass is a harmonic solid below ~0.35 (docs/md.md, measured).
  double fictive_glass_max = 0.3;
  double fictive_liquid_min = 0.8;
  double fictive_liquid_max = 2.0;
};

// The glass line meeting the Rosenfeld-Tarazona liquid. Unlike the two-line kink it does not
// depend on how broad the transition is: a fast quench leaves the liquid gradually, and the
// two-line fit then draws its "liquid" line through the transition and meets the glass at its
// bottom (0.43 for a 2e-3/tau quench, 0.63 for 5e-4/tau; this estimate: 0.53 and 0.52).
struct FictiveTg {
  double tg = 0, tg_err = 0;  // tg_err: spread over a residual bootstrap of both branches
  double glass_slope = 0, liquid_a = 0, liquid_b = 0;
  std::size_t glass_points = 0, liquid_points = 0;
  double glass_rms = 0, liquid_rms = 0;
};

// Throws glassy::Error when either branch has fewer than 5 points or the branches do not meet
// between fictive_glass_max and fictive_liquid_min.
FictiveTg fictive_tg(const std::vector<double>& temperature, const std::vector<double>& value,
                     const TgOptions& options = {});

struct TgEstimate {
  double tg = 0, tg_err = 0;  // LJ temperature
  double glass_slope = 0, glass_slope_err = 0;
  double liquid_slope = 0, liquid_slope_err = 0;
  double value_at_tg = 0;   // y_g: the quantity where the lines meet
  double rms_residual = 0;  // sqrt(SSE_min / (n - 4))
  std::size_t points = 0;
  std::string quantity = "potential_energy";
  double t_min = 0, t_max = 0;   // the range actually fitted
  bool range_from_data = false;  // chosen where the curve is straight (TgOptions)
  // Part of tg_err (added in quadrature) from the range: the shift of Tg when the liquid side
  // of the chosen range is halved (0 when the range is as given).
  double tg_range_err = 0;
  // The fictive temperature (FictiveTg), when the curve reaches both of its branches.
  std::optional<FictiveTg> fictive;

  nlohmann::json to_json() const;
  static TgEstimate from_json(const nlohmann::json& j);
};

// Fits temperature/value pairs (any order). Needs at least 2 * min_points_per_line + 1 points
// inside the range and both lines resolvable; throws glassy::Error otherwise.
TgEstimate estimate_tg(const std::vector<double>& temperature, const std::vector<double>& value,
                       const TgOptions& options = {});

// Residual sum of squares of the best two-line fit with the lines meeting at `tg` (the profile
// the estimate minimises); exposed for tests and plots.
double two_line_sse(const std::vector<double>& temperature, const std::vector<double>& value,
                    double tg);

}  // namespace glassy::md
