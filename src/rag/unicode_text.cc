#include "rag/unicode_text.h"

#include <utf8proc.h>

#include <cstdint>

#include "base/utf8.h"

namespace suanli::rag {

namespace {

// Longest grapheme cluster normalised as one unit; a longer one (a run of
// stacked combining marks) is cut, which only coarsens its offsets.
constexpr size_t kMaxClusterBytes = 128;

bool InRange(char32_t cp, char32_t lo, char32_t hi) { return cp >= lo && cp <= hi; }

}  // namespace

size_t DecodeUtf8At(std::string_view text, size_t pos, char32_t* cp) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(pos);
  if (lead < 0x80) {
    *cp = lead;
    return 1;
  }
  int len = 0;
  char32_t value = 0;
  if ((lead & 0xE0) == 0xC0) {
    len = 2;
    value = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3;
    value = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4;
    value = lead & 0x07;
  }
  if (len == 0 || pos + len > text.size()) {
    *cp = kReplacementChar;
    return 1;
  }
  for (int k = 1; k < len; ++k) {
    const uint8_t c = byte(pos + k);
    if ((c & 0xC0) != 0x80) {
      *cp = kReplacementChar;
      return 1;
    }
    value = (value << 6) | (c & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kMin[len] || value > 0x10FFFF || InRange(value, 0xD800, 0xDFFF)) {
    *cp = kReplacementChar;
    return 1;
  }
  *cp = value;
  return static_cast<size_t>(len);
}

void AppendCodePoint(char32_t cp, std::string* out) { AppendUtf8(static_cast<uint32_t>(cp), out); }

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string SanitizeUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp;
    const size_t length = DecodeUtf8At(text, pos, &cp);
    if (cp == kReplacementChar && length == 1) {
      AppendCodePoint(kReplacementChar, &out);
    } else {
      out.append(text.substr(pos, length));
    }
    pos += length;
  }
  return out;
}

size_t CountCodePoints(std::string_view text) {
  size_t count = 0;
  char32_t cp;
  for (size_t pos = 0; pos < text.size(); pos += DecodeUtf8At(text, pos, &cp)) ++count;
  return count;
}

bool IsCjkChar(char32_t cp) {
  if (cp < 0x1100) return false;
  return InRange(cp, 0x4E00, 0x9FFF) || InRange(cp, 0x3400, 0x4DBF) || InRange(cp, 0xF900, 0xFAFF) ||
         InRange(cp, 0x20000, 0x3FFFF) ||  // extensions B and later, compatibility supplement
         InRange(cp, 0x2E80, 0x2FDF) ||    // radicals
         InRange(cp, 0x3005, 0x3007) || InRange(cp, 0x3021, 0x3029) || cp == 0x303B ||
         InRange(cp, 0x3041, 0x309F) ||                                   // hiragana
         (InRange(cp, 0x30A0, 0x30FF) && cp != 0x30FB) ||                 // katakana (not the middle dot)
         InRange(cp, 0x31F0, 0x31FF) || InRange(cp, 0x1B000, 0x1B16F) ||  // kana extensions
         InRange(cp, 0xAC00, 0xD7AF) || InRange(cp, 0x1100, 0x11FF) ||    // Hangul syllables, jamo
         InRange(cp, 0x3131, 0x318E) || InRange(cp, 0xA960, 0xA97F) || InRange(cp, 0xD7B0, 0xD7FF);
}

bool IsWordChar(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  }
  if (cp > 0x10FFFF || IsCjkChar(cp)) return false;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

bool IsWhiteSpace(char32_t cp) {
  return cp == ' ' || InRange(cp, 0x09, 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         InRange(cp, 0x2000, 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool IsGraphemeBreak(char32_t prev, char32_t next, int* state) {
  utf8proc_int32_t s = *state;
  const bool result =
      utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(prev), static_cast<utf8proc_int32_t>(next), &s);
  *state = s;
  return result;
}

void NormalizeForSearch(std::string_view text, std::vector<NormalizedChar>* out) {
  out->clear();
  out->reserve(text.size());
  const utf8proc_option_t options = static_cast<utf8proc_option_t>(
      UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
  std::vector<utf8proc_int32_t> buffer(64);
  const size_t n = text.size();
  size_t pos = 0;
  while (pos < n) {
    const uint8_t c = static_cast<uint8_t>(text[pos]);
    // ASCII followed by ASCII (or the end) is a cluster of its own.
    if (c < 0x80 && (pos + 1 == n || static_cast<uint8_t>(text[pos + 1]) < 0x80)) {
      const char32_t lower = (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
      out->push_back({lower, pos, pos + 1});
      ++pos;
      continue;
    }
    char32_t first;
    size_t end = pos + DecodeUtf8At(text, pos, &first);
    if (first == kReplacementChar && end == pos + 1 && c >= 0x80) {
      out->push_back({kReplacementChar, pos, end});
      pos = end;
      continue;
    }
    int state = 0;
    char32_t prev = first;
    while (end < n && end - pos < kMaxClusterBytes) {
      char32_t next;
      const size_t len = DecodeUtf8At(text, end, &next);
      if ((next == kReplacementChar && len == 1) || IsGraphemeBreak(prev, next, &state)) break;
      prev = next;
      end += len;
    }
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos);
    const auto length = static_cast<utf8proc_ssize_t>(end - pos);
    utf8proc_ssize_t count = utf8proc_decompose_custom(
        bytes, length, buffer.data(), static_cast<utf8proc_ssize_t>(buffer.size()), options, nullptr, nullptr);
    if (count > static_cast<utf8proc_ssize_t>(buffer.size())) {
      buffer.resize(static_cast<size_t>(count));
      count = utf8proc_decompose_custom(bytes, length, buffer.data(), count, options, nullptr, nullptr);
    }
    if (count > 0) count = utf8proc_normalize_utf32(buffer.data(), count, options);
    if (count < 0) {  // cannot happen for valid input; keep the text searchable as is
      out->push_back({first, pos, end});
    } else {
      for (utf8proc_ssize_t k = 0; k < count; ++k) out->push_back({static_cast<char32_t>(buffer[k]), pos, end});
    }
    pos = end;
  }
}

}  // namespace suanli::rag
