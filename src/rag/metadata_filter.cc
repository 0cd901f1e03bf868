#include "rag/metadata_filter.h"

#include "base/utf8.h"

namespace suanli::rag {

namespace {

constexpr int kMaxDepth = 8;
constexpr size_t kMaxConditions = 256;
constexpr size_t kMaxInValues = 1024;
constexpr size_t kMaxFieldBytes = 128;

using json = nlohmann::json;

class Compiler {
 public:
  Status Filter(const json& filter, int depth, std::string* out);

  std::vector<SqlValue> params;

 private:
  Status Field(const std::string& field, const json& condition, std::string* out);
  Status Operator(const std::string& field, const std::string& op, const json& value, std::string* out);
  Status Compare(const std::string& field, const char* sql_op, const json& value, bool allow_bool, std::string* out);
  Status In(const std::string& field, const json& values, const std::string& op, std::string* out);
  // Appends the field's value expression and binds its parameters.
  std::string Value(const std::string& field);
  Status Count();

  size_t conditions_ = 0;
};

bool IsScalar(const json& v) { return v.is_string() || v.is_number() || v.is_boolean(); }

SqlValue ToSql(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return static_cast<int64_t>(v.get<bool>() ? 1 : 0);
  if (v.is_number_integer() && !(v.is_number_unsigned() && v.get<uint64_t>() > INT64_MAX)) {
    return v.get<int64_t>();
  }
  return v.get<double>();
}

Status CheckFieldName(const std::string& field) {
  bool ok = !field.empty() && field.size() <= kMaxFieldBytes && field[0] != '$' && IsValidUtf8(field);
  for (unsigned char c : field) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ok = false;
  }
  if (!ok) {
    return InvalidArgumentError(
        "filter field names must be 1 to 128 characters without quotes, backslashes or control characters, "
        "and must not start with '$'");
  }
  return OkStatus();
}

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

}  // namespace

Status Compiler::Count() {
  if (++conditions_ > kMaxConditions) {
    return InvalidArgumentError("the filter has more than " + std::to_string(kMaxConditions) + " conditions");
  }
  return OkStatus();
}

std::string Compiler::Value(const std::string& field) {
  if (field == "source") return "d.source";
  const std::string path = "$.\"" + field + "\"";
  params.push_back(path);
  params.push_back(path);
  return "COALESCE(json_extract(c.metadata, ?), json_extract(d.metadata, ?))";
}

Status Compiler::Filter(const json& filter, int depth, std::string* out) {
  if (depth > kMaxDepth) return InvalidArgumentError("the filter is nested too deeply (at most 8 levels)");
  if (!filter.is_object()) return InvalidArgumentError("a filter must be a JSON object");
  std::vector<std::string> parts;
  for (const auto& [key, value] : filter.items()) {
    std::string part;
    if (key == "$and" || key == "$or") {
      if (!value.is_array() || value.empty()) {
        return InvalidArgumentError("filter " + key + " takes a non-empty list of filters");
      }
      std::vector<std::string> subs;
      for (const json& sub : value) {
        std::string s;
        RETURN_IF_ERROR(Filter(sub, depth + 1, &s));
        subs.push_back(s);
      }
      part = "(" + Join(subs, key == "$and" ? " AND " : " OR ") + ")";
    } else if (key == "$not") {
      std::string s;
      RETURN_IF_ERROR(Filter(value, depth + 1, &s));
      part = "(NOT " + s + ")";
    } else if (!key.empty() && key[0] == '$') {
      return InvalidArgumentError("unknown filter operator '" + key.substr(0, 32) +
                                  "'; use $and, $or, $not or a field name");
    } else {
      RETURN_IF_ERROR(CheckFieldName(key));
      RETURN_IF_ERROR(Field(key, value, &part));
    }
    parts.push_back(part);
  }
  *out = parts.empty() ? "1" : "(" + Join(parts, " AND ") + ")";
  return OkStatus();
}

Status Compiler::Field(const std::string& field, const json& condition, std::string* out) {
  if (IsScalar(condition)) return Operator(field, "$eq", condition, out);
  if (condition.is_array()) return Operator(field, "$in", condition, out);
  if (!condition.is_object() || condition.empty()) {
    return InvalidArgumentError("filter field '" + field + "' needs a value, a list or an operator object");
  }
  std::vector<std::string> parts;
  for (const auto& [op, value] : condition.items()) {
    std::string part;
    RETURN_IF_ERROR(Operator(field, op, value, &part));
    parts.push_back(part);
  }
  *out = parts.size() == 1 ? parts[0] : "(" + Join(parts, " AND ") + ")";
  return OkStatus();
}

