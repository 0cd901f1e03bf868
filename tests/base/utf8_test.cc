#include "base/utf8.h"

#include <gtest/gtest.h>

namespace suanli {
namespace {

TEST(Utf8Test, IncompleteSuffix) {
  const std::string zhong = "\xE4\xB8\xAD";  // 中
  EXPECT_EQ(IncompleteUtf8Suffix("abc"), 0u);
  EXPECT_EQ(IncompleteUtf8Suffix(zhong), 0u);
  EXPECT_EQ(IncompleteUtf8Suffix(zhong.substr(0, 1)), 1u);
  EXPECT_EQ(IncompleteUtf8Suffix("a" + zhong.substr(0, 2)), 2u);
  const std::string emoji = "\xF0\x9F\x98\x80";
  EXPECT_EQ(IncompleteUtf8Suffix(emoji.substr(0, 3)), 3u);
  EXPECT_EQ(IncompleteUtf8Suffix(emoji), 0u);
  EXPECT_EQ(IncompleteUtf8Suffix(""), 0u);
}

TEST(Utf8Test, Validity) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xE4\xB8\xAD\xE6\x96\x87"));
  EXPECT_FALSE(IsValidUtf8("\xE4\xB8"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
}

TEST(Utf8Test, SafePrefixNeverSplits) {
  const std::string text = "a\xE4\xB8\xAD" "b";
  EXPECT_EQ(Utf8SafePrefix(text, 2), 1u);
  EXPECT_EQ(Utf8SafePrefix(text, 4), 4u);
  EXPECT_EQ(Utf8SafePrefix(text, 100), text.size());
}

}  // namespace
}  // namespace suanli
