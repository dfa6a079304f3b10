#include "agents/slurm/slurm_time.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace sweep {
namespace {

constexpr int kMinutesPerHour = 60;
constexpr int kSecondsPerMinute = 60;
constexpr int kHoursPerDay = 24;
// A field longer than this overflows nothing Slurm accepts (a limit of a
// million days is already absurd) and keeps the conversion below int range.
constexpr std::size_t kMaxFieldDigits = 6;

// Parses a run of decimal digits; -1 when empty, too long or not digits.
int Field(std::string_view s) {
  if (s.empty() || s.size() > kMaxFieldDigits) return -1;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool IsValidSlurmTimeLimit(std::string_view s) {
  if (EqualsIgnoreCase(s, "UNLIMITED") || EqualsIgnoreCase(s, "INFINITE")) return true;

  const std::size_t dash = s.find('-');
  if (dash != std::string_view::npos) {
    // days-hours[:minutes[:seconds]]
    if (Field(s.substr(0, dash)) < 0) return false;
    const std::vector<std::string_view> rest = Split(s.substr(dash + 1), ':');
    if (rest.size() > 3) return false;
    const int hours = Field(rest[0]);
    if (hours < 0 || hours >= kHoursPerDay) return false;
    for (std::size_t i = 1; i < rest.size(); ++i) {
      const int v = Field(rest[i]);
      if (v < 0 || v >= kMinutesPerHour) return false;
    }
    return true;
  }

  // minutes | minutes:seconds | hours:minutes:seconds
  const std::vector<std::string_view> parts = Split(s, ':');
  if (parts.size() > 3) return false;
  if (Field(parts[0]) < 0) return false;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const int v = Field(parts[i]);
    static_assert(kMinutesPerHour == kSecondsPerMinute);
    if (v < 0 || v >= kSecondsPerMinute) return false;
  }
  return true;
}

}  // namespace sweep
