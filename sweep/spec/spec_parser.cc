#include "sweep/spec/spec_parser.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/goal_name.h"
#include "sweep/spec/command_macros.h"
#include "sweep/spec/duration.h"
#include "sweep/spec/field_readers.h"
#include "sweep/spec/initial_points_parser.h"
#include "sweep/spec/nearest_key.h"
#include "sweep/spec/parameter_parser.h"
#include "sweep/spec/yaml_tree.h"
#include "sweep/spec/yaml_value.h"

namespace sweep {
namespace {

using spec::DiagnosticList;
using spec::YamlNode;

constexpr std::array<std::string_view, 19> kTopLevelKeys = {
    "program", "method",  "metric",       "parameters",   "command",
    "run_cap", "name",    "description",  "early_terminate", "seed",
    "timeout", "retries", "max_failures", "max_consecutive_failures", "gpus_per_trial",
    "max_runtime", "project", "inputs", "initial_points"};
// Keys of W&B's sweep config schema (wandb/sweeps config/schema.json) that
// configure W&B's servers or its launch jobs, not the search: accepted, unused.
constexpr std::array<std::string_view, 8> kIgnoredTopLevelKeys = {
    "entity", "controller", "job", "image_uri", "apiVersion", "kind", "scheduler", "metrics"};
constexpr std::array<std::string_view, 6> kMetricKeys = {"name", "goal", "target", "impute", "objective",
                                                         "exclude_failed"};
constexpr std::array<std::string_view, 1> kIgnoredMetricKeys = {"impute_while_running"};
constexpr std::array<std::string_view, 8> kEarlyTerminateKeys = {"type", "min_iter",         "max_iter",    "s",
                                                                 "eta",  "strict", "n_startup_trials", "warmup_steps"};
// Hyperband's brackets shrink by eta each step; 1 would never shrink.
constexpr std::int64_t kMinHyperbandEta = 2;
// Counts of runs (run_cap, max_failures, ...): a billion is more than any
// store holds, and keeps sums of counts far from overflowing.
constexpr std::int64_t kMaxRunCount = 1'000'000'000;
// Each retry reruns a whole trial; past this it is a loop, not a retry.
constexpr std::int64_t kMaxRetries = 100;
// More than any machine has; the GPU slots are counted one by one.
constexpr std::int64_t kMaxGpusPerTrial = 1024;
// Hyperband's bands are steps compared as doubles, exact up to 2^53 (the
// early-stop rule's kMaxBand).
constexpr std::int64_t kMaxHyperbandIter = std::int64_t{1} << 53;
// With eta >= 2 each bracket at least halves max_iter (< 2^63): past 63
// brackets there is nothing left to halve.
constexpr std::int64_t kMaxHyperbandBrackets = 63;

template <std::size_t N>
bool Contains(const std::array<std::string_view, N>& keys, std::string_view key) {
  for (auto k : keys)
    if (k == key) return true;
  return false;
}

// Our extension (W&B specs never have it): the data files and folders the
// trials read, as a list of paths.
std::vector<std::string> ReadInputs(const YamlNode& v, DiagnosticList& d) {
  std::vector<std::string> out;
  if (!v.is_sequence()) {
    d.Error(v, "inputs: expected a list of data files or folders, got " + spec::DescribeNode(v));
    return out;
  }
  for (const auto& item : v.items) {
    auto t = spec::ReadText(*item, "inputs", d);
    if (!t) continue;
    if (t->empty()) {
      d.Error(*item, "inputs: an empty path");
    } else if (std::find(out.begin(), out.end(), *t) != out.end()) {
      d.Error(*item, "inputs: '" + *t + "' is listed twice");
    } else {
      out.push_back(*t);
    }
  }
  return out;
}

class SpecReader {
 public:
  SpecReader(DiagnosticList& d, std::string file_name) : d_(d), file_name_(std::move(file_name)) {}

