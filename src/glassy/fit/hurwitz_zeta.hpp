// fit/hurwitz_zeta: the Hurwitz zeta function zeta(s, q) = sum_{k>=0} (k + q)^-s, the normaliser
// of the discrete power law p(x) = x^-alpha / zeta(alpha, x_min). Boost has only the Riemann zeta,
// so it is computed here by a short direct sum plus the Euler-Maclaurin tail (relative error
// ~1e-15).
#pragma once

namespace glassy::fit {

// zeta(s, q) for s > 1 and q > 0 (finite); anything else throws glassy::Error.
double hurwitz_zeta(double s, double q);

}  // namespace glassy::fit
