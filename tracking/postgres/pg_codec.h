// Text encodings between the store's C++ types and PostgreSQL's text
// protocol. Private to tracking/postgres. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/trial.h"
#include "tracking/store.h"

namespace sweep::pg {

// double precision literal that round-trips exactly, including the
// non-finite values PostgreSQL spells NaN, Infinity and -Infinity.
std::string FormatDouble(double d);
// Inverse of FormatDouble (also accepts PostgreSQL's own output).
double ParseDouble(const char* text);
// The text of an integer column (the server always sends plain decimal).
// Unlike std::stoll it never throws: text that is not a whole, in-range
// number reads as 0, as ParseDouble reads text that is not a number.
std::int64_t ParseInt64(std::string_view text);

// A text[] literal ({"a","b"}) with every element quoted and escaped.
std::string TextArray(const std::vector<std::string>& items);

// Appends `s` escaped for COPY's text format (backslash, tab, newline, CR).
void AppendCopyText(std::string& out, std::string_view s);

std::string_view SweepStateText(SweepState s);
std::optional<SweepState> ParseSweepState(std::string_view s);

}  // namespace sweep::pg