Status Compiler::Operator(const std::string& field, const std::string& op, const json& value, std::string* out) {
  RETURN_IF_ERROR(Count());
  if (op == "$eq" || op == "$ne") {
    if (!IsScalar(value)) {
      return InvalidArgumentError("filter " + op + " on '" + field + "' takes a string, number or boolean");
    }
    std::string eq;
    RETURN_IF_ERROR(Compare(field, "=", value, true, &eq));
    *out = op == "$eq" ? eq : "(NOT " + eq + ")";
    return OkStatus();
  }
  if (op == "$in" || op == "$nin") return In(field, value, op, out);
  static const std::pair<const char*, const char*> kRange[] = {
      {"$gt", ">"}, {"$gte", ">="}, {"$lt", "<"}, {"$lte", "<="}};
  for (const auto& [name, sql_op] : kRange) {
    if (op != name) continue;
    if (!value.is_number() && !value.is_string()) {
      return InvalidArgumentError("filter " + op + " on '" + field + "' takes a number or a string");
    }
    return Compare(field, sql_op, value, false, out);
  }
  return InvalidArgumentError("unknown filter operator '" + op.substr(0, 32) +
                              "'; use $eq, $ne, $in, $nin, $gt, $gte, $lt or $lte");
}

Status Compiler::Compare(const std::string& field, const char* sql_op, const json& value, bool allow_bool,
                         std::string* out) {
  if (value.is_boolean() && !allow_bool) return InvalidArgumentError("filter on '" + field + "' cannot order booleans");
  if (field == "source") {
    if (!value.is_string()) return InvalidArgumentError("filter field 'source' takes strings");
    *out = "(d.source " + std::string(sql_op) + " ?)";
    params.push_back(ToSql(value));
    return OkStatus();
  }
  const char* type_check = value.is_string() ? "= 'text'" : "IN ('integer', 'real')";
  std::string typed = "(typeof(" + Value(field) + ") " + type_check + " AND ";
  typed += Value(field) + " " + sql_op + " ?)";
  params.push_back(ToSql(value));
  *out = typed;
  return OkStatus();
}

Status Compiler::In(const std::string& field, const json& values, const std::string& op, std::string* out) {
  if (!values.is_array() || values.empty() || values.size() > kMaxInValues) {
    return InvalidArgumentError("filter " + op + " on '" + field + "' takes a list of 1 to " +
                                std::to_string(kMaxInValues) + " values");
  }
  std::vector<SqlValue> strings, numbers;
  for (const json& v : values) {
    if (!IsScalar(v)) {
      return InvalidArgumentError("filter " + op + " on '" + field + "' takes strings, numbers or booleans");
    }
    (v.is_string() ? strings : numbers).push_back(ToSql(v));
  }
  if (field == "source" && !numbers.empty()) return InvalidArgumentError("filter field 'source' takes strings");
  std::vector<std::string> parts;
  auto add_group = [&](std::vector<SqlValue>& group, const char* type_check) {
    if (group.empty()) return;
    std::string placeholders;
    for (size_t i = 0; i < group.size(); ++i) placeholders += i == 0 ? "?" : ", ?";
    std::string part;
    if (field == "source") {
      part = "(d.source IN (" + placeholders + "))";
    } else {
      part = "(typeof(" + Value(field) + ") " + type_check + " AND ";
      part += Value(field) + " IN (" + placeholders + "))";
    }
    params.insert(params.end(), group.begin(), group.end());
    parts.push_back(part);
  };
  add_group(strings, "= 'text'");
  add_group(numbers, "IN ('integer', 'real')");
  const std::string in = parts.size() == 1 ? parts[0] : "(" + Join(parts, " OR ") + ")";
  *out = op == "$in" ? in : "(NOT " + in + ")";
  return OkStatus();
}

StatusOr<SqlFilter> CompileFilter(const nlohmann::json& filter) {
  SqlFilter result;
  if (filter.is_null() || (filter.is_object() && filter.empty())) return result;
  Compiler compiler;
  RETURN_IF_ERROR(compiler.Filter(filter, 1, &result.sql));
  result.params = std::move(compiler.params);
  return result;
}

}  // namespace suanli::rag
