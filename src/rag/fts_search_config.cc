#include "rag/fts_search_config.h"

#include "rag/analyzer.h"
#include "rag/fts_rank.h"

namespace suanli::rag {

namespace {

// New collections index CJK unigrams too; a query searches them where they
// are selective (FtsSelectiveTerms). Collections created before keep the
// 'suanli' (bigrams only) they were created with: the registered defaults.
constexpr char kNewCollectionTokenizer[] = "suanli unigrams";

}  // namespace

void UseSuanliKeywordSearch(StoreOptions* options) {
  options->fts_tokenizer = kNewCollectionTokenizer;
  options->register_tokenizer = [](sqlite3* db) -> Status {
    RETURN_IF_ERROR(RegisterFtsTokenizer(db));
    return RegisterFtsRankFunction(db);
  };
  options->build_match_query = [](std::string_view query) { return BuildFtsMatchQuery(query); };
  AnalyzerOptions unigrams;
  unigrams.cjk_unigrams = true;
  options->selective_terms = [unigrams](std::string_view query) { return FtsSelectiveTerms(query, unigrams); };
  options->fts_rank_function = kFtsRankFunctionName;
}

}  // namespace suanli::rag
