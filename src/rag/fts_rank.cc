#include "rag/fts_rank.h"

#include <sqlite3.h>

#include <cmath>
#include <functional>
#include <new>
#include <queue>
#include <string>
#include <vector>

#include "rag/fts_api.h"

namespace suanli::rag {

namespace {

// Per-query state, kept as the query's FTS5 auxiliary data.
struct RankState {
  std::vector<double> idf;  // per phrase
  std::vector<int> tf;      // per phrase, for the current row
  double average_length = 1;
  size_t limit = 0;  // 0: every row exact
  // The best `limit` exact scores so far (smallest on top).
  std::priority_queue<double, std::vector<double>, std::greater<double>> best;
  sqlite3_int64 last_rowid = 0;
  double last_result = 0;
  bool has_last = false;
};

void DeleteState(void* state) { delete static_cast<RankState*>(state); }

int CountRow(const Fts5ExtensionApi*, Fts5Context*, void* count) {
  ++*static_cast<sqlite3_int64*>(count);
  return SQLITE_OK;
}

// The query's state, created on its first row: idf per phrase and the
// average document length. Null (with *rc set) on failure.
RankState* GetState(const Fts5ExtensionApi* api, Fts5Context* fts, int argc, sqlite3_value** argv, int* rc) {
  auto* state = static_cast<RankState*>(api->xGetAuxdata(fts, 0));
  if (state != nullptr) return state;
  state = new (std::nothrow) RankState();
  if (state == nullptr) {
    *rc = SQLITE_NOMEM;
    return nullptr;
  }
  if (argc > 0) {
    const sqlite3_int64 limit = sqlite3_value_int64(argv[0]);
    state->limit = limit > 0 ? static_cast<size_t>(limit) : 0;
  }
  sqlite3_int64 rows = 0, tokens = 0;
  *rc = api->xRowCount(fts, &rows);
  if (*rc == SQLITE_OK) *rc = api->xColumnTotalSize(fts, -1, &tokens);
  if (rows > 0 && tokens > 0) state->average_length = static_cast<double>(tokens) / static_cast<double>(rows);
  const int phrases = api->xPhraseCount(fts);
  for (int i = 0; i < phrases && *rc == SQLITE_OK; ++i) {
    sqlite3_int64 matching = 0;
    *rc = api->xQueryPhrase(fts, i, &matching, CountRow);
    const double n = static_cast<double>(matching);
    state->idf.push_back(std::log(1.0 + (static_cast<double>(rows) - n + 0.5) / (n + 0.5)));
  }
  state->tf.assign(state->idf.size(), 0);
  if (*rc != SQLITE_OK) {
    delete state;
    return nullptr;
  }
  *rc = api->xSetAuxdata(fts, state, DeleteState);  // deletes it when it fails
  return *rc == SQLITE_OK ? state : nullptr;
}

void Rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* context, int argc, sqlite3_value** argv) {
  int rc = SQLITE_OK;
  RankState* state = GetState(api, fts, argc, argv, &rc);
  if (state == nullptr) {
    sqlite3_result_error_code(context, rc);
    return;
  }
  // A row ranked twice (the expression used twice) must not enter `best` twice.
  const sqlite3_int64 rowid = api->xRowid(fts);
  if (state->has_last && rowid == state->last_rowid) {
    sqlite3_result_double(context, state->last_result);
    return;
  }
  double bound = 0;
  for (size_t i = 0; i < state->tf.size(); ++i) {
    Fts5PhraseIter iter;
    int column = 0, offset = 0, count = 0;
    rc = api->xPhraseFirst(fts, static_cast<int>(i), &iter, &column, &offset);
    for (; rc == SQLITE_OK && column >= 0; api->xPhraseNext(fts, &iter, &column, &offset)) ++count;
    state->tf[i] = count;
    if (count > 0) bound += state->idf[i] * count * (kBm25K1 + 1) / (count + kBm25K1 * (1 - kBm25B));
  }
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(context, rc);
    return;
  }
  double score = bound;
  if (state->limit == 0 || state->best.size() < state->limit || bound >= state->best.top()) {
    int length = 0;
    rc = api->xColumnSize(fts, -1, &length);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(context, rc);
      return;
    }
    const double norm = kBm25K1 * (1 - kBm25B + kBm25B * length / state->average_length);
    score = 0;
    for (size_t i = 0; i < state->tf.size(); ++i) {
      if (state->tf[i] > 0) score += state->idf[i] * state->tf[i] * (kBm25K1 + 1) / (state->tf[i] + norm);
    }
    if (state->limit > 0) {
      state->best.push(score);
      if (state->best.size() > state->limit) state->best.pop();
    }
  }
  state->has_last = true;
  state->last_rowid = rowid;
  state->last_result = -score;
  sqlite3_result_double(context, -score);
}

}  // namespace

Status RegisterFtsRankFunction(sqlite3* db) {
  if (db == nullptr) return InvalidArgumentError("cannot register the search ranking: no database connection");
  fts5_api* api = GetFtsApi(db);
  if (api == nullptr || api->iVersion < 2) {
    return UnavailableError("cannot register the search ranking: this SQLite has no FTS5; install one built with it");
  }
  const int rc = api->xCreateFunction(api, kFtsRankFunctionName, nullptr, Rank, nullptr);
  if (rc != SQLITE_OK) return InternalError(std::string("cannot register the search ranking: ") + sqlite3_errstr(rc));
  return OkStatus();
}

}  // namespace suanli::rag
