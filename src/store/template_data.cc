// Conversions from API JSON to the Go-typed values templates see; field
// names, JSON keys and omitempty follow Ollama's template package and
// api/types.go.
#include "store/template_data.h"

namespace suanli::store {

namespace {

using json = nlohmann::json;
using Style = TemplateValue::Style;

StatusOr<std::string> GetString(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::string();
  if (!it->is_string()) return InvalidArgumentError(where + "." + key + " must be a string");
  return it->get<std::string>();
}

TemplateField Field(std::string name, TemplateValue value, std::string json_name = "", bool omit_empty = false) {
  return {std::move(name), std::move(value), std::move(json_name), omit_empty};
}

TemplateValue Str(const std::string& s) { return TemplateValue::String(s); }

// []string, nil when absent.
StatusOr<TemplateValue> StringList(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return TemplateValue::List({}, Style::kPlain, "[]string", true);
  if (!it->is_array()) return InvalidArgumentError(where + "." + key + " must be an array of strings");
  TemplateList items;
  for (const auto& e : *it) {
    if (!e.is_string()) return InvalidArgumentError(where + "." + key + " must be an array of strings");
    items.push_back(Str(e.get<std::string>()));
  }
  return TemplateValue::List(std::move(items), Style::kPlain, "[]string");
}

// `any` fields: the decoded JSON, or nil.
TemplateValue Any(const json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() ? TemplateValue::Nil() : TemplateValue::FromJson(*it);
}

StatusOr<TemplateValue> ToolProperty(const json& j, const std::string& where, int depth);

// map[string]api.ToolProperty; nil when absent.
StatusOr<TemplateValue> Properties(const json& j, const char* key, const std::string& where, int depth, Style style,
                                   const char* type_name) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return TemplateValue::Map({}, style, type_name, true);
  if (!it->is_object()) return InvalidArgumentError(where + "." + key + " must be an object");
  TemplateEntries entries;
  for (const auto& [name, property] : it->items()) {
    ASSIGN_OR_RETURN(TemplateValue p, ToolProperty(property, where + "." + key + "." + name, depth + 1));
    entries.emplace_back(name, std::move(p));
  }
  return TemplateValue::Map(std::move(entries), style, type_name);
}

// api.ToolProperty.
StatusOr<TemplateValue> ToolProperty(const json& j, const std::string& where, int depth) {
  if (depth > 64) return InvalidArgumentError(where + " is nested too deeply");
  if (!j.is_object()) return InvalidArgumentError(where + " must be an object");
  TemplateList any_of;
  bool has_any_of = false;
  if (auto it = j.find("anyOf"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return InvalidArgumentError(where + ".anyOf must be an array");
    has_any_of = true;
    for (size_t i = 0; i < it->size(); ++i) {
      ASSIGN_OR_RETURN(TemplateValue p, ToolProperty((*it)[i], where + ".anyOf[" + std::to_string(i) + "]", depth + 1));
      any_of.push_back(std::move(p));
    }
  }
  TemplateList types;
  if (auto it = j.find("type"); it != j.end() && !it->is_null()) {
    if (it->is_string()) {
      types.push_back(Str(it->get<std::string>()));
    } else if (it->is_array()) {
      for (const auto& t : *it) {
        if (!t.is_string()) return InvalidArgumentError(where + ".type must be a string or an array of strings");
        types.push_back(Str(t.get<std::string>()));
      }
    } else {
      return InvalidArgumentError(where + ".type must be a string or an array of strings");
    }
  }
  ASSIGN_OR_RETURN(std::string description, GetString(j, "description", where));
  TemplateValue enums = TemplateValue::List({}, Style::kPlain, "[]interface {}", true);
  if (auto it = j.find("enum"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return InvalidArgumentError(where + ".enum must be an array");
    enums = TemplateValue::FromJson(*it);
  }
  ASSIGN_OR_RETURN(TemplateValue properties,
                   Properties(j, "properties", where, depth, Style::kPlain, "*api.ToolPropertiesMap"));
  ASSIGN_OR_RETURN(TemplateValue required, StringList(j, "required", where));
  std::vector<TemplateField> fields;
  fields.push_back(Field("AnyOf",
                         TemplateValue::List(std::move(any_of), Style::kPlain, "[]api.ToolProperty", !has_any_of),
                         "anyOf", true));
  fields.push_back(
      Field("Type", TemplateValue::List(std::move(types), Style::kPropertyType, "api.PropertyType"), "type", true));
  fields.push_back(Field("Items", Any(j, "items"), "items", true));
  fields.push_back(Field("Description", Str(description), "description", true));
  fields.push_back(Field("Enum", std::move(enums), "enum", true));
  fields.push_back(Field("Properties", std::move(properties), "properties", true));
  fields.push_back(Field("Required", std::move(required), "required", true));
  return TemplateValue::Struct("api.ToolProperty", std::move(fields));
}

StatusOr<TemplateValue> Tool(const json& j, const std::string& where) {
  if (!j.is_object()) return InvalidArgumentError(where + " must be an object");
  ASSIGN_OR_RETURN(std::string type, GetString(j, "type", where));
  const json empty = json::object();
  auto fit = j.find("function");
  if (fit != j.end() && !fit->is_null() && !fit->is_object()) {
    return InvalidArgumentError(where + ".function must be an object");
  }
  const json& function = fit != j.end() && fit->is_object() ? *fit : empty;
  const std::string fwhere = where + ".function";
  ASSIGN_OR_RETURN(std::string name, GetString(function, "name", fwhere));
  ASSIGN_OR_RETURN(std::string description, GetString(function, "description", fwhere));
  auto pit = function.find("parameters");
  if (pit != function.end() && !pit->is_null() && !pit->is_object()) {
    return InvalidArgumentError(fwhere + ".parameters must be an object");
  }
  const json& params = pit != function.end() && pit->is_object() ? *pit : empty;
  const std::string pwhere = fwhere + ".parameters";
  ASSIGN_OR_RETURN(std::string ptype, GetString(params, "type", pwhere));
  ASSIGN_OR_RETURN(TemplateValue required, StringList(params, "required", pwhere));
  ASSIGN_OR_RETURN(TemplateValue properties,
                   Properties(params, "properties", pwhere, 0, Style::kJsonMap, "template.templateProperties"));

  std::vector<TemplateField> pfields;
  pfields.push_back(Field("Type", Str(ptype), "type"));
  pfields.push_back(Field("Defs", Any(params, "$defs"), "$defs", true));
  pfields.push_back(Field("Items", Any(params, "items"), "items", true));
  pfields.push_back(Field("Required", std::move(required), "required", true));
  pfields.push_back(Field("Properties", std::move(properties), "properties"));
  std::vector<TemplateField> ffields;
  ffields.push_back(Field("Name", Str(name), "name"));
  ffields.push_back(Field("Description", Str(description), "description"));
  ffields.push_back(Field("Parameters",
                          TemplateValue::Struct("template.templateToolFunctionParameters", std::move(pfields)),
                          "parameters"));
  // Printed as JSON, as api.ToolFunction's String() did before Ollama moved
  // templates to its own types; templates such as qwen2.5's print
  // {{ .Function }} and expect JSON.
  std::vector<TemplateField> fields;
  fields.push_back(Field("Type", Str(type), "type"));
  fields.push_back(Field("Items", Any(j, "items"), "items", true));
  fields.push_back(Field("Function",
                         TemplateValue::Struct("template.templateToolFunction", std::move(ffields), Style::kJson),
                         "function"));
  return TemplateValue::Struct("template.templateTool", std::move(fields), Style::kJson);
}

TemplateValue ToolCallValue(const TemplateToolCall& call) {
  TemplateValue args = call.arguments.is_object()
                           ? TemplateValue::Map(TemplateValue::FromJson(call.arguments).Entries(), Style::kJsonMap,
                                                "template.templateArgs")
                           : TemplateValue::Map({}, Style::kJsonMap, "template.templateArgs", true);
  std::vector<TemplateField> function;
  function.push_back(Field("Index", TemplateValue::Int(call.index)));
  function.push_back(Field("Name", Str(call.name)));
  function.push_back(Field("Arguments", std::move(args)));
  std::vector<TemplateField> fields;
  fields.push_back(Field("ID", Str(call.id)));
  fields.push_back(Field("Function", TemplateValue::Struct("template.templateToolCallFunction", std::move(function))));
  return TemplateValue::Struct("template.templateToolCall", std::move(fields));
}

TemplateValue MessageValue(const TemplateMessage& m) {
  TemplateList images;
  for (const auto& image : m.images) images.push_back(Str(image));
  TemplateList calls;
  for (const auto& call : m.tool_calls) calls.push_back(ToolCallValue(call));
  const bool no_images = images.empty(), no_calls = calls.empty();
  std::vector<TemplateField> fields;
  fields.push_back(Field("Role", Str(m.role)));
  fields.push_back(Field("Content", Str(m.content)));
  fields.push_back(Field("Thinking", Str(m.thinking)));
  fields.push_back(
      Field("Images", TemplateValue::List(std::move(images), Style::kPlain, "[]api.ImageData", no_images)));
  fields.push_back(Field(
      "ToolCalls", TemplateValue::List(std::move(calls), Style::kPlain, "[]template.templateToolCall", no_calls)));
  fields.push_back(Field("ToolName", Str(m.tool_name)));
  fields.push_back(Field("ToolCallID", Str(m.tool_call_id)));
  return TemplateValue::Struct("*template.templateMessage", std::move(fields));
}

}  // namespace

StatusOr<TemplateMessage> TemplateMessageFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgumentError("message must be an object");
  TemplateMessage m;
  ASSIGN_OR_RETURN(m.role, GetString(j, "role", "message"));
  for (char& c : m.role) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));  // as api.Message does
  ASSIGN_OR_RETURN(m.content, GetString(j, "content", "message"));
  ASSIGN_OR_RETURN(m.thinking, GetString(j, "thinking", "message"));
  ASSIGN_OR_RETURN(m.tool_name, GetString(j, "tool_name", "message"));
  ASSIGN_OR_RETURN(m.tool_call_id, GetString(j, "tool_call_id", "message"));
  if (auto it = j.find("images"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return InvalidArgumentError("message.images must be an array of strings");
    for (const auto& image : *it) {
      if (!image.is_string()) return InvalidArgumentError("message.images must be an array of strings");
      m.images.push_back(image.get<std::string>());
    }
  }
  if (auto it = j.find("tool_calls"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return InvalidArgumentError("message.tool_calls must be an array");
    for (const auto& c : *it) {
      if (!c.is_object()) return InvalidArgumentError("message.tool_calls[] must be objects");
      TemplateToolCall call;
      ASSIGN_OR_RETURN(call.id, GetString(c, "id", "tool_call"));
      const auto fn = c.find("function");
      if (fn != c.end() && fn->is_object()) {
        ASSIGN_OR_RETURN(call.name, GetString(*fn, "name", "tool_call.function"));
        if (auto idx = fn->find("index"); idx != fn->end() && idx->is_number_integer()) {
          call.index = idx->get<int>();
        }
        if (auto args = fn->find("arguments"); args != fn->end()) {
          if (args->is_string()) {
            call.arguments = json::parse(args->get<std::string>(), nullptr, false);
            if (!call.arguments.is_object()) {
              return InvalidArgumentError("tool_call.function.arguments must be a JSON object");
            }
          } else if (args->is_object() || args->is_null()) {
            call.arguments = *args;
          } else {
            return InvalidArgumentError("tool_call.function.arguments must be an object");
          }
        }
      }
      m.tool_calls.push_back(std::move(call));
    }
  }
  return m;
}

StatusOr<std::vector<TemplateMessage>> TemplateMessagesFromJson(const json& j) {
  std::vector<TemplateMessage> out;
  if (j.is_null()) return out;
  if (!j.is_array()) return InvalidArgumentError("messages must be an array");
  for (const auto& m : j) {
    ASSIGN_OR_RETURN(TemplateMessage message, TemplateMessageFromJson(m));
    out.push_back(std::move(message));
  }
  return out;
}

TemplateValue MessagesValue(const std::vector<TemplateMessage>& messages) {
  TemplateList items;
  items.reserve(messages.size());
  for (const auto& m : messages) items.push_back(MessageValue(m));
  const bool nil = items.empty();
  return TemplateValue::List(std::move(items), Style::kPlain, "[]*template.templateMessage", nil);
}

StatusOr<TemplateValue> ToolsValue(const json& tools) {
  if (tools.is_null()) return TemplateValue::List({}, Style::kJson, "template.templateTools", true);
  if (!tools.is_array()) return InvalidArgumentError("tools must be an array");
  TemplateList items;
  for (size_t i = 0; i < tools.size(); ++i) {
    ASSIGN_OR_RETURN(TemplateValue tool, Tool(tools[i], "tools[" + std::to_string(i) + "]"));
    items.push_back(std::move(tool));
  }
  return TemplateValue::List(std::move(items), Style::kJson, "template.templateTools");
}

}  // namespace suanli::store
