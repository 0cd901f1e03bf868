// Durations and timestamps in Ollama's formats: Go duration strings
// ("5m", "1h30m", "-1s", "300ms"), keep_alive values (number of seconds or a
// duration string), RFC 3339 timestamps with nanoseconds. Pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "base/status.h"

namespace suanli {

// Parses a Go duration string into nanoseconds. "0" is accepted; a number
// without a unit is not (as in Go). InvalidArgument on anything else.
StatusOr<int64_t> ParseGoDuration(const std::string& text);
// Formats nanoseconds the way Go's Duration.String() does ("1.5s", "12ms").
std::string FormatGoDuration(int64_t ns);
// "2026-11-29T01:02:03.123456789Z" (UTC).
std::string FormatRfc3339Nano(std::chrono::system_clock::time_point t);

}  // namespace suanli