  void Read(const YamlNode& root, SweepSpec& s) {
    if (!root.is_map()) {
      d_.Error(root, "a sweep spec is a mapping with at least 'method' and 'parameters', got " +
                         spec::DescribeNode(root));
      return;
    }
    const YamlNode* method = nullptr;
    const YamlNode* program = nullptr;
    const YamlNode* command = nullptr;
    const YamlNode* initial_points = nullptr;  // read once the parameters are known
    bool has_parameters = false;
    std::vector<const YamlNode*> parameter_keys;
    for (const auto& [key, e] : spec::ReadMapEntries(root, d_)) {
      const YamlNode& v = *e.value;
      if (Contains(kIgnoredTopLevelKeys, key)) {
        d_.Note(*e.key, "'" + key + "' is a W&B server setting; ignored here");
      } else if (!Contains(kTopLevelKeys, key)) {
        // W&B prints "malformed sweep config" for keys its schema does not
        // know and still creates the sweep; so do we.
        d_.Warning(*e.key, spec::UnknownKeyMessage("top-level key", key, kTopLevelKeys) + " (ignored)");
      } else if (key == "program") {
        program = &v;
        if (auto t = spec::ReadText(v, key, d_)) s.program = *t;
      } else if (key == "method") {
        method = &v;
        Method(v, s);
      } else if (key == "metric") {
        Metric(v, s.metric);
      } else if (key == "parameters") {
        has_parameters = true;
        s.space = spec::ParseParameters(v, d_, &parameter_keys);
      } else if (key == "command") {
        command = &v;
        Command(v, s.command);
      } else if (key == "run_cap") {
        s.run_cap = spec::ReadInt(v, key, 1, kMaxRunCount, d_);
      } else if (key == "name") {
        if (auto t = spec::ReadText(v, key, d_)) s.name = *t;
      } else if (key == "project") {
        if (auto t = spec::ReadText(v, key, d_)) s.project = *t;
      } else if (key == "description") {
        if (auto t = spec::ReadText(v, key, d_)) s.description = *t;
      } else if (key == "early_terminate") {
        EarlyTerminate(v, s);
      } else if (key == "seed") {
        s.seed = spec::ReadInt(v, key, 0, d_);
      } else if (key == "timeout") {
        if (auto seconds = Duration(v, key)) s.timeout_seconds = *seconds;
      } else if (key == "max_runtime") {
        if (auto seconds = Duration(v, key)) s.max_runtime_seconds = *seconds;
      } else if (key == "retries") {
        if (auto r = spec::ReadInt(v, key, 0, kMaxRetries, d_)) s.retries = *r;
      } else if (key == "max_failures") {
        s.max_failures = spec::ReadInt(v, key, 1, kMaxRunCount, d_);
      } else if (key == "max_consecutive_failures") {
        s.max_consecutive_failures = spec::ReadInt(v, key, 1, kMaxRunCount, d_);
      } else if (key == "gpus_per_trial") {
        s.gpus_per_trial = spec::ReadInt(v, key, 1, kMaxGpusPerTrial, d_);
      } else if (key == "inputs") {
        ReadInputs(v, d_);  // validated here; SpecInputs reads them for the launcher
      } else if (key == "initial_points") {
        initial_points = &v;
      }
    }
    if (initial_points && has_parameters) s.initial_points = spec::ReadInitialPoints(*initial_points, s.space, d_);
    if (!method) d_.Error(root, "missing 'method' (grid, random or bayes)");
    if (method && s.method == SearchMethod::kGrid) GridAxes(s.space, parameter_keys);
    if (!has_parameters) d_.Error(root, "missing 'parameters'");
    if (!objective_given_ && s.method == SearchMethod::kBayes) s.metric.objective = MetricObjective::kBest;
    if (method && s.method == SearchMethod::kBayes && s.metric.name.empty())
      d_.Error(*method, "method bayes needs a metric to model: add metric: {name: ..., goal: ...}");
    if (CommandUsesProgram(s.command) && s.program.empty()) {
      if (program && program->is_scalar() && program->quoted)
        d_.Error(*program, "program: is empty, but the command runs ${program}");
      else if (!program)
        // W&B accepts it: such a sweep is run in-process by
        // wandb.agent(sweep_id, function=...). `sweep run` refuses it.
        d_.Note(command ? *command : root,
                std::string(command ? "the command uses ${program} but the spec has no 'program'"
                                    : "no 'program'") +
                    ": run this sweep with wandb.agent(sweep_id, function=...) or `sweep ask`; "
                    "`sweep run` needs a program");
    }
    if (program && !s.program.empty()) ProgramNote(*program, s.program);
  }

