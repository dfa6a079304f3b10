#include "sweep/cli/terminal_text.h"

#include <cstdint>
#include <cstdio>

namespace sweep::cli {
namespace {

// Length of the valid UTF-8 sequence starting at text[i] (1..4), or 0 when
// it is not one: stray continuation bytes, overlong forms, surrogates and
// code points past U+10FFFF are all invalid.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i, std::uint32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t minimum = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, minimum = 0x80, code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, minimum = 0x800, code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, minimum = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  if (code_point < minimum || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
  return length;
}

void AppendHex(std::string& out, const char* prefix, unsigned value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s%02x", prefix, value);
  out += buf;
}

}  // namespace

std::string TerminalSafe(std::string_view text, LineBreaks breaks) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t code_point = 0;
    const std::size_t length = Utf8SequenceLength(text, i, code_point);
    if (length == 0) {
      AppendHex(out, "\\x", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    if (code_point == '\n' || code_point == '\t') {
      if (breaks == LineBreaks::kKeep) out += static_cast<char>(code_point);
      else out += code_point == '\n' ? "\\n" : "\\t";
    } else if (code_point < 0x20 || code_point == 0x7F) {
      AppendHex(out, "\\x", code_point);
    } else if (code_point >= 0x80 && code_point <= 0x9F) {
      AppendHex(out, "\\u00", code_point);
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::size_t DisplayWidth(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string FitWidth(std::string_view text, std::size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  std::string out;
  std::size_t columns = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80 && ++columns > width - 1) break;
    out += static_cast<char>(c);
  }
  return out + "…";
}

}  // namespace sweep::cli
