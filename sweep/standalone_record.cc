#include "sweep/standalone_record.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "agents/host/python_packages.h"
#include "core/sha256.h"
#include "agents/line_splitter.h"
#include "core/value_json.h"
#include "sweep/channel_tags.h"
#include "sweep/clock.h"
#include "sweep/objective.h"
#include "sweep/reaper.h"
#include "sweep/run_info_message.h"
#include "sweep/run_outcome.h"
#include "sweep/trial_launch.h"
#include "tracking/ids.h"

namespace sweep {
namespace {

// Artifacts land here inside the run's folder, as in a sweep (PROTOCOL.md).
constexpr const char* kArtifactsDir = "artifacts";
// Bytes read from stdin at a time at most; lines are split from these
// chunks, so a line is never held past kMaxChannelLineBytes.
constexpr std::size_t kReadChunkBytes = 64 * 1024;

// A NUL byte (JSON "\u0000") in a name or a text value: PostgreSQL text
// cannot hold one and C strings end there, so it would be cut or refused
// later, depending on the store. Refused here instead, by name.
Status CheckNoNul(const std::string& name, const Value& value) {
  auto has_nul = [](const std::string& s) { return s.find('\0') != std::string::npos; };
  if (has_nul(name)) return Error::InvalidInput("a configuration key contains a NUL character (\\u0000)");
  if (value.is_string() && has_nul(value.as_string()))
    return Error::InvalidInput("configuration value '" + name + "' contains a NUL character (\\u0000)");
  if (value.is_list()) {
    for (const auto& item : value.as_list())
      if (auto status = CheckNoNul(name, item); !status.ok()) return status;
  }
  if (value.is_map()) {
    for (const auto& [key, item] : value.as_map())
      if (auto status = CheckNoNul(name + "." + key, item); !status.ok()) return status;
  }
  return OkStatus();
}

// Nested objects become dotted names; two paths reaching the same name
// ({"a.b": 1, "a": {"b": 2}}) are an error, never two rows of one name.
Status Flatten(const std::string& prefix, const Value& value, Config& out, std::set<std::string>& seen) {
  if (value.is_map()) {
    for (const auto& [key, child] : value.as_map()) {
      if (auto status = Flatten(prefix.empty() ? key : prefix + "." + key, child, out, seen); !status.ok())
        return status;
    }
    return OkStatus();
  }
  if (auto status = CheckNoNul(prefix, value); !status.ok()) return status;
  if (!seen.insert(prefix).second)
    return Error::InvalidInput("configuration key '" + prefix +
                               "' is given twice once nested objects are flattened to dotted names");
  out.emplace_back(prefix, value);
  return OkStatus();
}

// `name` with empty, "." and ".." components dropped: an artifact can never
// be written outside the run's artifacts folder.
std::filesystem::path SafeRelative(const std::string& name) {
  std::filesystem::path out;
  for (const auto& part : std::filesystem::path(name)) {
    const std::string s = part.string();
    if (s.empty() || s == "/" || s == "." || s == "..") continue;
    out /= part;
  }
  return out;
}

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Io("cannot read " + path.string());
  std::ostringstream data;
  data << in.rdbuf();
  if (!in && !in.eof()) return Error::Io("cannot read " + path.string());
  return data.str();
}

Result<SweepRecord> ProjectSweep(Store& store, const std::string& project) {
  auto sweeps = store.ListSweeps();
  if (!sweeps.ok()) return sweeps.error();
  // Oldest first wins, so every recorder of the project agrees on one; only
  // manual sweeps, so a real sweep in the project is never written into.
  for (const auto& s : *sweeps) {
    if (s.project == project && s.method == kManualMethod) return s;
  }
  SweepRecord record;
  record.name = project;
  record.project = project;
  record.method = kManualMethod;
  return store.CreateSweep(record);
}

// A manual sweep is running while one of its runs is.
Status UpdateManualSweepState(Store& store, const std::string& sweep_id) {
  auto runs = store.ListRuns(sweep_id);
  if (!runs.ok()) return runs.error();
  const bool live = std::any_of(runs->begin(), runs->end(), [](const RunRecord& r) { return !IsTerminal(r.state); });
  return store.SetSweepState(sweep_id, live ? SweepState::kRunning : SweepState::kFinished);
}

Status WriteFile(const std::filesystem::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  if (!out) return Error::Io("cannot write " + path.string());
  return OkStatus();
}

// The run's environment and, when `labels` (a new run), its name, labels
// and notes as given at Start. A continued run keeps its own: the client's
// "run" message changes them when the script gives new ones (W&B's resume).
Status DescribeRun(Store& store, RunRecord& run, const StandaloneRunOptions& options, bool labels) {
  if (labels) {
    RunLabelsUpdate update;
    if (!options.name.empty()) update.name = options.name;
    if (!options.notes.empty()) update.notes = options.notes;
    update.add_labels = options.labels;
    if (auto status = store.UpdateRunLabels(run.id, update); !status.ok()) return status;
    run.name = options.name;
    run.notes = options.notes;
  }
  for (const auto& [file, text] : {std::pair{kDiffFileName, &options.git_diff},
                                   std::pair{kRequirementsFileName, &options.requirements}}) {
    if (text->empty()) continue;
    if (auto status = WriteFile(std::filesystem::path(run.run_dir) / file, *text); !status.ok()) return status;
  }
  if (options.environment.empty()) return OkStatus();
  if (auto status = store.SetTags(run.id, options.environment); !status.ok()) return status;
  run.tags.insert(options.environment.begin(), options.environment.end());
  return OkStatus();
}

}  // namespace

