#include "dashboard/server/html_escape.h"

namespace sweep::dashboard {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string EscapeJsonForScript(std::string_view json) {
  // UTF-8 encodings of U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR.
  static constexpr std::string_view kLineSeparator = "\xE2\x80\xA8";
  static constexpr std::string_view kParagraphSeparator = "\xE2\x80\xA9";
  std::string out;
  out.reserve(json.size() + json.size() / 16);
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (json.substr(i, kLineSeparator.size()) == kLineSeparator) {
      out += "\\u2028";
      i += kLineSeparator.size() - 1;
    } else if (json.substr(i, kParagraphSeparator.size()) == kParagraphSeparator) {
      out += "\\u2029";
      i += kParagraphSeparator.size() - 1;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace sweep::dashboard
