#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>

#include "rag/collection.h"
#include "rag/collection_manager.h"
#include "rag/rag_test_util.h"

namespace suanli::rag {
namespace {

using testing::ChunkIds;
using testing::FakeEmbedder;
using testing::HashEmbed;
using testing::MakeDocument;
using testing::TempDir;
using testing::TestOptions;
using testing::Texts;

const std::vector<std::string> kCorpus = {
    "the cat sat on the mat",
    "a cat and a cat and another cat",
    "dogs chase cats in the park",
    "the stock market fell sharply today",
    "investors sold shares as the market dropped",
    "a recipe for apple pie with cinnamon",
    "bake the pie until golden brown",
    "the weather is sunny and warm",
};

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto manager = CollectionManager::Open(TestOptions(dir_.path()));
    ASSERT_TRUE(manager.ok());
    manager_ = std::move(*manager);
    auto c = manager_->Create("corpus", CollectionConfig{"hash-64", 500, 80});
    ASSERT_TRUE(c.ok());
    collection_ = *c;
    for (size_t i = 0; i < kCorpus.size(); ++i) {
      DocumentInput doc = MakeDocument("doc" + std::to_string(i), {kCorpus[i]}, {{"n", i}});
      doc.chunks[0].metadata = {{"page", i + 1}};
      auto added = collection_->AddDocument(doc, FakeEmbedder());
      ASSERT_TRUE(added.ok()) << added.status().ToString();
    }
  }

  std::vector<SearchHit> Search(const std::string& query, const std::string& mode, int k, int fetch_k = 0) {
    SearchRequest request;
    request.query = query;
    request.mode = mode;
    request.k = k;
    request.fetch_k = fetch_k;
    auto hits = collection_->Search(request, FakeEmbedder());
    EXPECT_TRUE(hits.ok()) << hits.status().ToString();
    return hits.ok() ? *hits : std::vector<SearchHit>{};
  }

  TempDir dir_;
  std::unique_ptr<CollectionManager> manager_;
  std::shared_ptr<Collection> collection_;
};

TEST_F(SearchTest, KeywordScoresAreNegatedBm25) {
  auto hits = Search("cat", "keyword", 10);
  ASSERT_EQ(hits.size(), 2u);  // unicode61 does not stem "cats"
  EXPECT_EQ(hits[0].text, "a cat and a cat and another cat");
  EXPECT_EQ(hits[1].text, "the cat sat on the mat");
  EXPECT_GT(hits[0].score, hits[1].score);
  EXPECT_GT(hits[1].score, 0);

  // The same scores straight from SQLite.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((dir_.path() + "/corpus/collection.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT rowid, bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH '\"cat\"' "
                               "ORDER BY bm25(chunks_fts)",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  for (const SearchHit& hit : hits) {
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int64(stmt, 0), hit.chunk_id);
    EXPECT_DOUBLE_EQ(-sqlite3_column_double(stmt, 1), hit.score);
  }
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(SearchTest, DenseScoresAreCosines) {
  const std::string query = "the stock market fell sharply today";
  auto hits = Search(query, "dense", 8);
  ASSERT_EQ(hits.size(), kCorpus.size());
  EXPECT_EQ(hits[0].text, query);
  EXPECT_NEAR(hits[0].score, 1.0, 1e-5);
  // Expected order and scores from the embedder directly.
  const std::vector<float> q = HashEmbed(query);
  std::vector<std::pair<double, std::string>> expected;
  for (const std::string& text : kCorpus) {
    const std::vector<float> v = HashEmbed(text);
    double dot = 0;
    for (size_t i = 0; i < v.size(); ++i) dot += q[i] * v[i];
    expected.emplace_back(dot, text);
  }
  std::sort(expected.rbegin(), expected.rend());
  for (size_t i = 0; i < hits.size(); ++i) {
    EXPECT_NEAR(hits[i].score, expected[i].first, 1e-5) << i;
    if (i > 0) {
      EXPECT_LE(hits[i].score, hits[i - 1].score);
    }
  }
  EXPECT_EQ(Search(query, "dense", 3).size(), 3u);
}

