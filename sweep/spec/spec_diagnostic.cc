#include "sweep/spec/spec_diagnostic.h"

#include "sweep/spec/yaml_tree.h"

namespace sweep {

std::string SpecDiagnostic::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  switch (severity) {
    case Severity::kError: out += ": error: "; break;
    case Severity::kWarning: out += ": warning: "; break;
    case Severity::kNote: out += ": note: "; break;
  }
  out += message;
  return out;
}

namespace spec {

void DiagnosticList::Error(int line, int column, std::string message) {
  list_.push_back({SpecDiagnostic::Severity::kError, file_, line, column, std::move(message)});
  ++errors_;
}

void DiagnosticList::Error(const YamlNode& at, std::string message) { Error(at.line, at.column, std::move(message)); }

void DiagnosticList::Warning(const YamlNode& at, std::string message) {
  list_.push_back({SpecDiagnostic::Severity::kWarning, file_, at.line, at.column, std::move(message)});
}

void DiagnosticList::Note(const YamlNode& at, std::string message) {
  list_.push_back({SpecDiagnostic::Severity::kNote, file_, at.line, at.column, std::move(message)});
}

}  // namespace spec
}  // namespace sweep
