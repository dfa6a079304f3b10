#include "sweep/early_stop/hyperband_rule.h"

#include <sstream>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "sweep/early_stop/hyperband_bands.h"

namespace sweep {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

std::string OrdinalNumber(std::int64_t n) {
  const std::int64_t last_two = n % 100;
  const char* suffix = "th";
  if (last_two < 11 || last_two > 13) {
    switch (n % 10) {
      case 1: suffix = "st"; break;
      case 2: suffix = "nd"; break;
      case 3: suffix = "rd"; break;
      default: break;
    }
  }
  return std::to_string(n) + suffix;
}

Result<std::unique_ptr<HyperbandRule>> HyperbandRule::Create(const EarlyStopOptions& options) {
  auto bands = HyperbandBands(options);
  if (!bands.ok()) return bands.error();
  return std::unique_ptr<HyperbandRule>(
      new HyperbandRule(std::move(bands).value(), options.eta, options.strict, options.goal));
}

HyperbandRule::HyperbandRule(std::vector<std::int64_t> bands, double eta, bool strict, Goal goal)
    : bands_(std::move(bands)), strict_(strict), goal_(goal) {
  // W&B: r = 1.0 / eta; threshold = sorted(values)[int(r * len(values))].
  // Computed in double exactly like Python so ranks agree bit for bit.
  const double r = 1.0 / eta;
  band_values_.reserve(bands_.size());
  for (std::size_t i = 0; i < bands_.size(); ++i) {
    band_values_.emplace_back(
        [r](std::size_t n) { return static_cast<std::size_t>(r * static_cast<double>(n)); });
  }
}

double HyperbandRule::Orient(double value) const {
  if (std::isnan(value)) return kInf;
  return goal_ == Goal::kMaximize ? -value : value;
}

void HyperbandRule::Append(RunState& run, double value) {
  const double v = Orient(value);
  run.best = std::min(run.best, v);
  ++run.count;
  // W&B: band b is reached once the run has logged b values; its value there
  // is history[b - 1].
  const std::size_t next_band = run.at_band.size();
  if (next_band < bands_.size() && bands_[next_band] == run.count) {
    run.at_band.push_back(v);
    band_values_[next_band].Insert(v);
  }
}

bool HyperbandRule::Judge(const RunState& run) const {
  if (run.at_band.empty()) return false;  // no band reached yet
  const std::size_t k = run.at_band.size() - 1;
  const double threshold = *band_values_[k].AtRank();
  const double compared = strict_ ? run.at_band[k] : run.best;
  return compared > threshold;
}

bool HyperbandRule::ShouldStop(const std::string& run_id, std::int64_t iteration, double value) {
  RunState& run = runs_[run_id];
  if (run.ended) return false;
  if (iteration >= run.count) Append(run, value);
  return Judge(run);
}

std::string HyperbandRule::Explain(const std::string& run_id) const {
  auto it = runs_.find(run_id);
  if (it == runs_.end() || it->second.at_band.empty()) return "";
  const RunState& run = it->second;
  const std::size_t k = run.at_band.size() - 1;
  const double oriented = strict_ ? run.at_band[k] : run.best;
  const double compared = goal_ == Goal::kMaximize ? -oriented : oriented;
  std::ostringstream out;
  out << "hyperband: at band " << bands_[k] << " (its " << OrdinalNumber(bands_[k]) << " value) its "
      << (strict_ ? "value" : "best value so far") << " " << compared
      << (Judge(run) ? " was worse than" : " was within") << " the threshold " << Threshold(k).value_or(compared)
      << " set by the " << band_values_[k].size() << " runs that reached the band";
  return out.str();
}

void HyperbandRule::OnRunEnded(const std::string& run_id) {
  // The run's values at the bands stay in band_values_: W&B builds the
  // thresholds from finished runs too.
  runs_[run_id].ended = true;
}

std::optional<double> HyperbandRule::Threshold(std::size_t band_index) const {
  if (band_index >= band_values_.size()) return std::nullopt;
  auto t = band_values_[band_index].AtRank();
  if (!t) return std::nullopt;
  return goal_ == Goal::kMaximize ? -*t : *t;
}

void HyperbandRule::Record(const std::string& run_id, double value) {
  RunState& run = runs_[run_id];
  if (!run.ended) Append(run, value);
}

}  // namespace sweep