TEST_F(SearchTest, HybridIsReciprocalRankFusionOfBothSides) {
  const std::string query = "market pie";
  const int fetch_k = 8;
  const auto keyword = ChunkIds(Search(query, "keyword", fetch_k));
  const auto dense = ChunkIds(Search(query, "dense", fetch_k));
  ASSERT_FALSE(keyword.empty());
  ASSERT_EQ(dense.size(), kCorpus.size());
  for (double keyword_weight : {1.0, 3.0}) {
    std::map<int64_t, double> expected;
    for (size_t i = 0; i < keyword.size(); ++i) expected[keyword[i]] += keyword_weight / (60.0 + i + 1);
    for (size_t i = 0; i < dense.size(); ++i) expected[dense[i]] += 0.5 / (60.0 + i + 1);
    SearchRequest request;
    request.query = query;
    request.k = 5;
    request.fetch_k = fetch_k;
    request.keyword_weight = keyword_weight;
    request.dense_weight = 0.5;
    auto hits = collection_->Search(request, FakeEmbedder());
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 5u);
    for (size_t i = 0; i < hits->size(); ++i) {
      EXPECT_NEAR((*hits)[i].score, expected[(*hits)[i].chunk_id], 1e-12);
      if (i > 0) {
        EXPECT_LE((*hits)[i].score, (*hits)[i - 1].score);
      }
    }
    // No chunk outside the top 5 scores higher than the fifth.
    std::vector<double> all;
    for (const auto& [id, score] : expected) all.push_back(score);
    std::sort(all.rbegin(), all.rend());
    EXPECT_NEAR((*hits)[4].score, all[4], 1e-12);
  }
}

TEST_F(SearchTest, HitsCarryTheirDocumentAndMergedMetadata) {
  auto hits = Search("cinnamon", "keyword", 4);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].source, "doc5");
  EXPECT_EQ(hits[0].text, "a recipe for apple pie with cinnamon");
  EXPECT_EQ(hits[0].start, 0);
  EXPECT_EQ(hits[0].end, static_cast<int64_t>(kCorpus[5].size()));
  EXPECT_EQ(hits[0].metadata, nlohmann::json({{"n", 5}, {"page", 6}}));
  EXPECT_EQ(hits[0].document_id, collection_->FindDocument("doc5")->id);
}

TEST_F(SearchTest, MmrPicksADiverseSecondResult) {
  // A verbatim copy of the best match under another source.
  ASSERT_TRUE(collection_->AddDocument(MakeDocument("copy", {kCorpus[3]}), FakeEmbedder()).ok());
  SearchRequest request;
  request.query = "stock market today";
  request.mode = "dense";
  request.k = 2;
  auto plain = collection_->Search(request, FakeEmbedder());
  ASSERT_TRUE(plain.ok());
  ASSERT_EQ(plain->size(), 2u);
  EXPECT_EQ((*plain)[0].text, kCorpus[3]);
  EXPECT_EQ((*plain)[1].text, kCorpus[3]);  // the duplicate

  request.mmr = true;
  for (const char* mode : {"dense", "hybrid", "keyword"}) {
    request.mode = mode;
    auto diverse = collection_->Search(request, FakeEmbedder());
    ASSERT_TRUE(diverse.ok()) << mode;
    ASSERT_EQ(diverse->size(), 2u) << mode;
    EXPECT_EQ((*diverse)[0].text, kCorpus[3]) << mode;
    EXPECT_NE((*diverse)[1].text, kCorpus[3]) << mode;
  }
  request.mode = "dense";
  request.mmr_lambda = 1.0;  // relevance only: the duplicate again
  auto relevance_only = collection_->Search(request, FakeEmbedder());
  ASSERT_TRUE(relevance_only.ok());
  EXPECT_EQ(Texts(*relevance_only), Texts(*plain));
}

TEST_F(SearchTest, QueriesWithFtsSyntaxAreSafe) {
  for (const char* query : {"\"unbalanced", "AND OR NOT", "text:cat", "cat*", "( cat", "NEAR(cat dog)", "-", "\"\"",
                            "^cat", "cat + dog", "'; DROP TABLE chunks; --"}) {
    for (const char* mode : {"keyword", "hybrid"}) {
      SearchRequest request;
      request.query = query;
      request.mode = mode;
      auto hits = collection_->Search(request, FakeEmbedder());
      EXPECT_TRUE(hits.ok()) << query << ": " << hits.status().ToString();
    }
  }
  EXPECT_EQ(collection_->Stats()->chunks, static_cast<int64_t>(kCorpus.size()));
}

TEST_F(SearchTest, ValidatesRequests) {
  auto status_of = [&](SearchRequest request) { return collection_->Search(request, FakeEmbedder()).status().code(); };
  SearchRequest base;
  base.query = "cat";
  SearchRequest r = base;
  r.k = 0;
  EXPECT_EQ(status_of(r), StatusCode::kInvalidArgument);
  r.k = 1001;
  EXPECT_EQ(status_of(r), StatusCode::kInvalidArgument);
  r = base;
  r.mode = "semantic";
  EXPECT_EQ(status_of(r), StatusCode::kInvalidArgument);
  r = base;
  r.k = 10;
  r.fetch_k = 5;
  EXPECT_EQ(status_of(r), StatusCode::kInvalidArgument);
  r = base;
  r.mmr_lambda = 1.5;
  EXPECT_EQ(status_of(r), StatusCode::kInvalidArgument);
  r = base;
  r.dense_weight = -1;
  EXPECT_EQ(status_of(r), StatusCode::kInvalidArgument);
  r = base;
  r.query = "";
  EXPECT_EQ(status_of(r), StatusCode::kInvalidArgument);
  r.query = "bad\xc3";
  EXPECT_EQ(status_of(r), StatusCode::kInvalidArgument);
  r = base;
  EXPECT_EQ(collection_->Search(r, nullptr).status().code(), StatusCode::kInvalidArgument);
  r.mode = "keyword";
  EXPECT_TRUE(collection_->Search(r, nullptr).ok());
}

