#include "agents/line_splitter.h"

namespace sweep {

void LineSplitter::Emit(const LineFn& fn) {
  std::string_view line = pending_;
  if (!pending_oversized_ && !line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (pending_oversized_) ++oversized_lines_;
  fn(line, pending_oversized_);
  pending_.clear();
  pending_oversized_ = false;
}

void LineSplitter::Feed(std::string_view chunk, const LineFn& fn) {
  while (!chunk.empty()) {
    std::size_t newline = chunk.find('\n');
    std::string_view piece = chunk.substr(0, newline);
    // Keep one byte beyond the cap so a line of exactly max_line_bytes plus
    // its "\r" is not mistaken for an oversized one.
    std::size_t room = max_line_bytes_ + 1 > pending_.size() ? max_line_bytes_ + 1 - pending_.size() : 0;
    if (piece.size() > room) {
      pending_.append(piece.substr(0, room));
      pending_oversized_ = true;
    } else {
      pending_.append(piece);
    }
    if (newline == std::string_view::npos) break;
    if (!pending_oversized_ && pending_.size() > max_line_bytes_ &&
        !(pending_.size() == max_line_bytes_ + 1 && pending_.back() == '\r')) {
      pending_oversized_ = true;
    }
    if (pending_oversized_) pending_.resize(std::min(pending_.size(), max_line_bytes_));
    Emit(fn);
    chunk.remove_prefix(newline + 1);
  }
}

void LineSplitter::Finish(const LineFn& fn) {
  if (pending_.empty() && !pending_oversized_) return;
  if (pending_.size() > max_line_bytes_) {
    pending_oversized_ = true;
    pending_.resize(max_line_bytes_);
  }
  Emit(fn);
}

}  // namespace sweep
