#include "optimizers/bayes/bayes_optimizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <utility>

#include "optimizers/bayes/box_minimizer.h"
#include "optimizers/bayes/design.h"
#include "optimizers/bayes/encoding.h"
#include "optimizers/bayes/gp.h"
#include "optimizers/bayes/log_ei.h"
#include "optimizers/bayes/model_data.h"
#include "optimizers/bayes/trust_region.h"
#include "optimizers/prng.h"

namespace sweep {
namespace {

using bayes::Box;
using bayes::Collect;
using bayes::GaussianProcess;
using bayes::GpHyper;
using bayes::ModelData;
using bayes::Rows;
using bayes::Standardize;
using bayes::Subset;
using bayes::SpaceEncoding;
using bayes::TrustRegionBox;
using bayes::TrustRegionSide;

// Initial design: a GP with one length scale per dimension needs about d + 1
// points before its ARD fit means anything, and below 5 points even a 1-D
// fit is mostly prior; beyond that, every design point is one the model
// could have chosen better.
constexpr int kMinInitialDesign = 5;

// Refit schedule: fit at m = 3 observations (fewer: the prior's mode), then
// whenever m has grown by a tenth since the last fit (at least by one), so
// fitting costs O(log m) fits in total while the model tracks new data.
constexpr int kMinFitPoints = 3;
constexpr int kRefitGrowthDivisor = 10;
// Hyperparameters are fitted on at most this many observations (the best
// half and an even stride through the rest): an O(m³) fit on 300 points takes
// tens of milliseconds, and length scales are well determined by then.
constexpr int kMaxFitPoints = 300;
// Restarts of the hyperparameter fit: the prior's mode and two prior draws
// catch the common second mode (short scales + low noise vs long + high).
constexpr int kFitRestarts = 3;
// Beyond this many observations the model keeps the best half and the most
// recent half: O(n³) refactorizations stay near a second, and the points
// that matter for EI (around the incumbents, where the search currently is)
// stay in.
constexpr int kMaxModelPoints = 2000;

// Acquisition search: quasi-random candidates cover the trust region, the
// best few are refined by L-BFGS-B, which gives the precision exploitation
// needs. The candidate count shrinks with the model's m points so that the
// m² flops per candidate of scoring stay below ~3e8 in all (≈0.1 s).
constexpr int kMaxQuasiRandomCandidates = 1024;
constexpr int kMinQuasiRandomCandidates = 128;
constexpr double kCandidateFlopBudget = 3e8;
constexpr int kRefineStarts = 5;
// Points per axis slice through the incumbent (design.h): a 1/32 grid puts
// a point in every basin of a coordinate with up to ~16 of them, and d
// slices cost no more than the quasi-random candidates (the count shrinks
// with them as the model grows).
constexpr int kMaxSlicePointsPerAxis = 32;
constexpr int kMinSlicePointsPerAxis = 4;
// L-BFGS-B settings of each refinement.
constexpr int kRefineIterations = 30;
constexpr double kRefineEpsilon = 1e-6;
constexpr int kRefineLineSearches = 20;
// Two encodings closer than this (Euclidean, unit cube) are the same point:
// far below any length scale the fit allows (5e-3), so re-evaluating it
// teaches the model nothing, yet coarse enough to catch refinements that
// converge to an existing point up to rounding.
constexpr double kDuplicateTolerance = 1e-6;
// Radius, in length scales, around pending trials where no proposal goes:
// the Matérn-5/2 correlation there exceeds 0.99, so a second trial would
// mostly repeat the pending one.
constexpr double kPendingExclusion = 0.05;
// Variance floor: keeps log σ finite where the posterior has collapsed.
constexpr double kVarianceFloor = 1e-20;

// PRNG stream tags: each use of randomness gets its own stream.
constexpr std::uint64_t kDesignStream = 0x64657369676e0000ULL;      // "design"
constexpr std::uint64_t kCandidateStream = 0x63616e6469640000ULL;   // "candid"
constexpr std::uint64_t kFitStream = 0x6669740000000000ULL;         // "fit"
constexpr std::uint64_t kFallbackStream = 0x66616c6c62000000ULL;    // "fallb"
constexpr std::uint64_t kSliceStream = 0x736c696365000000ULL;       // "slice"

// The last schedule point <= m (0 when m < kMinFitPoints).
int FitPoint(int m) {
  if (m < kMinFitPoints) return 0;
  int s = kMinFitPoints;
  for (;;) {
    const int next = s + std::max(1, s / kRefitGrowthDivisor);
    if (next > m) return s;
    s = next;
  }
}

// MAP hyperparameters on the first `s` rows (subset beyond kMaxFitPoints).
GpHyper FitOnPrefix(const ModelData& data, int s, std::uint64_t seed, bool warp) {
  const Eigen::MatrixXd x = data.x.topRows(s);
  const Eigen::VectorXd y = data.y.head(s);
  const std::vector<int> idx = Subset(y, kMaxFitPoints, /*recent=*/false);
  return bayes::FitHyper(Rows(x, idx), Standardize(Rows(y, idx), warp),
                         Xoshiro256StarStar::ForTrial(seed ^ kFitStream, s).Next(), kFitRestarts);
}

// The acquisition value (to maximize) at a point with posterior mean/var,
// and optionally its derivatives with respect to mean and variance.
struct Acquisition {
  BayesOptions::Acquisition kind;
  double best;  // incumbent (standardized, minimized)
  double beta;