 private:
  // Every parameter a grid cannot enumerate, each at its own key, so one run
  // of `sweep validate` names them all (the grid optimizer stops at the first).
  // Its rule (optimizers/grid_search.h): constants, categoricals without
  // probabilities, int_uniform and q_uniform.
  void GridAxes(const SearchSpace& space, const std::vector<const YamlNode*>& keys) {
    for (size_t i = 0; i < space.parameters.size() && i < keys.size(); ++i) {
      const ParameterSpec& p = space.parameters[i];
      const std::string where = "parameter '" + p.name() + "': ";
      switch (p.distribution) {
        case Distribution::kConstant:
        case Distribution::kIntUniform:
        case Distribution::kQUniform:
          break;
        case Distribution::kCategorical:
          if (!p.probabilities.empty())
            d_.Error(*keys[i], where + "grid search does not accept categorical probabilities (W&B refuses them too)");
          break;
        default:
          d_.Error(*keys[i], where + "a " + std::string(DistributionName(p.distribution)) +
                                 " distribution is continuous; grid search needs values, a constant, "
                                 "int_uniform or q_uniform");
      }
    }
  }

  void Method(const YamlNode& v, SweepSpec& s) {
    auto t = spec::ReadText(v, "method", d_);
    if (!t) return;
    if (*t == "grid") s.method = SearchMethod::kGrid;
    else if (*t == "random") s.method = SearchMethod::kRandom;
    else if (*t == "bayes") s.method = SearchMethod::kBayes;
    else d_.Error(v, "method: expected grid, random or bayes, got '" + *t + "'");
  }

  void Metric(const YamlNode& v, MetricSpec& m) {
    if (!v.is_map()) {
      d_.Error(v, "metric: expected a mapping with name and goal, got " + spec::DescribeNode(v));
      return;
    }
    bool has_name = false;
    for (const auto& [key, e] : spec::ReadMapEntries(v, d_)) {
      const YamlNode& n = *e.value;
      const std::string where = "metric." + key;
      if (Contains(kIgnoredMetricKeys, key)) {
        d_.Note(*e.key, "'" + where + "' is not used here (metrics are only read when a run reports them)");
      } else if (!Contains(kMetricKeys, key)) {
        d_.Error(*e.key, spec::UnknownKeyMessage("metric key", key, kMetricKeys));
      } else if (key == "name") {
        has_name = true;
        if (auto t = spec::ReadText(n, where, d_)) m.name = *t;
      } else if (key == "goal") {
        auto t = spec::ReadText(n, where, d_);
        if (auto goal = t ? ParseGoal(*t) : std::nullopt) m.goal = *goal;
        else if (t) d_.Error(n, where + ": expected minimize or maximize, got '" + *t + "'");
      } else if (key == "target") {
        m.target = spec::ReadNumber(n, where, d_);
      } else if (key == "objective") {
        objective_given_ = true;
        auto t = spec::ReadText(n, where, d_);
        if (t && *t == "summary") m.objective = MetricObjective::kSummary;
        else if (t && *t == "best") m.objective = MetricObjective::kBest;
        else if (t) d_.Error(n, where + ": expected summary or best, got '" + *t + "'");
      } else if (key == "impute") {
        auto value = spec::ScalarValue(n);
        if (n.is_scalar() && value.ok() && value->is_string() && value->as_string() == "worst") {
          m.impute = ImputeKind::kWorst;
        } else if (n.is_scalar() && value.ok() && value->is_string() && value->as_string() == "best") {
          m.impute = ImputeKind::kBest;
        } else if (n.is_scalar() && value.ok() && value->is_number()) {
          if (auto x = spec::ReadNumber(n, where, d_)) m.impute = ImputeKind::kValue, m.impute_value = *x;
        } else {
          d_.Error(n, where + ": expected worst, best or a number, got " + spec::DescribeNode(n));
        }
      } else if (key == "exclude_failed") {
        if (auto b = spec::ReadBool(n, where, d_)) m.exclude_failed = *b;
      }
    }
    if (!has_name) d_.Error(v, "metric: missing 'name'");
  }

