// LiveView: what `sweep run`, `sweep agent` and `sweep resume` show while
// trials run, fed by the controller's events (ControllerObserver).
//
// On a terminal (redraw = true) one line per ended trial scrolls up, and under
// it a status block is redrawn in place, at most once per redraw_interval and
// as a single write (so it does not flicker): each running trial with its run
// id, shortened params, elapsed time and latest step and value of the sweep
// metric; then the sweep's progress ("12/20 done", "grid 12 of 18"), its
// failed/killed/stopped counts, the best run so far, an ETA and the elapsed
// time. Not on a terminal (a pipe, a CI log): plain lines only, no control
// codes: one when a trial starts, one when it ends, and a one-line status every
// summary_interval while trials run.
//
// Counters and the "(best)" marker come from the sweep's runs in the store
// (sweep_tally.h), read at the start and every kTallyRefreshInterval, so
// other agents' runs and runs from before a `sweep resume` count; our own
// trials are counted as they start and end.
//
// Everything a trial or a spec wrote (params, reasons) is printed through
// TerminalSafe. Single-threaded, like the controller that calls it.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sweep/cli/sweep_tally.h"
#include "sweep/clock.h"
#include "sweep/controller.h"
#include "tracking/store.h"

namespace sweep::cli {

// At most a few redraws a second: enough to look live, cheap on a slow SSH link.
inline constexpr std::chrono::milliseconds kLiveRedrawInterval{250};
// A CI log gets a status line this often while trials run.
inline constexpr std::chrono::seconds kPlainStatusInterval{30};
// How often the store is re-read for other agents' runs.
inline constexpr std::chrono::seconds kTallyRefreshInterval{2};

struct LiveViewOptions {
  std::FILE* out = stdout;
  bool redraw = false;  // a terminal: the status block is redrawn in place
  std::chrono::milliseconds redraw_interval = kLiveRedrawInterval;
  std::chrono::milliseconds status_interval = kPlainStatusInterval;
  const Clock* clock = &RealClock();
  // Columns of the terminal; lines of the block are cut to fit, never wrap.
  std::function<int()> terminal_width;
};

class LiveView : public ControllerObserver {
 public:
  // `store` must outlive the view.
  LiveView(Store& store, std::string sweep_id, MetricSpec metric, SweepPlan plan, LiveViewOptions options);
  ~LiveView() override;

  void OnRunStarted(const RunRecord& run) override;
  void OnMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) override;
  void OnRunEnded(const RunRecord& run, std::optional<double> objective) override;
  void OnInterrupt(int presses) override;
  void OnGiveUp(const std::string& message) override;
  void OnTick() override;

  // Erases the status block, so the final summary prints in its place. The
  // view prints nothing more once closed.
  void Close();

  // The sweep's counts as last read from the store.
  const SweepTally& tally() const { return tally_; }

 private:
  struct Running {
    RunRecord run;
    std::chrono::steady_clock::time_point started;
    std::optional<std::int64_t> step;  // latest point of the sweep metric
    std::optional<double> value;
  };

  void RefreshTally();
  // Counts a run of ours that ended into the tally, until the next refresh.
  void CountEnded(const RunRecord& run, std::optional<double> objective, bool best);
  // Prints `lines` above the status block (scrolling), then redraws it.
  void Scroll(const std::string& lines);
  void Redraw();
  std::vector<std::string> StatusBlock() const;
  std::string StatusLine() const;
  std::string RunningLine(const Running& running, std::size_t params_width) const;
  std::string EndedLine(const RunRecord& run, std::optional<double> objective, bool best) const;
  void Write(const std::string& text);
  int Width() const;

  Store& store_;
  std::string sweep_id_;
  MetricSpec metric_;
  SweepPlan plan_;
  LiveViewOptions options_;
  SweepTally tally_;
  std::map<std::string, Running> running_;  // by run id: stable order in the block
  std::chrono::steady_clock::time_point started_, last_draw_, last_status_, last_refresh_;
  std::size_t block_lines_ = 0;  // lines of the status block now on screen
  bool closed_ = false;
};

}  // namespace sweep::cli