  double Value(double mean, double var, double* d_mean = nullptr, double* d_var = nullptr) const {
    const double v = std::max(var, kVarianceFloor);
    const double sd = std::sqrt(v);
    if (kind == BayesOptions::Acquisition::kUcb) {
      if (d_mean) *d_mean = -1.0;
      if (d_var) *d_var = var > kVarianceFloor ? beta / (2 * sd) : 0.0;
      return -mean + beta * sd;
    }
    const double z = (best - mean) / sd;
    if (d_mean || d_var) {
      const double g = bayes::LogHDerivative(z);
      if (d_mean) *d_mean = -g / sd;
      // d/dv [½ log v + log h((best - μ)/√v)] = 1/(2v) - g z / (2v).
      if (d_var) *d_var = var > kVarianceFloor ? (1 - g * z) / (2 * v) : 0.0;
    }
    return 0.5 * std::log(v) + bayes::LogH(z);
  }
};

class BayesOptimizer final : public Optimizer {
 public:
  explicit BayesOptimizer(OptimizerOptions options)
      : options_(std::move(options)), enc_(options_.space) {
    n_init_ = options_.bayes.initial_design > 0 ? options_.bayes.initial_design
                                                : std::max(kMinInitialDesign, enc_.raw_dims() + 1);
  }

  std::optional<Suggestion> Ask(const std::vector<TrialObservation>& history) override {
    const int d = enc_.raw_dims();
    const std::uint64_t n = history.size();
    if (d == 0) return Suggestion{enc_.Decode({}), std::nullopt};
    if (static_cast<int>(n) < n_init_) {
      return Suggestion{enc_.Decode(bayes::LatinHypercubePoint(options_.seed ^ kDesignStream, n_init_,
                                                               static_cast<int>(n), d)),
                        std::nullopt};
    }
    const ModelData data = Collect(options_, enc_, history);
    if (data.y.size() == 0) {
      // Nothing observed yet (everything pending or unusable): uniform draws.
      Xoshiro256StarStar rng = Xoshiro256StarStar::ForTrial(options_.seed ^ kFallbackStream, n);
      std::vector<double> raw(d);
      for (double& u : raw) u = rng.NextUnit();
      return Suggestion{enc_.Decode(raw), std::nullopt};
    }
    return Suggestion{enc_.Decode(Propose(data, n)), std::nullopt};
  }

  // MAP hyperparameters for the rows of `data` (cached by schedule point).
  const GpHyper& Hyper(const ModelData& data) {
    const int m = static_cast<int>(data.y.size());
    const int s = FitPoint(m);
    if (s == 0) {
      prior_ = bayes::PriorModeHyper(enc_.feature_dims());
      return prior_;
    }
    if (!fit_ || fit_->x != data.x.topRows(s) || fit_->y != data.y.head(s)) {
      fit_ = FitCache{data.x.topRows(s), data.y.head(s), FitOnPrefix(data, s, options_.seed, options_.bayes.warp_outputs), ++fit_generation_};
    }
    return fit_->hyper;
  }

 private:
  // Model()'s cache keys besides the fit generations (which count up from
  // 1): the default hyperparameters used before the first fit, and a model
  // on a subset of the rows (kMaxModelPoints most recent).
  static constexpr int kDefaultHyperGeneration = -1;
  static constexpr int kRowSubsetGeneration = -2;

  struct FitCache {
    Eigen::MatrixXd x;
    Eigen::VectorXd y;
    GpHyper hyper;
    int generation = 0;
  };

