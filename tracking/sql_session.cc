#include "tracking/sql_session.h"

#include <cstdio>
#include <cstdlib>

namespace sweep::sql {

std::int64_t AsInt(const SqlValue& v) { return v ? std::strtoll(v->c_str(), nullptr, 10) : 0; }

double AsDouble(const SqlValue& v) { return v ? std::strtod(v->c_str(), nullptr) : 0.0; }

std::string AsText(const SqlValue& v) { return v ? *v : std::string(); }

std::string IntParam(std::int64_t v) { return std::to_string(v); }

std::string DoubleParam(double v) {
  // 17 significant digits round-trip every double.
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

}  // namespace sweep::sql
