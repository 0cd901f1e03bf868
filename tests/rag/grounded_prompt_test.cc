#include "rag/grounded_prompt.h"

#include <gtest/gtest.h>

namespace suanli::rag {
namespace {

TEST(GroundedPromptTest, DetectsTheQuestionsScript) {
  EXPECT_EQ(DetectQuestionLanguage("香港第六届立法会选举有多少个议席？"), PromptLanguage::kChinese);
  EXPECT_EQ(DetectQuestionLanguage("What is the capital of France?"), PromptLanguage::kEnglish);
  // Mostly Latin with one Chinese word stays English; mostly Chinese with a
  // model number is Chinese.
  EXPECT_EQ(DetectQuestionLanguage("How do I say hello in Chinese, is it 你好?"), PromptLanguage::kEnglish);
  EXPECT_EQ(DetectQuestionLanguage("RTX 3090 显卡的显存有多大"), PromptLanguage::kChinese);
  EXPECT_EQ(DetectQuestionLanguage(""), PromptLanguage::kEnglish);
  EXPECT_EQ(DetectQuestionLanguage("\xff\xfe\x80"), PromptLanguage::kEnglish);  // invalid UTF-8
  // Kana and Hangul are not Chinese.
  EXPECT_EQ(DetectQuestionLanguage("これはなんですか"), PromptLanguage::kEnglish);
  EXPECT_EQ(DetectQuestionLanguage("이것은 무엇입니까"), PromptLanguage::kEnglish);
}

TEST(GroundedPromptTest, NumbersTheSourcesInOrder) {
  const std::string context = FormatSources({{"a.md", "alpha"}, {"", "beta"}, {"https://x/y", "gamma"}});
  EXPECT_EQ(context, "[1] (a.md)\nalpha\n\n[2]\nbeta\n\n[3] (https://x/y)\ngamma");
  EXPECT_EQ(FormatSources({}), "");
}

TEST(GroundedPromptTest, DefaultTemplateFollowsTheQuestion) {
  auto english = BuildGroundedPrompt("Who wrote it?", {{"a.md", "alpha"}});
  ASSERT_TRUE(english.ok()) << english.status().message();
  EXPECT_NE(english->find("[1] (a.md)\nalpha"), std::string::npos);
  EXPECT_NE(english->find("Question: Who wrote it?"), std::string::npos);
  EXPECT_NE(english->find("[n]"), std::string::npos);

  auto chinese = BuildGroundedPrompt("谁写的？", {{"a.md", "甲"}});
  ASSERT_TRUE(chinese.ok());
  EXPECT_NE(chinese->find("问题：谁写的？"), std::string::npos);
  EXPECT_NE(chinese->find("[1] (a.md)\n甲"), std::string::npos);
}

TEST(GroundedPromptTest, CustomTemplateAndPlaceholdersInsideData) {
  // A document or question that itself contains "{question}" or "{context}"
  // is inserted verbatim, never expanded.
  auto prompt = BuildGroundedPrompt("q {context}", {{"s", "text {question}"}}, "Q={question}\nC={context}");
  ASSERT_TRUE(prompt.ok());
  EXPECT_EQ(*prompt, "Q=q {context}\nC=[1] (s)\ntext {question}");
  auto reversed = BuildGroundedPrompt("q", {{"s", "t"}}, "C={context} Q={question}");
  ASSERT_TRUE(reversed.ok());
  EXPECT_EQ(*reversed, "C=[1] (s)\nt Q=q");
}

TEST(GroundedPromptTest, TemplateWithoutPlaceholdersIsRefused) {
  EXPECT_EQ(BuildGroundedPrompt("q", {}, "no placeholders").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildGroundedPrompt("q", {}, "{context} only").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildGroundedPrompt("q", {}, "{question} only").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace suanli::rag
