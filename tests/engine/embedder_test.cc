#include "engine/embedder.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/engine.h"
#include "engine/test_models.h"

namespace suanli::engine {
namespace {

double Norm(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += double(x) * x;
  return std::sqrt(s);
}

class EmbedderTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto m = Model::Load(GetParam() == "mean" ? testing::TinyEmbedPath() : testing::TinyEmbedClsPath(), LoadOptions{});
    ASSERT_TRUE(m.ok()) << m.status().message();
    model_ = std::move(m).value();
    EmbedderOptions o;
    o.num_thread = 2;
    auto e = Embedder::Create(*model_, o);
    ASSERT_TRUE(e.ok()) << e.status().message();
    embedder_ = std::move(e).value();
  }
  std::unique_ptr<Model> model_;
  std::unique_ptr<Embedder> embedder_;
};

TEST_P(EmbedderTest, VectorsAreUnitLength) {
  auto r = embedder_->Embed({"hello world", "中文文本", "x"}, true);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->embeddings.size(), 3u);
  for (const auto& v : r->embeddings) {
    EXPECT_EQ(v.size(), 64u);
    EXPECT_NEAR(Norm(v), 1.0, 1e-5);
  }
  EXPECT_GT(r->prompt_tokens, 3);
}

TEST_P(EmbedderTest, BatchEqualsSingles) {
  const std::vector<std::string> inputs = {"first input text", "a second, longer input with more words in it",
                                           "三", "fourth", "fifth goes into a second decode group"};
  auto batch = embedder_->Embed(inputs, true);
  ASSERT_TRUE(batch.ok());
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto single = embedder_->Embed({inputs[i]}, true);
    ASSERT_TRUE(single.ok());
    ASSERT_EQ(single->embeddings[0].size(), batch->embeddings[i].size());
    for (size_t k = 0; k < batch->embeddings[i].size(); ++k) {
      EXPECT_NEAR(batch->embeddings[i][k], single->embeddings[0][k], 1e-4) << "input " << i << " dim " << k;
    }
  }
  // Different texts give different vectors.
  EXPECT_NE(batch->embeddings[0], batch->embeddings[1]);
}

TEST_P(EmbedderTest, TruncationOrClearError) {
  std::string longest;
  for (int i = 0; i < 800; ++i) longest += "word ";
  auto refused = embedder_->Embed({longest}, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "the input length exceeds the context length");
  auto cut = embedder_->Embed({longest}, true);
  ASSERT_TRUE(cut.ok()) << cut.status().message();
  EXPECT_EQ(cut->prompt_tokens, embedder_->context_per_input());
  EXPECT_NEAR(Norm(cut->embeddings[0]), 1.0, 1e-5);
}

TEST_P(EmbedderTest, EmptyInputListGivesNoVectors) {
  auto r = embedder_->Embed({}, true);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->embeddings.empty());
}

INSTANTIATE_TEST_SUITE_P(Pooling, EmbedderTest, ::testing::Values("mean", "cls"));

TEST(EmbedderModelTest, GenerativeModelRefusesEmbeddingsAndViceVersa) {
  EXPECT_EQ(Embedder::Create(testing::TinyChat(), EmbedderOptions{}).status().code(), StatusCode::kInvalidArgument);
  auto m = Model::Load(testing::TinyEmbedPath(), LoadOptions{});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Engine::Create(**m, EngineOptions{}).status().code(), StatusCode::kInvalidArgument);
}

TEST(NormalizeTest, RejectsNanAndZero) {
  std::vector<float> v = {3, 4};
  ASSERT_TRUE(NormalizeL2(&v));
  EXPECT_FLOAT_EQ(v[0], 0.6f);
  std::vector<float> zero = {0, 0};
  EXPECT_FALSE(NormalizeL2(&zero));
  std::vector<float> nan = {NAN, 1};
  EXPECT_FALSE(NormalizeL2(&nan));
}

}  // namespace
}  // namespace suanli::engine
