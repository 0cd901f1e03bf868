// The keyword-search configuration of the server's collections, in one
// place so that the server, the benchmarks and the tests run the same thing:
// new collections get the FTS5 tokenizer "suanli" with CJK unigrams (see
// analyzer.h), every connection registers it and the ranking function
// suanli_bm25 (fts_rank.h), user queries become MATCH expressions through
// BuildFtsMatchQuery, and their rare CJK characters join them as selective
// terms (FtsSelectiveTerms). Existing collections keep the tokenizer
// arguments they were created with (collection_info.fts_tokenizer).
// Thread-safety: a pure function on the caller's options.
#pragma once

#include "rag/store_options.h"

namespace suanli::rag {

// Sets options->fts_tokenizer, register_tokenizer, build_match_query,
// selective_terms and fts_rank_function.
void UseSuanliKeywordSearch(StoreOptions* options);

}  // namespace suanli::rag
