// libFuzzer target: untrusted JSON -> Value (core/value_json.h), the path of
// every channel message, `sweep record` line and --config-json. Whatever the
// input, parsing must return a value or an error (never recurse past
// kMaxJsonDepth), and a parsed value must print to JSON that parses again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json_limits.h"
#include "core/value_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool bounded = sweep::CheckJsonLimits(input).ok();
  auto value = sweep::ParseJson(input);
  if (!value.ok()) return 0;
  if (!bounded) std::abort();  // parsed past the limits
  auto again = sweep::ParseJson(sweep::ToJson(*value));
  if (!again.ok()) std::abort();  // what we print must read back
  return 0;
}
