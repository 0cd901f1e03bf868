#include "rag/analyzer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "base/utf8.h"

namespace suanli::rag {
namespace {

std::vector<std::string> Texts(const std::vector<Term>& terms) {
  std::vector<std::string> texts;
  for (const Term& term : terms) texts.push_back(term.text);
  return texts;
}

std::vector<std::string> Analyze(std::string_view text, AnalyzerOptions options = {}) {
  return Texts(AnalyzeText(text, options));
}

// The bytes of the original input a term points at.
std::string Source(std::string_view input, const Term& term) {
  return std::string(input.substr(term.begin, term.end - term.begin));
}

TEST(AnalyzerTest, CjkRunsBecomeOverlappingBigrams) {
  const std::string text = "香港第六届立法会";
  const std::vector<Term> terms = AnalyzeText(text);
  EXPECT_EQ(Texts(terms), (std::vector<std::string>{"香港", "港第", "第六", "六届", "届立", "立法", "法会"}));
  for (size_t i = 0; i < terms.size(); ++i) {
    EXPECT_EQ(terms[i].begin, 3 * i);
    EXPECT_EQ(terms[i].end, 3 * i + 6);
    EXPECT_EQ(Source(text, terms[i]), terms[i].text);
    EXPECT_FALSE(terms[i].colocated);
  }
}

TEST(AnalyzerTest, LoneCjkCharacterIsItsOwnTerm) {
  EXPECT_EQ(Analyze("我 是"), (std::vector<std::string>{"我", "是"}));
  EXPECT_EQ(Analyze("a中b"), (std::vector<std::string>{"a", "中", "b"}));
  EXPECT_EQ(Analyze("（好）"), (std::vector<std::string>{"好"}));
}

TEST(AnalyzerTest, UnigramsAreColocatedWithTheirBigrams) {
  AnalyzerOptions options;
  options.cjk_unigrams = true;
  const std::vector<Term> terms = AnalyzeText("立法会", options);
  EXPECT_EQ(Texts(terms), (std::vector<std::string>{"立", "立法", "法", "法会", "会"}));
  EXPECT_FALSE(terms[0].colocated);
  EXPECT_TRUE(terms[1].colocated);
  EXPECT_FALSE(terms[2].colocated);
  EXPECT_TRUE(terms[3].colocated);
  EXPECT_EQ(Analyze("我", options), (std::vector<std::string>{"我"}));
}

TEST(AnalyzerTest, MixedScripts) {
  EXPECT_EQ(Analyze("RTX 3090显卡的性能"), (std::vector<std::string>{"rtx", "3090", "显卡", "卡的", "的性", "性能"}));
  EXPECT_EQ(Analyze("GPU显卡"), (std::vector<std::string>{"gpu", "显卡"}));
  EXPECT_EQ(Analyze("東京タワーに行く"),
            (std::vector<std::string>{"東京", "京タ", "タワ", "ワー", "ーに", "に行", "行く"}));
  EXPECT_EQ(Analyze("한국어 사전"), (std::vector<std::string>{"한국", "국어", "사전"}));
  EXPECT_EQ(Analyze("Москва café"), (std::vector<std::string>{"москва", "café"}));
}

TEST(AnalyzerTest, NfkcFoldsFullWidthForms) {
  const std::string text = "ＡＢＣ１２３";
  const std::vector<Term> terms = AnalyzeText(text);
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_EQ(terms[0].text, "abc123");
  EXPECT_EQ(terms[0].begin, 0u);
  EXPECT_EQ(terms[0].end, text.size());
  // Half-width katakana become full-width; the ligature ﬁ becomes "fi".
  EXPECT_EQ(Analyze("ｶﾀｶﾅ"), (std::vector<std::string>{"カタ", "タカ", "カナ"}));
  AnalyzerOptions no_stem;
  no_stem.stem_english = false;
  EXPECT_EQ(Analyze("ﬁle", no_stem), (std::vector<std::string>{"file"}));
}

TEST(AnalyzerTest, OffsetsReferToTheOriginalInput) {
  const std::string text = "Hello, Wo\xCC\x88rld! ＧＰＵ显卡";  // "o" + combining diaeresis
  const std::vector<Term> terms = AnalyzeText(text);
  ASSERT_EQ(Texts(terms), (std::vector<std::string>{"hello", "wörld", "gpu", "显卡"}));
  EXPECT_EQ(Source(text, terms[0]), "Hello");
  EXPECT_EQ(Source(text, terms[1]), "Wo\xCC\x88rld");
  EXPECT_EQ(Source(text, terms[2]), "ＧＰＵ");
  EXPECT_EQ(Source(text, terms[3]), "显卡");
  const std::string emoji =
      "\xF0\x9F\x98\x80"
      "abc";
  const std::vector<Term> after_emoji = AnalyzeText(emoji);
  ASSERT_EQ(after_emoji.size(), 1u);
  EXPECT_EQ(after_emoji[0].begin, 4u);
  EXPECT_EQ(after_emoji[0].end, 7u);
}

TEST(AnalyzerTest, EnglishStemming) {
  EXPECT_EQ(Analyze("Running runs RUN"), (std::vector<std::string>{"run", "run", "run"}));
  EXPECT_EQ(Analyze("connections connected"), (std::vector<std::string>{"connect", "connect"}));
  AnalyzerOptions no_stem;
  no_stem.stem_english = false;
  EXPECT_EQ(Analyze("Running runs", no_stem), (std::vector<std::string>{"running", "runs"}));
  // Numbers and other scripts are never stemmed.
  EXPECT_EQ(Analyze("1990s"), (std::vector<std::string>{"1990s"}));
  EXPECT_EQ(Analyze("don’t"), (std::vector<std::string>{"don't"}));
}

TEST(AnalyzerTest, CompoundsKeepTheWholeFormAndTheirParts) {
  const std::string text = "GPT-4 and v3.5";
  const std::vector<Term> terms = AnalyzeText(text);
  ASSERT_EQ(Texts(terms), (std::vector<std::string>{"gpt", "gpt-4", "4", "and", "v3", "v3.5", "5"}));
  EXPECT_TRUE(terms[1].colocated);
  EXPECT_EQ(Source(text, terms[1]), "GPT-4");
  EXPECT_FALSE(terms[2].colocated);
  EXPECT_TRUE(terms[5].colocated);
  // A sentence's full stop is not a connector.
  EXPECT_EQ(Analyze("end. Next"), (std::vector<std::string>{"end", "next"}));
}

TEST(AnalyzerTest, ControlsPunctuationAndInvalidBytesSeparateTerms) {
  EXPECT_EQ(Analyze(std::string("abc\xFF\x01"
                                "def\x80\xC3",
                                10)),
            (std::vector<std::string>{"abc", "def"}));
  EXPECT_EQ(Analyze(std::string("a\0b", 3)), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(AnalyzeText("!!! ，。？ ...").empty());
  EXPECT_TRUE(AnalyzeText("").empty());
}

TEST(AnalyzerTest, LongWordsAreCut) {
  const std::string word(250, 'x');
  const std::vector<Term> terms = AnalyzeText(word);
  ASSERT_EQ(terms.size(), 3u);
  EXPECT_EQ(terms[0].text.size(), kMaxTermChars);
  EXPECT_EQ(terms[2].text.size(), 50u);
  EXPECT_EQ(terms[2].end, 250u);
}

TEST(AnalyzerTest, RandomInputGivesValidTermsAndRanges) {
  std::mt19937 rng(7);
  const std::vector<std::string> alphabet = {"a",
                                             "Z",
                                             "9",
                                             " ",
                                             "-",
                                             ".",
                                             "'",
                                             "\n",
                                             "中",
                                             "文",
                                             "ア",
                                             "한",
                                             "Ａ",
                                             "é",
                                             "\xCC\x88",
                                             "\xF0\x9F\x98\x80",
                                             "\xE2\x80\x8D",
                                             "\xFF",
                                             "\xC3",
                                             "\x01",
                                             "\xEF\xBC\x8C",
                                             "ß",
                                             "İ"};
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int length = static_cast<int>(rng() % 60);
    for (int i = 0; i < length; ++i) text += alphabet[rng() % alphabet.size()];
    for (AnalyzerOptions options : {AnalyzerOptions{false, true}, AnalyzerOptions{true, false}}) {
      size_t previous_begin = 0;
      for (const Term& term : AnalyzeText(text, options)) {
        ASSERT_FALSE(term.text.empty());
        ASSERT_TRUE(IsValidUtf8(term.text));
        ASSERT_LT(term.begin, term.end);
        ASSERT_LE(term.end, text.size());
        ASSERT_GE(term.begin, previous_begin);
        ASSERT_TRUE(IsValidUtf8(Source(text, term))) << "range splits a character";
        previous_begin = term.begin;
      }
    }
  }
}

}  // namespace
}  // namespace suanli::rag
