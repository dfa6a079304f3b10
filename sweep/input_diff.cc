#include "sweep/input_diff.h"

#include <algorithm>
#include <map>
#include <set>

namespace sweep {
namespace {

// Characters of a digest shown to people: enough to tell versions apart.
constexpr std::size_t kShortDigestChars = 12;
// Hex characters of a SHA-256.
constexpr std::size_t kSha256HexChars = 64;

bool IsSha256Hex(const std::string& digest) {
  return digest.size() == kSha256HexChars &&
         std::all_of(digest.begin(), digest.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The first kShortDigestChars characters of `digest`, and "…" when cut.
std::string Abbreviated(const std::string& digest) {
  return digest.size() <= kShortDigestChars ? digest : digest.substr(0, kShortDigestChars) + "…";
}

}  // namespace

std::vector<DataInput> InputsOf(const RunRecord& run) {
  std::vector<DataInput> out;
  const std::string prefix = kInputTagPrefix;
  for (auto it = run.tags.lower_bound(prefix); it != run.tags.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    if (auto input = ParseInputTag(it->first, it->second); input.ok()) out.push_back(std::move(input).value());
  }
  return out;
}

std::vector<review::ComparedValues> DifferingInputs(const std::vector<RunRecord>& runs) {
  std::vector<std::map<std::string, std::string>> digests;  // per run: name -> digest
  std::set<std::string> names;
  for (const auto& run : runs) {
    auto& mine = digests.emplace_back();
    for (const auto& input : InputsOf(run)) {
      mine[input.name] = input.digest;
      names.insert(input.name);
    }
  }
  std::vector<review::ComparedValues> out;
  for (const auto& name : names) {
    review::ComparedValues compared{name, {}};
    std::set<std::string> seen;
    bool missing = false;
    for (const auto& mine : digests) {
      auto it = mine.find(name);
      if (it == mine.end()) {
        compared.values.emplace_back(std::nullopt);
        missing = missing || !mine.empty();
      } else {
        compared.values.emplace_back(Value(it->second));
        seen.insert(it->second);
      }
    }
    if (seen.size() > 1 || missing) out.push_back(std::move(compared));
  }
  return out;
}

std::string ShortDigest(const std::string& digest) {
  return (IsSha256Hex(digest) ? "sha256 " : "digest ") + Abbreviated(digest);
}

std::string DataChangeLine(const review::ComparedValues& input) {
  const std::optional<Value> none;
  const auto& a = input.values.size() > 0 ? input.values[0] : none;
  const auto& b = input.values.size() > 1 ? input.values[1] : none;
  if (a && b)
    return "data changed: " + input.name + " " + ShortDigest(a->as_string()) + " → " + Abbreviated(b->as_string());
  if (a) return "data only in the first run: " + input.name + " " + ShortDigest(a->as_string());
  if (b) return "data only in the second run: " + input.name + " " + ShortDigest(b->as_string());
  return "data changed: " + input.name;
}

}  // namespace sweep