std::optional<ResumeMode> ParseResumeMode(std::string_view text) {
  if (text == "allow") return ResumeMode::kAllow;
  if (text == "must") return ResumeMode::kMust;
  if (text == "never") return ResumeMode::kNever;
  return std::nullopt;
}

Value ContinuedRunState(const RunRecord& run) {
  std::int64_t next_step = 0;
  bool logged = false;
  for (const auto& [key, summary] : run.summary) {
    if (summary.count == 0) continue;
    next_step = logged ? std::max(next_step, summary.last_step + 1) : summary.last_step + 1;
    logged = true;
  }
  // W&B's resumed summary: every metric's last value, and what the script set itself over them.
  std::map<std::string, Value> summary;
  for (const auto& [key, metric] : run.summary) {
    if (metric.count > 0) summary[key] = Value(metric.last);
  }
  for (const auto& [key, text] : run.tags) {
    if (key.rfind(kSummaryTagPrefix, 0) != 0) continue;
    auto parsed = ParseJson(text);  // numbers and JSON as written; other strings as they are
    summary[key.substr(std::string_view(kSummaryTagPrefix).size())] = parsed.ok() ? *parsed : Value(text);
  }
  Value config = Value(ValueMap(run.params));
  if (auto it = run.tags.find(kConfigTag); it != run.tags.end()) {
    if (auto parsed = ParseJson(it->second); parsed.ok() && parsed->is_map()) config = std::move(parsed).value();
  }
  ValueList labels(run.labels.begin(), run.labels.end());
  return Value(ValueMap{{"step", Value(next_step)},
                        {"config", std::move(config)},
                        {"summary", Value(ValueMap(summary.begin(), summary.end()))},
                        {"name", Value(run.name)},
                        {"tags", Value(std::move(labels))},
                        {"notes", Value(run.notes)}});
}

Result<Config> ConfigFromJsonObject(std::string_view json) {
  auto parsed = ParseJson(json, kMaxChannelLineBytes);
  if (!parsed.ok()) return parsed.error();
  if (!parsed->is_map()) return Error::InvalidInput("the configuration must be a JSON object");
  Config config;
  std::set<std::string> seen;
  if (auto status = Flatten("", *parsed, config, seen); !status.ok()) return status.error();
  return config;
}

