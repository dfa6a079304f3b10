#include "optimizers/bayes/log_ei.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sweep::bayes {
namespace {

// References computed with mpmath at 50 digits:
//   log(npdf(z) + z*ncdf(z)) and ncdf(z) / (npdf(z) + z*ncdf(z)).
struct Reference {
  double z, log_h, derivative;
};
constexpr Reference kReferences[] = {
    {-1000, -500014.73445209115845, 1000.001999994000042},
    {-100, -5010.1295788002497923, 100.01999400419586505},
    {-40, -808.29856835661996024, 40.049906657648518193},
    {-20, -206.91783850942509785, 20.099262811101281775},
    {-10, -55.553122036122355927, 10.194383033412553306},
    {-5, -16.744301162660990143, 5.3618162412880885298},
    {-3.5, -9.7468100377653867369, 3.977862956240945633},
    {-2.9, -7.5208464928878732151, 3.4445327294133315261},
    {-1, -2.4851210257126413368, 1.9042712333296918229},
    {0, -0.91893853320467274178, 1.2533141373155002512},
    {1, 0.080026218849306940029, 0.77663872520173925975},
    {5, 1.6094379231264313851, 0.19999994053122004649},
};

TEST(LogH, MatchesHighPrecisionReferenceFarIntoTheTails) {
  for (const Reference& r : kReferences) {
    EXPECT_NEAR(LogH(r.z), r.log_h, 1e-12 * std::max(1.0, std::abs(r.log_h))) << "z=" << r.z;
    EXPECT_NEAR(LogHDerivative(r.z), r.derivative, 1e-9 * r.derivative) << "z=" << r.z;
  }
}

TEST(LogH, DerivativeMatchesFiniteDifferencesAcrossTheBranchPoint) {
  for (double z : {-8.0, -3.0001, -2.9999, -0.5, 2.0}) {
    const double h = 1e-6;
    EXPECT_NEAR(LogHDerivative(z), (LogH(z + h) - LogH(z - h)) / (2 * h), 1e-5 * std::abs(LogHDerivative(z)));
  }
}

TEST(LogH, StaysFiniteAndMonotoneWhereExpectedImprovementUnderflows) {
  double previous = LogH(-1e6);
  EXPECT_TRUE(std::isfinite(previous));
  for (double z = -1e5; z < 10; z = z < -10 ? z / 2 : z + 0.25) {
    const double v = LogH(z);
    ASSERT_TRUE(std::isfinite(v)) << z;
    EXPECT_GT(v, previous) << z;
    previous = v;
  }
}

}  // namespace
}  // namespace sweep::bayes
