#include "cli/client_format.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace suanli::cli {

namespace {

std::string Printf(const char* format, double value, const char* unit) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, value, unit);
  return buf;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ReadDigits(std::string_view text, size_t& pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// Ollama's humanDuration for a non-negative span.
std::string HumanDuration(int64_t ns) {
  const int64_t seconds = ns / 1000000000;
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return std::to_string(seconds) + " seconds";
  const int64_t minutes = seconds / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return std::to_string(minutes) + " minutes";
  const int64_t hours = std::llround(static_cast<double>(ns) / 3.6e12);
  if (hours == 1) return "About an hour";
  if (hours < 48) return std::to_string(hours) + " hours";
  if (hours < 24 * 7 * 2) return std::to_string(hours / 24) + " days";
  if (hours < 24 * 30 * 2) return std::to_string(hours / 24 / 7) + " weeks";
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24 / 30) + " months";
  return std::to_string(static_cast<int64_t>(static_cast<double>(ns) / 3.6e12 / 24 / 365)) + " years";
}

// Go's fmtFrac: ".123" for the `prec` low digits of v, trailing zeros (and
// the point) omitted.
std::string Fraction(uint64_t v, int prec) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    const int digit = static_cast<int>(v % 10);
    print = print || digit != 0;
    if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  return print ? "." + digits : "";
}

uint32_t DecodeUtf8(std::string_view text, size_t& i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 0;
  uint32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
  ++i;
  for (int k = 0; k < extra && i < text.size(); ++k, ++i) cp = (cp << 6) | (text[i] & 0x3F);
  return cp;
}

}  // namespace

std::string HumanBytes(int64_t b) {
  double value;
  const char* unit;
  if (b >= 1000LL * 1000 * 1000 * 1000) {
    value = b / 1e12;
    unit = "TB";
  } else if (b >= 1000LL * 1000 * 1000) {
    value = b / 1e9;
    unit = "GB";
  } else if (b >= 1000LL * 1000) {
    value = b / 1e6;
    unit = "MB";
  } else if (b >= 1000) {
    value = b / 1e3;
    unit = "KB";
  } else {
    return std::to_string(b) + " B";
  }
  if (value >= 10 || value == std::trunc(value)) return Printf("%.0f %s", std::trunc(value), unit);
  return Printf("%.1f %s", value, unit);
}

std::string HumanBytes2(uint64_t b) {
  constexpr double kKi = 1024.0, kMi = kKi * 1024, kGi = kMi * 1024;
  if (b >= kGi) return Printf("%.1f %s", b / kGi, "GiB");
  if (b >= kMi) return Printf("%.1f %s", b / kMi, "MiB");
  if (b >= kKi) return Printf("%.1f %s", b / kKi, "KiB");
  return std::to_string(b) + " B";
}

std::string HumanNumber(uint64_t n) {
  double value;
  const char* unit;
  if (n >= 1000000000000ULL) {
    value = n / 1e12;
    unit = "T";
  } else if (n >= 1000000000ULL) {
    value = n / 1e9;
    unit = "B";
  } else if (n >= 1000000ULL) {
    value = n / 1e6;
    unit = "M";
  } else if (n >= 1000ULL) {
    value = n / 1e3;
    unit = "K";
  } else {
    return std::to_string(n);
  }
  if (value >= 100) return Printf("%.0f%s", value, unit);
  if (value >= 10) return Printf("%.1f%s", value, unit);
  return Printf("%.2f%s", value, unit);
}

std::string GoDuration(int64_t d) {
  if (d == 0) return "0s";
  const bool negative = d < 0;
  uint64_t u = negative ? 0 - static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
  std::string out;
  if (u < 1000000000ULL) {
    if (u < 1000ULL) {
      out = std::to_string(u) + "ns";
    } else if (u < 1000000ULL) {
      out = std::to_string(u / 1000) + Fraction(u % 1000, 3) + "\xC2\xB5s";
    } else {
      out = std::to_string(u / 1000000) + Fraction(u % 1000000, 6) + "ms";
    }
  } else {
    out = Fraction(u % 1000000000ULL, 9) + "s";
    u /= 1000000000ULL;
    out = std::to_string(u % 60) + out;
    u /= 60;
    if (u > 0) {
      out = std::to_string(u % 60) + "m" + out;
      u /= 60;
      if (u > 0) out = std::to_string(u) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

std::optional<int64_t> ParseRfc3339(std::string_view text) {
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(text, pos, 4, year) || !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, month) ||
      !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) return std::nullopt;
  ++pos;
  if (!ReadDigits(text, pos, 2, hour) || !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, minute) ||
      !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 9; ++i) nanos *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!ReadDigits(text, pos, 2, oh) || !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, om)) {
      return std::nullopt;
    }
    offset_seconds = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  // Nanoseconds since 1970 fit in int64 only for 1678..2261.
  if (year < 1678) return INT64_MIN;
  if (year > 2261) return INT64_MAX;
  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * 1000000000LL + nanos;
}

std::string HumanTime(int64_t unix_ns, int64_t now_ns, const std::string& zero_value) {
  if (unix_ns == INT64_MIN) return zero_value;  // Go's zero time (year 1)
  const int64_t delta = now_ns - unix_ns;
  if (delta / 3600000000000LL / 24 / 365 < -20) return "Forever";
  if (delta < 0) return HumanDuration(-delta) + " from now";
  return HumanDuration(delta) + " ago";
}

int64_t NowUnixNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int DisplayWidth(std::string_view text) {
  int width = 0;
  size_t i = 0;
  while (i < text.size()) {
    const uint32_t cp = DecodeUtf8(text, i);
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
                      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
    const bool zero = (cp >= 0x0300 && cp <= 0x036F) || cp == 0x200B || cp == 0x200D || cp == 0xFE0F;
    width += zero ? 0 : wide ? 2 : 1;
  }
  return width;
}

std::string RenderTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<int> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - DisplayWidth(row[c]) + 4, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string TimingSummary(const nlohmann::json& chunk) {
  auto get = [&](const char* key) -> int64_t {
    auto it = chunk.find(key);
    return it != chunk.end() && it->is_number() ? it->get<int64_t>() : 0;
  };
  const int64_t total = get("total_duration"), load = get("load_duration");
  const int64_t prompt_count = get("prompt_eval_count"), prompt_duration = get("prompt_eval_duration");
  const int64_t eval_count = get("eval_count"), eval_duration = get("eval_duration");
  std::string out;
  char buf[128];
  if (total > 0) out += "total duration:       " + GoDuration(total) + "\n";
  if (load > 0) out += "load duration:        " + GoDuration(load) + "\n";
  if (prompt_count > 0) out += "prompt eval count:    " + std::to_string(prompt_count) + " token(s)\n";
  if (prompt_duration > 0) {
    out += "prompt eval duration: " + GoDuration(prompt_duration) + "\n";
    std::snprintf(buf, sizeof(buf), "prompt eval rate:     %.2f tokens/s\n",
                  static_cast<double>(prompt_count) / (static_cast<double>(prompt_duration) / 1e9));
    out += buf;
  }
  if (eval_count > 0) out += "eval count:           " + std::to_string(eval_count) + " token(s)\n";
  if (eval_duration > 0) {
    out += "eval duration:        " + GoDuration(eval_duration) + "\n";
    std::snprintf(buf, sizeof(buf), "eval rate:            %.2f tokens/s\n",
                  static_cast<double>(eval_count) / (static_cast<double>(eval_duration) / 1e9));
    out += buf;
  }
  return out;
}

}  // namespace suanli::cli
