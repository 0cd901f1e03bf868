#include "rag/fusion.h"

#include <gtest/gtest.h>

#include "rag/store_options.h"

namespace suanli::rag {
namespace {

TEST(ReciprocalRankFusionTest, HandCheckedExample) {
  // id 1: 1/61 + 1/62 = 0.0325225; id 3: 1/63 + 1/61 = 0.0322665;
  // id 2: 1/62 = 0.0161290; id 4: 1/63 = 0.0158730.
  auto fused = FuseReciprocalRank({{{1, 2, 3}, 1.0}, {{3, 1, 4}, 1.0}});
  ASSERT_EQ(fused.size(), 4u);
  EXPECT_EQ(fused[0].id, 1);
  EXPECT_NEAR(fused[0].score, 0.0325225, 1e-7);
  EXPECT_EQ(fused[1].id, 3);
  EXPECT_NEAR(fused[1].score, 0.0322665, 1e-7);
  EXPECT_EQ(fused[2].id, 2);
  EXPECT_NEAR(fused[2].score, 0.0161290, 1e-7);
  EXPECT_EQ(fused[3].id, 4);
  EXPECT_NEAR(fused[3].score, 0.0158730, 1e-7);
}

TEST(ReciprocalRankFusionTest, WeightsChangeTheOrder) {
  // Second list weighted 2: id 3 = 1/63 + 2/61 = 0.0486599 beats
  // id 1 = 1/61 + 2/62 = 0.0486515; id 4 = 2/63 = 0.0317460; id 2 = 1/62.
  auto fused = FuseReciprocalRank({{{1, 2, 3}, 1.0}, {{3, 1, 4}, 2.0}});
  ASSERT_EQ(fused.size(), 4u);
  EXPECT_EQ(fused[0].id, 3);
  EXPECT_NEAR(fused[0].score, 0.0486599, 1e-7);
  EXPECT_EQ(fused[1].id, 1);
  EXPECT_NEAR(fused[1].score, 0.0486515, 1e-7);
  EXPECT_EQ(fused[2].id, 4);
  EXPECT_EQ(fused[3].id, 2);
  // A zero weight leaves that list's ranks out of the scores.
  auto keyword_only = FuseReciprocalRank({{{5, 6}, 1.0}, {{6, 7}, 0.0}});
  EXPECT_EQ(keyword_only[0].id, 5);
  EXPECT_NEAR(keyword_only[0].score, 1.0 / 61, 1e-12);
}

TEST(ReciprocalRankFusionTest, TiesGoToTheBetterRankThenTheLowerId) {
  auto fused = FuseReciprocalRank({{{9}, 1.0}, {{4}, 1.0}});
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_EQ(fused[0].id, 4);
  EXPECT_EQ(fused[1].id, 9);
  EXPECT_TRUE(FuseReciprocalRank({}).empty());
  EXPECT_TRUE(FuseReciprocalRank({{{}, 1.0}}).empty());
}

TEST(MaximalMarginalRelevanceTest, PicksADiverseSecondResult) {
  // Candidates 0 and 1 are the same vector; 2 is less relevant but different.
  const std::vector<std::vector<float>> vectors = {{1, 0}, {1, 0}, {0.6f, 0.8f}};
  const std::vector<double> relevance = {0.9, 0.9, 0.7};
  // lambda 0.5: after 0, candidate 1 scores 0.45 - 0.5 * 1 = -0.05 and
  // candidate 2 scores 0.35 - 0.5 * 0.6 = 0.05.
  EXPECT_EQ(SelectMaximalMarginalRelevance(vectors, relevance, 2, 3, 0.5), (std::vector<size_t>{0, 2, 1}));
  EXPECT_EQ(SelectMaximalMarginalRelevance(vectors, relevance, 2, 3, 1.0), (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(SelectMaximalMarginalRelevance(vectors, relevance, 2, 1, 0.5), (std::vector<size_t>{0}));
  EXPECT_TRUE(SelectMaximalMarginalRelevance({}, {}, 2, 3, 0.5).empty());
}

TEST(QuotedWordsMatchQueryTest, QuotesEscapesAndDeduplicates) {
  EXPECT_EQ(*QuotedWordsMatchQuery("hello world"), "\"hello\" OR \"world\"");
  EXPECT_EQ(*QuotedWordsMatchQuery("  say \"hi\"  say "), "\"say\" OR \"\"\"hi\"\"\"");
  EXPECT_EQ(*QuotedWordsMatchQuery("a\tb\nc"), "\"a\" OR \"b\" OR \"c\"");
  EXPECT_EQ(QuotedWordsMatchQuery("").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(QuotedWordsMatchQuery(" \t\n").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace suanli::rag
