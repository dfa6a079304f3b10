// SweepSpec: a parsed, validated sweep specification (the W&B sweep format).
// Produced by sweep/spec_parser; consumed by the controller and optimizers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/search_space.h"
#include "core/trial.h"

namespace sweep {

enum class SearchMethod { kGrid, kRandom, kBayes };
std::string_view SearchMethodName(SearchMethod m);

struct MetricSpec {
  std::string name;  // empty when the spec has no `metric:` block
  Goal goal = Goal::kMinimize;
  std::optional<double> target;  // the sweep ends once a run reaches it
};

struct SweepSpec {
  std::string name;
  std::string description;
  std::string program;
  SearchMethod method = SearchMethod::kRandom;
  MetricSpec metric;
  SearchSpace space;
  // The `command:` list verbatim, macros unexpanded; empty = W&B's default
  // ["${env}", "${interpreter}", "${program}", "${args}"].
  std::vector<std::string> command;
  std::optional<std::int64_t> run_cap;
  // Original YAML text, stored with the sweep for provenance and resume.
  std::string source_text;
  std::string source_path;
};

}  // namespace sweep
