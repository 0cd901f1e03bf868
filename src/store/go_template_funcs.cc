// Builtin template functions with Go's semantics and error texts
// (text/template/funcs.go) and Ollama's additions (template/template.go).
#include "store/go_template_funcs.h"

#include <ctime>

namespace suanli::store {

namespace {

using Kind = TemplateValue::Kind;
using Args = std::span<const TemplateValue>;
using Result = StatusOr<TemplateValue>;

Status Err(std::string message) { return InvalidArgumentError(std::move(message)); }

// Go's indirectInterface: a nil interface is no value at all.
TemplateValue Indirect(const TemplateValue& v) { return v.kind() == Kind::kNil ? TemplateValue() : v; }

enum class Basic { kInvalid, kBool, kInt, kFloat, kString };
Basic BasicKind(const TemplateValue& v) {
  switch (v.kind()) {
    case Kind::kBool:
      return Basic::kBool;
    case Kind::kInt:
      return Basic::kInt;
    case Kind::kFloat:
      return Basic::kFloat;
    case Kind::kString:
      return Basic::kString;
    default:
      return Basic::kInvalid;
  }
}

StatusOr<bool> Eq(const TemplateValue& raw1, Args others) {
  const TemplateValue a = Indirect(raw1);
  if (others.empty()) return Err("missing argument for comparison");
  const Basic k1 = BasicKind(a);
  for (const auto& raw2 : others) {
    const TemplateValue b = Indirect(raw2);
    const Basic k2 = BasicKind(b);
    bool truth = false;
    if (k1 != k2) {
      if (a.kind() != Kind::kInvalid && b.kind() != Kind::kInvalid) return Err("incompatible types for comparison");
    } else {
      switch (k1) {
        case Basic::kBool:
          truth = a.AsBool() == b.AsBool();
          break;
        case Basic::kInt:
          truth = a.AsInt() == b.AsInt();
          break;
        case Basic::kFloat:
          truth = a.AsFloat() == b.AsFloat();
          break;
        case Basic::kString:
          truth = a.AsString() == b.AsString();
          break;
        case Basic::kInvalid: {
          const bool nil1 = a.kind() == Kind::kInvalid || a.IsNilContainer();
          const bool nil2 = b.kind() == Kind::kInvalid || b.IsNilContainer();
          if (a.kind() != b.kind() && a.kind() != Kind::kInvalid && b.kind() != Kind::kInvalid) {
            return Err("non-comparable types " + FormatValue(a) + ": " + a.TypeName() + ", " + b.TypeName() + ": " +
                       FormatValue(b));
          }
          if (nil1 || nil2) {
            truth = nil1 == nil2;
          } else {
            return Err("non-comparable type " + FormatValue(b) + ": " + b.TypeName());
          }
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

StatusOr<bool> Lt(const TemplateValue& raw1, const TemplateValue& raw2) {
  const TemplateValue a = Indirect(raw1), b = Indirect(raw2);
  const Basic k1 = BasicKind(a), k2 = BasicKind(b);
  if (k1 == Basic::kInvalid || k2 == Basic::kInvalid) return Err("invalid type for comparison");
  if (k1 != k2) return Err("incompatible types for comparison");
  switch (k1) {
    case Basic::kInt:
      return a.AsInt() < b.AsInt();
    case Basic::kFloat:
      return a.AsFloat() < b.AsFloat();
    case Basic::kString:
      return a.AsString() < b.AsString();
    default:
      return Err("invalid type for comparison");
  }
}

Result Bool(StatusOr<bool> b) {
  if (!b.ok()) return b.status();
  return TemplateValue::Bool(*b);
}

Result NotFn(Args a, const TemplateCallContext&) { return TemplateValue::Bool(!Indirect(a[0]).Truth()); }
Result EqFn(Args a, const TemplateCallContext&) { return Bool(Eq(a[0], a.subspan(1))); }
Result NeFn(Args a, const TemplateCallContext&) {
  auto eq = Eq(a[0], a.subspan(1));
  if (!eq.ok()) return eq.status();
  return TemplateValue::Bool(!*eq);
}
Result LtFn(Args a, const TemplateCallContext&) { return Bool(Lt(a[0], a[1])); }
StatusOr<bool> Le(Args a) {
  auto lt = Lt(a[0], a[1]);
  if (!lt.ok() || *lt) return lt;
  return Eq(a[0], a.subspan(1));
}
Result LeFn(Args a, const TemplateCallContext&) { return Bool(Le(a)); }
Result GtFn(Args a, const TemplateCallContext&) {
  auto le = Le(a);
  if (!le.ok()) return le.status();
  return TemplateValue::Bool(!*le);
}
Result GeFn(Args a, const TemplateCallContext&) {
  auto lt = Lt(a[0], a[1]);
  if (!lt.ok()) return lt.status();
  return TemplateValue::Bool(!*lt);
}

Result LenFn(Args a, const TemplateCallContext&) {
  const TemplateValue& v = a[0];
  switch (v.kind()) {
    case Kind::kInvalid:
    case Kind::kNil:
      return Err("len of nil pointer");
    case Kind::kString:
    case Kind::kList:
    case Kind::kMap:
      return TemplateValue::Int(static_cast<int64_t>(v.Length()));
    default:
      return Err("len of type " + v.TypeName());
  }
}

// Go's indexArg: an int in [0, cap].
StatusOr<size_t> IndexArg(const TemplateValue& raw, size_t cap) {
  const TemplateValue v = Indirect(raw);
  if (v.kind() == Kind::kInvalid) return Err("cannot index slice/array with nil");
  if (v.kind() != Kind::kInt) return Err("cannot index slice/array with type " + v.TypeName());
  if (v.AsInt() < 0 || static_cast<uint64_t>(v.AsInt()) > cap) {
    return Err("index out of range: " + std::to_string(v.AsInt()));
  }
  return static_cast<size_t>(v.AsInt());
}

Result IndexFn(Args a, const TemplateCallContext&) {
  TemplateValue item = Indirect(a[0]);
  if (item.kind() == Kind::kInvalid) return Err("index of untyped nil");
  for (const auto& raw : a.subspan(1)) {
    const TemplateValue index = Indirect(raw);
    switch (item.kind()) {
      case Kind::kNil:
      case Kind::kInvalid:
        return Err("index of nil pointer");
      case Kind::kList:
      case Kind::kString: {
        auto i = IndexArg(index, item.Length());
        if (!i.ok()) return i.status();
        if (*i >= item.Length()) return Err("index out of range: " + std::to_string(*i));
        if (item.kind() == Kind::kString) {
          item = TemplateValue::Int(static_cast<unsigned char>(item.AsString()[*i]));
        } else {
          item = item.Items()[*i];
        }
        break;
      }
      case Kind::kMap: {
        if (index.kind() != Kind::kString) {
          return Err(index.kind() == Kind::kInvalid ? "value is nil; should be of type string"
                                                    : "value has type " + index.TypeName() + "; should be string");
        }
        const TemplateValue* found = item.Find(index.AsString());
        item = found != nullptr ? *found : TemplateValue::Nil();
        break;
      }
      default:
        return Err("can't index item of type " + item.TypeName());
    }
  }
  return item;
}

Result SliceFn(Args a, const TemplateCallContext&) {
  const TemplateValue item = Indirect(a[0]);
  if (item.kind() == Kind::kInvalid) return Err("slice of untyped nil");
  const Args indexes = a.subspan(1);
  if (indexes.size() > 3) return Err("too many slice indexes: " + std::to_string(indexes.size()));
  if (item.kind() == Kind::kString) {
    if (indexes.size() == 3) return Err("cannot 3-index slice a string");
  } else if (item.kind() != Kind::kList) {
    return Err("can't slice item of type " + item.TypeName());
  }
  const size_t cap = item.Length();
  size_t idx[3] = {0, item.Length(), 0};
  for (size_t i = 0; i < indexes.size(); ++i) {
    auto x = IndexArg(indexes[i], cap);
    if (!x.ok()) return x.status();
    idx[i] = *x;
  }
  if (idx[0] > idx[1]) return Err("invalid slice index: " + std::to_string(idx[0]) + " > " + std::to_string(idx[1]));
  if (indexes.size() == 3 && idx[1] > idx[2]) {
    return Err("invalid slice index: " + std::to_string(idx[1]) + " > " + std::to_string(idx[2]));
  }
  return item.Slice(idx[0], idx[1]);
}

Result Limit(std::string s, const TemplateCallContext& ctx) {
  if (s.size() > ctx.max_bytes) {
    return ResourceExhaustedError("result of " + std::to_string(s.size()) + " bytes exceeds the limit of " +
                                  std::to_string(ctx.max_bytes));
  }
  return TemplateValue::String(std::move(s));
}

Result PrintFn(Args a, const TemplateCallContext& ctx) { return Limit(GoSprint(a, false), ctx); }
Result PrintlnFn(Args a, const TemplateCallContext& ctx) { return Limit(GoSprint(a, true), ctx); }
Result PrintfFn(Args a, const TemplateCallContext& ctx) {
  auto s = GoSprintf(a[0].AsString(), a.subspan(1), ctx.max_bytes);
  if (!s.ok()) return s.status();
  return TemplateValue::String(std::move(*s));
}
Result JsonFn(Args a, const TemplateCallContext& ctx) { return Limit(ToJson(a[0]), ctx); }

std::string Date(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
  return buf;
}
Result CurrentDateFn(Args, const TemplateCallContext& ctx) { return TemplateValue::String(Date(ctx.now)); }
Result YesterdayDateFn(Args, const TemplateCallContext& ctx) {
  return TemplateValue::String(Date(ctx.now - std::chrono::hours(24)));
}

std::string TypeScriptName(std::string_view json_type) {
  if (json_type == "string") return "string";
  if (json_type == "number" || json_type == "integer") return "number";
  if (json_type == "boolean") return "boolean";
  if (json_type == "array") return "any[]";
  if (json_type == "object") return "Record<string, any>";
  if (json_type == "null") return "null";
  return "any";
}

// api.ToolProperty.ToTypeScriptType; anything else is "any".
std::string TypeScriptType(const TemplateValue& v, int depth) {
  if (v.kind() != Kind::kStruct || v.TypeName() != "api.ToolProperty" || depth > 32) return "any";
  auto join = [](std::span<const TemplateValue> items, auto&& name) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : " | ") + name(item);
    return out;
  };
  if (const TemplateValue* any_of = v.Find("AnyOf"); any_of != nullptr && any_of->Length() > 0) {
    return join(any_of->Items(), [depth](const TemplateValue& p) { return TypeScriptType(p, depth + 1); });
  }
  const TemplateValue* type = v.Find("Type");
  if (type == nullptr || type->kind() != Kind::kList || type->Length() == 0) return "any";
  return join(type->Items(), [](const TemplateValue& t) { return TypeScriptName(t.AsString()); });
}
Result ToTypeScriptTypeFn(Args a, const TemplateCallContext&) { return TemplateValue::String(TypeScriptType(a[0], 0)); }

constexpr TemplateFunction kFunctions[] = {
    {"and", 1, true, 0, true, nullptr},
    {"or", 1, true, 0, true, nullptr},
    {"not", 1, false, 0, false, NotFn},
    {"len", 1, false, 0, false, LenFn},
    {"index", 1, true, 0, false, IndexFn},
    {"slice", 1, true, 0, false, SliceFn},
    {"eq", 1, true, 0, false, EqFn},
    {"ne", 2, false, 0, false, NeFn},
    {"lt", 2, false, 0, false, LtFn},
    {"le", 2, false, 0, false, LeFn},
    {"gt", 2, false, 0, false, GtFn},
    {"ge", 2, false, 0, false, GeFn},
    {"print", 0, true, 0, false, PrintFn},
    {"println", 0, true, 0, false, PrintlnFn},
    {"printf", 1, true, 1, false, PrintfFn},
    {"json", 1, false, 0, false, JsonFn},
    {"currentDate", 0, true, 2, false, CurrentDateFn},
    {"yesterdayDate", 0, true, 2, false, YesterdayDateFn},
    {"toTypeScriptType", 1, false, 0, false, ToTypeScriptTypeFn},
};

}  // namespace

const TemplateFunction* FindTemplateFunction(std::string_view name) {
  for (const auto& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const std::set<std::string, std::less<>>& TemplateFunctionNames() {
  static const auto* names = [] {
    auto* out = new std::set<std::string, std::less<>>;
    for (const auto& f : kFunctions) out->emplace(f.name);
    return out;
  }();
  return *names;
}

}  // namespace suanli::store
