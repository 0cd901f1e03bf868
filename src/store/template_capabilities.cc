#include "store/template_capabilities.h"

#include <cctype>
#include <vector>

namespace suanli::store {

namespace {

using Op = TemplateOperand;

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// True when `pipe` holds a field node `.name...` (not `$.name`: Go's
// parse.FieldNode only, as Ollama checks).
bool PipeUsesField(const TemplatePipe& pipe, const std::string& name) {
  for (const auto& cmd : pipe.cmds) {
    for (const auto& arg : cmd.args) {
      if (arg.type == Op::Type::kField && !arg.idents.empty() && arg.idents[0] == name) return true;
      if (arg.type == Op::Type::kPipe && arg.pipe && PipeUsesField(*arg.pipe, name)) return true;
      if (arg.type == Op::Type::kChain && arg.base && arg.base->pipe && PipeUsesField(*arg.base->pipe, name))
        return true;
    }
  }
  return false;
}

// thinking.InferTags: for each .Thinking inside a range over .Messages, the
// list around it supplies the tags (its first and last text nodes); the
// last such occurrence wins.
class TagFinder {
 public:
  void List(const std::vector<TemplateNode>& list) {
    for (const auto& node : list) Node(node, list);
  }
  std::string open, close;

 private:
  void Node(const TemplateNode& node, const std::vector<TemplateNode>& parent) {
    const bool is_range = node.type == TemplateNode::Type::kRange;
    if (is_range) ranges_.push_back(&node);
    if (node.pipe && PipeUsesField(*node.pipe, "Thinking") && !ranges_.empty() && ranges_.back()->pipe &&
        PipeUsesField(*ranges_.back()->pipe, "Messages")) {
      if (parent.front().type == TemplateNode::Type::kText) open = Trim(parent.front().text);
      if (parent.back().type == TemplateNode::Type::kText) close = Trim(parent.back().text);
    }
    List(node.list);
    List(node.else_list);
    if (is_range) ranges_.pop_back();
  }
  std::vector<const TemplateNode*> ranges_;
};

// True when `text` contains `word` not inside a longer identifier.
bool HasWord(std::string_view text, std::string_view word) {
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    const bool left = at == 0 || !ident(text[at - 1]);
    const bool right = at + word.size() >= text.size() || !ident(text[at + word.size()]);
    if (left && right) return true;
  }
  return false;
}

}  // namespace

TemplateCapabilities GoTemplateCapabilities(const GoTemplate& tmpl) {
  TemplateCapabilities c;
  c.tools = tmpl.HasVar("tools");
  c.insert = tmpl.HasVar("suffix");
  TagFinder finder;
  finder.List(tmpl.root());
  c.thinking_open = finder.open;
  c.thinking_close = finder.close;
  c.thinking = !c.thinking_open.empty() && !c.thinking_close.empty();
  return c;
}

TemplateCapabilities JinjaTemplateCapabilities(std::string_view jinja) {
  TemplateCapabilities c;
  c.tools = HasWord(jinja, "tools");
  c.thinking = HasWord(jinja, "enable_thinking") || HasWord(jinja, "reasoning_content") ||
               jinja.find("<think>") != std::string_view::npos;
  return c;
}

}  // namespace suanli::store