  // A GP on `x` (rows) with `hyper`, reusing the cached factor when x
  // extends the rows it covers. Null when the factorization fails.
  const GaussianProcess* Model(const Eigen::MatrixXd& x, const GpHyper& hyper, int generation) {
    const bool reuse = gp_ && gp_generation_ == generation && gp_->size() <= x.rows() &&
                       gp_->inputs().topRows(gp_->size()) == x.topRows(gp_->size());
    if (reuse) {
      for (int i = gp_->size(); i < x.rows(); ++i) {
        if (!gp_->Append(x.row(i).transpose())) {
          if (!gp_->Reset(x)) { gp_.reset(); return nullptr; }
          break;
        }
      }
      return gp_.get();
    }
    gp_ = std::make_unique<GaussianProcess>(hyper);
    gp_generation_ = generation;
    if (!gp_->Reset(x)) { gp_.reset(); return nullptr; }
    return gp_.get();
  }

  // Kriging believer: pending trials are observed, exactly, at the posterior
  // mean, which keeps the mean and collapses the variance around them (to
  // ~0, not to the noise level, so EI there is negligible). `y` are gp's
  // current targets.
  static void ObservePending(const ModelData& data, const Eigen::VectorXd& y, GaussianProcess& gp) {
    if (data.pending.rows() == 0) return;
    Eigen::VectorXd mu, var;
    gp.Predict(data.pending.transpose(), &mu, &var);
    Eigen::VectorXd fantasy_y(y.size() + mu.size());
    fantasy_y << y, mu;
    int appended = 0;
    for (int i = 0; i < data.pending.rows(); ++i) {
      if (gp.Append(data.pending.row(i).transpose(), /*noiseless=*/true)) fantasy_y[y.size() + appended++] = mu[i];
    }
    gp.SetTargets(fantasy_y.head(y.size() + appended));
  }

  std::vector<double> Propose(const ModelData& data, std::uint64_t n) {
    const int d = enc_.raw_dims();
    const int fd = enc_.feature_dims();
    const GpHyper hyper = Hyper(data);
    const int generation = FitPoint(static_cast<int>(data.y.size())) == 0 ? kDefaultHyperGeneration : fit_->generation;

    const std::vector<int> rows = Subset(data.y, kMaxModelPoints, /*recent=*/true);
    const bool all_rows = static_cast<int>(rows.size()) == data.y.size();
    const Eigen::MatrixXd x = all_rows ? data.x : Rows(data.x, rows);
    const Eigen::VectorXd y = Standardize(all_rows ? data.y : Rows(data.y, rows), options_.bayes.warp_outputs);
    const GaussianProcess* base = Model(x, hyper, all_rows ? generation : kRowSubsetGeneration);
    Xoshiro256StarStar rng = Xoshiro256StarStar::ForTrial(options_.seed ^ kCandidateStream, n);
    if (base == nullptr) {  // non-finite inputs: cannot model, keep searching
      std::vector<double> raw(d);
      for (double& u : raw) u = rng.NextUnit();
      return raw;
    }
    GaussianProcess gp = *base;
    gp.SetTargets(y);
    // The incumbent is the best posterior mean at an observed point, not the
    // best observation: with learned noise, the best observation can sit
    // above the model's mean there, and EI would then keep re-proposing the
    // incumbent (noisy EI's usual plug-in).
    Eigen::Index incumbent_row = 0;
    const double incumbent = gp.MeanAtInputs(y).minCoeff(&incumbent_row);
    const std::vector<double>& center = data.raw[all_rows ? incumbent_row : rows[incumbent_row]];
    const Box box = SearchBox(data, hyper, center);
    ObservePending(data, y, gp);
    const Acquisition acq{options_.bayes.acquisition, incumbent, options_.bayes.ucb_beta};

    std::vector<std::vector<double>> cand = Candidates(box, center, static_cast<int>(x.rows()), rng.Next(),
                                                       Xoshiro256StarStar::ForTrial(options_.seed ^ kSliceStream, n).Next());
    const int nc = static_cast<int>(cand.size());
    Eigen::MatrixXd feats(fd, nc);
    for (int i = 0; i < nc; ++i) enc_.Features(cand[i].data(), feats.col(i).data());
    Eigen::VectorXd mu, var;
    gp.Predict(feats, &mu, &var);
    std::vector<double> score(nc);
    for (int i = 0; i < nc; ++i) score[i] = acq.Value(mu[i], var[i]);

    // Refine the best candidates along the continuous coordinates.
    std::vector<int> ranked(nc);
    std::iota(ranked.begin(), ranked.end(), 0);
    std::stable_sort(ranked.begin(), ranked.end(), [&](int a, int b) { return score[a] > score[b]; });
    std::vector<int> cont;
    for (int j = 0; j < d; ++j) if (enc_.IsContinuous(j)) cont.push_back(j);
    const int starts = std::min(kRefineStarts, nc);
    if (!cont.empty()) {
      for (int s = 0; s < starts; ++s) {
        const int i = ranked[s];
        std::vector<double> r = cand[i];
        const double refined = Refine(gp, acq, cont, box, &r);
        if (refined > score[i]) {
          cand.push_back(std::move(r));
          score.push_back(refined);
        }
      }
    }
    // The best candidate that is not already in the history.
    ranked.resize(cand.size());
    std::iota(ranked.begin(), ranked.end(), 0);
    std::stable_sort(ranked.begin(), ranked.end(), [&](int a, int b) { return score[a] > score[b]; });
    Eigen::VectorXd f(fd);
    const Eigen::VectorXd inv_l = (-gp.hyper().log_lengthscale.array()).exp().matrix();
    for (int i : ranked) {
      enc_.Features(cand[i].data(), f.data());
      if (!IsKnown(data, f, inv_l)) return cand[i];
    }
    return cand[ranked.front()];  // every candidate is known (tiny discrete space)
  }

