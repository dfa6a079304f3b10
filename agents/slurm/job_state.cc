#include "agents/slurm/job_state.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>

namespace sweep {
namespace {

// Slurm's compile-time ceiling on MaxArraySize: no array has more tasks, so
// a range beyond it is garbage, not something to expand into memory.
constexpr long long kMaxArrayTasks = 4000001;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(start, end - start));
    if (!line.empty()) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

bool ParseNumber(std::string_view s, long long& out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && out >= 0;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "123", "123_4" or "123_[0-3,7%2]" -> the ids it names; false if malformed.
bool ExpandJobId(std::string_view id, std::vector<std::string>& out) {
  const std::size_t underscore = id.find('_');
  if (underscore == std::string_view::npos) {
    if (!AllDigits(id)) return false;
    out.emplace_back(id);
    return true;
  }
  const std::string_view base = id.substr(0, underscore);
  std::string_view tasks = id.substr(underscore + 1);
  if (!AllDigits(base)) return false;
  if (AllDigits(tasks)) {
    out.emplace_back(id);
    return true;
  }
  if (tasks.size() < 2 || tasks.front() != '[' || tasks.back() != ']') return false;
  tasks = tasks.substr(1, tasks.size() - 2);
  // "%N" limits how many tasks run at once; it names no tasks.
  if (const std::size_t pct = tasks.find('%'); pct != std::string_view::npos) {
    tasks = tasks.substr(0, pct);
  }
  long long total = 0;
  std::size_t start = 0;
  while (start <= tasks.size()) {
    std::size_t comma = tasks.find(',', start);
    if (comma == std::string_view::npos) comma = tasks.size();
    const std::string_view item = tasks.substr(start, comma - start);
    long long first = 0;
    long long last = 0;
    if (const std::size_t dash = item.find('-'); dash != std::string_view::npos) {
      if (!ParseNumber(item.substr(0, dash), first) || !ParseNumber(item.substr(dash + 1), last)) {
        return false;
      }
    } else {
      if (!ParseNumber(item, first)) return false;
      last = first;
    }
    if (last < first) return false;
    total += last - first + 1;
    if (total > kMaxArrayTasks) return false;
    for (long long t = first; t <= last; ++t) {
      out.push_back(std::string(base) + "_" + std::to_string(t));
    }
    start = comma + 1;
  }
  return true;
}

// Splits "a|b|c" into exactly `n` fields, the last one keeping any further
// '|' (squeue's reason is free text); false when there are fewer.
bool SplitFields(std::string_view line, std::size_t n, std::vector<std::string_view>& fields) {
  fields.clear();
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const std::size_t bar = line.find('|');
    if (bar == std::string_view::npos) return false;
    fields.push_back(Trim(line.substr(0, bar)));
    line.remove_prefix(bar + 1);
  }
  fields.push_back(Trim(line));
  return true;
}

// "CANCELLED by 0" -> "CANCELLED"; "CANCELLED+" (sacct's truncation mark) too.
std::string NormalizeState(std::string_view state) {
  if (const std::size_t space = state.find(' '); space != std::string_view::npos) {
    state = state.substr(0, space);
  }
  while (!state.empty() && state.back() == '+') state.remove_suffix(1);
  return std::string(state);
}

Error Malformed(std::string_view program, std::string_view line) {
  return Error::Io("unexpected " + std::string(program) + " output line: '" + std::string(line) +
                   "'");
}

// (base job id, task index) for sorting; non-array jobs sort first.
std::tuple<long long, long long> SortKey(const std::string& id) {
  long long base = 0;
  long long task = -1;
  const std::size_t underscore = id.find('_');
  ParseNumber(std::string_view(id).substr(0, underscore), base);
  if (underscore != std::string::npos) ParseNumber(std::string_view(id).substr(underscore + 1), task);
  return {base, task};
}

}  // namespace