Result<RunRecord> ExistingOpenRun(Store& store, const std::string& id) {
  auto run = store.GetRun(id);
  if (!run.ok()) return run.error();
  if (IsTerminal(run->state))
    return Error::InvalidInput("run " + run->id + " has already ended (" + std::string(TrialStateName(run->state)) +
                               ")");
  return run;
}

// A new run of the project's manual sweep, with options.chosen_id when given.
Result<RunRecord> NewProjectRun(Store& store, const StandaloneRunOptions& options) {
  auto sweep = ProjectSweep(store, options.project);
  if (!sweep.ok()) return sweep.error();
  if (auto reaped = ReapDeadRuns(store, sweep->id, options.host, NowSeconds()); !reaped.ok()) return reaped.error();
  const Config params = options.params;
  auto claimed = store.ClaimRun(
      sweep->id,
      [&](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> {
        return std::optional<NewRun>(NewRun{params, std::nullopt, options.chosen_id});
      },
      ClaimContext{options.host, options.agent_id, TrialState::kQueued});
  if (!claimed.ok()) return claimed.error();
  if (!claimed->has_value()) return Error::Internal("the store created no run");
  return std::move(**claimed);
}

// The run with options.chosen_id, continued (ReopenRun) when it exists, else
// created with that id, by W&B's resume rules (its sender's resume check).
Result<RunRecord> ChosenIdRun(Store& store, const StandaloneRunOptions& options, bool& continued) {
  const std::string& id = options.chosen_id;
  if (!IsValidChosenRunId(id)) return Error::InvalidInput(ChosenRunIdRule(id));
  auto found = store.GetRun(id);  // may match a longer id by prefix: only an exact match counts
  const bool exists = found.ok() && found->id == id;
  if (!found.ok() && found.error().code != ErrorCode::kNotFound && found.error().code != ErrorCode::kInvalidInput)
    return found.error();
  if (!exists) {
    if (options.resume == ResumeMode::kMust)
      return Error::NotFound("resume='must' but no run has id " + id +
                             "; to start a new run, omit resume or use resume='allow'");
    return NewProjectRun(store, options);
  }
  if (options.resume == ResumeMode::kNever)
    return Error::Conflict("resume='never' but run " + id + " already exists; choose another id");
  auto sweep = store.GetSweep(found->sweep_id);
  if (!sweep.ok()) return sweep.error();
  if (sweep->method != kManualMethod)
    return Error::InvalidInput("run " + id + " is a trial of sweep " + sweep->id +
                               "; only runs recorded outside a sweep can be resumed");
  // A run whose recorder died is crashed first, so it can be resumed at once.
  if (!IsTerminal(found->state)) {
    if (auto reaped = ReapDeadRuns(store, sweep->id, options.host, NowSeconds()); !reaped.ok()) return reaped.error();
  }
  if (auto status = store.ReopenRun(id, ClaimContext{options.host, options.agent_id, TrialState::kQueued});
      !status.ok()) {
    if (status.error().code != ErrorCode::kConflict) return status.error();
    return Error::Conflict("run " + id + " is still being recorded (by " + found->agent_id +
                           "); it can be resumed once it has ended");
  }
  continued = true;
  return store.GetRun(id);
}

Result<StandaloneRecorder> StandaloneRecorder::Start(Store& store, const StandaloneRunOptions& options) {
  bool continued = false;
  Result<RunRecord> opened = Error::Internal("no run opened");
  if (!options.existing_run_id.empty()) {
    opened = ExistingOpenRun(store, options.existing_run_id);
  } else if (!options.chosen_id.empty()) {
    opened = ChosenIdRun(store, options, continued);
  } else if (options.resume == ResumeMode::kMust) {
    // W&B: resume='must' without an id has nothing to resume.
    return Error::InvalidInput("resume='must' needs the id of the run to resume");
  } else {
    opened = NewProjectRun(store, options);
  }
  if (!opened.ok()) return opened.error();
  RunRecord run = std::move(opened).value();
  run.run_dir = (options.runs_root / run.id).string();
  std::error_code ec;
  std::filesystem::create_directories(run.run_dir, ec);
  if (ec) return Error::Io("cannot create " + run.run_dir + ": " + ec.message());
  run.argv = options.argv;
  run.pid = options.pid;
  if (run.started_at == 0) run.started_at = run.created_at;
  if (auto status = store.MarkRunStarted(run.id, run.argv, run.pid, run.run_dir, run.started_at); !status.ok())
    return status.error();
  run.state = TrialState::kRunning;
  // A run attached to (existing_run_id) belongs to a real sweep, whose controller owns its state.
  if (options.existing_run_id.empty()) {
    if (auto status = store.SetSweepState(run.sweep_id, SweepState::kRunning); !status.ok()) return status.error();
  }
  if (auto status = DescribeRun(store, run, options, /*labels=*/!continued); !status.ok()) return status.error();
  const bool resumed = continued && options.resume != ResumeMode::kUnset;
  return StandaloneRecorder(store, std::move(run), /*adds_params=*/options.existing_run_id.empty(), continued, resumed);
}

Status StandaloneRecorder::HandleLine(std::string_view line, double now) {
  ChannelLine parsed = parser_.Parse(line, now);
  if (parsed.bad) {
    ++stats_.bad_lines;
    if (limit_error_.empty()) limit_error_ = parsed.limit_error;
    return OkStatus();
  }
  if (!parsed.points.empty()) {
    stats_.points += parsed.points.size();
    pending_.insert(pending_.end(), std::make_move_iterator(parsed.points.begin()),
                    std::make_move_iterator(parsed.points.end()));
    if (pending_.size() >= kRecordFlushBatch) return Flush();
    return OkStatus();
  }
  if (parsed.message) return HandleMessage(*parsed.message);
  return OkStatus();
}

Status StandaloneRecorder::HandleSplitLine(std::string_view line, bool oversized) {
  if (!oversized) return HandleLine(line, NowSeconds());
  ++stats_.bad_lines;
  if (limit_error_.empty()) limit_error_ = OversizedChannelLineError();
  return OkStatus();
}

Status StandaloneRecorder::Consume(std::istream& in) {
  Status status = OkStatus();
  LineSplitter lines(kMaxChannelLineBytes);
  auto on_line = [&](std::string_view line, bool oversized) {
    if (status.ok()) status = HandleSplitLine(line, oversized);
  };
  std::streambuf* source = in.rdbuf();
  std::vector<char> chunk(kReadChunkBytes);
  // sgetc waits for input (or EOF); then whatever arrived is handled at once,
  // so a script's lines are recorded as it writes them.
  while (status.ok() && source->sgetc() != std::char_traits<char>::eof()) {
    const std::streamsize ready = std::max<std::streamsize>(1, source->in_avail());
    const std::streamsize got =
        source->sgetn(chunk.data(), std::min<std::streamsize>(ready, static_cast<std::streamsize>(chunk.size())));
    lines.Feed(std::string_view(chunk.data(), static_cast<std::size_t>(got)), on_line);
  }
  if (status.ok()) lines.Finish(on_line);
  return status;
}

Status StandaloneRecorder::ConsumeFd(int fd, const Timers& timers) {
  LineSplitter splitter(kMaxChannelLineBytes);
  Status failed = OkStatus();
  const LineSplitter::LineFn on_line = [&](std::string_view line, bool oversized) {
    if (failed.ok()) failed = HandleSplitLine(line, oversized);
  };
  auto last_beat = std::chrono::steady_clock::now();
  auto last_stop_poll = last_beat;
  const auto wait = std::min(timers.heartbeat, timers.stop_poll);
  std::array<char, kReadChunkBytes> buffer{};
  for (;;) {
    pollfd waiting{fd, POLLIN, 0};
    const int ready = ::poll(&waiting, 1, static_cast<int>(wait.count()));
    if (ready < 0 && errno != EINTR) return Error::Io(std::string("reading the channel: ") + std::strerror(errno));
    if (auto status = OnTimers(timers, last_beat, last_stop_poll); !status.ok()) return status;
    if (ready <= 0) continue;
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return Error::Io(std::string("reading the channel: ") + std::strerror(errno));
    if (n == 0) break;
    splitter.Feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)), on_line);
    if (!failed.ok()) return failed;
  }
  splitter.Finish(on_line);
  return failed;
}