  void Command(const YamlNode& v, std::vector<std::string>& out) {
    if (!v.is_sequence()) {
      d_.Error(v, "command: expected a list of arguments, got " + spec::DescribeNode(v));
      return;
    }
    for (const auto& item : v.items) {
      auto t = spec::ReadText(*item, "command", d_);
      if (!t) continue;
      if (IsDroppedMacroItem(*t)) {
        const std::string name = t->substr(2, t->size() - 3);
        d_.Warning(*item, "command: " + spec::UnknownKeyMessage("macro", name, KnownMacroNames()) +
                              "; the item is dropped, as W&B's agent drops it");
      } else if (Status s = CheckCommandItem(*t); !s.ok()) {
        d_.Error(*item, "command: " + s.error().message);
      }
      out.push_back(*t);
    }
    if (v.items.empty()) d_.Error(v, "command: the list is empty (leave it out for the default command)");
  }

  void EarlyTerminate(const YamlNode& v, SweepSpec& s) {
    if (!v.is_map()) {
      d_.Error(v, "early_terminate: expected a mapping with type: hyperband, got " + spec::DescribeNode(v));
      return;
    }
    EarlyTerminateSpec et;
    bool has_type = false;
    const YamlNode* max_iter_node = nullptr;
    for (const auto& [key, e] : spec::ReadMapEntries(v, d_)) {
      const YamlNode& n = *e.value;
      const std::string where = "early_terminate." + key;
      if (!Contains(kEarlyTerminateKeys, key)) {
        // W&B's hyperband_baseline_validate_and_fill deletes keys its schema
        // does not allow "to maintain compatibility"; we warn and ignore them.
        d_.Warning(*e.key, spec::UnknownKeyMessage("early_terminate key", key, kEarlyTerminateKeys) + " (ignored)");
      } else if (key == "type") {
        has_type = true;
        auto t = spec::ReadText(n, where, d_);
        if (t && *t == "median") {
          et.type = EarlyTerminateSpec::Type::kMedian;
        } else if (t && *t != "hyperband") {
          d_.Error(n, where + ": expected hyperband (W&B) or median, got '" + *t + "'");
        }
      } else if (key == "min_iter") {
        et.min_iter = spec::ReadInt(n, where, 1, kMaxHyperbandIter, d_);
      } else if (key == "max_iter") {
        max_iter_node = &n;
        et.max_iter = spec::ReadInt(n, where, 1, kMaxHyperbandIter, d_);
      } else if (key == "s") {
        et.s = spec::ReadInt(n, where, 1, kMaxHyperbandBrackets, d_);
      } else if (key == "eta") {
        if (auto x = spec::ReadInt(n, where, kMinHyperbandEta, d_)) et.eta = *x;
      } else if (key == "strict") {
        if (auto b = spec::ReadBool(n, where, d_)) et.strict = *b;
      } else if (key == "n_startup_trials") {
        if (auto x = spec::ReadInt(n, where, 0, d_)) et.n_startup_trials = *x;
      } else if (key == "warmup_steps") {
        if (auto x = spec::ReadInt(n, where, 0, d_)) et.warmup_steps = *x;
      }
    }
    if (!has_type) d_.Error(v, "early_terminate: missing 'type' (hyperband or median)");
    if (et.type == EarlyTerminateSpec::Type::kHyperband && et.max_iter && et.s && !et.min_iter &&
        *et.max_iter < et.eta) {
      d_.Error(*max_iter_node, "early_terminate.max_iter: must be at least eta (" + std::to_string(et.eta) +
                                   ") for one bracket, got " + max_iter_node->text);
    }
    if (et.type == EarlyTerminateSpec::Type::kHyperband && !et.min_iter && !(et.max_iter && et.s))
      d_.Error(v, "early_terminate: hyperband needs 'min_iter', or 'max_iter' with 's'");
    s.early_terminate = et;
  }

