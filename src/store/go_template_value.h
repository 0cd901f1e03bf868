// TemplateValue: the dynamically typed data a Go text/template runs over,
// with Go's rules for truth, printing (fmt's %v) and encoding/json. Values
// are immutable and share their contents, so copies are cheap and a value
// may be read from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace suanli::store {

class TemplateValue;
struct TemplateField;
using TemplateList = std::vector<TemplateValue>;
using TemplateEntries = std::vector<std::pair<std::string, TemplateValue>>;  // sorted by key

class TemplateValue {
 public:
  // kInvalid is Go's invalid reflect.Value ("<no value>"); kNil a nil
  // interface (a missing map key, JSON null).
  enum class Kind : uint8_t { kInvalid, kNil, kBool, kInt, kFloat, kString, kList, kMap, kStruct };
  // How values of Ollama's named types print: kJson types have a String()
  // that is their JSON; kJsonMap also prints "{}" when nil; kPropertyType is
  // api.PropertyType (one name prints bare, several as [a b]).
  enum class Style : uint8_t { kPlain, kJson, kJsonMap, kPropertyType };

  TemplateValue() = default;  // kInvalid
  static TemplateValue Nil();
  static TemplateValue Bool(bool b);
  static TemplateValue Int(int64_t i);
  static TemplateValue Float(double f);
  static TemplateValue String(std::string s);
  // A slice; `nil` makes a nil slice (len 0, JSON null). `type_name` is the Go
  // type for error messages.
  static TemplateValue List(TemplateList items, Style style = Style::kPlain, std::string type_name = "[]interface {}",
                            bool nil = false);
  // A map[string]T; entries are sorted by key (later duplicates win).
  static TemplateValue Map(TemplateEntries entries, Style style = Style::kPlain,
                           std::string type_name = "map[string]interface {}", bool nil = false);
  // A struct with exported fields in declaration order.
  static TemplateValue Struct(std::string type_name, std::vector<TemplateField> fields, Style style = Style::kPlain);
  // As Go's encoding/json decodes into `any`: objects become
  // map[string]interface {}, arrays []interface {}, numbers float64. Values
  // nested deeper than kMaxJsonDepth become nil (printing recurses).
  static constexpr int kMaxJsonDepth = 256;
  static TemplateValue FromJson(const nlohmann::json& json);

  Kind kind() const { return kind_; }
  Style style() const;
  bool IsNilContainer() const;  // a nil slice or map
  bool AsBool() const { return bool_; }
  int64_t AsInt() const { return int_; }
  double AsFloat() const { return float_; }
  const std::string& AsString() const;
  std::span<const TemplateValue> Items() const;      // REQUIRES: kind() == kList
  const TemplateEntries& Entries() const;            // REQUIRES: kind() == kMap
  const std::vector<TemplateField>& Fields() const;  // REQUIRES: kind() == kStruct
  // Go's len: bytes of a string, elements of a slice or map.
  size_t Length() const;
  // The entry for `key` of a map, the field `name` of a struct, or null.
  const TemplateValue* Find(std::string_view key) const;
  // Go's type name: "string", "int", "float64", "[]interface {}", ...
  std::string TypeName() const;
  // x[i:j] of a slice (keeping its type and style) or a string.
  // REQUIRES: i <= j <= Length().
  TemplateValue Slice(size_t i, size_t j) const;
  // Go template truth: false, 0, "", nil and empty collections are false.
  bool Truth() const;

 private:
  struct Composite;
  static TemplateValue FromJson(const nlohmann::json& json, int depth);
  Kind kind_ = Kind::kInvalid;
  bool bool_ = false;
  int64_t int_ = 0;
  double float_ = 0;
  std::shared_ptr<const std::string> string_;
  std::shared_ptr<const Composite> composite_;
};

struct TemplateField {
  std::string name;  // the Go field name templates use (.Role)
  TemplateValue value;
  std::string json_name;  // encoding/json key; empty: the Go name
  bool omit_empty = false;
};

// fmt.Sprint of one operand (how {{ x }} and print show a value). kInvalid
// prints "<nil>" here; the executor prints "<no value>" for a bare action.
std::string FormatValue(const TemplateValue& value);
// encoding/json's Marshal (HTML-safe escaping, sorted map keys).
std::string ToJson(const TemplateValue& value);
// strconv.FormatFloat for 'e', 'E', 'f', 'g', 'G'; precision -1 = shortest.
std::string FormatGoFloat(double value, char format, int precision);
// strconv.Quote: a double-quoted Go string literal.
std::string GoQuote(std::string_view text);

}  // namespace suanli::store
