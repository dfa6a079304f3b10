// Helpers shared by the spec tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "sweep/spec/spec_parser.h"

namespace sweep::spec_test {

inline constexpr const char* kFile = "spec.yaml";

// A spec with `method: random`, `program: train.py` and the given parameters
// block (already indented by two spaces per level under `parameters:`).
inline std::string WithParameters(const std::string& block) {
  return "method: random\nprogram: train.py\nparameters:\n" + block;
}

inline SpecParseResult Parse(const std::string& text) { return ParseSweepSpec(text, kFile); }

// All diagnostics, one per line, for failure messages.
inline std::string Dump(const SpecParseResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += d.ToString() + "\n";
  return out;
}

inline int ErrorCount(const SpecParseResult& r) {
  int n = 0;
  for (const auto& d : r.diagnostics) n += d.severity == SpecDiagnostic::Severity::kError;
  return n;
}

// The diagnostic rendered exactly as `expected` ("spec.yaml:L:C: error: ...")
// is present.
inline ::testing::AssertionResult HasDiagnostic(const SpecParseResult& r, const std::string& expected) {
  for (const auto& d : r.diagnostics)
    if (d.ToString() == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "missing: " << expected << "\ngot:\n" << Dump(r);
}

}  // namespace sweep::spec_test
