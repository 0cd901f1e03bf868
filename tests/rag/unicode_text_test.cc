#include "rag/unicode_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace suanli::rag {
namespace {

TEST(UnicodeTextTest, DecodesAndRejectsMalformedSequences) {
  char32_t cp = 0;
  EXPECT_EQ(DecodeUtf8At("\xE4\xB8\xAD", 0, &cp), 3u);
  EXPECT_EQ(cp, U'中');
  EXPECT_EQ(DecodeUtf8At("\xF0\x9F\x98\x80", 0, &cp), 4u);
  EXPECT_EQ(cp, U'😀');
  for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE4\xB8", "\x80", "\xFF"}) {
    EXPECT_EQ(DecodeUtf8At(bad, 0, &cp), 1u) << bad;
    EXPECT_EQ(cp, kReplacementChar);
  }
  EXPECT_EQ(SanitizeUtf8("a\xFF"
                         "b\xE4\xB8"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(CountCodePoints("a中\xFF😀"), 4u);
}

TEST(UnicodeTextTest, CharacterClasses) {
  EXPECT_TRUE(IsCjkChar(U'中'));
  EXPECT_TRUE(IsCjkChar(U'\U00020000'));
  EXPECT_TRUE(IsCjkChar(U'か'));
  EXPECT_TRUE(IsCjkChar(U'한'));
  EXPECT_FALSE(IsCjkChar(U'・'));
  EXPECT_FALSE(IsCjkChar(U'a'));
  EXPECT_TRUE(IsWordChar(U'é'));
  EXPECT_TRUE(IsWordChar(U'٣'));  // Arabic-Indic digit
  EXPECT_FALSE(IsWordChar(U'中'));
  EXPECT_FALSE(IsWordChar(U'-'));
  EXPECT_TRUE(IsWhiteSpace(U'\u3000'));
  EXPECT_FALSE(IsWhiteSpace(U'\u200B'));
}

TEST(UnicodeTextTest, NormalizationMapsEveryCharacterToItsOriginalBytes) {
  std::vector<NormalizedChar> chars;
  // Decomposed Hangul jamo compose into one syllable spanning all three.
  NormalizeForSearch("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB!", &chars);
  ASSERT_EQ(chars.size(), 2u);
  EXPECT_EQ(chars[0].cp, U'한');
  EXPECT_EQ(chars[0].begin, 0u);
  EXPECT_EQ(chars[0].end, 9u);
  EXPECT_EQ(chars[1].begin, 9u);
  // One character may become several (㍻ -> 平成), each pointing at it.
  NormalizeForSearch("㍻X", &chars);
  ASSERT_EQ(chars.size(), 3u);
  EXPECT_EQ(chars[0].cp, U'平');
  EXPECT_EQ(chars[1].cp, U'成');
  EXPECT_EQ(chars[1].end, 3u);
  EXPECT_EQ(chars[2].cp, U'x');
  // Ignorable characters vanish; invalid bytes stay as separators.
  NormalizeForSearch(
      "a\xC2\xAD"
      "b\xFF",
      &chars);
  ASSERT_EQ(chars.size(), 3u);
  EXPECT_EQ(chars[1].cp, U'b');
  EXPECT_EQ(chars[2].cp, kReplacementChar);
  EXPECT_EQ(chars[2].begin, 4u);
}

}  // namespace
}  // namespace suanli::rag
