#include "agents/metric_channel.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "agents/json_metric_value.h"
#include "agents/metric_line_parser.h"
#include "core/json_limits.h"

namespace sweep {
namespace {

bool IsPassedOnType(const std::string& t) {
  return t == "summary" || t == "config" || t == "artifact" || t == "input" || t == "finish" || t == "run";
}

// A scanner for the one shape that makes up nearly all channel traffic, a
// flat "log" line as our clients write it:
//   {"t":"log","step":<int>,"time":<number>,"data":{"<key>":<number|bool>,...}}
// (members in any order, whitespace allowed, other top-level members with
// number or plain string values skipped). Building an nlohmann DOM per line
// cost about as much as storing the points (bench/channel_ingest); this reads
// the line in place. It accepts a strict subset of what the general path
// accepts and gives the same points for it; anything else (escapes, nested or
// non-finite values, duplicate keys, a non-integer step) makes it give up,
// and the general path decides.
class FlatLogScanner {
 public:
  explicit FlatLogScanner(std::string_view line) : s_(line) {}

  using Point = std::pair<std::string_view, double>;  // key, value

  // True when the line is such a log message; fills step/time/points.
  bool Scan(std::optional<std::int64_t>& step, std::optional<double>& time, std::vector<Point>& points) {
    bool is_log = false, has_data = false;
    if (!Eat('{')) return false;
    if (Eat('}')) return false;
    do {
      std::string_view member;
      if (!String(member) || !Eat(':')) return false;
      if (member == "t") {
        std::string_view type;
        if (!String(type) || type != "log") return false;
        is_log = true;
      } else if (member == "step") {
        std::int64_t v = 0;
        if (!Integer(v)) return false;
        step = v;
      } else if (member == "time") {
        double v = 0;
        if (!Number(v)) return false;
        time = v;
      } else if (member == "data") {
        if (has_data || !Data(points)) return false;
        has_data = true;
      } else {
        std::string_view ignored_text;
        double ignored_number = 0;
        if (!String(ignored_text) && !Number(ignored_number)) return false;
      }
    } while (Eat(','));
    if (!Eat('}')) return false;
    SkipSpace();
    return pos_ == s_.size() && is_log && has_data;
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) ++pos_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // A string without escapes or control characters.
  bool String(std::string_view& out) {
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != '"') return false;
    const std::size_t start = pos_ + 1;
    std::size_t end = start;
    while (end < s_.size() && s_[end] != '"') {
      if (s_[end] == '\\' || static_cast<unsigned char>(s_[end]) < 0x20) return false;
      ++end;
    }
    if (end >= s_.size()) return false;
    out = s_.substr(start, end - start);
    pos_ = end + 1;
    return true;
  }
  // The extent of a JSON number at pos_ (RFC 8259 grammar); 0 if none.
  std::size_t NumberLength(bool& integral) const {
    std::size_t i = pos_;
    auto digits = [&] {
      const std::size_t from = i;
      while (i < s_.size() && s_[i] >= '0' && s_[i] <= '9') ++i;
      return i - from;
    };
    if (i < s_.size() && s_[i] == '-') ++i;
    if (i >= s_.size()) return 0;
    if (s_[i] == '0') {
      ++i;
    } else if (digits() == 0) {
      return 0;
    }
    integral = true;
    if (i < s_.size() && s_[i] == '.') {
      ++i;
      integral = false;
      if (digits() == 0) return 0;
    }
    if (i < s_.size() && (s_[i] == 'e' || s_[i] == 'E')) {
      ++i;
      integral = false;
      if (i < s_.size() && (s_[i] == '+' || s_[i] == '-')) ++i;
      if (digits() == 0) return 0;
    }
    return i - pos_;
  }
  bool Number(double& out) {
    SkipSpace();
    bool integral = false;
    const std::size_t n = NumberLength(integral);
    if (n == 0) return false;
    auto [ptr, ec] = std::from_chars(s_.data() + pos_, s_.data() + pos_ + n, out);
    if (ec != std::errc() || ptr != s_.data() + pos_ + n || !std::isfinite(out)) return false;
    // nlohmann reads "-0" as the integer 0: a plain 0.0 like the general path.
    if (integral && out == 0) out = 0.0;
    pos_ += n;
    return true;
  }
  bool Integer(std::int64_t& out) {
    SkipSpace();
    bool integral = false;
    const std::size_t n = NumberLength(integral);
    if (n == 0 || !integral) return false;
    auto [ptr, ec] = std::from_chars(s_.data() + pos_, s_.data() + pos_ + n, out);
    if (ec != std::errc() || ptr != s_.data() + pos_ + n) return false;
    pos_ += n;
    return true;
  }
  bool Data(std::vector<Point>& points) {
    if (!Eat('{')) return false;
    if (Eat('}')) return true;
    do {
      Point p{};
      if (!String(p.first) || !Eat(':')) return false;
      SkipSpace();
      if (s_.substr(pos_, 4) == "true") {
        p.second = 1.0;
        pos_ += 4;
      } else if (s_.substr(pos_, 5) == "false") {
        p.second = 0.0;
        pos_ += 5;
      } else if (!Number(p.second)) {
        return false;
      }
      points.push_back(p);
    } while (Eat(','));
    return Eat('}');
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string OversizedChannelLineError() {
  return "a line longer than the limit of " + std::to_string(kMaxChannelLineBytes) + " bytes";
}

bool MetricChannelParser::ParseFlatLog(std::string_view line, double now, ChannelLine& out) {
  std::optional<std::int64_t> step;
  std::optional<double> time;
  scratch_.clear();
  if (!FlatLogScanner(line).Scan(step, time, scratch_)) return false;
  // The general path reads "data" as a JSON object: keys in sorted order, a
  // repeated key once. Same order here; a repeated key is left to it.
  std::sort(scratch_.begin(), scratch_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 1; i < scratch_.size(); ++i)
    if (scratch_[i].first == scratch_[i - 1].first) return false;
  out.points.reserve(scratch_.size());
  for (const auto& [key, value] : scratch_) {
    out.points.push_back(MetricPoint{std::string(key), steps_.Next(key, step), value, time.value_or(now)});
  }
  return true;
}

ChannelLine MetricChannelParser::Parse(std::string_view line, double now) {
  ChannelLine out;
  std::size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return out;  // blank lines are harmless
  if (line.size() > kMaxChannelLineBytes) {
    out.bad = true;
    out.limit_error = OversizedChannelLineError();
    return out;
  }
  if (ParseFlatLog(line, now, out)) return out;
  if (Status bounded = CheckJsonLimits(line, kMaxChannelLineBytes); !bounded.ok()) {
    out.bad = true;
    out.limit_error = bounded.error().message;
    return out;
  }
  nlohmann::json doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) doc = nlohmann::json::parse(QuoteNonFiniteJsonLiterals(line), nullptr, false);
  auto type_it = doc.is_object() ? doc.find("t") : doc.end();
  if (!doc.is_object() || type_it == doc.end() || !type_it->is_string()) {
    out.bad = true;
    return out;
  }
  const std::string& type = type_it->get_ref<const std::string&>();
  if (IsPassedOnType(type)) {
    out.message = ChannelMessage{type, std::string(line.substr(first))};
    return out;
  }
  auto data = doc.find("data");
  if (type != "log" || data == doc.end() || !data->is_object()) {
    out.bad = true;
    return out;
  }
  std::optional<std::int64_t> step;
  if (auto s = doc.find("step"); s != doc.end() && s->is_number_integer()) step = s->get<std::int64_t>();
  double time = now;
  if (auto t = doc.find("time"); t != doc.end() && t->is_number()) time = t->get<double>();
  for (auto it = data->begin(); it != data->end(); ++it) {
    if (const std::optional<double> value = JsonMetricValue(*it)) {
      out.points.push_back(MetricPoint{it.key(), steps_.Next(it.key(), step), *value, time});
    }
  }
  return out;
}

}  // namespace sweep
