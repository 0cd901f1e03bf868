// A port of text/template/parse/parse.go's recursive descent over the token
// vector: lists, actions, if/else if/else, range, with, break/continue,
// pipelines with declarations, commands, operands and literals. The first
// error stops parsing; there are no exceptions.
#include <algorithm>
#include <cmath>
#include <optional>

#include "store/go_template_ast.h"
#include "store/go_template_lexer.h"
#include "store/go_template_literals.h"

namespace suanli::store {

namespace {

using T = TemplateTokenType;
using Op = TemplateOperand::Type;

// What textOrAction produced: a node, or an {{end}} / {{else}} marker.
struct Item {
  enum class Kind { kNode, kEnd, kElse } kind = Kind::kNode;
  TemplateNode node;
  T else_chain = T::kEOF;  // kIf or kWith for "else if" / "else with"
};

class Parser {
 public:
  Parser(std::string_view text, const std::set<std::string, std::less<>>& functions, int max_depth)
      : text_(text), tokens_(LexTemplate(text)), functions_(functions), max_depth_(max_depth) {}

  StatusOr<std::shared_ptr<const TemplateTree>> Run() {
    auto tree = std::make_shared<TemplateTree>();
    tree->source = std::string(text_);
    while (ok() && Peek().type != T::kEOF) {
      if (Peek().type == T::kLeftDelim) {
        const size_t at = idx_;
        Next();
        const TemplateToken& t = NextNonSpace();
        if (t.type == T::kDefine) return Fail("{{define}} is not supported");
        idx_ = at;
      }
      Item item = TextOrAction();
      if (!ok()) break;
      if (item.kind != Item::Kind::kNode) {
        Fail(item.kind == Item::Kind::kEnd ? "unexpected {{end}}" : "unexpected {{else}}");
        break;
      }
      tree->root.push_back(std::move(item.node));
    }
    if (!ok()) return error_;
    return std::shared_ptr<const TemplateTree>(std::move(tree));
  }

 private:
  bool ok() const { return error_.ok(); }

  const TemplateToken& Next() {
    const size_t i = std::min(idx_, tokens_.size() - 1);
    if (idx_ < tokens_.size()) ++idx_;
    furthest_ = std::max(furthest_, i);
    return tokens_[i];
  }
  void Backup() {
    if (idx_ > 0) --idx_;
  }
  const TemplateToken& Peek() { return tokens_[std::min(idx_, tokens_.size() - 1)]; }
  const TemplateToken& NextNonSpace() {
    while (Next().type == T::kSpace) {
    }
    return tokens_[idx_ - 1];
  }
  const TemplateToken& PeekNonSpace() {
    const TemplateToken& t = NextNonSpace();
    Backup();
    return t;
  }
  // End of the last token read: the end of a node's source text.
  size_t End() const { return idx_ == 0 ? 0 : tokens_[idx_ - 1].pos + tokens_[idx_ - 1].val.size(); }
  std::string Source(size_t from) const {
    const size_t to = std::max(from, End());
    return std::string(text_.substr(from, to - from));
  }

  Status Fail(const std::string& message) {
    if (ok()) {
      error_ = InvalidArgumentError("template: :" + std::to_string(tokens_[furthest_].line) + ": " + message);
    }
    return error_;
  }
  void Unexpected(const TemplateToken& token, const std::string& context) {
    if (token.type == T::kError) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != token.line) {
        extra = " in action started at :" + std::to_string(action_line_);
        if (token.val.ends_with(" action")) extra = extra.substr(std::string(" in action").size());
      }
      Fail(token.val + extra);
      return;
    }
    Fail("unexpected " + DescribeToken(token) + " in " + context);
  }
  bool Expect(T type, const std::string& context) {
    const TemplateToken& t = NextNonSpace();
    if (t.type != type) Unexpected(t, context);
    return ok();
  }