  // True when f repeats an observed point, or lies within
  // kPendingExclusion length scales of a pending one (the fantasies already
  // make EI small there; this makes "never near-identical" a guarantee).
  static bool IsKnown(const ModelData& data, const Eigen::VectorXd& f, const Eigen::VectorXd& inv_l) {
    const double tol2 = kDuplicateTolerance * kDuplicateTolerance;
    for (int i = 0; i < data.x.rows(); ++i) if ((data.x.row(i).transpose() - f).squaredNorm() <= tol2) return true;
    const double r2 = kPendingExclusion * kPendingExclusion;
    for (int i = 0; i < data.pending.rows(); ++i) {
      const Eigen::VectorXd diff = data.pending.row(i).transpose() - f;
      if (diff.squaredNorm() <= tol2 || diff.cwiseProduct(inv_l).squaredNorm() <= r2) return true;
    }
    return false;
  }

  // Acquisition candidates in raw coordinates: quasi-random points filling
  // the box, then the axis slices through `center`, which reach outside it.
  // Their count shrinks as the model's m points make each one dearer.
  static std::vector<std::vector<double>> Candidates(const Box& box, const std::vector<double>& center, int m,
                                                     std::uint64_t quasi_seed, std::uint64_t slice_seed) {
    const int d = static_cast<int>(center.size());
    const int n_quasi = std::clamp(static_cast<int>(kCandidateFlopBudget / (static_cast<double>(m) * m + 1)),
                                   kMinQuasiRandomCandidates, kMaxQuasiRandomCandidates);
    const std::vector<double> q = bayes::ShiftedRdSequence(quasi_seed, n_quasi, d);
    std::vector<std::vector<double>> cand;
    for (int i = 0; i < n_quasi; ++i) {
      std::vector<double>& c = cand.emplace_back(q.begin() + i * d, q.begin() + (i + 1) * d);
      for (int j = 0; j < d; ++j) c[j] = box.lower[j] + c[j] * (box.upper[j] - box.lower[j]);
    }
    const int per_axis = std::clamp(n_quasi / d, kMinSlicePointsPerAxis, kMaxSlicePointsPerAxis);
    const std::vector<double> slices = bayes::AxisSlices(center, slice_seed, per_axis);
    for (std::size_t i = 0; i < slices.size(); i += d) cand.emplace_back(slices.begin() + i, slices.begin() + i + d);
    return cand;
  }

  // The trust region around `center` for the data's history (trust_region.h).
  Box SearchBox(const ModelData& data, const GpHyper& hyper, const std::vector<double>& center) const {
    const int d = enc_.raw_dims();
    std::vector<double> lengthscale(d, 1.0);
    std::vector<bool> unbounded(d, false);
    for (int j = 0; j < d; ++j) {
      unbounded[j] = enc_.IsCategorical(j);
      if (!unbounded[j]) lengthscale[j] = std::exp(hyper.log_lengthscale[enc_.FeatureOf(j)]);
    }
    return TrustRegionBox(center, lengthscale, unbounded, TrustRegionSide(data.y, n_init_, d));
  }

