// EarlyStopRule: decides, one metric value at a time, whether a run of the
// sweep should be ended early (its trial then ends in state `stopped`).
//
// Vocabulary: an "iteration" is one logged value of the sweep metric for a
// run; iteration i is the (i+1)-th value that run logged (0-based), whatever
// the `step` attached to it.
//
// A rule owns the per-run histories it has been shown; it does no I/O. On
// resume the controller rebuilds that state from the store by calling
// Replay() for every run of the sweep (in any order), then OnRunEnded() for
// those already ended, before feeding live values through ShouldStop().
//
// Thread-safety: implementations are not thread-safe; the controller calls a
// rule from one thread (or serializes calls externally).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace sweep {

class EarlyStopRule {
 public:
  virtual ~EarlyStopRule();

  // Records `value` as iteration `iteration` of run `run_id` and returns true
  // when that run should be stopped now. Called for each value of the sweep
  // metric, in order. NaN is a legal value (a diverged run) and counts as the
  // worst possible value.
  //
  // Idempotent for replays: when `iteration` is below the number of values
  // already recorded for the run, nothing is recorded and the decision for the
  // run's current state is returned. The rule counts values itself, so an
  // `iteration` above that count (a gap, a caller bug) is recorded at the next
  // index. Once OnRunEnded(run_id) was called, returns false and records
  // nothing.
  virtual bool ShouldStop(const std::string& run_id, std::int64_t iteration, double value) = 0;

  // The run ended (any terminal state). Its recorded values keep taking part
  // in the decisions about other runs as each rule documents.
  virtual void OnRunEnded(const std::string& run_id) = 0;

  // Why the run's latest judgement came out as it did, for the record of a
  // stopped run ("at band 9 its best so far 0.81 was worse than the threshold
  // 0.42 of the 7 runs that reached it"). Empty for a run never judged.
  virtual std::string Explain(const std::string& run_id) const = 0;

  // Records `values` as the run's next iterations without judging the run
  // (resume: rebuilding state from stored histories). Unlike ShouldStop it
  // leaves no trace of a decision (MedianStopRule remembers the runs it
  // stopped). Ignored for a run already ended.
  void Replay(const std::string& run_id, std::span<const double> values);

 protected:
  // Appends `value` as the run's next iteration, without judging.
  virtual void Record(const std::string& run_id, double value) = 0;
};

}  // namespace sweep
