// How the client commands render numbers, sizes, times and tables, matching
// Ollama's CLI (format.HumanBytes, time.Duration.String, tablewriter, the
// --verbose timing block). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace suanli::cli {

// Decimal units as Ollama lists sizes: "512 B", "1.5 KB", "397 MB", "12 GB".
std::string HumanBytes(int64_t bytes);
// Binary units for transfer progress: "1.2 MiB".
std::string HumanBytes2(uint64_t bytes);
// Parameter counts: "494.03M", "8.0B".
std::string HumanNumber(uint64_t n);

// Go's time.Duration.String(): "0s", "850ns", "1.5µs", "12.3ms", "1.234567s",
// "2m3.5s", "1h0m0s".
std::string GoDuration(int64_t nanoseconds);

// RFC 3339 (with optional fraction and zone) to nanoseconds since the Unix
// epoch; nullopt when malformed. Dates before 1678 (Go's zero time, year 1)
// give INT64_MIN, dates after 2261 INT64_MAX.
std::optional<int64_t> ParseRfc3339(std::string_view text);
// Ollama's format.HumanTime: "2 minutes ago", "4 minutes from now",
// "Forever" (more than 20 years ahead); `zero_value` for INT64_MIN.
std::string HumanTime(int64_t unix_ns, int64_t now_ns, const std::string& zero_value);
int64_t NowUnixNanos();

// Display width of UTF-8 text in terminal columns (CJK counts 2).
int DisplayWidth(std::string_view text);
// Columns padded to their widest cell and separated by 4 spaces, as Ollama's
// tables; trailing spaces removed; every row ends with "\n".
std::string RenderTable(const std::vector<std::vector<std::string>>& rows);

// The --verbose block of a final chunk, one line per nonzero metric (§13).
std::string TimingSummary(const nlohmann::json& final_chunk);

}  // namespace suanli::cli