  // `timeout` and `max_runtime`: "90s", "30m", "2h" or a number of seconds.
  std::optional<double> Duration(const YamlNode& v, const std::string& key) {
    auto value = spec::ScalarValue(v);
    Result<double> seconds = Error::InvalidInput("");
    if (v.is_scalar() && value.ok() && value->is_number()) seconds = ParseDuration(v.text + "s");
    else if (v.is_scalar() && value.ok() && value->is_string()) seconds = ParseDuration(value->as_string());
    else seconds = Error::InvalidInput("expected a duration (90s, 30m, 2h) or seconds, got " + spec::DescribeNode(v));
    if (seconds.ok()) return *seconds;
    d_.Error(v, key + ": " + seconds.error().message);
    return std::nullopt;
  }

  void ProgramNote(const YamlNode& at, const std::string& program) {
    namespace fs = std::filesystem;
    const fs::path path(program);
    std::error_code ec;
    if (path.is_absolute()) {
      if (!fs::exists(path, ec)) d_.Note(at, "program '" + program + "' does not exist (yet)");
      return;
    }
    // Trials run it relative to the working directory, as W&B's agent does,
    // so that is where `sweep run` looks too.
    if (fs::exists(path, ec)) return;
    const fs::path spec_dir = fs::path(file_name_).parent_path();
    if (!spec_dir.empty() && fs::exists(spec_dir / path, ec)) {
      d_.Note(at, "program '" + program + "' is next to the spec but not in the current folder, where trials run "
                  "it (as W&B's agent does): run from " + spec_dir.string() + ", or give its path");
      return;
    }
    d_.Note(at, "program '" + program + "' does not exist in the current folder, where trials run it (yet)");
  }

  DiagnosticList& d_;
  std::string file_name_;
  bool objective_given_ = false;  // metric.objective overrides the method's default
};

}  // namespace

SpecParseResult ParseSweepSpec(std::string_view text, const std::string& file_name) {
  DiagnosticList diagnostics(file_name);
  SweepSpec spec;
  spec.source_text = std::string(text);
  spec.source_path = file_name;
  if (auto bad = spec::FindInvalidUtf8(text)) {
    diagnostics.Error(bad->line, bad->column, "the file is not valid UTF-8");
  } else {
    auto tree = spec::ParseYamlTree(text);
    if (auto* error = std::get_if<spec::YamlError>(&tree)) {
      diagnostics.Error(error->line, error->column, error->message);
    } else {
      SpecReader(diagnostics, file_name).Read(*std::get<spec::YamlNodePtr>(tree), spec);
    }
  }
  SpecParseResult result;
  if (!diagnostics.has_errors()) result.spec = std::move(spec);
  result.diagnostics = diagnostics.Take();
  return result;
}

std::vector<std::string> SpecInputs(std::string_view text) {
  if (spec::FindInvalidUtf8(text)) return {};
  auto tree = spec::ParseYamlTree(text);
  auto* root = std::get_if<spec::YamlNodePtr>(&tree);
  if (root == nullptr || !(*root)->is_map()) return {};
  DiagnosticList ignored("");  // ParseSweepSpec reported them
  for (const auto& [key, entry] : spec::ReadMapEntries(**root, ignored)) {
    if (key == "inputs") return ReadInputs(*entry.value, ignored);
  }
  return {};
}

SpecParseResult LoadSweepSpec(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    SpecParseResult result;
    result.diagnostics.push_back({SpecDiagnostic::Severity::kError, path, 0, 0, "is a folder, not a spec file"});
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    SpecParseResult result;
    result.diagnostics.push_back(
        {SpecDiagnostic::Severity::kError, path, 0, 0, "cannot read the spec file (missing or unreadable)"});
    return result;
  }
  return ParseSweepSpec(text.str(), path);
}

}  // namespace sweep
