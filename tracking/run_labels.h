// What both stores do with a RunLabelsUpdate before writing it: bounds and
// label rules in one place, so SQLite and PostgreSQL accept the same input.
// Private to tracking/.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"
#include "tracking/store.h"

namespace sweep {

// W&B refuses tags longer than 64 characters (wandb_run.py); we do the same.
inline constexpr std::size_t kMaxLabelBytes = 64;
// Names and notes are typed by people; these bounds only stop a runaway
// script from filling the store through them.
inline constexpr std::size_t kMaxRunNameBytes = 256;
inline constexpr std::size_t kMaxNotesBytes = 64 * 1024;

// `current` with update.add_labels added and update.remove_labels removed,
// sorted and unique. kInvalidInput for an empty label, one longer than
// kMaxLabelBytes, or one with whitespace or control characters (a label is
// one word on the command line), and for a name or notes over their bounds.
Result<std::vector<std::string>> ApplyLabelUpdate(std::vector<std::string> current, const RunLabelsUpdate& update);

// Labels as stored: a JSON list of strings.
std::string LabelsToJson(const std::vector<std::string>& labels);

}  // namespace sweep