Status StandaloneRecorder::OnTimers(const Timers& timers, std::chrono::steady_clock::time_point& last_beat,
                                    std::chrono::steady_clock::time_point& last_stop_poll) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_beat >= timers.heartbeat) {
    last_beat = now;
    if (auto status = store_->Heartbeat({run_.id}, NowSeconds()); !status.ok()) return status;
  }
  if (stop_sent_at_) {
    if (!kill_sent_ && now - *stop_sent_at_ >= timers.kill_grace && run_.pid > 0) {
      kill_sent_ = true;
      ::kill(run_.pid, SIGKILL);
    }
    return OkStatus();
  }
  if (now - last_stop_poll < timers.stop_poll) return OkStatus();
  last_stop_poll = now;
  auto requested = store_->StopRequested({run_.id});
  if (!requested.ok()) return requested.error();
  if (requested->empty() || run_.pid <= 0) return OkStatus();
  stop_sent_at_ = now;
  ::kill(run_.pid, SIGTERM);
  return OkStatus();
}

Status StandaloneRecorder::Flush() {
  if (pending_.empty()) return OkStatus();
  auto status = store_->LogMetrics(run_.id, pending_);
  pending_.clear();
  return status;
}

Status StandaloneRecorder::HandleMessage(const ChannelMessage& message) {
  if (message.type == "finish") {
    auto doc = ParseJson(message.json);
    const Value* code = doc.ok() ? doc->find("exit_code") : nullptr;
    // A finish without a code is the client saying "done"; PROTOCOL.md makes exit_code optional.
    finish_code_ = code != nullptr && code->is_int() ? static_cast<int>(code->as_int()) : 0;
    const Value* reason = doc.ok() ? doc->find("reason") : nullptr;
    if (reason != nullptr && reason->is_string())
      finish_reason_ = reason->as_string().substr(0, kMaxFinishReasonBytes);
    return OkStatus();
  }
  if (message.type == kRunInfoMessageType) {
    auto info = RunInfoFromChannelMessage(message);
    Status status = info.ok() ? RecordRunInfo(*store_, run_.id, *info) : Status(info.error());
    if (status.ok() || status.error().code != ErrorCode::kInvalidInput) return status;
    ++stats_.rejected_messages;
    warnings_.push_back(status.error().message);
    return OkStatus();
  }
  if (message.type == "config" && adds_params_) {
    Status status = AddConfigParams(message);
    if (!status.ok() && status.error().code != ErrorCode::kInvalidInput) return status;
    if (!status.ok()) {
      ++stats_.rejected_messages;
      warnings_.push_back(status.error().message);
      return OkStatus();
    }
  }
  ChannelMessage to_tag = message;
  if (message.type == "artifact") {
    auto copied = CopyArtifact(message);
    if (!copied.ok()) {
      ++stats_.rejected_messages;
      warnings_.push_back(copied.error().message);
      return OkStatus();
    }
    to_tag = std::move(copied).value();
  }
  auto tags = TagsFromChannelMessage(to_tag, run_.run_dir);
  if (!tags.ok()) {
    ++stats_.rejected_messages;
    warnings_.push_back(tags.error().message);
    return OkStatus();
  }
  if (tags->empty()) return OkStatus();
  return store_->SetTags(run_.id, *tags);
}

