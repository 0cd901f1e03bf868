// Status and StatusOr<T>: errors as values across the whole code base.
// A Status is a code plus a lower-case message that says what failed and what
// to do; it never carries absolute paths. Thread-safety: value types, no
// shared state.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace suanli {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // HTTP 400
  kNotFound,           // 404
  kAlreadyExists,      // 409
  kCancelled,          // 499
  kResourceExhausted,  // 503
  kUnavailable,        // 503
  kDeadlineExceeded,   // 504
  kInternal,           // 500
};

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: message" style rendering for logs.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status CancelledError(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceededError(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Name of a code as used on the wire between processes ("not_found").
const char* StatusCodeName(StatusCode code);
// Inverse of StatusCodeName; unknown names map to kInternal.
StatusCode StatusCodeFromName(const std::string& name);
// The one mapping of codes to HTTP statuses: InvalidArgument 400, NotFound
// 404, AlreadyExists 409, Cancelled 499, ResourceExhausted and Unavailable
// 503, DeadlineExceeded 504, Internal 500 (OK 200).
int HttpStatusFor(const Status& status);

// Holds either a value or a non-OK Status.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = InternalError("StatusOr built from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return std::move(*value_); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace suanli

#define SUANLI_CONCAT_INNER(a, b) a##b
#define SUANLI_CONCAT(a, b) SUANLI_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::suanli::Status suanli_status_ = (expr);      \
    if (!suanli_status_.ok()) return suanli_status_; \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(SUANLI_CONCAT(suanli_statusor_, __LINE__), lhs, expr)
