#include "core/shell_quote.h"

namespace sweep {
namespace {

bool IsPlainChar(char c) {
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

}  // namespace

bool IsPlainWord(std::string_view s) {
  if (s.empty()) return false;  // an empty word must be quoted to survive
  for (char c : s) {
    if (!IsPlainChar(c)) return false;
  }
  return true;
}

std::string ShellQuote(std::string_view s) {
  if (IsPlainWord(s)) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";  // close, escaped quote, reopen
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string ShellQuoteCommand(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) {
    if (!out.empty()) out += ' ';
    out += ShellQuote(arg);
  }
  return out;
}

}  // namespace sweep
