#include "agents/slurm/shell_quote.h"

namespace sweep {
namespace {

// First byte that is not a control character (space, 0x20).
constexpr unsigned char kFirstPrintable = 0x20;
// DEL, the one control character above the printable range.
constexpr unsigned char kDelete = 0x7f;

}  // namespace

bool HasControlChar(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < kFirstPrintable || u == kDelete) return true;
  }
  return false;
}

std::string SbatchQuote(std::string_view s) {
  if (IsPlainWord(s)) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace sweep
