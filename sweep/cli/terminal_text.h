// Text that came from a trial or a spec (stderr lines, failure reasons,
// parameter names and values, tags, log files) made safe to print on a
// terminal, and measured the way a terminal lays it out.
//
// A trial controls its own output, and a terminal obeys escape sequences in
// whatever it prints: OSC 52 writes the user's clipboard, CSI 2J clears the
// screen, SGR fakes colours, OSC 0 retitles the window. Everything printed by
// the CLI that a trial or a spec wrote goes through TerminalSafe first.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sweep::cli {

enum class LineBreaks {
  kEscape,  // one line of output (a table cell, a progress line): \n and \t shown as "\n", "\t"
  kKeep,    // a block of text (`sweep show`'s reason, `sweep logs`): \n and \t printed as they are
};

// `text` with every byte a terminal could act on replaced by a visible
// escape: C0 controls (ESC, BEL, BS, CR, ...), DEL and bytes that are not
// valid UTF-8 as "\xHH"; the C1 controls U+0080..U+009F (which some terminals
// act on like ESC [) as "\u00HH". A backslash is left as it is, so ordinary
// text ("C:\data", "a\b" in a command) reads unchanged. Valid UTF-8 outside
// those ranges passes through unchanged.
std::string TerminalSafe(std::string_view text, LineBreaks breaks = LineBreaks::kEscape);

// Columns `text` takes on a terminal, counting each UTF-8 character as one
// column (wide CJK characters are rare in metric names and params).
std::size_t DisplayWidth(std::string_view text);

// `text` cut to at most `width` columns, ending in "…" when it was cut. Never
// splits a UTF-8 character.
std::string FitWidth(std::string_view text, std::size_t width);

}  // namespace sweep::cli