TEST(EmptyCollectionSearchTest, ReturnsNothingWithoutEmbedding) {
  TempDir dir;
  auto manager = CollectionManager::Open(TestOptions(dir.path()));
  ASSERT_TRUE(manager.ok());
  auto c = (*manager)->Create("empty", CollectionConfig{"m", 100, 10});
  ASSERT_TRUE(c.ok());
  std::atomic<int> calls{0};
  for (const char* mode : {"keyword", "dense", "hybrid"}) {
    SearchRequest request;
    request.query = "anything";
    request.mode = mode;
    auto hits = (*c)->Search(request, FakeEmbedder(64, &calls));
    ASSERT_TRUE(hits.ok()) << mode;
    EXPECT_TRUE(hits->empty());
  }
  EXPECT_EQ(calls.load(), 0);
}

}  // namespace
}  // namespace suanli::rag

namespace suanli::rag {
namespace {

using testing::FakeEmbedder;
using testing::MakeDocument;
using testing::TempDir;
using testing::TestOptions;
using testing::Texts;

TEST(StoreOptionsTest, TokenizerSettingAndHookApplyToEveryConnection) {
  TempDir dir;
  StoreOptions options = TestOptions(dir.path());
  options.fts_tokenizer = "porter unicode61";  // English stemming: "cats" finds "cat"
  std::atomic<int> hook_calls{0};
  options.register_tokenizer = [&](sqlite3* db) {
    EXPECT_NE(db, nullptr);
    ++hook_calls;
    return OkStatus();
  };
  auto manager = CollectionManager::Open(options);
  ASSERT_TRUE(manager.ok());
  auto c = (*manager)->Create("stem", CollectionConfig{"hash-64", 100, 10});
  ASSERT_TRUE(c.ok());
  const int after_create = hook_calls.load();
  EXPECT_GE(after_create, 2);  // the creating connection and the collection's writer
  ASSERT_TRUE((*c)->AddDocument(MakeDocument("a", {"the cat sat", "running dogs"}), FakeEmbedder()).ok());
  SearchRequest request;
  request.query = "cats";
  request.mode = "keyword";
  auto hits = (*c)->Search(request, FakeEmbedder());
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(Texts(*hits), std::vector<std::string>{"the cat sat"});
  EXPECT_GT(hook_calls.load(), after_create);  // the search's read connection
}

TEST(StoreOptionsTest, FailingHookFailsTheOpen) {
  TempDir dir;
  StoreOptions options = TestOptions(dir.path());
  options.register_tokenizer = [](sqlite3*) { return InternalError("tokenizer unavailable"); };
  auto manager = CollectionManager::Open(options);
  ASSERT_TRUE(manager.ok());
  auto c = (*manager)->Create("x", CollectionConfig{"hash-64", 100, 10});
  EXPECT_EQ(c.status().code(), StatusCode::kInternal);
  EXPECT_EQ(c.status().message(), "tokenizer unavailable");
  EXPECT_TRUE((*manager)->List()->empty());
}

TEST(StoreOptionsTest, MatchQueryBuilderIsInjectable) {
  TempDir dir;
  StoreOptions options = TestOptions(dir.path());
  std::vector<std::string> seen;
  options.build_match_query = [&](std::string_view query) -> StatusOr<std::string> {
    seen.emplace_back(query);
    if (query == "nothing") return NotFoundError("no terms");
    return std::string("\"dogs\"");
  };
  auto manager = CollectionManager::Open(options);
  ASSERT_TRUE(manager.ok());
  auto c = (*manager)->Create("q", CollectionConfig{"hash-64", 100, 10});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->AddDocument(MakeDocument("a", {"the cat sat", "running dogs"}), FakeEmbedder()).ok());
  SearchRequest request;
  request.query = "whatever the user typed";
  request.mode = "keyword";
  auto hits = (*c)->Search(request, FakeEmbedder());
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(Texts(*hits), std::vector<std::string>{"running dogs"});
  EXPECT_EQ(seen, std::vector<std::string>{"whatever the user typed"});
  request.query = "nothing";
  hits = (*c)->Search(request, FakeEmbedder());
  ASSERT_TRUE(hits.ok());
  EXPECT_TRUE(hits->empty());
  request.mode = "hybrid";  // the dense side still answers
  hits = (*c)->Search(request, FakeEmbedder());
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits->size(), 2u);
}

}  // namespace
}  // namespace suanli::rag