SlurmJobPhase PhaseOfSlurmState(std::string_view raw) {
  const std::string state = NormalizeState(Trim(raw));
  static const std::map<std::string, SlurmJobPhase, std::less<>> kPhases = {
      {"PENDING", SlurmJobPhase::kPending},
      {"REQUEUED", SlurmJobPhase::kPending},
      {"REQUEUE_HOLD", SlurmJobPhase::kPending},
      {"REQUEUE_FED", SlurmJobPhase::kPending},
      {"RESV_DEL_HOLD", SlurmJobPhase::kPending},
      {"RUNNING", SlurmJobPhase::kRunning},
      {"CONFIGURING", SlurmJobPhase::kRunning},
      {"COMPLETING", SlurmJobPhase::kRunning},
      {"SUSPENDED", SlurmJobPhase::kRunning},
      {"STOPPED", SlurmJobPhase::kRunning},
      {"SIGNALING", SlurmJobPhase::kRunning},
      {"STAGE_OUT", SlurmJobPhase::kRunning},
      {"RESIZING", SlurmJobPhase::kRunning},
      {"COMPLETED", SlurmJobPhase::kCompleted},
      {"FAILED", SlurmJobPhase::kFailed},
      {"TIMEOUT", SlurmJobPhase::kFailed},
      {"NODE_FAIL", SlurmJobPhase::kFailed},
      {"OUT_OF_MEMORY", SlurmJobPhase::kFailed},
      {"BOOT_FAIL", SlurmJobPhase::kFailed},
      {"DEADLINE", SlurmJobPhase::kFailed},
      {"PREEMPTED", SlurmJobPhase::kFailed},
      {"SPECIAL_EXIT", SlurmJobPhase::kFailed},
      {"REVOKED", SlurmJobPhase::kCancelled},
      {"CANCELLED", SlurmJobPhase::kCancelled},
  };
  const auto it = kPhases.find(state);
  return it == kPhases.end() ? SlurmJobPhase::kOther : it->second;
}

bool IsActive(SlurmJobPhase phase) {
  return phase == SlurmJobPhase::kPending || phase == SlurmJobPhase::kRunning;
}

Result<std::vector<SlurmJobState>> ParseSqueueOutput(std::string_view text) {
  constexpr std::size_t kSqueueFields = 3;  // %i|%T|%R
  std::vector<SlurmJobState> states;
  std::vector<std::string_view> fields;
  std::vector<std::string> ids;
  for (std::string_view line : Lines(text)) {
    ids.clear();
    if (!SplitFields(line, kSqueueFields, fields) || fields[1].empty() ||
        !ExpandJobId(fields[0], ids)) {
      return Malformed("squeue", line);
    }
    for (std::string& id : ids) {
      SlurmJobState s;
      s.job_id = std::move(id);
      s.state = NormalizeState(fields[1]);
      s.phase = PhaseOfSlurmState(s.state);
      s.reason = std::string(fields[2]);
      states.push_back(std::move(s));
    }
  }
  return states;
}

Result<std::vector<SlurmJobState>> ParseSacctOutput(std::string_view text) {
  constexpr std::size_t kSacctFields = 3;  // JobID|State|ExitCode
  std::vector<SlurmJobState> states;
  std::vector<std::string_view> fields;
  std::vector<std::string> ids;
  for (std::string_view line : Lines(text)) {
    if (!SplitFields(line, kSacctFields, fields) || fields[1].empty()) {
      return Malformed("sacct", line);
    }
    if (fields[0].find('.') != std::string_view::npos) continue;  // a job step
    ids.clear();
    if (!ExpandJobId(fields[0], ids)) return Malformed("sacct", line);
    std::optional<int> exit_code;
    std::optional<int> signal;
    if (!fields[2].empty()) {
      const std::size_t colon = fields[2].find(':');
      long long code = 0;
      long long sig = 0;
      if (colon == std::string_view::npos || !ParseNumber(fields[2].substr(0, colon), code) ||
          !ParseNumber(fields[2].substr(colon + 1), sig)) {
        return Malformed("sacct", line);
      }
      exit_code = static_cast<int>(code);
      signal = static_cast<int>(sig);
    }
    for (std::string& id : ids) {
      SlurmJobState s;
      s.job_id = std::move(id);
      s.state = NormalizeState(fields[1]);
      s.phase = PhaseOfSlurmState(s.state);
      s.exit_code = exit_code;
      s.signal = signal;
      states.push_back(std::move(s));
    }
  }
  return states;
}

std::vector<SlurmJobState> MergeJobStates(std::vector<SlurmJobState> from_squeue,
                                          std::vector<SlurmJobState> from_sacct) {
  std::map<std::string, SlurmJobState> by_id;
  for (SlurmJobState& s : from_sacct) by_id[s.job_id] = std::move(s);
  for (SlurmJobState& s : from_squeue) {
    auto [it, inserted] = by_id.try_emplace(s.job_id, s);
    if (!inserted) {
      it->second.state = std::move(s.state);
      it->second.phase = s.phase;
      it->second.reason = std::move(s.reason);
    }
  }
  std::vector<SlurmJobState> merged;
  merged.reserve(by_id.size());
  for (auto& [id, s] : by_id) merged.push_back(std::move(s));
  std::sort(merged.begin(), merged.end(), [](const SlurmJobState& a, const SlurmJobState& b) {
    return SortKey(a.job_id) < SortKey(b.job_id);
  });
  return merged;
}

}  // namespace sweep
