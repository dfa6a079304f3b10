// Result<T>: a value or an Error. Library code returns these instead of
// throwing across module boundaries, so the CLI can map failures to exit codes
// (2 = bad input, 1 = everything else) in one place.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sweep {

enum class ErrorCode {
  kInvalidInput,  // the user's spec, flag or argument is wrong: exit code 2
  kNotFound,      // a sweep or run id that does not exist: exit code 2
  kConflict,      // a claim lost a race (e.g. a grid point taken by another agent)
  kIo,            // filesystem, process or database failure: exit code 1
  kInternal,      // a broken invariant: exit code 1
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  static Error InvalidInput(std::string m) { return {ErrorCode::kInvalidInput, std::move(m)}; }
  static Error NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Error Conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
  static Error Io(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
  static Error Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }
};

// Holds either a T or an Error. Accessing the wrong alternative is a bug
// (asserted), so callers check ok() first.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}             // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}         // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<T>(data_); }
  const T& value() const& { assert(ok()); return std::get<T>(data_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<Error>(data_); }

 private:
  std::variant<T, Error> data_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace sweep
