#include "base/duration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace suanli {

StatusOr<int64_t> ParseGoDuration(const std::string& text) {
  auto bad = [&] { return InvalidArgumentError("invalid duration \"" + text + "\""); };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  if (text.substr(i) == "0") return int64_t{0};
  if (i >= text.size()) return bad();
  long double total = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == start) return bad();
    const std::string number = text.substr(start, i - start);
    if (std::count(number.begin(), number.end(), '.') > 1 || number == ".") return bad();
    long double value = std::strtold(text.substr(start, i - start).c_str(), nullptr);
    size_t unit_start = i;
    while (i < text.size() && !isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
    const std::string unit = text.substr(unit_start, i - unit_start);
    long double scale;
    if (unit == "ns") scale = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else if (unit == "m") scale = 60e9;
    else if (unit == "h") scale = 3600e9;
    else return bad();
    total += value * scale;
  }
  if (total > 9.2e18L) return bad();
  int64_t ns = static_cast<int64_t>(total);
  return negative ? -ns : ns;
}

std::string FormatGoDuration(int64_t ns) {
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  const double v = std::fabs(static_cast<double>(ns));
  char buf[64];
  auto trim = [](std::string s) {
    if (s.find('.') != std::string::npos) {
      while (!s.empty() && s.back() == '0') s.pop_back();
      if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
  };
  if (v < 1e3) {
    std::snprintf(buf, sizeof(buf), "%.0fns", v);
    return sign + buf;
  }
  if (v < 1e6) {
    std::snprintf(buf, sizeof(buf), "%.3f", v / 1e3);
    return sign + trim(buf) + "\xC2\xB5s";
  }
  if (v < 1e9) {
    std::snprintf(buf, sizeof(buf), "%.6f", v / 1e6);
    return sign + trim(buf) + "ms";
  }
  int64_t total = static_cast<int64_t>(v);
  int64_t hours = total / 3600000000000LL;
  total -= hours * 3600000000000LL;
  int64_t minutes = total / 60000000000LL;
  total -= minutes * 60000000000LL;
  std::snprintf(buf, sizeof(buf), "%.9f", total / 1e9);
  std::string out = sign;
  if (hours) out += std::to_string(hours) + "h";
  if (hours || minutes) out += std::to_string(minutes) + "m";
  return out + trim(buf) + "s";
}

std::string FormatRfc3339Nano(std::chrono::system_clock::time_point t) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ns / 1000000000LL);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof(frac), ".%09lld", static_cast<long long>(ns % 1000000000LL));
  return std::string(buf) + frac + "Z";
}

}  // namespace suanli
