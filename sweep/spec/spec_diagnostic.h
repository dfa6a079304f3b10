// SpecDiagnostic: one problem (or remark) found in a sweep spec, located at
// file:line:column the way compilers print them, so editors can jump to it.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sweep {

struct SpecDiagnostic {
  enum class Severity { kError, kWarning, kNote };
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;    // 1-based; 0 when the problem has no position (missing file)
  int column = 0;  // 1-based, in characters
  std::string message;

  // "file:LINE:COL: error: message" ("warning:", "note:"); without LINE:COL
  // when line is 0.
  std::string ToString() const;
};

namespace spec {

struct YamlNode;

// Collects diagnostics for one file. Not thread-safe.
class DiagnosticList {
 public:
  explicit DiagnosticList(std::string file) : file_(std::move(file)) {}

  void Error(int line, int column, std::string message);
  void Error(const YamlNode& at, std::string message);
  // Something the spec most likely did not mean, accepted as W&B accepts it.
  void Warning(const YamlNode& at, std::string message);
  void Note(const YamlNode& at, std::string message);

  bool has_errors() const { return errors_ > 0; }
  std::vector<SpecDiagnostic> Take() { return std::move(list_); }

 private:
  std::string file_;
  std::vector<SpecDiagnostic> list_;
  int errors_ = 0;
};

}  // namespace spec
}  // namespace sweep
