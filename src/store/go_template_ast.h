// The parse tree of a Go text/template (text/template/parse's node types,
// reduced to what this implementation executes) and the parser that builds
// it. Trees are immutable after parsing and may be shared across threads.
#pragma once

#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/go_template_value.h"

namespace suanli::store {

struct TemplatePipe;

// An argument or the head of a command.
struct TemplateOperand {
  enum class Type { kField, kVariable, kDot, kNil, kBool, kNumber, kString, kFunction, kPipe, kChain };
  Type type = Type::kDot;
  size_t pos = 0;
  // kField: the names after dots (.A.B -> A, B); kVariable: the variable then
  // field names ($x.A -> $x, A); kChain: field names; kFunction: the name.
  std::vector<std::string> idents;
  TemplateValue constant;                       // kBool, kNumber, kString
  std::shared_ptr<const TemplatePipe> pipe;     // kPipe: ( pipeline )
  std::shared_ptr<const TemplateOperand> base;  // kChain: (pipeline).Field
  std::string text;                             // source text, for errors
};

struct TemplateCommand {
  size_t pos = 0;
  std::vector<TemplateOperand> args;
  std::string text;
};

// [$a, $b := | $a =] command | command ...
struct TemplatePipe {
  size_t pos = 0;
  bool is_assign = false;
  std::vector<std::string> decl;  // variable names with their "$"
  std::vector<TemplateCommand> cmds;
  std::string text;
};

struct TemplateNode {
  enum class Type { kText, kAction, kIf, kRange, kWith, kBreak, kContinue };
  Type type = Type::kText;
  size_t pos = 0;
  std::string text;  // kText: the text; otherwise the source, for errors
  std::shared_ptr<const TemplatePipe> pipe;
  std::vector<TemplateNode> list;
  std::vector<TemplateNode> else_list;
  bool has_else = false;
};

struct TemplateTree {
  std::string source;
  std::vector<TemplateNode> root;
};

// Parses `text` (text/template/parse's grammar). `functions` are the names
// calls may use. InvalidArgument in Go's form, "template: :LINE: message":
// lexical errors, "unexpected ...", "function \"x\" not defined",
// "undefined variable \"$x\"", "missing value for command", and nesting
// deeper than `max_depth` levels.
StatusOr<std::shared_ptr<const TemplateTree>> ParseTemplateTree(std::string_view text,
                                                                const std::set<std::string, std::less<>>& functions,
                                                                int max_depth = 100);

}  // namespace suanli::store