  std::vector<TemplateNode> ItemList(Item* next) {
    std::vector<TemplateNode> list;
    while (ok() && PeekNonSpace().type != T::kEOF) {
      Item item = TextOrAction();
      if (!ok()) return list;
      if (item.kind != Item::Kind::kNode) {
        *next = std::move(item);
        return list;
      }
      list.push_back(std::move(item.node));
    }
    Fail("unexpected EOF");
    return list;
  }

  Item TextOrAction() {
    Item item;
    const TemplateToken& t = NextNonSpace();
    if (t.type == T::kText) {
      item.node.type = TemplateNode::Type::kText;
      item.node.pos = t.pos;
      item.node.text = t.val;
    } else if (t.type == T::kLeftDelim) {
      action_line_ = t.line;
      item = Action(t.pos);
      action_line_ = 0;
    } else {
      Unexpected(t, "input");
    }
    return item;
  }

  Item Action(size_t start) {
    Item item;
    const TemplateToken& t = NextNonSpace();
    switch (t.type) {
      case T::kBlock:
      case T::kTemplate:
        Fail("{{" + t.val + "}} is not supported");
        return item;
      case T::kBreak:
      case T::kContinue: {
        const bool brk = t.type == T::kBreak;
        const std::string name = brk ? "{{break}}" : "{{continue}}";
        const TemplateToken& close = NextNonSpace();
        if (close.type != T::kRightDelim) {
          Unexpected(close, name);
        } else if (range_depth_ == 0) {
          Fail(name + " outside {{range}}");
        }
        item.node.type = brk ? TemplateNode::Type::kBreak : TemplateNode::Type::kContinue;
        item.node.pos = t.pos;
        return item;
      }
      case T::kElse: {
        item.kind = Item::Kind::kElse;
        const TemplateToken& peek = PeekNonSpace();
        if (peek.type == T::kIf || peek.type == T::kWith) {
          item.else_chain = peek.type;
        } else {
          Expect(T::kRightDelim, "else");
        }
        return item;
      }
      case T::kEnd:
        item.kind = Item::Kind::kEnd;
        Expect(T::kRightDelim, "end");
        return item;
      case T::kIf:
        item.node = Control(TemplateNode::Type::kIf, start);
        return item;
      case T::kRange:
        item.node = Control(TemplateNode::Type::kRange, start);
        return item;
      case T::kWith:
        item.node = Control(TemplateNode::Type::kWith, start);
        return item;
      default:
        break;
    }
    Backup();
    item.node.type = TemplateNode::Type::kAction;
    item.node.pos = Peek().pos;
    item.node.pipe = Pipeline("command", T::kRightDelim);
    item.node.text = Source(start);
    return item;
  }

  // if / range / with: pipeline, list, optional else (or else-if chain), end.
  TemplateNode Control(TemplateNode::Type type, size_t start) {
    TemplateNode node;
    node.type = type;
    if (++depth_ > max_depth_) {
      Fail("template nesting deeper than " + std::to_string(max_depth_) + " levels");
      return node;
    }
    const size_t marked_vars = vars_.size();
    const char* context = type == TemplateNode::Type::kIf      ? "if"
                          : type == TemplateNode::Type::kRange ? "range"
                                                               : "with";
    node.pipe = Pipeline(context, T::kRightDelim);
    node.pos = node.pipe ? node.pipe->pos : start;
    node.text = Source(start);
    if (type == TemplateNode::Type::kRange) ++range_depth_;
    Item next;
    if (ok()) node.list = ItemList(&next);
    if (type == TemplateNode::Type::kRange) --range_depth_;
    if (ok() && next.kind == Item::Kind::kElse) {
      node.has_else = true;
      const bool chain = (next.else_chain == T::kIf && type == TemplateNode::Type::kIf) ||
                         (next.else_chain == T::kWith && type == TemplateNode::Type::kWith);
      if (chain) {
        // {{else if x}} is {{else}}{{if x}}...{{end}}{{end}} with one {{end}}.
        const TemplateToken& keyword = Next();
        node.else_list.push_back(Control(type, keyword.pos));
      } else {
        Item end;
        node.else_list = ItemList(&end);
        if (ok() && end.kind != Item::Kind::kEnd) Fail("expected end; found {{else}}");
      }
    }
    vars_.resize(marked_vars);
    --depth_;
    return node;
  }

