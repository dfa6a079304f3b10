#include "tracking/store.h"

#include "tracking/postgres/postgres_store.h"

#include <array>
#include <utility>

#include "tracking/sqlite_store.h"

namespace sweep {
namespace {

constexpr std::array<std::pair<SweepState, std::string_view>, 4> kSweepStateNames = {{
    {SweepState::kRunning, "running"},
    {SweepState::kFinished, "finished"},
    {SweepState::kStopped, "stopped"},
    {SweepState::kFailed, "failed"},
}};

constexpr std::string_view kPostgresSchemes[] = {"postgresql://", "postgres://"};

}  // namespace

std::string_view SweepStateName(SweepState s) {
  for (const auto& [state, name] : kSweepStateNames) {
    if (state == s) return name;
  }
  return "unknown";
}

std::optional<SweepState> ParseSweepState(std::string_view name) {
  for (const auto& [state, n] : kSweepStateNames) {
    if (n == name) return state;
  }
  return std::nullopt;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& location) {
  if (IsPostgresUrl(location)) return OpenPostgresStore(location);
  if (location.empty()) return Error::InvalidInput("store location is empty");
  return OpenSqliteStore(location);
}

Result<std::unique_ptr<Store>> OpenStoreReadOnly(const std::string& location) {
  if (IsPostgresUrl(location)) return OpenPostgresStoreReadOnly(location);
  if (location.empty()) return Error::InvalidInput("store location is empty");
  return OpenSqliteStoreReadOnly(location);
}

}  // namespace sweep
