#include "engine/model.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/test_models.h"

namespace suanli::engine {
namespace {

using testing::TempDir;

TEST(ModelTest, ReadsMetadata) {
  const ModelInfo& info = testing::TinyChat().info();
  EXPECT_EQ(info.architecture, "qwen2");
  EXPECT_EQ(info.name, "tiny-chat");
  EXPECT_EQ(info.context_length, 4096u);
  EXPECT_EQ(info.embedding_length, 64u);
  EXPECT_EQ(info.vocab_size, 151936u);
  EXPECT_GT(info.parameter_count, 0u);
  EXPECT_GT(info.size_bytes, 0u);
  EXPECT_FALSE(info.quantization.empty());
  EXPECT_NE(info.chat_template.find("<|im_start|>"), std::string::npos);
  EXPECT_FALSE(info.is_embedding);
  EXPECT_EQ(info.metadata.at("general.architecture"), "qwen2");
  EXPECT_EQ(info.metadata.count("tokenizer.ggml.tokens"), 0u);
}

TEST(ModelTest, EmbeddingModelMetadata) {
  auto model = Model::Load(testing::TinyEmbedPath(), LoadOptions{});
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ((*model)->info().architecture, "bert");
  EXPECT_TRUE((*model)->info().is_embedding);
  EXPECT_EQ((*model)->info().pooling, "mean");
  auto cls = Model::Load(testing::TinyEmbedClsPath(), LoadOptions{});
  ASSERT_TRUE(cls.ok());
  EXPECT_EQ((*cls)->info().pooling, "cls");
}

TEST(ModelTest, TokenizerRoundTrip) {
  const Model& m = testing::TinyChat();
  const std::string text = "Hello, 世界! 123";
  auto tokens = m.Tokenize(text, false, false);
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(m.Detokenize(tokens), text);
  auto special = m.Tokenize("<|im_start|>", false, true);
  ASSERT_EQ(special.size(), 1u);
  EXPECT_EQ(special[0], 151644);
  EXPECT_TRUE(m.IsSpecial(special[0]));
  EXPECT_GT(m.Tokenize("<|im_start|>", false, false).size(), 1u);
  EXPECT_TRUE(m.IsEndOfGeneration(151645));  // <|im_end|>
}

TEST(ModelTest, LoadErrorsAreClear) {
  TempDir dir;
  auto missing = Model::Load(dir.path() + "/nope.gguf", LoadOptions{});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);

  const std::string junk = dir.path() + "/junk.gguf";
  std::ofstream(junk) << "this is not a model";
  auto not_gguf = Model::Load(junk, LoadOptions{});
  EXPECT_EQ(not_gguf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(not_gguf.status().message().find("not a GGUF"), std::string::npos);

  // A real model cut in half.
  const std::string cut = dir.path() + "/cut.gguf";
  std::filesystem::copy_file(testing::TinyChatPath(), cut);
  std::filesystem::resize_file(cut, std::filesystem::file_size(cut) / 2);
  auto truncated = Model::Load(cut, LoadOptions{});
  EXPECT_EQ(truncated.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(truncated.status().message().find("truncated or corrupt"), std::string::npos);
  EXPECT_EQ(truncated.status().message().find(dir.path()), std::string::npos);
}

TEST(ModelTest, UnsupportedArchitectureIsClear) {
  // Rewrite general.architecture's value in place to an unknown name of the
  // same length ("qwen2" -> "qwen9").
  TempDir dir;
  const std::string path = dir.path() + "/odd.gguf";
  std::filesystem::copy_file(testing::TinyChatPath(), path);
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  std::string head(4096, '\0');
  f.read(head.data(), head.size());
  const std::string key = "general.architecture";
  size_t at = head.find(key);
  ASSERT_NE(at, std::string::npos);
  size_t value = head.find("qwen2", at + key.size());
  ASSERT_NE(value, std::string::npos);
  f.clear();
  f.seekp(value + 4);
  f.put('9');
  f.close();
  auto model = Model::Load(path, LoadOptions{});
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("unsupported architecture 'qwen9'"), std::string::npos)
      << model.status().message();
}

TEST(ModelTest, LoadCanBeCancelled) {
  auto model = Model::Load(testing::TinyChatPath(), LoadOptions{}, [](float) { return false; });
  EXPECT_EQ(model.status().code(), StatusCode::kCancelled);
}

}  // namespace
}  // namespace suanli::engine
