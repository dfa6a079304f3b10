// log h(z) with h(z) = φ(z) + zΦ(z), the expected improvement of a unit
// normal over a threshold z standard deviations away: EI = σ h(z), so
// log EI = log σ + LogH(z). Stable for every finite z (Ament et al. 2023,
// "Unexpected improvements to expected improvement"): for z < -3 it uses
// the Mills-ratio continued fraction, where h(z) = φ(z) / (1 + t g(t)) with
// t = -z and g(t) = t + 2/(t + 3/(t + 4/(t + ...))), which has no
// cancellation, so log EI stays informative where EI underflows to 0.
//
// Pure functions; thread-safe.
#pragma once

namespace sweep::bayes {

// log h(z); -inf only for z = -inf.
double LogH(double z);

// d/dz log h(z) = Φ(z) / h(z) (= g(-z) for z < -3), finite for finite z.
double LogHDerivative(double z);

}  // namespace sweep::bayes
