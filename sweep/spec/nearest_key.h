// "did you mean ...?" for misspelt spec keys. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sweep::spec {

// Edit distance counting insertions, deletions, substitutions and swaps of
// two neighbouring characters (the commonest typo: "valeus") as 1 each.
std::size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `key`, when close enough to be a plausible typo:
// at most kMaxSuggestionDistance edits and fewer edits than the key has
// characters (so "x" does not suggest "seed").
constexpr std::size_t kMaxSuggestionDistance = 3;
std::optional<std::string> NearestKey(std::string_view key, std::span<const std::string_view> candidates);

// "unknown key 'paramters'" plus "; did you mean 'parameters'?" when one is near.
std::string UnknownKeyMessage(std::string_view what, std::string_view key,
                              std::span<const std::string_view> candidates);

}  // namespace sweep::spec
