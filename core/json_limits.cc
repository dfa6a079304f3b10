#include "core/json_limits.h"

#include <string>

namespace sweep {

Status CheckJsonLimits(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    return Error::InvalidInput("JSON of " + std::to_string(text.size()) + " bytes is over the limit of " +
                               std::to_string(max_bytes) + " bytes");
  }
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // the escaped character cannot end the string
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        return Error::InvalidInput("JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                                   " levels (at byte " + std::to_string(i) + ")");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return OkStatus();
}

}  // namespace sweep
