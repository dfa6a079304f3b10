#include "dashboard/server/dashboard_data.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <filesystem>
#include <map>
#include <set>

#include "dashboard/server/api_json.h"
#include "dashboard/server/downsample.h"
#include "dashboard/server/run_columns.h"
#include "dashboard/server/run_files.h"
#include "sweep/objective.h"
#include "sweep/record_json.h"
#include "sweep/review_rows.h"
#include "sweep/spec/spec_parser.h"

namespace sweep::dashboard {
namespace {

std::size_t ClampPoints(std::size_t points) {
  if (points == 0) return kDefaultSeriesPoints;
  return std::min(points, kMaxSeriesPoints);
}

// The series of one key, downsampled; `with_time` adds the wall times.
Json SeriesJson(const std::vector<const MetricPoint*>& points, std::size_t target, bool with_time) {
  std::vector<double> x, y;
  x.reserve(points.size());
  y.reserve(points.size());
  for (const MetricPoint* p : points) {
    x.push_back(static_cast<double>(p->step));
    y.push_back(p->value);
  }
  Json steps = Json::array(), values = Json::array(), times = Json::array();
  for (std::size_t i : LttbIndices(x, y, target)) {
    steps.push_back(points[i]->step);
    values.push_back(NumberJson(points[i]->value));
    if (with_time) times.push_back(points[i]->time);
  }
  Json out = {{"step", steps}, {"value", values}};
  if (with_time) out["time"] = times;
  if (points.size() > target) out["total"] = points.size();
  return out;
}

// The series of `key` against another key's values (`xs`, in step order):
// each point takes the x logged at its step or the last one before it;
// points before the first x are left out. Ordered by x, then downsampled.
Json SeriesAgainstJson(const std::vector<MetricPoint>& ys, const std::vector<MetricPoint>& xs, std::size_t target) {
  struct Point {
    double x;
    const MetricPoint* p;
  };
  std::vector<Point> joined;
  joined.reserve(ys.size());
  std::size_t next = 0;
  std::optional<double> current;
  for (const MetricPoint& y : ys) {
    while (next < xs.size() && xs[next].step <= y.step) current = xs[next++].value;
    if (current && std::isfinite(*current)) joined.push_back({*current, &y});
  }
  std::stable_sort(joined.begin(), joined.end(), [](const Point& a, const Point& b) { return a.x < b.x; });
  std::vector<double> x, y;
  for (const Point& j : joined) {
    x.push_back(j.x);
    y.push_back(j.p->value);
  }
  Json steps = Json::array(), values = Json::array(), times = Json::array(), xv = Json::array();
  for (std::size_t i : LttbIndices(x, y, target)) {
    steps.push_back(joined[i].p->step);
    values.push_back(NumberJson(joined[i].p->value));
    times.push_back(joined[i].p->time);
    xv.push_back(joined[i].x);
  }
  Json out = {{"step", steps}, {"value", values}, {"time", times}, {"x", xv}};
  if (joined.size() > target) out["total"] = joined.size();
  return out;
}

std::size_t FinishedCount(const std::vector<RunRecord>& runs) {
  return static_cast<std::size_t>(
      std::count_if(runs.begin(), runs.end(), [](const RunRecord& r) { return r.state == TrialState::kFinished; }));
}

// The finished runs importance is fitted on: all of them up to
// kMaxImportanceRuns, else that many evenly spread over the sweep (the
// forest's shares are stable long before; the fit's cost grows with runs).
std::vector<RunRecord> ImportanceSample(const std::vector<RunRecord>& runs) {
  std::vector<const RunRecord*> finished;
  for (const RunRecord& run : runs)
    if (run.state == TrialState::kFinished) finished.push_back(&run);
  std::vector<RunRecord> out;
  const std::size_t n = finished.size();
  const std::size_t take = std::min(n, kMaxImportanceRuns);
  out.reserve(take);
  for (std::size_t i = 0; i < take; ++i) out.push_back(*finished[i * n / take]);
  return out;
}

// Metric keys over the sweep's runs, the sweep metric first.
Json MetricKeysJson(const std::vector<RunRecord>& runs, const std::string& objective) {
  std::set<std::string> keys;
  for (const RunRecord& run : runs)
    for (const auto& [key, summary] : run.summary) keys.insert(key);
  Json out = Json::array();
  if (!objective.empty()) out.push_back(objective);
  for (const auto& key : keys)
    if (key != objective) out.push_back(key);
  return out;
}

// ImportanceJson over `runs` (an ImportanceSample) of a sweep with `spec`.
std::string FittedImportanceJson(const std::optional<SweepSpec>& spec, const std::vector<RunRecord>& runs) {
  if (!spec) return DumpJson(ImportanceJson(Error::Internal("the spec stored with the sweep no longer parses"), {}));
  auto report = SweepImportance(*spec, runs, "", {});
  return DumpJson(ImportanceJson(report, GpRelevance(*spec, runs)));
}

Result<std::string> ReadLogChunk(const std::filesystem::path& file, std::optional<std::uint64_t> offset) {
  std::error_code ec;
  const std::uint64_t size = std::filesystem::exists(file, ec) ? std::filesystem::file_size(file, ec) : 0;
  if (ec) return Error::Io("cannot read " + file.string() + ": " + ec.message());
  std::uint64_t from = offset ? std::min(*offset, size) : (size > kLogChunkBytes ? size - kLogChunkBytes : 0);
  const std::uint64_t length = std::min(size - from, kLogChunkBytes);
  std::string text(length, '\0');
  if (length > 0) {
    std::ifstream in(file, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(from));
    in.read(text.data(), static_cast<std::streamsize>(length));
    text.resize(static_cast<std::size_t>(in.gcount()));
  }
  return DumpJson({{"offset", from}, {"next", from + text.size()}, {"size", size}, {"text", text}});
}

}  // namespace

DashboardData::DashboardData(std::unique_ptr<Store> store, WriterFactory open_writer)
    : store_(std::move(store)), open_writer_(std::move(open_writer)) {}

Status DashboardData::StopRun(const std::string& run_id) {
  if (!open_writer_) return Error::InvalidInput("actions are off: start the dashboard with `sweep ui --actions`");
  std::string id;
  {
    std::lock_guard lock(mu_);
    auto run = store_->GetRun(run_id);
    if (!run.ok()) return run.error();
    id = run->id;
  }
  auto writer = open_writer_();
  if (!writer.ok()) return writer.error();
  return (*writer)->RequestStop(id);
}

Result<DashboardData::SweepCache*> DashboardData::Refresh(const std::string& sweep_id) {
  auto found = sweeps_.find(sweep_id);
  if (found == sweeps_.end()) {
    auto record = store_->GetSweep(sweep_id);
    if (!record.ok()) return record.error();
    found = sweeps_.find(record->id);
    if (found == sweeps_.end()) {
      SweepCache cache;
      auto parsed = ParseSweepSpec(record->spec_text, record->spec_path);
      if (parsed.ok()) cache.spec = std::move(*parsed.spec);
      cache.record = std::move(record).value();
      found = sweeps_.emplace(cache.record.id, std::move(cache)).first;
    }
  }
  SweepCache& cache = found->second;
  auto changes = store_->ListRunsChangedSince(cache.record.id, cache.mark);
  if (!changes.ok()) return changes.error();
  if (!changes->runs.empty()) {
    // The sweep's state and updated time move with its runs.
    auto record = store_->GetSweep(cache.record.id);
    if (record.ok()) cache.record = std::move(record).value();
  }
  if (!changes->runs.empty()) cache.runs_json.clear();
  if (cache.mark.empty()) {
    cache.runs.Replace(std::move(changes->runs));
  } else {
    cache.runs.Merge(std::move(changes->runs));
  }
  cache.mark = changes->next_mark;
  if (cache.runs.runs().size() != changes->run_count) {
    // Runs were deleted (`sweep rm`): they leave no change to fold, so the
    // sweep is read again whole (rare; deletions are by hand).
    auto all = store_->ListRunsChangedSince(cache.record.id, "");
    if (!all.ok()) return all.error();
    cache.runs.Replace(std::move(all->runs));
    cache.mark = all->next_mark;
    cache.runs_json.clear();
  }
  return &cache;
}

std::size_t DashboardData::Warm(std::size_t max_sweeps) {
  std::vector<SweepRecord> sweeps;
  {
    std::lock_guard lock(mu_);
    auto listed = store_->ListSweeps();
    if (!listed.ok()) return 0;  // the first request reports it
    sweeps = std::move(listed).value();
  }
  std::sort(sweeps.begin(), sweeps.end(),
            [](const SweepRecord& a, const SweepRecord& b) { return a.created_at > b.created_at; });
  std::size_t warmed = 0;
  for (const SweepRecord& sweep : sweeps) {
    if (warmed == max_sweeps) break;
    std::lock_guard lock(mu_);
    auto cache = Refresh(sweep.id);
    if (!cache.ok()) continue;
    SweepJsonLocked(**cache);  // writes runs_json, the costly part
    ++warmed;
  }
  return warmed;
}

Result<std::string> DashboardData::SweepsJson() {
  std::lock_guard lock(mu_);
  auto sweeps = store_->ListSweeps();
  if (!sweeps.ok()) return sweeps.error();
  std::sort(sweeps->begin(), sweeps->end(),
            [](const SweepRecord& a, const SweepRecord& b) { return a.created_at > b.created_at; });
  Json out = Json::array();
  for (const SweepRecord& sweep : *sweeps) {
    auto cache = Refresh(sweep.id);
    if (!cache.ok()) return cache.error();
    out.push_back(SweepSummaryJson((*cache)->record, (*cache)->runs.runs()));
  }
  return DumpJson(out);
}

Result<std::string> DashboardData::SweepJson(const std::string& sweep_id) {
  std::lock_guard lock(mu_);
  auto cache = Refresh(sweep_id);
  if (!cache.ok()) return cache.error();
  return SweepJsonLocked(**cache);
}

std::string DashboardData::SweepJsonLocked(SweepCache& c) {
  const MetricSpec metric = MetricOf(c.record);
  // The runs are the bulk of the page (10k runs: ~2 MB), written once and
  // again only after a change.
  if (c.runs_json.empty()) c.runs_json = RunColumnsJson(c.runs.runs(), metric);
  Json summary = SweepSummaryJson(c.record, c.runs.runs());
  Json sweep = SweepDetailJson(c.record, c.spec ? &*c.spec : nullptr);
  sweep["counts"] = summary["counts"];
  sweep["best"] = summary["best"];
  std::string doc = DumpJson({{"sweep", sweep},
                              {"params", c.spec ? ParamsJson(*c.spec) : Json::array()},
                              {"metrics", MetricKeysJson(c.runs.runs(), metric.name)},
                              {"mark", c.mark}});
  doc.pop_back();  // the closing brace: the rows go in as the last member
  return doc + ",\"runs\":" + c.runs_json + "}";
}

Result<SweepChanges> DashboardData::Changes(const std::string& sweep_id, const std::string& mark) {
  std::lock_guard lock(mu_);
  auto cache = Refresh(sweep_id);  // keeps the sweeps list current too
  if (!cache.ok()) return cache.error();
  auto changes = store_->ListRunsChangedSince((*cache)->record.id, mark);
  if (!changes.ok()) return changes.error();
  const MetricSpec metric = MetricOf((*cache)->record);
  Json runs = Json::array();
  for (const RunRecord& run : changes->runs) runs.push_back(RunRowJson(run, metric));
  SweepChanges out;
  out.any = !changes->runs.empty();
  out.mark = changes->next_mark;
  out.count = changes->run_count;
  Json summary = SweepSummaryJson((*cache)->record, (*cache)->runs.runs());
  out.json = DumpJson({{"mark", out.mark},
                       {"runs", runs},
                       {"count", out.count},
                       {"state", summary["state"]},
                       {"counts", summary["counts"]},
                       {"best", summary["best"]}});
  return out;
}

Result<std::string> DashboardData::FilterJson(const std::string& sweep_id, const std::string& filter) {
  std::lock_guard lock(mu_);
  auto cache = Refresh(sweep_id);
  if (!cache.ok()) return cache.error();
  auto rows = ApplyRunQuery(ToRunRows((*cache)->runs.runs()), RunQuery{filter, "", std::nullopt});
  if (!rows.ok()) return rows.error();
  Json ids = Json::array();
  for (const auto& row : *rows) ids.push_back(row.id);
  return DumpJson({{"ids", ids}});
}

Result<std::string> DashboardData::ImportanceJson(const std::string& sweep_id) {
  std::optional<SweepSpec> spec;
  std::vector<RunRecord> runs;
  std::string id;
  std::size_t finished = 0;
  {
    std::lock_guard lock(mu_);
    auto cache = Refresh(sweep_id);
    if (!cache.ok()) return cache.error();
    SweepCache& c = **cache;
    finished = FinishedCount(c.runs.runs());
    if (!c.importance_json.empty() && c.importance_finished == finished) return c.importance_json;
    spec = c.spec;
    runs = ImportanceSample(c.runs.runs());
    id = c.record.id;
  }
  // The forest is fitted without the lock, so live updates and other pages
  // never wait for it.
  std::string json = FittedImportanceJson(spec, runs);
  std::lock_guard lock(mu_);
  if (auto it = sweeps_.find(id); it != sweeps_.end()) {
    it->second.importance_json = json;
    it->second.importance_finished = finished;
  }
  return json;
}

Result<std::string> DashboardData::CurvesJson(const std::string& sweep_id, const std::string& key,
                                              const std::vector<std::string>& run_ids, std::size_t points,
                                              const std::string& x_key) {
  std::lock_guard lock(mu_);
  auto cache = Refresh(sweep_id);
  if (!cache.ok()) return cache.error();
  return CurvesJsonLocked(**cache, key, run_ids, points, x_key);
}

Result<std::string> DashboardData::CurvesJsonLocked(SweepCache& cache, const std::string& key,
                                                    const std::vector<std::string>& run_ids, std::size_t points,
                                                    const std::string& x_key) {
  std::set<std::string> of_sweep;
  for (const RunRecord& run : cache.runs.runs()) of_sweep.insert(run.id);
  Json curves = Json::object();
  std::size_t taken = 0;
  for (const std::string& id : run_ids) {
    if (taken == kMaxCurveRuns) break;
    if (!of_sweep.count(id) || curves.contains(id)) continue;  // only this sweep's runs
    auto series = store_->GetMetrics(id, key);
    if (!series.ok()) return series.error();
    if (!x_key.empty()) {
      auto xs = store_->GetMetrics(id, x_key);
      if (!xs.ok()) return xs.error();
      curves[id] = SeriesAgainstJson(*series, *xs, ClampPoints(points));
    } else {
      std::vector<const MetricPoint*> pts;
      for (const MetricPoint& p : *series) pts.push_back(&p);
      curves[id] = SeriesJson(pts, ClampPoints(points), /*with_time=*/true);
    }
    ++taken;
  }
  Json out = {{"key", key}, {"curves", curves}};
  if (!x_key.empty()) out["x"] = x_key;
  return DumpJson(out);
}

Result<std::string> DashboardData::RunJson(const std::string& run_id) {
  std::lock_guard lock(mu_);
  auto run = store_->GetRun(run_id);
  if (!run.ok()) return run.error();
  std::optional<SweepRecord> sweep;
  if (!run->sweep_id.empty()) {
    if (auto s = store_->GetSweep(run->sweep_id); s.ok()) sweep = std::move(s).value();
  }
  Json doc = RunDetailJson(*run, sweep ? &*sweep : nullptr);
  doc["actions"] = actions_enabled();  // whether the page may offer "stop"
  return DumpJson(doc);
}

Result<std::string> DashboardData::RunMetricsJson(const std::string& run_id, std::size_t points) {
  std::lock_guard lock(mu_);
  auto run = store_->GetRun(run_id);
  if (!run.ok()) return run.error();
  auto series = store_->GetMetrics(run->id, "");
  if (!series.ok()) return series.error();
  std::map<std::string, std::vector<const MetricPoint*>> by_key;  // GetMetrics orders by key, step, time
  for (const MetricPoint& p : *series) by_key[p.key].push_back(&p);
  Json out = Json::object();
  for (const auto& [key, pts] : by_key) out[key] = SeriesJson(pts, ClampPoints(points), /*with_time=*/true);
  return DumpJson(out);
}

Result<std::string> DashboardData::RunLineageJson(const std::string& run_id) {
  std::lock_guard lock(mu_);
  auto run = store_->GetRun(run_id);
  if (!run.ok()) return run.error();
  ArtifactFilter filter;
  filter.run_id = run->id;
  auto versions = store_->ListArtifactVersions(filter);
  if (!versions.ok()) return versions.error();
  // The registry is small next to runs (a handful of models); one listing
  // serves every produced version.
  std::map<std::int64_t, std::vector<ModelVersion>> models_by_version;
  bool produced_any = false;
  for (const ArtifactVersion& v : *versions) produced_any = produced_any || v.producer_run == run->id;
  if (produced_any) {
    auto models = store_->ListRegisteredModels();
    if (!models.ok()) return models.error();
    for (const RegisteredModel& model : *models) {
      for (const ModelVersion& mv : model.versions) models_by_version[mv.artifact_version_id].push_back(mv);
    }
  }
  Json produced = Json::array();
  Json consumed = Json::array();
  for (const ArtifactVersion& v : *versions) {
    if (v.producer_run == run->id) {
      auto it = models_by_version.find(v.id);
      produced.push_back(ArtifactVersionJson(v, it == models_by_version.end() ? std::vector<ModelVersion>{} : it->second));
    }
    if (std::find(v.consumers.begin(), v.consumers.end(), run->id) != v.consumers.end()) {
      consumed.push_back(ArtifactVersionJson(v, {}));
    }
  }
  return DumpJson({{"produced", produced}, {"consumed", consumed}});
}

Result<std::string> DashboardData::RunDir(const std::string& run_id) {
  std::lock_guard lock(mu_);
  auto run = store_->GetRun(run_id);
  if (!run.ok()) return run.error();
  return run->run_dir;
}

Result<std::string> DashboardData::RunFilesJson(const std::string& run_id) {
  auto run_dir = RunDir(run_id);
  if (!run_dir.ok()) return run_dir.error();
  if (run_dir->empty()) return DumpJson({{"files", Json::array()}, {"truncated", false}});
  return dashboard::RunFilesJson(*run_dir);
}

Result<std::filesystem::path> DashboardData::RunFile(const std::string& run_id, const std::string& relative) {
  auto run_dir = RunDir(run_id);
  if (!run_dir.ok()) return run_dir.error();
  if (run_dir->empty()) return Error::NotFound("the run has no folder");
  return ResolveRunFile(*run_dir, relative);
}

Result<std::string> DashboardData::LogJson(const std::string& run_id, LogStream stream,
                                           std::optional<std::uint64_t> offset) {
  auto found = RunDir(run_id);
  if (!found.ok()) return found.error();
  const std::string run_dir = *found;
  if (run_dir.empty()) return DumpJson({{"offset", 0}, {"next", 0}, {"size", 0}, {"text", ""}});
  // The file names are fixed here, never taken from the request.
  const char* name = stream == LogStream::kStdout ? "stdout.log" : "stderr.log";
  return ReadLogChunk(std::filesystem::path(run_dir) / name, offset);
}

Result<std::string> DashboardData::SnapshotJson(const std::string& sweep_id, double generated_at,
                                                std::size_t top_curves) {
  auto sweep = SweepJson(sweep_id);
  if (!sweep.ok()) return sweep.error();
  auto importance = ImportanceJson(sweep_id);
  if (!importance.ok()) return importance.error();
  std::lock_guard lock(mu_);
  auto cache = Refresh(sweep_id);
  if (!cache.ok()) return cache.error();
  return SnapshotJsonLocked(**cache, *sweep, *importance, generated_at, top_curves);
}

Result<std::string> DashboardData::ScopeSnapshotJson(const SweepRecord& record, const SweepSpec& spec,
                                                     std::vector<RunRecord> runs, double generated_at,
                                                     std::size_t top_curves) {
  SweepCache scope;  // never in sweeps_: a project has no sweep id to key it by
  scope.record = record;
  scope.spec = spec;
  scope.runs.Replace(std::move(runs));
  const std::string importance = FittedImportanceJson(scope.spec, ImportanceSample(scope.runs.runs()));
  std::lock_guard lock(mu_);
  const std::string sweep = SweepJsonLocked(scope);
  return SnapshotJsonLocked(scope, sweep, importance, generated_at, top_curves);
}

Result<std::string> DashboardData::SnapshotJsonLocked(SweepCache& c, const std::string& sweep_json,
                                                      const std::string& importance_json, double generated_at,
                                                      std::size_t top_curves) {
  const MetricSpec metric = MetricOf(c.record);
  Json curves = Json::object();
  if (!metric.name.empty()) {
    // The best runs' curves (what the chart is about), then the stopped runs'
    // (where early termination cut), as the report always showed.
    std::vector<std::pair<double, std::string>> ranked;
    for (const RunRecord& run : c.runs.runs()) {
      const auto objective = ObjectiveOf(run, metric);
      if (run.state == TrialState::kFinished && objective && std::isfinite(*objective))
        ranked.emplace_back(*objective, run.id);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
      return metric.goal == Goal::kMinimize ? a.first < b.first : a.first > b.first;
    });
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < ranked.size() && i < top_curves; ++i) ids.push_back(ranked[i].second);
    for (const RunRecord& run : c.runs.runs())
      if (run.state == TrialState::kStopped && ids.size() < kMaxCurveRuns) ids.push_back(run.id);
    auto text = CurvesJsonLocked(c, metric.name, ids, kReportCurvePoints);
    if (!text.ok()) return text.error();
    curves = Json::parse(*text);
  }
  Json sweeps = Json::array({SweepSummaryJson(c.record, c.runs.runs())});
  return DumpJson({{"snapshot", true},
                   {"generated", generated_at},
                   {"sweeps", sweeps},
                   {"sweep", Json::parse(sweep_json)},
                   {"importance", Json::parse(importance_json)},
                   {"curves", curves}});
}

}  // namespace sweep::dashboard
