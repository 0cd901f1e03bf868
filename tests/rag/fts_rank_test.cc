// The FTS5 ranking function suanli_bm25 against a BM25 computed here, and
// its LIMIT shortcut against the exact ranking.
#include "rag/fts_rank.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "rag/analyzer.h"

namespace suanli::rag {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

Db OpenDocs(const std::vector<std::string>& bodies) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
  Db db(raw);
  EXPECT_TRUE(RegisterFtsTokenizer(db.get()).ok());
  EXPECT_TRUE(RegisterFtsRankFunction(db.get()).ok());
  EXPECT_EQ(sqlite3_exec(db.get(), "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'suanli nostem')", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db.get(), "INSERT INTO docs(rowid, body) VALUES (?1, ?2)", -1, &insert, nullptr);
  for (size_t i = 0; i < bodies.size(); ++i) {
    sqlite3_bind_int64(insert, 1, static_cast<int64_t>(i + 1));
    sqlite3_bind_text(insert, 2, bodies[i].data(), static_cast<int>(bodies[i].size()), SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(insert), SQLITE_DONE);
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  return db;
}

// (rowid, score) pairs of `sql` with `match` bound to ?1.
std::vector<std::pair<int64_t, double>> Rows(sqlite3* db, const std::string& sql, const std::string& match) {
  std::vector<std::pair<int64_t, double>> rows;
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_bind_text(statement, 1, match.data(), static_cast<int>(match.size()), SQLITE_TRANSIENT);
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    rows.emplace_back(sqlite3_column_int64(statement, 0), sqlite3_column_double(statement, 1));
  }
  EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db);
  sqlite3_finalize(statement);
  return rows;
}

TEST(FtsRankTest, IsLuceneBm25) {
  // Lengths 3, 5 and 2 tokens; "cat" in two rows, "dog" in one.
  Db db = OpenDocs({"cat sat down", "cat cat and one dog", "bird flew"});
  const auto rows = Rows(db.get(), "SELECT rowid, suanli_bm25(docs) FROM docs WHERE docs MATCH ?1 ORDER BY rowid",
                         "\"cat\" OR \"dog\"");
  ASSERT_EQ(rows.size(), 2u);
  const double n = 3, average = 10.0 / 3;
  auto idf = [&](double df) { return std::log(1 + (n - df + 0.5) / (df + 0.5)); };
  auto term = [&](double tf, double length) {
    return tf * (kBm25K1 + 1) / (tf + kBm25K1 * (1 - kBm25B + kBm25B * length / average));
  };
  EXPECT_NEAR(rows[0].second, -idf(2) * term(1, 3), 1e-9);
  EXPECT_NEAR(rows[1].second, -(idf(2) * term(2, 5) + idf(1) * term(1, 5)), 1e-9);
}

TEST(FtsRankTest, TermsInEveryRowStillCount) {
  // FTS5's bm25() gives a term found in every row (almost) no weight.
  Db db = OpenDocs({"alpha beta", "alpha gamma gamma"});
  const auto rows =
      Rows(db.get(), "SELECT rowid, suanli_bm25(docs) FROM docs WHERE docs MATCH ?1 ORDER BY rowid", "\"alpha\"");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_LT(rows[0].second, -0.1);
  EXPECT_LT(rows[0].second, rows[1].second);  // the shorter row ranks first
}

TEST(FtsRankTest, LimitKeepsTheExactBestRows) {
  std::mt19937 rng(7);
  const std::vector<std::string> words = {"alpha", "beta",  "gamma", "delta", "eps",    "zeta",
                                          "eta",   "theta", "iota",  "kappa", "lambda", "mu"};
  std::vector<std::string> bodies;
  for (int i = 0; i < 400; ++i) {
    std::string body;
    const int length = 1 + static_cast<int>(rng() % 30);
    for (int w = 0; w < length; ++w) {
      body += words[std::min<size_t>(words.size() - 1, rng() % words.size() * (rng() % 3 + 1) / 3)];
      body += ' ';
    }
    bodies.push_back(body);
  }
  Db db = OpenDocs(bodies);
  for (int q = 0; q < 30; ++q) {
    std::string match = "\"" + words[rng() % words.size()] + "\"";
    for (int extra = static_cast<int>(rng() % 4); extra > 0; --extra)
      match += " OR \"" + words[rng() % words.size()] + "\"";
    for (int limit : {1, 4, 10}) {
      const std::string tail = " AS r FROM docs WHERE docs MATCH ?1 ORDER BY r, rowid LIMIT " + std::to_string(limit);
      const auto exact = Rows(db.get(), "SELECT rowid, suanli_bm25(docs)" + tail, match);
      const auto bounded =
          Rows(db.get(), "SELECT rowid, suanli_bm25(docs, " + std::to_string(limit) + ")" + tail, match);
      EXPECT_EQ(bounded, exact) << match << " limit " << limit;
    }
  }
}

TEST(FtsRankTest, NullConnectionIsAnError) {
  EXPECT_EQ(RegisterFtsRankFunction(nullptr).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace suanli::rag
