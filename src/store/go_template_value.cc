// TemplateValue construction, access and truth.
#include "store/go_template_value.h"

#include <algorithm>

namespace suanli::store {

struct TemplateValue::Composite {
  Style style = Style::kPlain;
  std::string type_name;
  bool nil = false;
  std::shared_ptr<const TemplateList> items;  // a list shares its elements
  size_t offset = 0, count = 0;               // with its slices
  TemplateEntries entries;
  std::vector<TemplateField> fields;
};

namespace {

const std::string kEmpty;
const TemplateEntries kNoEntries;
const std::vector<TemplateField> kNoFields;

}  // namespace

TemplateValue TemplateValue::Nil() {
  TemplateValue v;
  v.kind_ = Kind::kNil;
  return v;
}

TemplateValue TemplateValue::Bool(bool b) {
  TemplateValue v;
  v.kind_ = Kind::kBool;
  v.bool_ = b;
  return v;
}

TemplateValue TemplateValue::Int(int64_t i) {
  TemplateValue v;
  v.kind_ = Kind::kInt;
  v.int_ = i;
  return v;
}

TemplateValue TemplateValue::Float(double f) {
  TemplateValue v;
  v.kind_ = Kind::kFloat;
  v.float_ = f;
  return v;
}

TemplateValue TemplateValue::String(std::string s) {
  TemplateValue v;
  v.kind_ = Kind::kString;
  v.string_ = std::make_shared<const std::string>(std::move(s));
  return v;
}

TemplateValue TemplateValue::List(TemplateList items, Style style, std::string type_name, bool nil) {
  auto c = std::make_shared<Composite>();
  c->style = style;
  c->type_name = std::move(type_name);
  c->nil = nil && items.empty();
  c->count = items.size();
  c->items = std::make_shared<const TemplateList>(std::move(items));
  TemplateValue v;
  v.kind_ = Kind::kList;
  v.composite_ = std::move(c);
  return v;
}

TemplateValue TemplateValue::Map(TemplateEntries entries, Style style, std::string type_name, bool nil) {
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  TemplateEntries unique;
  for (auto& e : entries) {
    if (!unique.empty() && unique.back().first == e.first) {
      unique.back().second = std::move(e.second);
    } else {
      unique.push_back(std::move(e));
    }
  }
  auto c = std::make_shared<Composite>();
  c->style = style;
  c->type_name = std::move(type_name);
  c->nil = nil && unique.empty();
  c->entries = std::move(unique);
  TemplateValue v;
  v.kind_ = Kind::kMap;
  v.composite_ = std::move(c);
  return v;
}

TemplateValue TemplateValue::Struct(std::string type_name, std::vector<TemplateField> fields, Style style) {
  auto c = std::make_shared<Composite>();
  c->style = style;
  c->type_name = std::move(type_name);
  c->fields = std::move(fields);
  TemplateValue v;
  v.kind_ = Kind::kStruct;
  v.composite_ = std::move(c);
  return v;
}

TemplateValue TemplateValue::FromJson(const nlohmann::json& j) { return FromJson(j, 0); }

TemplateValue TemplateValue::FromJson(const nlohmann::json& j, int depth) {
  if (depth > kMaxJsonDepth) return Nil();
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return Nil();
    case nlohmann::json::value_t::boolean:
      return Bool(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return Float(j.get<double>());
    case nlohmann::json::value_t::string:
      return String(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      TemplateList items;
      items.reserve(j.size());
      for (const auto& e : j) items.push_back(FromJson(e, depth + 1));
      return List(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      TemplateEntries entries;
      entries.reserve(j.size());
      for (const auto& [k, e] : j.items()) entries.emplace_back(k, FromJson(e, depth + 1));
      return Map(std::move(entries));
    }
    default:
      return Nil();
  }
}

TemplateValue::Style TemplateValue::style() const { return composite_ ? composite_->style : Style::kPlain; }

bool TemplateValue::IsNilContainer() const { return composite_ && composite_->nil; }

const std::string& TemplateValue::AsString() const { return string_ ? *string_ : kEmpty; }

std::span<const TemplateValue> TemplateValue::Items() const {
  if (kind_ != Kind::kList) return {};
  return std::span<const TemplateValue>(composite_->items->data() + composite_->offset, composite_->count);
}

const TemplateEntries& TemplateValue::Entries() const { return kind_ == Kind::kMap ? composite_->entries : kNoEntries; }

const std::vector<TemplateField>& TemplateValue::Fields() const {
  return kind_ == Kind::kStruct ? composite_->fields : kNoFields;
}

size_t TemplateValue::Length() const {
  switch (kind_) {
    case Kind::kString:
      return string_->size();
    case Kind::kList:
      return composite_->count;
    case Kind::kMap:
      return composite_->entries.size();
    default:
      return 0;
  }
}

const TemplateValue* TemplateValue::Find(std::string_view key) const {
  if (kind_ == Kind::kMap) {
    const auto& e = composite_->entries;
    auto it = std::lower_bound(e.begin(), e.end(), key, [](const auto& a, std::string_view k) { return a.first < k; });
    return it != e.end() && it->first == key ? &it->second : nullptr;
  }
  if (kind_ == Kind::kStruct) {
    for (const auto& f : composite_->fields) {
      if (f.name == key) return &f.value;
    }
  }
  return nullptr;
}

std::string TemplateValue::TypeName() const {
  switch (kind_) {
    case Kind::kInvalid:
      return "<invalid reflect.Value>";
    case Kind::kNil:
      return "interface {}";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float64";
    case Kind::kString:
      return "string";
    default:
      return composite_->type_name;
  }
}

TemplateValue TemplateValue::Slice(size_t i, size_t j) const {
  if (kind_ == Kind::kString) return String(string_->substr(i, j - i));
  auto c = std::make_shared<Composite>(*composite_);
  c->offset += i;
  c->count = j - i;
  c->nil = false;
  TemplateValue v;
  v.kind_ = Kind::kList;
  v.composite_ = std::move(c);
  return v;
}

bool TemplateValue::Truth() const {
  switch (kind_) {
    case Kind::kBool:
      return bool_;
    case Kind::kInt:
      return int_ != 0;
    case Kind::kFloat:
      return float_ != 0;
    case Kind::kString:
    case Kind::kList:
    case Kind::kMap:
      return Length() > 0;
    case Kind::kStruct:
      return true;
    default:
      return false;
  }
}

}  // namespace suanli::store
