// LineSplitter: turns the byte chunks a pipe delivers into whole lines, across
// read boundaries. "\n" and "\r\n" both end a line (the "\r" is dropped); a
// final line without a terminator is produced by Finish() at EOF.
//
// Lines longer than `max_line_bytes` are not buffered whole: the splitter
// keeps the first `max_line_bytes` bytes, drops the rest and hands the line
// over with `oversized` set, so a 10 MB line cannot grow memory unboundedly.
// Bytes are passed through untouched (no UTF-8 validation).
//
// Not thread-safe: one splitter per stream, used from one thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace sweep {

class LineSplitter {
 public:
  // Called once per line, without its terminator. `line` is valid only for the call.
  using LineFn = std::function<void(std::string_view line, bool oversized)>;

  explicit LineSplitter(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  // Appends `chunk` and calls `fn` for every line it completes.
  void Feed(std::string_view chunk, const LineFn& fn);
  // End of stream: calls `fn` for a pending unterminated line, if any.
  void Finish(const LineFn& fn);

  // Lines handed over with `oversized` set so far.
  std::size_t oversized_lines() const { return oversized_lines_; }

 private:
  void Emit(const LineFn& fn);

  std::size_t max_line_bytes_;
  std::string pending_;
  bool pending_oversized_ = false;
  std::size_t oversized_lines_ = 0;
};

}  // namespace sweep
