// The SQLite FTS5 tokenizer "suanli": reports AnalyzeText's terms to FTS5.
#include <sqlite3.h>

#include <cstring>
#include <new>
#include <string>

#include "rag/analyzer.h"
#include "rag/fts_api.h"

namespace suanli::rag {

namespace {

// One tokenizer instance (per FTS5 table and connection): its options.
struct TokenizerInstance {
  AnalyzerOptions options;
};

// Reads the tokenize = 'suanli arg ...' arguments over the registered defaults.
bool ApplyArguments(const char** args, int count, AnalyzerOptions* options) {
  for (int i = 0; i < count; ++i) {
    const std::string arg = args[i] == nullptr ? "" : args[i];
    if (arg == "unigrams") {
      options->cjk_unigrams = true;
    } else if (arg == "nounigrams") {
      options->cjk_unigrams = false;
    } else if (arg == "stem") {
      options->stem_english = true;
    } else if (arg == "nostem") {
      options->stem_english = false;
    } else {
      return false;
    }
  }
  return true;
}

int CreateTokenizer(void* context, const char** args, int count, Fts5Tokenizer** out) {
  *out = nullptr;
  AnalyzerOptions options = *static_cast<const AnalyzerOptions*>(context);
  if (!ApplyArguments(args, count, &options)) return SQLITE_ERROR;
  auto* instance = new (std::nothrow) TokenizerInstance{options};
  if (instance == nullptr) return SQLITE_NOMEM;
  *out = reinterpret_cast<Fts5Tokenizer*>(instance);
  return SQLITE_OK;
}

void DeleteTokenizer(Fts5Tokenizer* tokenizer) { delete reinterpret_cast<TokenizerInstance*>(tokenizer); }

int Tokenize(Fts5Tokenizer* tokenizer, void* context, int flags, const char* text, int length,
             int (*token)(void*, int, const char*, int, int, int)) {
  const auto* instance = reinterpret_cast<const TokenizerInstance*>(tokenizer);
  if (length <= 0 || text == nullptr) return SQLITE_OK;
  AnalyzerOptions options = instance->options;
  // A query string is one term in the form the user wrote it (see
  // BuildFtsMatchQuery): two CJK characters mean their bigram, one its
  // unigram, so a query never needs the colocated unigrams (which would make
  // "ab" a phrase of two positions).
  if ((flags & FTS5_TOKENIZE_QUERY) != 0) options.cjk_unigrams = false;
  try {
    const std::vector<Term> terms = AnalyzeText(std::string_view(text, static_cast<size_t>(length)), options);
    bool first = true;
    for (const Term& term : terms) {
      const int flags = term.colocated && !first ? FTS5_TOKEN_COLOCATED : 0;
      first = false;
      const int rc = token(context, flags, term.text.data(), static_cast<int>(term.text.size()),
                           static_cast<int>(term.begin), static_cast<int>(term.end));
      if (rc != SQLITE_OK) return rc;
    }
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (...) {
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

void DestroyOptions(void* context) { delete static_cast<AnalyzerOptions*>(context); }

}  // namespace

Status RegisterFtsTokenizer(sqlite3* db, const AnalyzerOptions& options) {
  if (db == nullptr) return InvalidArgumentError("cannot register the search tokenizer: no database connection");
  fts5_api* api = GetFtsApi(db);
  if (api == nullptr || api->iVersion < 2) {
    return UnavailableError("cannot register the search tokenizer: this SQLite has no FTS5; install one built with it");
  }
  auto* context = new (std::nothrow) AnalyzerOptions(options);
  if (context == nullptr) return ResourceExhaustedError("cannot register the search tokenizer: out of memory");
  fts5_tokenizer tokenizer = {CreateTokenizer, DeleteTokenizer, Tokenize};
  const int rc = api->xCreateTokenizer(api, kFtsTokenizerName, context, &tokenizer, DestroyOptions);
  if (rc != SQLITE_OK) {
    delete context;
    return InternalError(std::string("cannot register the search tokenizer: ") + sqlite3_errstr(rc));
  }
  return OkStatus();
}

}  // namespace suanli::rag
