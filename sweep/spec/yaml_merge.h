// YAML merge keys ("<<"), resolved in a mapping of the spec tree as PyYAML's
// SafeConstructor.flatten_mapping does (W&B reads specs with yaml.safe_load):
//   * the value of "<<" is a mapping, or a list of mappings;
//   * merged entries come before the mapping's own, so its own keys win;
//   * of a list, the earlier mapping wins ([*a, *b]: a's keys over b's);
//   * the resulting mapping keeps one entry per key, at the place where the
//     key first appeared, with the value that wins.
// A key written twice in the mapping itself stays twice, so the spec checks
// still report it (PyYAML would silently keep the last one).
#pragma once

#include <optional>

#include "sweep/spec/yaml_tree.h"

namespace sweep::spec {

// A plain (unquoted) "<<" key, or one tagged !!merge.
bool IsMergeKey(const YamlNode& key);

// Rewrites `map`'s entries with its merge keys resolved. The merged mappings
// must already be resolved themselves (the tree builder resolves every
// mapping as it closes, and an alias names a closed one). The error, at the
// offending node, when a merge value is not a mapping or a list of them.
std::optional<YamlError> ResolveMergeKeys(YamlNode& map);

}  // namespace sweep::spec
