// Number and string literals of Go's template language.
#include "store/go_template_literals.h"

#include <cstdint>
#include <cstdlib>
#include <limits>

#include "base/utf8.h"

namespace suanli::store {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads one escape sequence after a backslash at s[*i]; appends its bytes.
// `quote` is the literal's quote character, the only quote escapable.
bool ReadEscape(std::string_view s, size_t* i, char quote, std::string* out, uint32_t* rune) {
  if (*i >= s.size()) return false;
  const char c = s[(*i)++];
  auto simple = [&](char v) {
    out->push_back(v);
    *rune = static_cast<unsigned char>(v);
    return true;
  };
  switch (c) {
    case 'a':
      return simple('\a');
    case 'b':
      return simple('\b');
    case 'f':
      return simple('\f');
    case 'n':
      return simple('\n');
    case 'r':
      return simple('\r');
    case 't':
      return simple('\t');
    case 'v':
      return simple('\v');
    case '\\':
      return simple('\\');
    case '\'':
    case '"':
      return c == quote && simple(c);
    case 'x':
    case 'u':
    case 'U': {
      const size_t n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
      if (*i + n > s.size()) return false;
      uint32_t v = 0;
      for (size_t k = 0; k < n; ++k) {
        const int d = HexDigit(s[*i + k]);
        if (d < 0) return false;
        v = v * 16 + static_cast<uint32_t>(d);
      }
      *i += n;
      *rune = v;
      if (c == 'x') {
        out->push_back(static_cast<char>(v));
        return true;
      }
      if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) return false;
      AppendUtf8(v, out);
      return true;
    }
    default: {
      if (c < '0' || c > '7' || *i + 2 > s.size()) return false;
      uint32_t v = static_cast<uint32_t>(c - '0');
      for (int k = 0; k < 2; ++k) {
        const char d = s[(*i)++];
        if (d < '0' || d > '7') return false;
        v = v * 8 + static_cast<uint32_t>(d - '0');
      }
      if (v > 255) return false;
      out->push_back(static_cast<char>(v));
      *rune = v;
      return true;
    }
  }
}

// Decodes the UTF-8 rune at s[*i].
uint32_t ReadRune(std::string_view s, size_t* i) {
  const auto c = static_cast<unsigned char>(s[*i]);
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (*i + n > s.size()) n = 1;
  uint32_t r = n == 1 ? c : c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) r = r << 6 | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  *i += n;
  return r;
}

}  // namespace

StatusOr<std::string> UnquoteGoString(std::string_view text) {
  const Status bad = InvalidArgumentError("invalid syntax");
  if (text.size() < 2 || text.front() != text.back()) return bad;
  std::string_view body = text.substr(1, text.size() - 2);
  std::string out;
  if (text.front() == '`') {
    for (char c : body) {
      if (c != '\r') out.push_back(c);
    }
    return out;
  }
  if (text.front() != '"') return bad;
  for (size_t i = 0; i < body.size();) {
    if (body[i] == '"' || body[i] == '\n') return bad;
    if (body[i] != '\\') {
      out.push_back(body[i++]);
      continue;
    }
    ++i;
    uint32_t rune = 0;
    if (!ReadEscape(body, &i, '"', &out, &rune)) return bad;
  }
  return out;
}

StatusOr<TemplateValue> ParseNumberLiteral(std::string_view text, bool is_char_constant) {
  std::string quoted;  // %q of the literal, for messages
  quoted.reserve(text.size() + 2);
  quoted.push_back('"');
  quoted.append(text);
  quoted.push_back('"');
  if (is_char_constant) {
    const Status bad = InvalidArgumentError("malformed character constant: " + std::string(text));
    if (text.size() < 3 || text.front() != '\'' || text.back() != '\'') return bad;
    std::string_view body = text.substr(1, text.size() - 2);
    size_t i = 0;
    uint32_t rune = 0;
    std::string ignored;
    if (body[0] == '\\') {
      ++i;
      if (!ReadEscape(body, &i, '\'', &ignored, &rune)) return bad;
    } else {
      rune = ReadRune(body, &i);
    }
    if (i != body.size()) return bad;
    return TemplateValue::Int(rune);
  }
  if (!text.empty() && text.back() == 'i') return InvalidArgumentError("complex numbers are not supported");
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  std::string_view digits = s;
  if (s.size() > 1 && s[0] == '0') {
    const char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x' || p == 'o' || p == 'b') {
      base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
      digits = s.substr(2);
    } else {
      base = 8;
      digits = s.substr(1);
    }
  }
  bool integer = !digits.empty();
  uint64_t value = 0;
  bool overflow = false;
  for (char c : digits) {
    if (c == '_') continue;
    const int d = HexDigit(c);
    if (d < 0 || d >= base) {
      integer = false;
      break;
    }
    if (value > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      overflow = true;
    }
    value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (integer) {
    if (overflow) return InvalidArgumentError("integer overflow: " + quoted);
    if (negative && value <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) {
      return TemplateValue::Int(static_cast<int64_t>(0 - value));
    }
    if (!negative && value <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return TemplateValue::Int(static_cast<int64_t>(value));
    }
    return InvalidArgumentError(std::string(text) + " overflows int");
  }
  std::string clean;
  for (char c : text) {
    if (c != '_') clean.push_back(c);
  }
  char* end = nullptr;
  const double f = std::strtod(clean.c_str(), &end);
  if (clean.empty() || end != clean.c_str() + clean.size()) {
    return InvalidArgumentError("illegal number syntax: " + quoted);
  }
  return TemplateValue::Float(f);
}

}  // namespace suanli::store
