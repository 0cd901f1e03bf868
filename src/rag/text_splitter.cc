#include "rag/text_splitter.h"

#include <limits>

#include "rag/unicode_text.h"

namespace suanli::rag {

namespace {

constexpr size_t kNoBreak = std::numeric_limits<size_t>::max();

bool IsSentenceEnd(char32_t cp) {
  switch (cp) {
    case U'。':
    case U'！':
    case U'？':
    case U'；':
    case U'!':
    case U'?':
    case U';':
    case U'…':
    case U'‼':
    case U'⁇':
    case U'⁈':
    case U'⁉':
    case U'｡':
    case U'\n':
    case U'\r':
    case 0x2028:
      return true;
    default:
      return false;
  }
}

bool IsFullStop(char32_t cp) { return cp == '.' || cp == U'．'; }

// Closing quotes and brackets that stay with the sentence they end.
bool IsClosing(char32_t cp) {
  switch (cp) {
    case U'”':
    case U'’':
    case U'」':
    case U'』':
    case U'）':
    case U')':
    case U']':
    case U'】':
    case U'》':
    case U'〉':
    case U'〕':
    case U'］':
    case U'"':
    case U'\'':
    case U'»':
    case U'›':
      return true;
    default:
      return false;
  }
}

bool IsClauseMark(char32_t cp) {
  return cp == U'，' || cp == U'、' || cp == U'：' || cp == U'﹐' || cp == U'﹑' || cp == U'︰';
}

size_t SkipSpaces(const std::vector<char32_t>& text, size_t i, size_t end) {
  while (i < end && IsWhiteSpace(text[i])) ++i;
  return i;
}

bool SpaceOrEnd(const std::vector<char32_t>& text, size_t i, size_t end) { return i == end || IsWhiteSpace(text[i]); }

// Each returns where the piece ending with a separator that starts at `i`
// ends, or kNoBreak.
size_t ParagraphBreak(const std::vector<char32_t>& text, size_t i, size_t end) {
  if (text[i] == 0x2029) return SkipSpaces(text, i + 1, end);
  if (text[i] != '\n') return kNoBreak;
  size_t j = i + 1;
  while (j < end && text[j] != '\n' && IsWhiteSpace(text[j])) ++j;
  if (j == end || text[j] != '\n') return kNoBreak;
  return SkipSpaces(text, j, end);
}

size_t SentenceBreak(const std::vector<char32_t>& text, size_t i, size_t end) {
  size_t j = i + 1;
  if (IsSentenceEnd(text[i])) {
    while (j < end && (IsSentenceEnd(text[j]) || IsFullStop(text[j]))) ++j;
    while (j < end && IsClosing(text[j])) ++j;
  } else if (IsFullStop(text[i])) {  // "end. Next", not "3.14" or "node.js"
    while (j < end && IsFullStop(text[j])) ++j;
    while (j < end && IsClosing(text[j])) ++j;
    if (!SpaceOrEnd(text, j, end)) return kNoBreak;
  } else {
    return kNoBreak;
  }
  return SkipSpaces(text, j, end);
}

size_t ClauseBreak(const std::vector<char32_t>& text, size_t i, size_t end) {
  const char32_t cp = text[i];
  // ASCII comma and colon only before a space: not "1,000", "10:30" or "http://".
  if (IsClauseMark(cp) || ((cp == ',' || cp == ':') && SpaceOrEnd(text, i + 1, end))) {
    return SkipSpaces(text, i + 1, end);
  }
  return kNoBreak;
}

size_t WordBreak(const std::vector<char32_t>& text, size_t i, size_t end) {
  return IsWhiteSpace(text[i]) ? SkipSpaces(text, i, end) : kNoBreak;
}

size_t BreakAt(SplitLevel level, const std::vector<char32_t>& text, size_t i, size_t end) {
  switch (level) {
    case SplitLevel::kParagraph:
      return ParagraphBreak(text, i, end);
    case SplitLevel::kSentence:
      return SentenceBreak(text, i, end);
    case SplitLevel::kClause:
      return ClauseBreak(text, i, end);
    case SplitLevel::kWord:
      return WordBreak(text, i, end);
    default:
      return kNoBreak;
  }
}

bool AllSpace(const std::vector<char32_t>& text, TextRange range) {
  for (size_t i = range.begin; i < range.end; ++i) {
    if (!IsWhiteSpace(text[i])) return false;
  }
  return true;
}

std::vector<TextRange> Graphemes(const std::vector<char32_t>& text, TextRange range) {
  std::vector<TextRange> pieces;
  int state = 0;
  size_t start = range.begin;
  for (size_t i = range.begin + 1; i < range.end; ++i) {
    if (IsGraphemeBreak(text[i - 1], text[i], &state)) {
      pieces.push_back({start, i});
      start = i;
    }
  }
  if (start < range.end) pieces.push_back({start, range.end});
  return pieces;
}

}  // namespace

std::vector<TextRange> SplitRange(const std::vector<char32_t>& text, TextRange range, SplitLevel level) {
  std::vector<TextRange> pieces;
  if (range.begin >= range.end) return pieces;
  if (level == SplitLevel::kCodePoint) {
    for (size_t i = range.begin; i < range.end; ++i) pieces.push_back({i, i + 1});
    return pieces;
  }
  if (level == SplitLevel::kGrapheme) {
    pieces = Graphemes(text, range);
  } else {
    size_t start = range.begin;
    size_t i = range.begin;
    while (i < range.end) {
      const size_t stop = BreakAt(level, text, i, range.end);
      if (stop == kNoBreak) {
        ++i;
        continue;
      }
      pieces.push_back({start, stop});
      start = i = stop;
    }
    if (start < range.end) pieces.push_back({start, range.end});
  }
  // White space alone is joined to the piece before it (or, at the start, after it).
  std::vector<TextRange> joined;
  size_t carried = kNoBreak;
  for (TextRange piece : pieces) {
    if (AllSpace(text, piece)) {
      if (!joined.empty()) {
        joined.back().end = piece.end;
      } else if (carried == kNoBreak) {
        carried = piece.begin;
      }
      continue;
    }
    if (carried != kNoBreak) {
      piece.begin = carried;
      carried = kNoBreak;
    }
    joined.push_back(piece);
  }
  if (carried != kNoBreak) joined.push_back({carried, range.end});
  return joined;
}

}  // namespace suanli::rag