  std::shared_ptr<const TemplatePipe> Pipeline(const std::string& context, T end) {
    auto pipe = std::make_shared<TemplatePipe>();
    pipe->pos = PeekNonSpace().pos;
    while (ok()) {  // declarations
      const size_t at = idx_;
      const TemplateToken& v = PeekNonSpace();
      if (v.type != T::kVariable) break;
      NextNonSpace();
      const TemplateToken& next = PeekNonSpace();
      if (next.type == T::kAssign || next.type == T::kDeclare) {
        pipe->is_assign = next.type == T::kAssign;
        NextNonSpace();
        pipe->decl.push_back(v.val);
        vars_.push_back(v.val);
        break;
      }
      if (next.type == T::kChar && next.val == ",") {
        NextNonSpace();
        pipe->decl.push_back(v.val);
        vars_.push_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          const T after = PeekNonSpace().type;
          if (after == T::kVariable || after == T::kRightDelim || after == T::kRightParen) continue;
          Fail("range can only initialize variables");
          break;
        }
        Fail("too many declarations in " + context);
        break;
      }
      idx_ = at;  // a variable used as an operand, not declared
      break;
    }
    while (ok()) {
      const TemplateToken& t = NextNonSpace();
      if (t.type == end) {
        pipe->text = std::string(text_.substr(pipe->pos, t.pos > pipe->pos ? t.pos - pipe->pos : 0));
        while (!pipe->text.empty() && (pipe->text.back() == ' ' || pipe->text.back() == '-')) pipe->text.pop_back();
        if (pipe->cmds.empty()) {
          Fail("missing value for " + context);
        }
        for (size_t i = 1; ok() && i < pipe->cmds.size(); ++i) {
          const Op first = pipe->cmds[i].args[0].type;
          if (first == Op::kBool || first == Op::kDot || first == Op::kNil || first == Op::kNumber ||
              first == Op::kString) {
            Fail("non executable command in pipeline stage " + std::to_string(i + 1));
          }
        }
        break;
      }
      switch (t.type) {
        case T::kBool:
        case T::kCharConstant:
        case T::kComplex:
        case T::kDot:
        case T::kField:
        case T::kIdentifier:
        case T::kNumber:
        case T::kNil:
        case T::kRawString:
        case T::kString:
        case T::kVariable:
        case T::kLeftParen:
          Backup();
          pipe->cmds.push_back(Command());
          continue;
        default:
          Unexpected(t, context);
      }
    }
    return pipe;
  }

  TemplateCommand Command() {
    TemplateCommand cmd;
    cmd.pos = PeekNonSpace().pos;
    size_t end = cmd.pos;
    while (ok()) {
      PeekNonSpace();
      if (auto operand = Operand(); ok() && operand) {
        cmd.args.push_back(std::move(*operand));
        end = End();
      }
      if (!ok()) break;
      const TemplateToken& t = Next();
      if (t.type == T::kSpace) continue;
      if (t.type == T::kRightDelim || t.type == T::kRightParen) {
        Backup();
      } else if (t.type != T::kPipe) {
        Unexpected(t, "operand");
      }
      break;
    }
    if (ok() && cmd.args.empty()) Fail("empty command");
    cmd.text = std::string(text_.substr(cmd.pos, end - cmd.pos));
    return cmd;
  }

  std::optional<TemplateOperand> Operand() {
    std::optional<TemplateOperand> node = Term();
    if (!ok() || !node) return node;
    if (Peek().type != T::kField) return node;
    const size_t start = node->pos, chain_pos = Peek().pos;
    std::vector<std::string> fields;
    while (Peek().type == T::kField) fields.push_back(Next().val.substr(1));
    switch (node->type) {
      case Op::kField:
      case Op::kVariable:  // Go positions a lengthened field at its chain
        node->idents.insert(node->idents.end(), fields.begin(), fields.end());
        node->text = Source(start);
        node->pos = chain_pos;
        return node;
      case Op::kBool:
      case Op::kString:
      case Op::kNumber:
      case Op::kNil:
      case Op::kDot:
        Fail("unexpected . after term " + GoQuote(node->text));
        return std::nullopt;
      default: {
        TemplateOperand chain;
        chain.type = Op::kChain;
        chain.pos = chain_pos;
        chain.idents = std::move(fields);
        chain.base = std::make_shared<const TemplateOperand>(std::move(*node));
        chain.text = Source(start);
        return chain;
      }
    }
  }

  std::optional<TemplateOperand> Term() {
    const TemplateToken& t = NextNonSpace();
    TemplateOperand node;
    node.pos = t.pos;
    node.text = t.val;
    switch (t.type) {
      case T::kIdentifier:
        if (!functions_.contains(t.val)) {
          Fail("function " + GoQuote(t.val) + " not defined");
          return std::nullopt;
        }
        node.type = Op::kFunction;
        node.idents = {t.val};
        return node;
      case T::kDot:
        node.type = Op::kDot;
        return node;
      case T::kNil:
        node.type = Op::kNil;
        return node;
      case T::kVariable:
        if (std::find(vars_.begin(), vars_.end(), t.val) == vars_.end()) {
          Fail("undefined variable " + GoQuote(t.val));
          return std::nullopt;
        }
        node.type = Op::kVariable;
        node.idents = {t.val};
        return node;
      case T::kField:
        node.type = Op::kField;
        node.idents = {t.val.substr(1)};
        return node;
      case T::kBool:
        node.type = Op::kBool;
        node.constant = TemplateValue::Bool(t.val == "true");
        return node;
      case T::kCharConstant:
      case T::kComplex:
      case T::kNumber: {
        auto value = ParseNumberLiteral(t.val, t.type == T::kCharConstant);
        if (!value.ok()) {
          Fail(value.status().message());
          return std::nullopt;
        }
        node.type = Op::kNumber;
        node.constant = *value;
        return node;
      }
      case T::kLeftParen: {
        if (++depth_ > max_depth_) {
          Fail("template nesting deeper than " + std::to_string(max_depth_) + " levels");
          return std::nullopt;
        }
        node.type = Op::kPipe;
        node.pipe = Pipeline("parenthesized pipeline", T::kRightParen);
        node.text = Source(t.pos);
        --depth_;
        return node;
      }
      case T::kString:
      case T::kRawString: {
        auto s = UnquoteGoString(t.val);
        if (!s.ok()) {
          Fail(s.status().message());
          return std::nullopt;
        }
        node.type = Op::kString;
        node.constant = TemplateValue::String(std::move(*s));
        return node;
      }
      default:
        Backup();
        return std::nullopt;
    }
  }

  std::string_view text_;
  std::vector<TemplateToken> tokens_;
  const std::set<std::string, std::less<>>& functions_;
  const int max_depth_;
  size_t idx_ = 0, furthest_ = 0;
  int depth_ = 0, range_depth_ = 0, action_line_ = 0;
  std::vector<std::string> vars_ = {"$"};
  Status error_;
};

}  // namespace

StatusOr<std::shared_ptr<const TemplateTree>> ParseTemplateTree(std::string_view text,
                                                                const std::set<std::string, std::less<>>& functions,
                                                                int max_depth) {
  return Parser(text, functions, max_depth).Run();
}

}  // namespace suanli::store
