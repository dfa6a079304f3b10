// libFuzzer target: the W&B sweep spec parser on arbitrary bytes. It must
// return diagnostics (or a spec) for any input, never crash or throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sweep/spec/spec_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // A relative file name: the parser only looks beside it for `program` (a note).
  sweep::SpecParseResult result = sweep::ParseSweepSpec(text, "fuzz/sweep.yaml");
  // ok() is exactly "no errors": a spec comes back only when nothing is wrong.
  if (result.ok()) {
    for (const auto& d : result.diagnostics) (void)d;
  }
  return 0;
}