  // L-BFGS-B on -acquisition over the continuous raw coordinates `cont`
  // within `box`, the others held; returns the acquisition at the refined
  // point. Refinement stays in the box even from a slice point outside it:
  // refining slices over the whole cube pulled them back to the corners the
  // box is there to avoid (bench/bayes: Levy-6 0.14 -> 0.49, 30 seeds).
  double Refine(const GaussianProcess& gp, const Acquisition& acq, const std::vector<int>& all_cont, const Box& box,
                std::vector<double>* raw) const {
    // Inactive coordinates keep their imputed feature (encoding.h); parents
    // are discrete, so refining continuous ones never changes activity.
    const std::vector<bool> active = enc_.ActiveCoordinates(raw->data());
    std::vector<int> cont;
    for (int j : all_cont) if (active[j]) cont.push_back(j);
    if (cont.empty()) return -std::numeric_limits<double>::infinity();
    const int k = static_cast<int>(cont.size());
    const int fd = enc_.feature_dims();
    Eigen::VectorXd base_f(fd);
    enc_.Features(raw->data(), base_f.data());
    double best_value = -std::numeric_limits<double>::infinity();
    Eigen::VectorXd best_v(k);
    auto objective = [&](const Eigen::VectorXd& v, Eigen::VectorXd& grad) {
      Eigen::VectorXd f = base_f;
      for (int j = 0; j < k; ++j) f[enc_.FeatureOf(cont[j])] = v[j];
      double mean = 0, var = 0, dm = 0, dv = 0;
      Eigen::VectorXd gmean, gvar;
      gp.PredictWithGradient(f, &mean, &var, &gmean, &gvar);
      const double value = acq.Value(mean, var, &dm, &dv);
      grad.resize(k);
      for (int j = 0; j < k; ++j) {
        const int fj = enc_.FeatureOf(cont[j]);
        grad[j] = -(dm * gmean[fj] + dv * gvar[fj]);
      }
      if (!std::isfinite(value) || !grad.allFinite()) {
        grad.setZero();
        return std::numeric_limits<double>::max() / 4;
      }
      if (value > best_value) best_value = value, best_v = v;
      return -value;
    };
    const bayes::BoxMinimizerSettings settings{kRefineIterations, kRefineEpsilon, kRefineLineSearches};
    Eigen::VectorXd v(k);
    Eigen::VectorXd lower(k), upper(k);
    for (int j = 0; j < k; ++j) {
      lower[j] = box.lower[cont[j]];
      upper[j] = box.upper[cont[j]];
      v[j] = std::clamp((*raw)[cont[j]], lower[j], upper[j]);
    }
    // On line-search trouble (a flat acquisition) best_v is the best point seen.
    bayes::MinimizeInBox(objective, settings, v, lower, upper);
    if (best_value > -std::numeric_limits<double>::infinity()) {
      for (int j = 0; j < k; ++j) (*raw)[cont[j]] = best_v[j];
    }
    return best_value;
  }

  OptimizerOptions options_;
  SpaceEncoding enc_;
  int n_init_ = kMinInitialDesign;
  GpHyper prior_;
  std::optional<FitCache> fit_;
  int fit_generation_ = 0;
  std::unique_ptr<GaussianProcess> gp_;
  int gp_generation_ = 0;
};

}  // namespace

Result<std::unique_ptr<Optimizer>> MakeBayesOptimizer(const OptimizerOptions& options) {
  return std::unique_ptr<Optimizer>(std::make_unique<BayesOptimizer>(options));
}

Result<std::vector<double>> FitParameterRelevance(const OptimizerOptions& options,
                                                  const std::vector<TrialObservation>& history) {
  OptimizerOptions exclude = options;
  exclude.bayes.failed_trials = BayesOptions::FailedTrials::kExclude;
  const SpaceEncoding enc(options.space);
  const ModelData data = Collect(exclude, enc, history);
  if (data.y.size() < 2) {
    return Error::InvalidInput("parameter relevance needs at least 2 trials with a finite objective");
  }
  std::vector<double> inv(enc.feature_dims(), 0.0);
  if (enc.feature_dims() > 0) {
    const GpHyper h = FitOnPrefix(data, static_cast<int>(data.y.size()), options.seed, options.bayes.warp_outputs);
    for (int j = 0; j < enc.feature_dims(); ++j) inv[j] = std::exp(-h.log_lengthscale[j]);
  }
  return enc.PerParameter(inv);
}

}  // namespace sweep
