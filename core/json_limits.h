// Limits on JSON that comes from outside the process (a trial's channel
// messages, `sweep record` input, --config-json): checked on the text before
// any parser or converter walks it, so a hostile line costs one linear scan
// and never a deep recursion or a large allocation.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/result.h"

namespace sweep {

// Deepest nesting of arrays and objects accepted. Converting, printing and
// destroying a Value recurse once per level, so this bounds their stack use
// (some tens of KB at this depth, far below any thread's stack); real
// configurations and summaries nest a handful of levels. Spec documents are
// kept shallower (sweep/spec/yaml_tree.h), so whatever a spec stores reads
// back.
inline constexpr int kMaxJsonDepth = 256;

// Largest JSON text accepted by default. Above every producer we have: a
// channel line is at most 1 MiB (agents/metric_channel.h) and a spec's values
// expand to at most 64 MiB of text (sweep/spec/yaml_tree.h).
inline constexpr std::size_t kMaxJsonBytes = 64 * 1024 * 1024;

// OK when `text` is at most `max_bytes` long and its arrays and objects nest
// at most kMaxJsonDepth deep (brackets inside strings do not count). Errors
// are kInvalidInput and say which limit and where ("at byte N"). Does not
// check that the text is valid JSON. Thread-safe.
Status CheckJsonLimits(std::string_view text, std::size_t max_bytes = kMaxJsonBytes);

}  // namespace sweep
