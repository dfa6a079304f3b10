#include "agents/slurm/shell_quote.h"

namespace sweep {
namespace {

// Characters that mean nothing special to bash or to sbatch's directive
// parser, anywhere in a word. Deliberately short: anything else is quoted.
bool IsPlain(char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  switch (c) {
    case '_': case '-': case '.': case '/': case ':': case '=': case ',':
    case '@': case '+': case '%':
      return true;
    default:
      return false;
  }
}

bool AllPlain(std::string_view s) {
  if (s.empty()) return false;  // an empty word must be quoted to survive
  for (char c : s) {
    if (!IsPlain(c)) return false;
  }
  return true;
}

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

std::string ShellQuote(std::string_view s) {
  if (AllPlain(s)) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string SbatchQuote(std::string_view s) {
  if (AllPlain(s)) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace sweep
