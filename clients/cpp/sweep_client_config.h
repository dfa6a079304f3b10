// sweep_client_config.h: the trial's parameters, read from SWEEP_PARAMS_FILE.
//
// A deliberately small JSON reader: objects, numbers, strings, booleans and
// null; arrays are skipped. Nested objects flatten to dotted keys
// ({"model": {"depth": 4}} -> "model.depth"), which is all a trial needs to
// look its parameters up.
#pragma once

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

namespace sweep_client {

struct Value {
  enum class Kind { kNumber, kString, kBool };
  Kind kind = Kind::kNumber;
  double number = 0;
  std::string text;
  bool flag = false;
};

class Config {
 public:
  Config() = default;
  explicit Config(std::map<std::string, Value> values) : values_(std::move(values)) {}

  bool Has(const std::string& key) const { return values_.count(key) > 0; }
  const std::map<std::string, Value>& values() const { return values_; }

  // Numbers and booleans (1/0) read as numbers; anything else gives `fallback`.
  double GetDouble(const std::string& key, double fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    if (it->second.kind == Value::Kind::kNumber) return it->second.number;
    if (it->second.kind == Value::Kind::kBool) return it->second.flag ? 1.0 : 0.0;
    return fallback;
  }
  long long GetInt(const std::string& key, long long fallback) const {
    auto it = values_.find(key);
    if (it == values_.end() || it->second.kind == Value::Kind::kString) return fallback;
    return std::llround(GetDouble(key, static_cast<double>(fallback)));
  }
  std::string GetString(const std::string& key, const std::string& fallback) const {
    auto it = values_.find(key);
    return it != values_.end() && it->second.kind == Value::Kind::kString ? it->second.text : fallback;
  }
  bool GetBool(const std::string& key, bool fallback) const {
    auto it = values_.find(key);
    if (it == values_.end() || it->second.kind == Value::Kind::kString) return fallback;
    return it->second.kind == Value::Kind::kBool ? it->second.flag : it->second.number != 0;
  }

 private:
  std::map<std::string, Value> values_;
};

namespace detail {

class JsonReader {
 public:
  explicit JsonReader(std::string text) : text_(std::move(text)) {}

  // Flattened values of the top-level object, or nullopt on malformed input.
  std::optional<std::map<std::string, Value>> ReadObject() {
    std::map<std::string, Value> out;
    SkipSpace();
    if (!ParseObject("", &out)) return std::nullopt;
    SkipSpace();
    if (pos_ != text_.size()) return std::nullopt;
    return out;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool ConsumeWord(const char* word) {
    size_t n = std::char_traits<char>::length(word);
    if (text_.compare(pos_, n, word) != 0) return false;
    pos_ += n;
    return true;
  }

  bool ParseObject(const std::string& prefix, std::map<std::string, Value>* out) {
    if (!Consume('{')) return false;
    if (Consume('}')) return true;
    do {
      std::string key;
      SkipSpace();
      if (!ParseString(&key) || !Consume(':')) return false;
      if (!ParseValue(prefix + key, out)) return false;
    } while (Consume(','));
    return Consume('}');
  }

  bool ParseArray() {  // parsed for syntax, values discarded
    if (!Consume('[')) return false;
    if (Consume(']')) return true;
    std::map<std::string, Value> ignored;
    do {
      if (!ParseValue("", &ignored)) return false;
    } while (Consume(','));
    return Consume(']');
  }

  bool ParseValue(const std::string& key, std::map<std::string, Value>* out) {
    SkipSpace();
    if (pos_ >= text_.size()) return false;
    char c = text_[pos_];
    Value value;
    if (c == '{') return ParseObject(key + ".", out);
    if (c == '[') return ParseArray();
    if (c == '"') {
      value.kind = Value::Kind::kString;
      if (!ParseString(&value.text)) return false;
    } else if (ConsumeWord("true")) {
      value.kind = Value::Kind::kBool;
      value.flag = true;
    } else if (ConsumeWord("false")) {
      value.kind = Value::Kind::kBool;
      value.flag = false;
    } else if (ConsumeWord("null")) {
      return true;
    } else if (!ParseNumber(&value.number)) {
      return false;
    }
    (*out)[key] = value;
    return true;
  }

  bool ParseNumber(double* number) {
    // strtod also reads NaN/Infinity, which Python's json writes.
    const char* start = text_.c_str() + pos_;
    char* end = nullptr;
    *number = std::strtod(start, &end);
    if (end == start) return false;
    pos_ += static_cast<size_t>(end - start);
    return true;
  }

  bool ParseString(std::string* out) {
    if (pos_ >= text_.size() || text_[pos_] != '"') return false;
    ++pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        *out += c;
        continue;
      }
      if (pos_ >= text_.size()) return false;
      char escaped = text_[pos_++];
      switch (escaped) {
        case 'n': *out += '\n'; break;
        case 't': *out += '\t'; break;
        case 'r': *out += '\r'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'u': if (!ParseUnicodeEscape(out)) return false; break;
        default: *out += escaped;  // \" \\ \/
      }
    }
    return false;
  }

  // \uXXXX as UTF-8 (surrogate pairs are not combined: parameter names are ASCII in practice).
  bool ParseUnicodeEscape(std::string* out) {
    constexpr size_t kHexDigits = 4;
    if (pos_ + kHexDigits > text_.size()) return false;
    unsigned code = static_cast<unsigned>(std::strtoul(text_.substr(pos_, kHexDigits).c_str(), nullptr, 16));
    pos_ += kHexDigits;
    if (code < 0x80) {
      *out += static_cast<char>(code);
    } else if (code < 0x800) {
      *out += static_cast<char>(0xC0 | (code >> 6));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      *out += static_cast<char>(0xE0 | (code >> 12));
      *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (code & 0x3F));
    }
    return true;
  }

  std::string text_;
  size_t pos_ = 0;
};

// The parameters in `path`; nullopt (and a message in *error) when unreadable or malformed.
inline std::optional<Config> ReadConfigFile(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot open " + path;
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto values = JsonReader(text.str()).ReadObject();
  if (!values) {
    *error = path + " is not a JSON object this reader understands";
    return std::nullopt;
  }
  return Config(std::move(*values));
}

}  // namespace detail
}  // namespace sweep_client
