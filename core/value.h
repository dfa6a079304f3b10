// Value: a parameter value as a W&B sweep spec can express it (null, bool,
// integer, float, string, and lists/maps of those). Immutable value type;
// cheap enough to copy for configurations of a few dozen parameters.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace sweep {

class Value;
using ValueList = std::vector<Value>;
// Maps keep insertion order: a config prints in the order the spec wrote it.
using ValueMap = std::vector<std::pair<std::string, Value>>;

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kList, kMap };

  Value() = default;
  Value(std::nullptr_t) {}                                          // NOLINT
  Value(bool b) : data_(b) {}                                       // NOLINT
  Value(int i) : data_(static_cast<std::int64_t>(i)) {}             // NOLINT
  Value(std::int64_t i) : data_(i) {}                               // NOLINT
  Value(double d) : data_(d) {}                                     // NOLINT
  Value(const char* s) : data_(std::string(s)) {}                   // NOLINT
  Value(std::string s) : data_(std::move(s)) {}                     // NOLINT
  Value(ValueList l) : data_(std::move(l)) {}                       // NOLINT
  Value(ValueMap m) : data_(std::move(m)) {}                        // NOLINT

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_double() const { return kind() == Kind::kDouble; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_map() const { return kind() == Kind::kMap; }

  bool as_bool() const { return std::get<bool>(data_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(data_); }
  double as_double() const { return std::get<double>(data_); }
  // Integer or float as double; precondition: is_number().
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_double(); }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const ValueList& as_list() const { return std::get<ValueList>(data_); }
  const ValueMap& as_map() const { return std::get<ValueMap>(data_); }

  // Member lookup in a map value; nullptr when absent or not a map.
  const Value* find(const std::string& key) const;

  // Structural equality; 1 and 1.0 are different values (W&B keeps the type).
  friend bool operator==(const Value& a, const Value& b) { return a.data_ == b.data_; }

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, ValueList, ValueMap> data_;
};

// Formats a double the way Python's repr() does (shortest round-trip digits,
// scientific below 1e-4 and from 1e16, "1.0" not "1", "inf", "nan"), so a
// value passed as --lr=<text> reads back bit-identical through argparse.
std::string FormatPythonFloat(double d);

// Formats a value as Python's str() would for command-line arguments:
// True/False, None, repr floats, raw strings; lists and maps as Python literals.
std::string FormatPythonArg(const Value& v);

}  // namespace sweep
