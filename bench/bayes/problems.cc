#include "bench/bayes/problems.h"

#include <cmath>

namespace sweep::bench {
namespace {

ParameterSpec Uniform(const std::string& name, double lo, double hi) {
  return BoundedParameter(name, Distribution::kUniform, lo, hi);
}

SearchSpace Box(int d, double lo, double hi) {
  SearchSpace s;
  for (int i = 0; i < d; ++i) s.parameters.push_back(Uniform("x" + std::to_string(i), lo, hi));
  return s;
}

std::vector<double> Xs(const Config& c) {
  std::vector<double> x;
  for (const auto& kv : c) x.push_back(kv.second.as_number());
  return x;
}

double Branin(const Config& c) {
  const auto x = Xs(c);
  const double b = 5.1 / (4 * M_PI * M_PI), cc = 5 / M_PI, t = 1 / (8 * M_PI);
  return std::pow(x[1] - b * x[0] * x[0] + cc * x[0] - 6, 2) + 10 * (1 - t) * std::cos(x[0]) + 10;
}

double Hartmann6(const Config& c) {
  const auto x = Xs(c);
  static const double kAlpha[4] = {1.0, 1.2, 3.0, 3.2};
  static const double kA[4][6] = {{10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14},
                                  {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
  static const double kP[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                  {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                  {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                  {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
  double sum = 0;
  for (int i = 0; i < 4; ++i) {
    double inner = 0;
    for (int j = 0; j < 6; ++j) inner += kA[i][j] * std::pow(x[j] - kP[i][j], 2);
    sum += kAlpha[i] * std::exp(-inner);
  }
  return -sum;
}

double Ackley(const Config& c) {
  const auto x = Xs(c);
  const double d = static_cast<double>(x.size());
  double s1 = 0, s2 = 0;
  for (double v : x) s1 += v * v, s2 += std::cos(2 * M_PI * v);
  return -20 * std::exp(-0.2 * std::sqrt(s1 / d)) - std::exp(s2 / d) + 20 + std::exp(1.0);
}

double Rosenbrock(const Config& c) {
  const auto x = Xs(c);
  double s = 0;
  for (std::size_t i = 0; i + 1 < x.size(); ++i) s += 100 * std::pow(x[i + 1] - x[i] * x[i], 2) + std::pow(1 - x[i], 2);
  return s;
}

double Levy(const Config& c) {
  const auto x = Xs(c);
  const std::size_t d = x.size();
  auto w = [&](std::size_t i) { return 1 + (x[i] - 1) / 4; };
  double s = std::pow(std::sin(M_PI * w(0)), 2);
  for (std::size_t i = 0; i + 1 < d; ++i) {
    s += std::pow(w(i) - 1, 2) * (1 + 10 * std::pow(std::sin(M_PI * w(i) + 1), 2));
  }
  s += std::pow(w(d - 1) - 1, 2) * (1 + std::pow(std::sin(2 * M_PI * w(d - 1)), 2));
  return s;
}

double StyblinskiTang(const Config& c) {
  double s = 0;
  for (double v : Xs(c)) s += v * v * v * v - 16 * v * v + 5 * v;
  return s / 2;
}

// A typical training sweep's shape: the learning rate matters most (log
// scale), depth a little (int), one activation is best (categorical), and a
// dropout-like continuous knob.
double Mixed(const Config& c) {
  const double lr = c[0].second.as_number();
  const double layers = c[1].second.as_number();
  const std::string& act = c[2].second.as_string();
  const double dropout = c[3].second.as_number();
  const double act_cost = act == "relu" ? 0.5 : act == "gelu" ? 0.0 : 1.0;
  return std::pow(std::log10(lr) + 2.5, 2) + 0.05 * std::pow(layers - 5, 2) + act_cost + std::pow(dropout - 0.3, 2);
}

}  // namespace

std::vector<Problem> AllProblems() {
  std::vector<Problem> out;
  out.push_back({"branin", [] {
                   SearchSpace s;
                   s.parameters = {Uniform("x0", -5, 10), Uniform("x1", 0, 15)};
                   return s;
                 }(), Branin, 0.39788735772973816, 4e-4, 0.016});
  out.push_back({"hartmann6", Box(6, 0, 1), Hartmann6, -3.32236801141551, 0.20, 0.28});
  out.push_back({"ackley5", Box(5, -5, 10), Ackley, 0.0, 3.3, 3.2});
  out.push_back({"rosenbrock4", Box(4, -5, 10), Rosenbrock, 0.0, 106, 54});
  out.push_back({"levy6", Box(6, -10, 10), Levy, 0.0, 1.3, 1.1});
  out.push_back({"styblinski4", Box(4, -5, 5), StyblinskiTang, -39.16616570377142 * 4, 4.6, 20});
  SearchSpace mixed;
  ParameterSpec lr;
  lr.path = {"lr"};
  lr.distribution = Distribution::kLogUniformValues;
  lr.min = 1e-5;
  lr.max = 1;
  ParameterSpec layers;
  layers.path = {"layers"};
  layers.distribution = Distribution::kIntUniform;
  layers.min = 1;
  layers.max = 12;
  layers.integer_bounds = true;
  ParameterSpec act;
  act.path = {"act"};
  act.distribution = Distribution::kCategorical;
  act.values = {Value("relu"), Value("tanh"), Value("gelu"), Value("sigmoid")};
  mixed.parameters = {lr, layers, act, Uniform("dropout", 0, 0.8)};
  out.push_back({"mixed", mixed, Mixed, 0.0, -1, -1});
  return out;
}

}  // namespace sweep::bench
