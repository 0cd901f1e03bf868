#include "rag/document_pipeline.h"

#include <gtest/gtest.h>

namespace suanli::rag {
namespace {

LoadedDocument Sections(const std::string& text, std::vector<DocumentSection> sections) {
  LoadedDocument document;
  document.text = text;
  document.metadata = {{"type", "markdown"}, {"title", "T"}};
  document.sections = std::move(sections);
  return document;
}

TEST(DocumentPipelineTest, ChunksCarryTheSectionOfTheirOwnText) {
  // Two sections of 30 characters; 20-character chunks overlapping by 6.
  const std::string first(30, 'a'), second(30, 'b');
  const LoadedDocument document =
      Sections(first + second, {{0, {{"heading", "A"}}}, {30, {{"heading", "B"}}}});
  auto input = PrepareDocument("doc.md", document, {{"lang", "en"}, {"title", "mine"}}, {20, 6});
  ASSERT_TRUE(input.ok()) << input.status().message();
  EXPECT_EQ(input->source, "doc.md");
  EXPECT_EQ(input->content, document.text);
  EXPECT_EQ(input->metadata["type"], "markdown");
  EXPECT_EQ(input->metadata["title"], "mine");  // the caller's keys win
  EXPECT_EQ(input->metadata["lang"], "en");
  ASSERT_GE(input->chunks.size(), 3u);
  for (const ChunkInput& chunk : input->chunks) {
    const int64_t own = chunk.start + std::min<int64_t>(6, (chunk.end - chunk.start) / 2);
    EXPECT_EQ(chunk.metadata["heading"], own >= 30 ? "B" : "A") << chunk.start << "-" << chunk.end;
  }
  // The first chunk that starts inside A's overlap but is mostly B's is B's.
  bool saw_b_starting_in_a = false;
  for (const ChunkInput& chunk : input->chunks) {
    if (chunk.start < 30 && chunk.metadata["heading"] == "B") saw_b_starting_in_a = true;
  }
  EXPECT_TRUE(saw_b_starting_in_a);
}

TEST(DocumentPipelineTest, TextBeforeTheFirstSectionHasNoSection) {
  const LoadedDocument document = Sections(std::string(40, 'x'), {{25, {{"page", 2}}}});
  auto input = PrepareDocument("p.pdf", document, nullptr, {10, 0});
  ASSERT_TRUE(input.ok());
  EXPECT_TRUE(input->chunks.front().metadata.is_null());
  EXPECT_EQ(input->chunks.back().metadata["page"], 2);
}

TEST(DocumentPipelineTest, BadInputIsRefused) {
  const LoadedDocument document = Sections("some text", {});
  EXPECT_EQ(PrepareDocument("d", document, nlohmann::json::array(), {100, 10}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PrepareDocument("d", document, nullptr, {10, 10}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PrepareDocument("d", Sections(" \n ", {}), nullptr, {10, 2}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace suanli::rag
