// The "suanli" FTS5 tokenizer in a real (in-memory) SQLite database, and the
// MATCH-query builder against hostile input.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "rag/analyzer.h"

namespace suanli::rag {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

struct StatementCloser {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

Db OpenWithTokenizer(const AnalyzerOptions& options = {}) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
  Db db(raw);
  const Status status = RegisterFtsTokenizer(db.get(), options);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return db;
}

void Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
}

void Insert(sqlite3* db, int64_t rowid, const std::string& body) {
  sqlite3_stmt* raw = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO docs(rowid, body) VALUES (?1, ?2)", -1, &raw, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3_stmt, StatementCloser> statement(raw);
  sqlite3_bind_int64(raw, 1, rowid);
  sqlite3_bind_text(raw, 2, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(raw), SQLITE_DONE) << sqlite3_errmsg(db);
}

// Row ids matching `match`, best bm25 first; the SQLite result code in *rc.
std::vector<int64_t> Search(sqlite3* db, const std::string& match, int* rc = nullptr) {
  std::vector<int64_t> ids;
  sqlite3_stmt* raw = nullptr;
  int code =
      sqlite3_prepare_v2(db, "SELECT rowid FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs)", -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, StatementCloser> statement(raw);
  if (code == SQLITE_OK) {
    sqlite3_bind_text(raw, 1, match.data(), static_cast<int>(match.size()), SQLITE_TRANSIENT);
    while ((code = sqlite3_step(raw)) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(raw, 0));
  }
  if (rc != nullptr) *rc = code;
  return ids;
}

std::vector<int64_t> SearchQuery(sqlite3* db, const std::string& user_query) {
  StatusOr<std::string> match = BuildFtsMatchQuery(user_query);
  EXPECT_TRUE(match.ok()) << match.status().ToString();
  if (!match.ok()) return {};
  int rc = 0;
  std::vector<int64_t> ids = Search(db, *match, &rc);
  EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db) << " for " << *match;
  return ids;
}

class FtsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenWithTokenizer();
    Exec(db_.get(), "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'suanli')");
    Insert(db_.get(), 1, "香港第六届立法会选举有多少个议席？");
    Insert(db_.get(), 2, "立法会是香港的立法机关，立法会选举每四年举行一次，选出全部议席。");
    Insert(db_.get(), 3, "今天天气很好，我们去公园散步。");
    Insert(db_.get(), 4, "寺庙里正在举办法会。");
    Insert(db_.get(), 5, "She was running along the river with her dog.");
    Insert(db_.get(), 6, "The GPT-4 model and the RTX 3090 card.");
    Insert(db_.get(), 7, "The university agreed to increase the fees.");
  }
  Db db_;
};

TEST_F(FtsTest, BigramQueryMatchesInsideLongCjkRuns) {
  std::vector<int64_t> ids = SearchQuery(db_.get(), "立法");
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(SearchQuery(db_.get(), "火星").empty());
}

TEST_F(FtsTest, Bm25RanksTheDocumentsWithMoreQueryTermsFirst) {
  const std::vector<int64_t> ids = SearchQuery(db_.get(), "立法会选举的议席有多少？");
  ASSERT_EQ(ids.size(), 3u);  // 1 and 2 share many bigrams; 4 only 法会
  EXPECT_EQ(ids[0], 1);
  EXPECT_EQ(ids[1], 2);
  EXPECT_EQ(ids[2], 4);
}

TEST_F(FtsTest, EnglishStemmingMatchesOtherForms) {
  EXPECT_EQ(SearchQuery(db_.get(), "run"), (std::vector<int64_t>{5}));
  EXPECT_EQ(SearchQuery(db_.get(), "RUNS"), (std::vector<int64_t>{5}));
  EXPECT_EQ(SearchQuery(db_.get(), "rivers"), (std::vector<int64_t>{5}));
  // Stems that are not their own stem ("university" -> "univers" -> "univ")
  // still match: the query quotes the words as the user wrote them.
  EXPECT_EQ(SearchQuery(db_.get(), "universities"), (std::vector<int64_t>{7}));
  EXPECT_EQ(SearchQuery(db_.get(), "agree"), (std::vector<int64_t>{7}));
  EXPECT_EQ(SearchQuery(db_.get(), "increased"), (std::vector<int64_t>{7}));
}

TEST_F(FtsTest, CompoundsAndNumbers) {
  EXPECT_EQ(SearchQuery(db_.get(), "gpt-4"), (std::vector<int64_t>{6}));
  EXPECT_EQ(SearchQuery(db_.get(), "GPT"), (std::vector<int64_t>{6}));
  EXPECT_EQ(SearchQuery(db_.get(), "３０９０"), (std::vector<int64_t>{6}));  // full-width digits
}