Result<ChannelMessage> StandaloneRecorder::CopyArtifact(const ChannelMessage& message) {
  auto doc = ParseJson(message.json);
  if (!doc.ok()) return doc.error();
  const Value* name = doc->find("name");
  const Value* path = doc->find("path");
  const Value* sha = doc->find("sha256");
  if (name == nullptr || !name->is_string() || path == nullptr || !path->is_string())
    return Error::InvalidInput("artifact message needs name and path");
  const auto relative = SafeRelative(name->as_string());
  if (relative.empty()) return Error::InvalidInput("artifact name '" + name->as_string() + "' is empty");
  auto data = ReadFile(path->as_string());
  if (!data.ok()) return Error::InvalidInput("artifact " + name->as_string() + ": " + data.error().message);
  const std::string digest = Sha256Hex(*data);
  // The client hashed the file when it logged it: a different digest means
  // the file changed since, and the copy would not be what the run produced.
  if (sha != nullptr && sha->is_string() && sha->as_string() != digest)
    return Error::InvalidInput("artifact " + name->as_string() + ": sha256 mismatch (client " + sha->as_string() +
                               ", file now " + digest + "); not recorded");
  const auto target = std::filesystem::path(run_.run_dir) / kArtifactsDir / relative;
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) return Error::Io("cannot create " + target.parent_path().string() + ": " + ec.message());
  {
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(data->data(), static_cast<std::streamsize>(data->size()));
    if (!out) return Error::Io("cannot write " + target.string());
  }
  ValueMap fields{{"t", Value("artifact")},
                  {"name", Value(relative.generic_string())},
                  {"path", Value(target.string())},
                  {"sha256", Value(digest)},
                  {"size", Value(static_cast<std::int64_t>(data->size()))}};
  return ChannelMessage{"artifact", ToJson(Value(std::move(fields)))};
}

