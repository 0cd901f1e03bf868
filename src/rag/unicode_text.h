// Unicode helpers shared by the rag text code: tolerant UTF-8 decoding (an
// invalid byte decodes as one U+FFFD one byte long), character classes (CJK,
// word characters, white space) and search normalisation (NFKC + case folding
// per grapheme cluster, each output character mapped back to the bytes of the
// original it came from). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace suanli::rag {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the character starting at byte `pos` (< text.size()) into `*cp` and
// returns its length in bytes (1 to 4). An invalid, overlong, surrogate or
// truncated sequence is one byte long and decodes to kReplacementChar.
size_t DecodeUtf8At(std::string_view text, size_t pos, char32_t* cp);

// Appends `cp` encoded as UTF-8.
void AppendCodePoint(char32_t cp, std::string* out);

// `text` with every invalid byte replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view text);

// `text` with ASCII letters lower-cased (other bytes unchanged).
std::string AsciiLower(std::string_view text);

// Number of code points in `text` (an invalid byte counts as one).
size_t CountCodePoints(std::string_view text);

// Han ideographs (U+4E00-9FFF, U+3400-4DBF, U+F900-FAFF, U+20000-3FFFF, radicals,
// iteration marks), kana and Hangul: scripts written without spaces between
// words, indexed as character bigrams.
bool IsCjkChar(char32_t cp);

// Letters, combining marks and numbers that are not CJK: the characters of
// Latin-style words (any script that separates words with spaces).
bool IsWordChar(char32_t cp);

// Unicode White_Space (ASCII blanks, NBSP, the U+2000 spaces, U+3000, line and
// paragraph separators).
bool IsWhiteSpace(char32_t cp);

// True when a grapheme cluster boundary lies between `prev` and `next`;
// `state` starts at 0 for each text and is carried between calls.
bool IsGraphemeBreak(char32_t prev, char32_t next, int* state);

// One character of normalised text and the byte range [begin, end) of the
// original grapheme cluster it was produced from.
struct NormalizedChar {
  char32_t cp;
  size_t begin;
  size_t end;
};

// NFKC + case folding, applied per grapheme cluster so that every output
// character knows its original bytes (full-width "ＡＢＣ１２３" gives "abc123",
// each character mapped to its 3 original bytes). Default-ignorable characters
// (soft hyphen, zero-width joiners, variation selectors) are dropped; invalid
// bytes become kReplacementChar (a separator for the analyzer).
void NormalizeForSearch(std::string_view utf8, std::vector<NormalizedChar>* out);

}  // namespace suanli::rag
