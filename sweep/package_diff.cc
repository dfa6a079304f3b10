#include "sweep/package_diff.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "agents/host/python_packages.h"

namespace sweep {
namespace {

// A requirements file is a few hundred lines; anything far bigger is not ours.
constexpr std::streamsize kMaxRequirementsBytes = 4 << 20;

std::optional<std::map<std::string, std::string>> PackagesOf(const RunRecord& run) {
  if (run.run_dir.empty()) return std::nullopt;
  std::ifstream in(std::filesystem::path(run.run_dir) / kRequirementsFileName, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(static_cast<std::size_t>(kMaxRequirementsBytes), '\0');
  in.read(text.data(), kMaxRequirementsBytes);
  text.resize(static_cast<std::size_t>(in.gcount()));
  return ParseRequirements(text);
}

}  // namespace

std::vector<review::ComparedValues> DifferingPackages(const std::vector<RunRecord>& runs) {
  std::vector<std::optional<std::map<std::string, std::string>>> lists;
  std::set<std::string> names;
  for (const auto& run : runs) {
    lists.push_back(PackagesOf(run));
    if (lists.back())
      for (const auto& [name, _] : *lists.back()) names.insert(name);
  }
  std::vector<review::ComparedValues> out;
  for (const auto& name : names) {
    review::ComparedValues compared{name, {}};
    std::set<std::string> versions;
    for (const auto& list : lists) {
      std::optional<Value> version;
      if (list) {
        auto it = list->find(name);
        version = it == list->end() ? Value(nullptr) : Value(it->second);  // listed runs without it: null
        versions.insert(it == list->end() ? std::string() : it->second);
      }
      compared.values.push_back(std::move(version));
    }
    if (versions.size() > 1) out.push_back(std::move(compared));
  }
  return out;
}

}  // namespace sweep
