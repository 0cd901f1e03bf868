#include "rag/chunker.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "base/utf8.h"

namespace suanli::rag {
namespace {

// Code points of valid UTF-8 text.
std::vector<std::string> CodePoints(std::string_view text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size();) {
    size_t length = 1;
    while (i + length < text.size() && (static_cast<unsigned char>(text[i + length]) & 0xC0) == 0x80) ++length;
    out.emplace_back(text.substr(i, length));
    i += length;
  }
  return out;
}

std::string Substring(const std::vector<std::string>& points, size_t start, size_t end) {
  std::string out;
  for (size_t i = start; i < end; ++i) out += points[i];
  return out;
}

bool IsSpace(const std::string& point) {
  return point == " " || point == "\n" || point == "\t" || point == "\r" || point == "\u3000" || point == "\u00A0";
}

// Checks every documented property of ChunkText's result.
void ExpectValidChunks(const std::string& text, const ChunkerOptions& options, const std::vector<TextChunk>& chunks) {
  const std::vector<std::string> points = CodePoints(text);
  std::vector<bool> covered(points.size(), false);
  for (size_t i = 0; i < chunks.size(); ++i) {
    const TextChunk& chunk = chunks[i];
    ASSERT_LT(chunk.start, chunk.end);
    ASSERT_LE(chunk.end, points.size());
    ASSERT_LE(chunk.end - chunk.start, options.chunk_size);
    ASSERT_EQ(chunk.text, Substring(points, chunk.start, chunk.end)) << "chunk " << i;
    ASSERT_TRUE(IsValidUtf8(chunk.text));
    ASSERT_FALSE(IsSpace(points[chunk.start]));
    ASSERT_FALSE(IsSpace(points[chunk.end - 1]));
    for (size_t k = chunk.start; k < chunk.end; ++k) covered[k] = true;
    if (i > 0) {
      const TextChunk& previous = chunks[i - 1];
      ASSERT_GT(chunk.start, previous.start) << "chunk " << i;
      ASSERT_GT(chunk.end, previous.end) << "chunk " << i << " adds nothing";
      if (chunk.start < previous.end) {
        ASSERT_LE(previous.end - chunk.start, options.chunk_overlap) << "chunk " << i;
      }
    }
  }
  for (size_t k = 0; k < points.size(); ++k) {
    ASSERT_TRUE(covered[k] || IsSpace(points[k])) << "code point " << k << " is in no chunk";
  }
}

std::vector<std::string> Texts(const std::vector<TextChunk>& chunks) {
  std::vector<std::string> texts;
  for (const TextChunk& chunk : chunks) texts.push_back(chunk.text);
  return texts;
}

TEST(ChunkerTest, ValidatesOptions) {
  EXPECT_TRUE(ValidateChunkerOptions({}).ok());
  EXPECT_EQ(ValidateChunkerOptions({0, 0}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateChunkerOptions({100, 100}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateChunkerOptions({100, 150}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateChunkerOptions({kMaxChunkSize + 1, 0}).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ValidateChunkerOptions({1, 0}).ok());
  // Invalid options are clamped rather than trusted.
  ExpectValidChunks("abc def", {1, 0}, ChunkText("abc def", {0, 5}));
}

TEST(ChunkerTest, EmptyAndWhiteSpaceTextHaveNoChunks) {
  EXPECT_TRUE(ChunkText("", {}).empty());
  EXPECT_TRUE(ChunkText(" \n\n\t \u3000 ", {}).empty());
  EXPECT_TRUE(ChunkText(std::string(2000, ' '), {10, 2}).empty());
}

TEST(ChunkerTest, ShortTextIsOneTrimmedChunk) {
  const std::vector<TextChunk> chunks = ChunkText("\n  你好，世界。 \n", {});
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].text, "你好，世界。");
  EXPECT_EQ(chunks[0].start, 3u);
  EXPECT_EQ(chunks[0].end, 9u);
}

TEST(ChunkerTest, SplitsAtParagraphsFirst) {
  const std::string first = "第一段的第一句。第一段的第二句。";
  const std::string second = "第二段的第一句。第二段的第二句。";
  const std::string text = first + "\n \n" + second;
  const std::vector<TextChunk> chunks = ChunkText(text, {20, 0});
  EXPECT_EQ(Texts(chunks), (std::vector<std::string>{first, second}));
  ExpectValidChunks(text, {20, 0}, chunks);
}

TEST(ChunkerTest, SplitsAtSentencesKeepingClosingQuotes) {
  const std::string text = "他说：“今天下雨。”我们留在家里！你呢？好吧；算了。";
  const ChunkerOptions options{10, 0};
  const std::vector<TextChunk> chunks = ChunkText(text, options);
  EXPECT_EQ(Texts(chunks), (std::vector<std::string>{"他说：“今天下雨。”", "我们留在家里！你呢？", "好吧；算了。"}));
  ExpectValidChunks(text, options, chunks);
  const std::string english = "It rains. We stay home! Do you? Version 3.14 is out.";
  EXPECT_EQ(Texts(ChunkText(english, {24, 0})),
            (std::vector<std::string>{"It rains. We stay home!", "Do you?", "Version 3.14 is out."}));
}

TEST(ChunkerTest, SplitsLongSentencesAtClauses) {
  const std::string text = "第一个分句很长很长，第二个分句也很长、第三个分句：第四个分句。";
  const ChunkerOptions options{12, 0};
  const std::vector<TextChunk> chunks = ChunkText(text, options);
  EXPECT_EQ(Texts(chunks),
            (std::vector<std::string>{"第一个分句很长很长，", "第二个分句也很长、", "第三个分句：第四个分句。"}));
  ExpectValidChunks(text, options, chunks);
  // ASCII commas and colons split only before a space: not in 1,000 or 10:30.
  EXPECT_EQ(Texts(ChunkText("one, two 1,000 at 10:30", {12, 0})),
            (std::vector<std::string>{"one,", "two 1,000", "at 10:30"}));
}

TEST(ChunkerTest, SplitsAtWordsThenCharacters) {
  const std::string text = "alpha beta gamma delta";
  EXPECT_EQ(Texts(ChunkText(text, {11, 0})), (std::vector<std::string>{"alpha beta", "gamma delta"}));
  const std::string cjk = "一二三四五六七八九十";
  const ChunkerOptions options{4, 1};
  const std::vector<TextChunk> chunks = ChunkText(cjk, options);
  EXPECT_EQ(Texts(chunks), (std::vector<std::string>{"一二三四", "四五六七", "七八九十"}));
  ExpectValidChunks(cjk, options, chunks);
}

TEST(ChunkerTest, OverlapIsMadeOfTrailingPieces) {
  std::string text;
  for (int i = 0; i < 12; ++i) text += "句子" + std::to_string(i % 10) + "号很好。";  // 7 code points each
  const ChunkerOptions options{21, 8};
  const std::vector<TextChunk> chunks = ChunkText(text, options);
  ExpectValidChunks(text, options, chunks);
  ASSERT_GE(chunks.size(), 4u);
  for (size_t i = 1; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].start, chunks[i - 1].end - 7) << "one sentence of overlap";
  }
  // A piece larger than the overlap is never repeated.
  const std::vector<TextChunk> no_room = ChunkText(text, {21, 6});
  for (size_t i = 1; i < no_room.size(); ++i) EXPECT_EQ(no_room[i].start, no_room[i - 1].end);
}

