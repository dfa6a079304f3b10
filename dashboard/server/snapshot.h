// The one-file report (`sweep report`): the dashboard's front-end with a
// sweep's data embedded, so it opens from disk with no server and no
// network, and draws the same charts as `sweep ui`.
//
// The data goes in once, as JSON inside <script type="application/json">,
// escaped so no user string (names, values, failure reasons) can close the
// element or become markup; the front-end renders every string as text.
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "core/result.h"
#include "dashboard/server/dashboard_data.h"

namespace sweep::dashboard {

// Best runs whose sweep-metric curve the report embeds (with every stopped
// run's): the shape of good runs without a hairball.
inline constexpr std::size_t kReportTopCurves = 10;

// Writes the page for `snapshot_json` (DashboardData::SnapshotJson) titled
// `title`. Fails (kIo) only when the stream does.
Status WriteSnapshotHtml(std::string_view snapshot_json, const std::string& title, std::ostream& out);

// SnapshotJson + WriteSnapshotHtml for one sweep (id, prefix or name).
Status WriteSweepReport(DashboardData& data, const std::string& sweep_id, double generated_at, std::ostream& out);

// ScopeSnapshotJson + WriteSnapshotHtml for runs the caller chose (a
// project's), titled with `record`'s name.
Status WriteScopeReport(DashboardData& data, const SweepRecord& record, const SweepSpec& spec,
                        std::vector<RunRecord> runs, double generated_at, std::ostream& out);

}  // namespace sweep::dashboard
