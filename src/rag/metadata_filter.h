// Metadata filters (Chroma/LangChain style) compiled into a SQL expression
// with bound parameters, so that keyword and dense search apply them inside
// the search rather than after it. Pure functions; thread-safe.
//
// Grammar: a filter is null or a JSON object whose entries are all true:
//   "field": scalar              equality (same as {"$eq": scalar})
//   "field": [scalars]           membership (same as {"$in": [...]})
//   "field": {"$op": value, ...} $eq $ne (scalar), $in $nin (non-empty array of
//                                scalars), $gt $gte $lt $lte (number or string)
//   "$and": [filters], "$or": [filters] (non-empty), "$not": filter
// A field is "source" (the document's source) or a metadata key, looked up in
// the chunk's metadata first (page, heading, ...) and then the document's.
// Numbers compare with numbers, strings with strings (true/false are 1/0);
// a missing field matches only $ne and $nin. Unknown operators, wrong value
// types, bad field names and nesting deeper than 8 are InvalidArgument.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "rag/sqlite_db.h"

namespace suanli::rag {

struct SqlFilter {
  // A boolean SQL expression over the aliases `c` (chunks) and `d`
  // (documents); empty when the filter matches everything.
  std::string sql;
  std::vector<SqlValue> params;  // bound to its `?` in order
  bool empty() const { return sql.empty(); }
};

StatusOr<SqlFilter> CompileFilter(const nlohmann::json& filter);

}  // namespace suanli::rag
