// Keyword search through collections configured as the server configures
// them (UseSuanliKeywordSearch): question words, selective CJK characters,
// the suanli_bm25 ranking with and without metadata filters, and
// collections created with the earlier bigram-only tokenizer.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "rag/analyzer.h"
#include "rag/collection.h"
#include "rag/collection_manager.h"
#include "rag/fts_search_config.h"
#include "rag/rag_test_util.h"

namespace suanli::rag {
namespace {

using testing::FakeEmbedder;
using testing::MakeDocument;
using testing::TempDir;
using testing::Texts;

StoreOptions ServerOptions(const std::string& root) {
  StoreOptions options;
  options.root = root;
  UseSuanliKeywordSearch(&options);
  return options;
}

std::vector<std::string> Keyword(Collection& c, const std::string& query, nlohmann::json filter = nullptr, int k = 3) {
  SearchRequest request;
  request.query = query;
  request.mode = "keyword";
  request.k = k;
  request.filter = std::move(filter);
  auto hits = c.Search(request, FakeEmbedder());
  EXPECT_TRUE(hits.ok()) << hits.status().ToString();
  return hits.ok() ? Texts(*hits) : std::vector<std::string>{};
}

TEST(KeywordSearchTest, ServerConfigurationRanksByContentNotQuestionWords) {
  TempDir dir;
  auto manager = CollectionManager::Open(ServerOptions(dir.path()));
  ASSERT_TRUE(manager.ok());
  auto c = (*manager)->Create("zh", CollectionConfig{"hash-64", 500, 80});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->AddDocument(MakeDocument("a", {"立法会选举每四年举行一次。", "问卷：你住在哪里？你多少岁？"},
                                             {{"lang", "zh"}}),
                                FakeEmbedder())
                  .ok());
  ASSERT_TRUE(
      (*c)->AddDocument(MakeDocument("b", {"The capital of France is Paris."}, {{"lang", "en"}}), FakeEmbedder()).ok());
  // The questionnaire shares question words (and the character 在) only.
  const std::vector<std::string> hits = Keyword(**c, "立法会选举在哪里举行？多少年一次？");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0], "立法会选举每四年举行一次。");
  EXPECT_EQ(Keyword(**c, "What is the capital of France?"),
            (std::vector<std::string>{"The capital of France is Paris."}));
  // The filtered path (joined with the chunk and document rows) agrees.
  EXPECT_EQ(Keyword(**c, "立法会选举在哪里举行？", {{"lang", "zh"}}, 1),
            (std::vector<std::string>{"立法会选举每四年举行一次。"}));
  EXPECT_TRUE(Keyword(**c, "立法会选举在哪里举行？", {{"lang", "en"}}).empty());
}

TEST(KeywordSearchTest, RareCharactersJoinTheQueryCommonOnesDoNot) {
  TempDir dir;
  StoreOptions options = ServerOptions(dir.path());
  options.selective_term_max_chunks = 2;
  auto manager = CollectionManager::Open(options);
  ASSERT_TRUE(manager.ok());
  auto c = (*manager)->Create("zh", CollectionConfig{"hash-64", 500, 80});
  ASSERT_TRUE(c.ok());
  // 麐 is in one chunk (never next to 郭), 年 in three.
  ASSERT_TRUE(
      (*c)->AddDocument(MakeDocument("a", {"郭-{麐}-，清代诗人。", "一年", "二年", "三年"}), FakeEmbedder()).ok());
  // No bigram of the question is in any chunk: only the rare 郭 and 麐 find one.
  EXPECT_EQ(Keyword(**c, "郭麐年"), (std::vector<std::string>{"郭-{麐}-，清代诗人。"}));
}

TEST(KeywordSearchTest, CollectionsOfTheBigramTokenizerKeepWorking) {
  TempDir dir;
  StoreOptions before = ServerOptions(dir.path());
  before.fts_tokenizer = "suanli";  // what the server gave new collections before
  {
    auto manager = CollectionManager::Open(before);
    ASSERT_TRUE(manager.ok());
    auto c = (*manager)->Create("old", CollectionConfig{"hash-64", 500, 80});
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->AddDocument(MakeDocument("a", {"立法会选举", "天气很好"}), FakeEmbedder()).ok());
  }
  auto manager = CollectionManager::Open(ServerOptions(dir.path()));
  ASSERT_TRUE(manager.ok());
  auto c = (*manager)->Get("old");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Keyword(**c, "立法会选举是什么？"), (std::vector<std::string>{"立法会选举"}));
  // Rows indexed and deleted with the tokenizer of the table's creation.
  ASSERT_TRUE((*c)->AddDocument(MakeDocument("a", {"天气不好"}), FakeEmbedder()).ok());
  EXPECT_EQ(Keyword(**c, "天气"), (std::vector<std::string>{"天气不好"}));
  manager->reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() + "/old/collection.db").c_str(), &db), SQLITE_OK);
  ASSERT_TRUE(RegisterFtsTokenizer(db).ok());
  EXPECT_EQ(
      sqlite3_exec(db, "INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')", nullptr, nullptr, nullptr),
      SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

}  // namespace
}  // namespace suanli::rag