TEST_F(FtsTest, PhraseQueriesUseTokenPositions) {
  int rc = 0;
  EXPECT_EQ(Search(db_.get(), "\"立法会选举\"", &rc), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(rc, SQLITE_DONE);
  EXPECT_TRUE(Search(db_.get(), "\"立法选举\"", &rc).empty());
}

TEST_F(FtsTest, HighlightUsesOriginalOffsets) {
  sqlite3_stmt* raw = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db_.get(), "SELECT highlight(docs, 0, '[', ']') FROM docs WHERE docs MATCH ?1 AND rowid = 6",
                         -1, &raw, nullptr),
      SQLITE_OK);
  std::unique_ptr<sqlite3_stmt, StatementCloser> statement(raw);
  sqlite3_bind_text(raw, 1, "\"rtx\"", -1, SQLITE_STATIC);
  ASSERT_EQ(sqlite3_step(raw), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(raw, 0))),
            "The GPT-4 model and the [RTX] 3090 card.");
}

TEST(FtsTokenizerTest, TableArgumentsOverrideTheDefaults) {
  Db db = OpenWithTokenizer();
  Exec(db.get(), "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'suanli nostem unigrams')");
  Insert(db.get(), 1, "running 立法会");
  int rc = 0;
  EXPECT_TRUE(Search(db.get(), "\"run\"", &rc).empty());
  EXPECT_EQ(Search(db.get(), "\"running\"", &rc), (std::vector<int64_t>{1}));
  EXPECT_EQ(Search(db.get(), "\"会\"", &rc), (std::vector<int64_t>{1}));  // unigram
  char* error = nullptr;
  EXPECT_NE(sqlite3_exec(db.get(), "CREATE VIRTUAL TABLE bad USING fts5(body, tokenize = 'suanli bogus')", nullptr,
                         nullptr, &error),
            SQLITE_OK);
  sqlite3_free(error);
}

TEST(FtsTokenizerTest, QueryStringsOfAUnigramTableAreOneTerm) {
  Db db = OpenWithTokenizer();
  Exec(db.get(), "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'suanli unigrams')");
  Insert(db.get(), 1, "立法会");
  Insert(db.get(), 2, "法立会");
  int rc = 0;
  // "立法" is its bigram only (no colocated unigrams making it a phrase).
  EXPECT_EQ(Search(db.get(), "\"立法\"", &rc), (std::vector<int64_t>{1}));
  std::vector<int64_t> ids = Search(db.get(), "\"法\"", &rc);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(rc, SQLITE_DONE);
}

TEST(FtsTokenizerTest, NullConnectionIsAnError) {
  EXPECT_EQ(RegisterFtsTokenizer(nullptr).code(), StatusCode::kInvalidArgument);
}

TEST(FtsQueryTest, QuotesEachDistinctTermInItsOriginalForm) {
  StatusOr<std::string> match = BuildFtsMatchQuery("立法会 GPT-4, running runs");
  ASSERT_TRUE(match.ok());
  EXPECT_EQ(*match, "\"立法\" OR \"法会\" OR \"GPT\" OR \"GPT-4\" OR \"4\" OR \"running\"");
}

TEST(FtsQueryTest, LeavesOutQuestionWords) {
  // 多少 and every bigram overlapping it (有多, 少个) go; so does 什么时候's 么时.
  EXPECT_EQ(*BuildFtsMatchQuery("立法会有多少个议席？"), "\"立法\" OR \"法会\" OR \"会有\" OR \"个议\" OR \"议席\"");
  EXPECT_EQ(*BuildFtsMatchQuery("他在什么时候去世"), "\"他在\" OR \"时候\" OR \"候去\" OR \"去世\"");
  EXPECT_EQ(*BuildFtsMatchQuery("郭麐在哪一年去世"), "\"郭麐\" OR \"麐在\" OR \"一年\" OR \"年去\" OR \"去世\"");
  EXPECT_EQ(*BuildFtsMatchQuery("What is the capital of France?"), "\"capital\" OR \"France\"");
  // A query of question words only keeps them.
  EXPECT_EQ(*BuildFtsMatchQuery("什么"), "\"什么\"");
  EXPECT_EQ(*BuildFtsMatchQuery("Who is it"), "\"Who\" OR \"is\" OR \"it\"");
}