TEST(ChunkerTest, FourByteCharactersAndEmojiAreNeverSplit) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "\xF0\x9F\x98\x80\xF0\xA0\x80\x80";  // 😀 and U+20000
  for (size_t size : {1, 2, 3, 7}) {
    const ChunkerOptions options{size, size / 2};
    ExpectValidChunks(text, options, ChunkText(text, options));
  }
  // A family emoji (5 code points joined by ZWJ) stays whole when it fits.
  const std::string family = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
  const std::string line = "ab" + family + family + family;
  const std::vector<TextChunk> chunks = ChunkText(line, {6, 0});
  EXPECT_EQ(Texts(chunks), (std::vector<std::string>{"ab", family, family, family}));
}

TEST(ChunkerTest, InvalidBytesCountAsOneCodePointAndAreKept) {
  const std::string text =
      "ab\xFF"
      "cd";
  const std::vector<TextChunk> chunks = ChunkText(text, {2, 0});
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[1].text,
            "\xFF"
            "c");
  EXPECT_EQ(chunks[1].start, 2u);
}

TEST(ChunkerTest, RandomTextKeepsTheOffsetInvariant) {
  std::mt19937 rng(3);
  const std::vector<std::string> alphabet = {"a",         "b",
                                             "c",         " ",
                                             " ",         "\n",
                                             "\n\n",      "。",
                                             "！",        "？",
                                             "；",        "，",
                                             "、",        "：",
                                             "”",         "」",
                                             "）",        ".",
                                             ",",         ":",
                                             "!",         "中",
                                             "文",        "字",
                                             "\u3000",    "\xF0\x9F\x98\x80",
                                             "e\xCC\x81", "\xE2\x80\x8D",
                                             "\t",        "\r\n"};
  for (int round = 0; round < 400; ++round) {
    std::string text;
    const int length = static_cast<int>(rng() % 400);
    for (int i = 0; i < length; ++i) text += alphabet[rng() % alphabet.size()];
    const size_t size = 1 + rng() % 60;
    const ChunkerOptions options{size, rng() % size};
    ExpectValidChunks(text, options, ChunkText(text, options));
    if (HasFailure()) {
      ADD_FAILURE() << "text: " << text << " size " << options.chunk_size << " overlap " << options.chunk_overlap;
      return;
    }
  }
}

TEST(ChunkerTest, RealPassagesKeepTheOffsetInvariant) {
  std::ifstream file(SUANLI_EVAL_DATA_DIR "/cmrc2018_dev.json");
  ASSERT_TRUE(file) << "evaluation data not found in " << SUANLI_EVAL_DATA_DIR
                    << ": configure with -DSUANLI_EVAL_DATA_DIR=<folder with cmrc2018_dev.json>";
  std::stringstream contents;
  contents << file.rdbuf();
  const nlohmann::json data = nlohmann::json::parse(contents.str());
  size_t passages = 0, chunk_count = 0;
  for (const auto& article : data.at("data")) {
    for (const auto& paragraph : article.at("paragraphs")) {
      const std::string context = paragraph.at("context").get<std::string>();
      for (const ChunkerOptions& options : {ChunkerOptions{}, ChunkerOptions{120, 30}, ChunkerOptions{37, 9}}) {
        const std::vector<TextChunk> chunks = ChunkText(context, options);
        ExpectValidChunks(context, options, chunks);
        if (HasFailure()) return;
        chunk_count += chunks.size();
      }
      ++passages;
    }
  }
  EXPECT_EQ(passages, 848u);
  EXPECT_GT(chunk_count, passages * 3);
}

}  // namespace
}  // namespace suanli::rag