Status StandaloneRecorder::Finish(double now) {
  if (auto status = Flush(); !status.ok()) return status;
  RunOutcome outcome;
  outcome.ended_at = now;
  if (!limit_error_.empty()) {
    outcome.state = TrialState::kFailed;
    outcome.exit_code = finish_code_;
    outcome.failure_reason = ChannelLimitReason(limit_error_);
  } else if (finish_code_ && *finish_code_ == 0) {
    outcome.state = TrialState::kFinished;
    outcome.exit_code = 0;
  } else if (finish_code_) {
    outcome.state = TrialState::kFailed;
    outcome.exit_code = *finish_code_;
    outcome.failure_reason = finish_reason_.empty()
                                 ? "the script finished its run with exit code " + std::to_string(*finish_code_)
                                 : finish_reason_;
  } else if (stop_sent_at_) {
    outcome.state = TrialState::kKilled;
    outcome.failure_reason = kStoppedByUserReason;
  } else {
    outcome.state = TrialState::kCrashed;
    outcome.failure_reason = "the script ended without finishing its run (killed, or its interpreter crashed)";
  }
  if (auto status = store_->FinishRun(run_.id, outcome); !status.ok()) return status;
  run_.state = outcome.state;
  run_.ended_at = outcome.ended_at;
  run_.failure_reason = outcome.failure_reason;
  auto sweep = store_->GetSweep(run_.sweep_id);
  if (!sweep.ok()) return sweep.error();
  // A run attached to a real sweep (StandaloneRunOptions::existing_run_id) leaves its state to the controller.
  if (sweep->method != kManualMethod) return OkStatus();
  return UpdateManualSweepState(*store_, run_.sweep_id);
}

Status StandaloneRecorder::AddConfigParams(const ChannelMessage& message) {
  auto doc = ParseJson(message.json);
  if (!doc.ok()) return doc.error();
  const Value* data = doc->find("data");
  if (data == nullptr || !data->is_map()) return Error::InvalidInput("config message without a data object");
  Config config;
  std::set<std::string> seen;
  if (auto status = Flatten("", *data, config, seen); !status.ok()) return status;
  return store_->AddRunParams(run_.id, config);
}

std::vector<std::string> StandaloneRecorder::TakeWarnings() {
  std::vector<std::string> out;
  out.swap(warnings_);
  return out;
}

}  // namespace sweep
