#include "tracking/model_registry.h"

#include <array>
#include <cctype>
#include <string>

namespace sweep {
namespace {

constexpr std::array<std::pair<ModelStage, std::string_view>, 4> kStageNames = {{
    {ModelStage::kNone, "none"},
    {ModelStage::kStaging, "staging"},
    {ModelStage::kProduction, "production"},
    {ModelStage::kArchived, "archived"},
}};

}  // namespace

std::string_view ModelStageName(ModelStage stage) {
  for (const auto& [s, name] : kStageNames) {
    if (s == stage) return name;
  }
  return "none";
}

std::optional<ModelStage> ParseModelStage(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [s, stage_name] : kStageNames) {
    if (lower == stage_name) return s;
  }
  return std::nullopt;
}

}  // namespace sweep