TEST(FtsQueryTest, SelectiveTermsAreTheOtherCjkCharacters) {
  AnalyzerOptions unigrams;
  unigrams.cjk_unigrams = true;
  EXPECT_EQ(FtsSelectiveTerms("郭麐在哪一年去世", unigrams),
            (std::vector<std::string>{"\"郭\"", "\"麐\"", "\"在\"", "\"一\"", "\"年\"", "\"去\"", "\"世\""}));
  // A lone character is a term of the query itself; words are never selective.
  EXPECT_EQ(FtsSelectiveTerms("丘 gpt-4 丘姓", unigrams), (std::vector<std::string>{"\"姓\""}));
  EXPECT_EQ(*BuildFtsMatchQuery("郭麐在哪一年去世", unigrams), *BuildFtsMatchQuery("郭麐在哪一年去世"));
  EXPECT_TRUE(FtsSelectiveTerms("郭麐在哪一年去世").empty());
}

TEST(FtsQueryTest, NoSearchableTermIsNotFound) {
  EXPECT_EQ(BuildFtsMatchQuery("").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(BuildFtsMatchQuery("  !!! ，。？ \"\" ** ()").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(BuildFtsMatchQuery(std::string("\xFF\xFE\x01", 3)).status().code(), StatusCode::kNotFound);
}

TEST(FtsQueryTest, CapsTheNumberOfTerms) {
  std::string query;
  for (int i = 0; i < 500; ++i) {
    query += 'w';
    query += std::to_string(i);
    query += ' ';
  }
  StatusOr<std::string> match = BuildFtsMatchQuery(query);
  ASSERT_TRUE(match.ok());
  size_t ors = 0;
  for (size_t at = match->find(" OR "); at != std::string::npos; at = match->find(" OR ", at + 1)) ++ors;
  EXPECT_EQ(ors + 1, kMaxQueryTerms);
}

// Every input gives NotFound or an expression FTS5 accepts.
TEST(FtsQueryTest, HostileInputNeverBreaksTheSyntax) {
  Db db = OpenWithTokenizer();
  Exec(db.get(), "CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'suanli')");
  Exec(db.get(), "INSERT INTO docs VALUES ('a title', 'near and or not 立法会 \"quoted\" col:value')");
  std::vector<std::string> inputs = {"\"",
                                     "\"\"",
                                     "a\"b",
                                     "\"unterminated",
                                     "*",
                                     "a*",
                                     "立法*",
                                     "NEAR(a b)",
                                     "NEAR(\"a\" \"b\", 5)",
                                     "a AND b",
                                     "AND",
                                     "OR",
                                     "NOT",
                                     "a NOT",
                                     "(",
                                     ")",
                                     "(a OR b",
                                     "title:foo",
                                     "body:立法",
                                     "{title body}:x",
                                     "- title : x",
                                     "^foo",
                                     "+foo",
                                     "-foo",
                                     "a:b:c",
                                     "'",
                                     "\\",
                                     "\x01\x02\x1F",
                                     std::string("\0x\0", 3),
                                     "\xFF\xFE",
                                     "\xC3",
                                     "\xED\xA0\x80",
                                     "😀 emoji",
                                     "col:\"x\" AND (y OR z*) NOT NEAR(a)",
                                     "\"\"\"\"\"",
                                     "a \"\" b",
                                     "ＮＥＡＲ（ａ）",
                                     "near",
                                     "and",
                                     "or not"};
  std::string big;
  while (big.size() < (1 << 20)) big += "立法\" AND (gpt-4* OR x:y) NEAR ";
  inputs.push_back(big);
  std::mt19937 rng(11);
  for (int i = 0; i < 200; ++i) {
    std::string junk(rng() % 40, '\0');
    for (char& c : junk) c = static_cast<char>(rng() % 256);
    inputs.push_back(junk);
  }
  AnalyzerOptions unigrams;
  unigrams.cjk_unigrams = true;
  for (const std::string& input : inputs) {
    for (const std::string& term : FtsSelectiveTerms(input, unigrams)) {
      int rc = 0;
      Search(db.get(), term, &rc);
      EXPECT_EQ(rc, SQLITE_DONE) << "selective term " << term << ": " << sqlite3_errmsg(db.get());
    }
    StatusOr<std::string> match = BuildFtsMatchQuery(input);
    if (!match.ok()) {
      EXPECT_EQ(match.status().code(), StatusCode::kNotFound);
      continue;
    }
    int rc = 0;
    Search(db.get(), *match, &rc);
    EXPECT_EQ(rc, SQLITE_DONE) << "query " << *match << ": " << sqlite3_errmsg(db.get());
  }
}

}  // namespace
}  // namespace suanli::rag
