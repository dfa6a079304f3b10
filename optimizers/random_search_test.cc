#include "optimizers/random_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numbers>
#include <string>

#include "optimizers/prng.h"

namespace sweep {
namespace {

constexpr int kSamples = 6000;
// Kolmogorov–Smirnov critical value c(alpha) / sqrt(n) at alpha = 0.001.
constexpr double kKsCoefficient = 1.949;
// Upper 0.001 point of the standard normal, for the chi-square critical value.
constexpr double kZ999 = 3.090232306167813;

double NormalCdfRef(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

// Wilson–Hilferty approximation of the chi-square 0.999 quantile.
double ChiSquareCritical(int df) {
  const double k = df, h = 2.0 / (9.0 * k);
  return k * std::pow(1 - h + kZ999 * std::sqrt(h), 3);
}

ParameterSpec Spec(const std::string& name, Distribution d) {
  ParameterSpec p;
  p.path = {name};
  p.distribution = d;
  return p;
}

ParameterSpec Bounded(const std::string& name, Distribution d, double min, double max, double q = 1) {
  ParameterSpec p = Spec(name, d);
  p.min = min;
  p.max = max;
  p.q = q;
  return p;
}

ParameterSpec Normal(const std::string& name, Distribution d, double mu, double sigma, double q = 1) {
  ParameterSpec p = Spec(name, d);
  p.mu = mu;
  p.sigma = sigma;
  p.q = q;
  return p;
}

ParameterSpec Beta(const std::string& name, Distribution d, double a, double b, double q = 1) {
  ParameterSpec p = Spec(name, d);
  p.a = a;
  p.b = b;
  p.q = q;
  return p;
}

// A parameter and its law's CDF, written out independently of space_transform.
struct Law {
  ParameterSpec spec;
  std::function<double(double)> cdf;
  double lo, hi;  // support bounds the samples must respect
};

std::vector<Law> ContinuousLaws() {
  const double ln10 = std::log(10.0);
  const double inf = INFINITY;
  return {
      {Bounded("uniform", Distribution::kUniform, -2, 3), [](double x) { return (x + 2) / 5; }, -2, 3},
      {Bounded("log_uniform", Distribution::kLogUniform, -3 * ln10, 0),
       [=](double x) { return (std::log(x) + 3 * ln10) / (3 * ln10); }, 1e-3, 1},
      {Bounded("log_uniform_values", Distribution::kLogUniformValues, 1e-5, 1e-1),
       [](double x) { return std::log(x / 1e-5) / std::log(1e4); }, 1e-5, 1e-1},
      // 1/exp(V), V ~ U(1, 4): P(X <= x) = P(V >= -ln x).
      {Bounded("inv_log_uniform", Distribution::kInvLogUniform, 1, 4),
       [](double x) { return (4 + std::log(x)) / 3; }, std::exp(-4), std::exp(-1)},
      {Bounded("inv_log_uniform_values", Distribution::kInvLogUniformValues, 0.5, 50),
       [](double x) { return std::log(x / 0.5) / std::log(100.0); }, 0.5, 50},
      {Normal("normal", Distribution::kNormal, 3, 0.5), [](double x) { return NormalCdfRef((x - 3) / 0.5); }, -inf,
       inf},
      {Normal("log_normal", Distribution::kLogNormal, -1, 2),
       [](double x) { return NormalCdfRef((std::log(x) + 1) / 2); }, 0, inf},
      {Beta("beta", Distribution::kBeta, 2, 3), [](double x) { return x * x * (6 - 8 * x + 3 * x * x); }, 0, 1},
      {Beta("arcsine_beta", Distribution::kBeta, 0.5, 0.5),
       [](double x) { return 2 / std::numbers::pi * std::asin(std::sqrt(x)); }, 0, 1},
  };
}

// The underlying continuous law of each q-distribution; P(k q) is
// F((k + 1/2) q) - F((k - 1/2) q).
std::vector<Law> QuantizedLaws() {
  return {
      {Bounded("q_uniform", Distribution::kQUniform, 0, 10, 2.5), [](double x) { return std::clamp(x / 10, 0.0, 1.0); },
       0, 10},
      {Bounded("q_log_uniform", Distribution::kQLogUniform, 0, std::log(100.0), 1),
       [](double x) { return std::clamp(std::log(std::max(x, 1.0)) / std::log(100.0), 0.0, 1.0); }, 0, 100},
      {Bounded("q_log_uniform_values", Distribution::kQLogUniformValues, 1, 100, 10),
       [](double x) { return std::clamp(std::log(std::max(x, 1.0)) / std::log(100.0), 0.0, 1.0); }, 0, 100},
      {Normal("q_normal", Distribution::kQNormal, 0, 2, 1), [](double x) { return NormalCdfRef(x / 2); }, -INFINITY,
       INFINITY},
      {Normal("q_log_normal", Distribution::kQLogNormal, 1, 0.5, 1),
       [](double x) { return x > 0 ? NormalCdfRef((std::log(x) - 1) / 0.5) : 0.0; }, 0, INFINITY},
      {Beta("q_beta", Distribution::kQBeta, 2, 3, 0.25),
       [](double x) {
         x = std::clamp(x, 0.0, 1.0);
         return x * x * (6 - 8 * x + 3 * x * x);
       },
       0, 1},
  };
}

std::vector<Config> Draw(const SearchSpace& space, std::uint64_t seed, int n) {
  RandomSearch search(space, seed);
  std::vector<Config> out;
  for (int i = 0; i < n; ++i) out.push_back(search.ConfigFor(i));
  return out;
}

double KolmogorovSmirnov(std::vector<double> xs, const std::function<double(double)>& cdf) {
  std::sort(xs.begin(), xs.end());
  const double n = xs.size();
  double d = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double f = cdf(xs[i]);
    d = std::max({d, f - i / n, (i + 1) / n - f});
  }
  return d;
}

// Pearson's chi-square of observed counts against expected probabilities;
// bins expected to hold fewer than 5 samples are pooled into one.
struct ChiSquare {
  double statistic = 0;
  int df = 0;
};
ChiSquare PearsonChiSquare(const std::map<std::int64_t, int>& counts,
                           const std::map<std::int64_t, double>& probabilities, int n) {
  ChiSquare out;
  double pooled_expected = 0, pooled_observed = n;
  int bins = 0;
  for (const auto& [k, prob] : probabilities) {
    const double expected = prob * n;
    if (expected < 5) continue;
    const int observed = counts.contains(k) ? counts.at(k) : 0;
    out.statistic += (observed - expected) * (observed - expected) / expected;
    pooled_expected += expected;
    pooled_observed -= observed;
    ++bins;
  }
  pooled_expected = n - pooled_expected;
  if (pooled_expected >= 1) {
    out.statistic += (pooled_observed - pooled_expected) * (pooled_observed - pooled_expected) / pooled_expected;
    ++bins;
  }
  out.df = bins - 1;
  return out;
}

TEST(RandomSearch, ContinuousLawsPassKolmogorovSmirnov) {
  SearchSpace space;
  const std::vector<Law> laws = ContinuousLaws();
  for (const Law& law : laws) space.parameters.push_back(law.spec);
  const std::vector<Config> draws = Draw(space, 20240611, kSamples);
  for (size_t j = 0; j < laws.size(); ++j) {
    std::vector<double> xs;
    for (const Config& c : draws) {
      ASSERT_EQ(c[j].first, laws[j].spec.name());
      ASSERT_TRUE(c[j].second.is_double()) << c[j].first;
      const double x = c[j].second.as_double();
      ASSERT_TRUE(std::isfinite(x)) << c[j].first;
      ASSERT_GE(x, laws[j].lo * (1 + 1e-12) - 1e-300) << c[j].first;
      ASSERT_LE(x, laws[j].hi * (1 + 1e-12)) << c[j].first;
      xs.push_back(x);
    }
    const double d = KolmogorovSmirnov(xs, laws[j].cdf);
    EXPECT_LT(d, kKsCoefficient / std::sqrt(kSamples)) << laws[j].spec.name();
  }
}

TEST(RandomSearch, KolmogorovSmirnovRejectsTheWrongLaw) {
  // The test above can fail: the same draws judged against a shifted law do.
  SearchSpace space;
  space.parameters.push_back(Bounded("uniform", Distribution::kUniform, -2, 3));
  std::vector<double> xs;
  for (const Config& c : Draw(space, 20240611, kSamples)) xs.push_back(c[0].second.as_double());
  EXPECT_GT(KolmogorovSmirnov(xs, [](double x) { return std::clamp((x + 2.2) / 5, 0.0, 1.0); }),
            kKsCoefficient / std::sqrt(kSamples));
}

TEST(RandomSearch, QuantizedLawsPassChiSquareAndStayOnTheirGrid) {
  SearchSpace space;
  const std::vector<Law> laws = QuantizedLaws();
  for (const Law& law : laws) space.parameters.push_back(law.spec);
  const std::vector<Config> draws = Draw(space, 7, kSamples);
  for (size_t j = 0; j < laws.size(); ++j) {
    const ParameterSpec& p = laws[j].spec;
    const bool integer_q = std::floor(p.q) == p.q;
    std::map<std::int64_t, int> counts;
    for (const Config& c : draws) {
      const Value& v = c[j].second;
      ASSERT_EQ(v.is_int(), integer_q) << p.name();
      const double x = v.as_number();
      const double steps = x / p.q;
      ASSERT_NEAR(steps, std::round(steps), 1e-9) << p.name() << " " << x;
      ASSERT_GE(x, laws[j].lo) << p.name();
      ASSERT_LE(x, laws[j].hi) << p.name();
      ++counts[static_cast<std::int64_t>(std::round(steps))];
    }
    std::map<std::int64_t, double> probabilities;
    const auto [kmin, kmax] = std::pair{counts.begin()->first - 3, counts.rbegin()->first + 3};
    for (std::int64_t k = kmin; k <= kmax; ++k) {
      probabilities[k] = laws[j].cdf((k + 0.5) * p.q) - laws[j].cdf((k - 0.5) * p.q);
    }
    const ChiSquare chi = PearsonChiSquare(counts, probabilities, kSamples);
    ASSERT_GE(chi.df, 1) << p.name();
    EXPECT_LT(chi.statistic, ChiSquareCritical(chi.df)) << p.name() << " df=" << chi.df;
  }
}

TEST(RandomSearch, IntUniformAndCategoricalsMatchTheirProbabilities) {
  ParameterSpec die = Bounded("die", Distribution::kIntUniform, 1, 6);
  ParameterSpec uniform_choice = Spec("opt", Distribution::kCategorical);
  uniform_choice.values = {Value("adam"), Value("sgd"), Value(3), Value(0.5)};
  ParameterSpec weighted = Spec("act", Distribution::kCategorical);
  weighted.values = {Value("relu"), Value("tanh"), Value("gelu"), Value("never")};
  weighted.probabilities = {0.1, 0.6, 0.3, 0.0};
  ParameterSpec constant = Spec("epochs", Distribution::kConstant);
  constant.value = Value(10);
  SearchSpace space{{die, uniform_choice, weighted, constant}};
  std::map<std::int64_t, int> die_counts, choice_counts, weighted_counts;
  for (const Config& c : Draw(space, 99, kSamples)) {
    ASSERT_TRUE(c[0].second.is_int());
    ASSERT_GE(c[0].second.as_int(), 1);
    ASSERT_LE(c[0].second.as_int(), 6);
    ++die_counts[c[0].second.as_int()];
    auto in = [](const ParameterSpec& p, const Value& v) {
      return std::find(p.values.begin(), p.values.end(), v) - p.values.begin();
    };
    const auto choice = in(uniform_choice, c[1].second);
    ASSERT_LT(choice, 4);
    ++choice_counts[choice];
    const auto w = in(weighted, c[2].second);
    ASSERT_LT(w, 3) << "a zero-probability value was drawn";
    ++weighted_counts[w];
    ASSERT_EQ(c[3].second, Value(10));
  }
  const std::map<std::int64_t, double> die_p = {{1, 1 / 6.}, {2, 1 / 6.}, {3, 1 / 6.},
                                                {4, 1 / 6.}, {5, 1 / 6.}, {6, 1 / 6.}};
  const std::map<std::int64_t, double> choice_p = {{0, .25}, {1, .25}, {2, .25}, {3, .25}};
  const std::map<std::int64_t, double> weighted_p = {{0, .1}, {1, .6}, {2, .3}};
  for (const auto& [counts, probs] : {std::pair{die_counts, die_p}, {choice_counts, choice_p},
                                      {weighted_counts, weighted_p}}) {
    const ChiSquare chi = PearsonChiSquare(counts, probs, kSamples);
    EXPECT_EQ(chi.df, static_cast<int>(probs.size()) - 1);
    EXPECT_LT(chi.statistic, ChiSquareCritical(chi.df));
  }
}

SearchSpace MixedSpace() {
  ParameterSpec lr = Bounded("lr", Distribution::kLogUniformValues, 1e-5, 1e-1);
  ParameterSpec layers = Bounded("layers", Distribution::kIntUniform, 1, 8);
  ParameterSpec act = Spec("act", Distribution::kCategorical);
  act.values = {Value("relu"), Value("tanh")};
  return SearchSpace{{lr, layers, act}};
}

std::vector<TrialObservation> History(int n) {
  std::vector<TrialObservation> history(n);
  for (int i = 0; i < n; ++i) history[i].number = i;
  return history;
}

TEST(RandomSearch, ProposalIsAPureFunctionOfSeedAndTrialNumber) {
  RandomSearch first(MixedSpace(), 1234);
  std::vector<Config> sequence;
  for (int n = 0; n < 20; ++n) sequence.push_back(first.Ask(History(n))->config);
  // A fresh instance resuming at trial 13, or asked out of order, agrees.
  RandomSearch resumed(MixedSpace(), 1234);
  EXPECT_EQ(resumed.Ask(History(13))->config, sequence[13]);
  EXPECT_EQ(resumed.Ask(History(2))->config, sequence[2]);
  EXPECT_EQ(resumed.ConfigFor(19), sequence[19]);
  EXPECT_FALSE(resumed.Ask(History(4))->grid_index.has_value());
  // Consecutive proposals differ.
  for (int n = 1; n < 20; ++n) EXPECT_NE(sequence[n], sequence[n - 1]) << n;
}

TEST(RandomSearch, DifferentSeedsGiveDifferentSequences) {
  RandomSearch a(MixedSpace(), 1), b(MixedSpace(), 2);
  int same_lr = 0;
  for (int n = 0; n < 50; ++n) {
    if (a.ConfigFor(n)[0].second == b.ConfigFor(n)[0].second) ++same_lr;
  }
  EXPECT_EQ(same_lr, 0);
}

TEST(RandomSearch, AppendingAParameterKeepsEarlierDraws) {
  SearchSpace longer = MixedSpace();
  longer.parameters.push_back(Bounded("dropout", Distribution::kUniform, 0, 0.5));
  RandomSearch base(MixedSpace(), 5), extended(longer, 5);
  for (int n = 0; n < 10; ++n) {
    Config c = extended.ConfigFor(n);
    c.pop_back();
    EXPECT_EQ(c, base.ConfigFor(n));
  }
}

TEST(Xoshiro256StarStar, StreamDerivationIsStable) {
  // Pinned: changing the derivation would silently change every sweep's
  // proposals, breaking resume of existing sweeps.
  Xoshiro256StarStar stream = Xoshiro256StarStar::ForTrial(42, 7);
  EXPECT_EQ(stream.Next(), 511687822027273263u);
  for (int i = 0; i < 1000; ++i) {
    const double u = stream.NextUnit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace sweep
