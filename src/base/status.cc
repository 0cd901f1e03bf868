#include "base/status.h"

namespace suanli {

namespace {
struct CodeName {
  StatusCode code;
  const char* name;
};
constexpr CodeName kNames[] = {
    {StatusCode::kOk, "ok"},
    {StatusCode::kInvalidArgument, "invalid_argument"},
    {StatusCode::kNotFound, "not_found"},
    {StatusCode::kAlreadyExists, "already_exists"},
    {StatusCode::kCancelled, "cancelled"},
    {StatusCode::kResourceExhausted, "resource_exhausted"},
    {StatusCode::kUnavailable, "unavailable"},
    {StatusCode::kDeadlineExceeded, "deadline_exceeded"},
    {StatusCode::kInternal, "internal"},
};
}  // namespace

const char* StatusCodeName(StatusCode code) {
  for (const auto& entry : kNames) {
    if (entry.code == code) return entry.name;
  }
  return "internal";
}

StatusCode StatusCodeFromName(const std::string& name) {
  for (const auto& entry : kNames) {
    if (name == entry.name) return entry.code;
  }
  return StatusCode::kInternal;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace suanli
