// The evaluator: a port of text/template/exec.go's walk and eval functions
// over TemplateValue. Errors carry Go's location and node context.
#include "store/go_template_exec.h"

#include <algorithm>
#include <optional>

#include "store/go_template_funcs.h"

namespace suanli::store {

namespace {

using Kind = TemplateValue::Kind;
using Op = TemplateOperand::Type;
using Final = std::optional<TemplateValue>;  // the previous command's value in a pipeline

class Executor {
 public:
  Executor(const std::string& source, const TemplateExecOptions& options) : source_(source), opts_(options) {
    ctx_.max_bytes = options.max_output_bytes;
    ctx_.now = options.now == std::chrono::system_clock::time_point{} ? std::chrono::system_clock::now() : options.now;
  }

  StatusOr<std::string> Run(const std::vector<TemplateNode>& root, const TemplateValue& data) {
    vars_.emplace_back("$", data);
    RETURN_IF_ERROR(WalkList(root, data));
    return std::move(out_);
  }

 private:
  enum class Flow { kNormal, kBreak, kContinue };

  struct DepthGuard {
    explicit DepthGuard(int* depth) : depth(depth) { ++*depth; }
    ~DepthGuard() { --*depth; }
    int* depth;
  };

  void At(size_t pos, const std::string& text) {
    at_pos_ = pos;
    at_text_ = &text;
  }

  Status Fail(const std::string& message) const {
    const size_t pos = std::min(at_pos_, source_.size());
    const std::string_view before(source_.data(), pos);
    const size_t nl = before.rfind('\n');
    const size_t line = 1 + std::count(before.begin(), before.end(), '\n');
    const size_t col = nl == std::string_view::npos ? pos : pos - nl - 1;
    std::string context;
    if (at_text_ != nullptr) {
      for (char c : *at_text_) {
        const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (space && (context.empty() || context.back() == ' ')) continue;
        context += space ? ' ' : c;
      }
      while (!context.empty() && context.back() == ' ') context.pop_back();
      if (context.size() > 20) context = context.substr(0, 20) + "...";
    }
    return InternalError("template: :" + std::to_string(line) + ":" + std::to_string(col) + ": executing \"\" at <" +
                         context + ">: " + message);
  }

  Status Step() {
    if (++steps_ > opts_.max_steps) {
      return Fail("execution exceeds the limit of " + std::to_string(opts_.max_steps) + " steps");
    }
    return OkStatus();
  }

  Status Write(std::string_view s) {
    if (out_.size() + s.size() > opts_.max_output_bytes) {
      return Fail("output exceeds the limit of " + std::to_string(opts_.max_output_bytes) + " bytes");
    }
    out_.append(s);
    return OkStatus();
  }

  Status WalkList(const std::vector<TemplateNode>& list, const TemplateValue& dot) {
    for (const auto& node : list) {
      RETURN_IF_ERROR(Walk(node, dot));
      if (flow_ != Flow::kNormal) break;
    }
    return OkStatus();
  }

  Status Walk(const TemplateNode& node, const TemplateValue& dot) {
    At(node.pos, node.text);
    RETURN_IF_ERROR(Step());
    switch (node.type) {
      case TemplateNode::Type::kText:
        return Write(node.text);
      case TemplateNode::Type::kAction: {
        ASSIGN_OR_RETURN(TemplateValue v, EvalPipeline(dot, *node.pipe));
        if (!node.pipe->decl.empty()) return OkStatus();
        At(node.pos, node.text);
        if (v.kind() == Kind::kInvalid) return Write(opts_.print_no_value ? "<no value>" : "");
        return Write(FormatValue(v));
      }
      case TemplateNode::Type::kBreak:
        flow_ = Flow::kBreak;
        return OkStatus();
      case TemplateNode::Type::kContinue:
        flow_ = Flow::kContinue;
        return OkStatus();
      case TemplateNode::Type::kIf:
      case TemplateNode::Type::kWith: {
        DepthGuard guard(&depth_);
        if (depth_ > opts_.max_depth) return Fail("execution nesting exceeds " + std::to_string(opts_.max_depth));
        const size_t mark = vars_.size();
        ASSIGN_OR_RETURN(TemplateValue v, EvalPipeline(dot, *node.pipe));
        Status s;
        if (v.Truth()) {
          s = WalkList(node.list, node.type == TemplateNode::Type::kWith ? v : dot);
        } else if (node.has_else) {
          s = WalkList(node.else_list, dot);
        }
        vars_.resize(mark);
        return s;
      }
      case TemplateNode::Type::kRange: {
        DepthGuard guard(&depth_);
        if (depth_ > opts_.max_depth) return Fail("execution nesting exceeds " + std::to_string(opts_.max_depth));
        const size_t mark = vars_.size();
        Status s = WalkRange(node, dot);
        vars_.resize(mark);
        return s;
      }
    }
    return OkStatus();
  }

  Status WalkRange(const TemplateNode& node, const TemplateValue& dot) {
    ASSIGN_OR_RETURN(TemplateValue v, EvalPipeline(dot, *node.pipe));
    const size_t base = vars_.size();
    const size_t decls = node.pipe->decl.size();
    bool any = false;
    // One iteration; returns false to stop (break).
    auto iteration = [&](const TemplateValue& index, const TemplateValue& elem) -> StatusOr<bool> {
      At(node.pos, node.text);
      RETURN_IF_ERROR(Step());
      any = true;
      if (decls >= 1) vars_[base - 1].second = elem;
      if (decls >= 2) vars_[base - 2].second = index;
      Status s = WalkList(node.list, elem);
      vars_.resize(base);
      if (!s.ok()) return s;
      const bool stop = flow_ == Flow::kBreak;
      flow_ = Flow::kNormal;
      return !stop;
    };
    switch (v.kind()) {
      case Kind::kList: {
        const auto items = v.Items();
        for (size_t i = 0; i < items.size(); ++i) {
          ASSIGN_OR_RETURN(bool go_on, iteration(TemplateValue::Int(static_cast<int64_t>(i)), items[i]));
          if (!go_on) break;
        }
        break;
      }
      case Kind::kMap:
        for (const auto& [key, elem] : v.Entries()) {
          ASSIGN_OR_RETURN(bool go_on, iteration(TemplateValue::String(key), elem));
          if (!go_on) break;
        }
        break;
      case Kind::kInt:  // Go 1.22: range over an integer
        for (int64_t i = 0; i < v.AsInt(); ++i) {
          ASSIGN_OR_RETURN(bool go_on, iteration(TemplateValue::Int(i), TemplateValue::Int(i)));
          if (!go_on) break;
        }
        break;
      case Kind::kInvalid:
      case Kind::kNil:
        break;
      default:
        return Fail("range can't iterate over " + FormatValue(v));
    }
    if (!any && node.has_else) return WalkList(node.else_list, dot);
    return OkStatus();
  }

  StatusOr<TemplateValue> EvalPipeline(const TemplateValue& dot, const TemplatePipe& pipe) {
    At(pipe.pos, pipe.text);
    DepthGuard guard(&depth_);
    if (depth_ > opts_.max_depth) return Fail("execution nesting exceeds " + std::to_string(opts_.max_depth));
    Final value;
    for (const auto& cmd : pipe.cmds) {
      ASSIGN_OR_RETURN(TemplateValue v, EvalCommand(dot, cmd, value));
      if (v.kind() == Kind::kNil) v = TemplateValue();  // an empty interface holding nil
      value = std::move(v);
    }
    TemplateValue result = value.value_or(TemplateValue());
    for (const auto& name : pipe.decl) {
      if (pipe.is_assign) {
        RETURN_IF_ERROR(SetVar(name, result));
      } else {
        vars_.emplace_back(name, result);
      }
    }
    return result;
  }

  Status NotAFunction(const std::vector<TemplateOperand>& args, const Final& final) {
    if (args.size() > 1 || final) return Fail("can't give argument to non-function " + args[0].text);
    return OkStatus();
  }

  StatusOr<TemplateValue> EvalCommand(const TemplateValue& dot, const TemplateCommand& cmd, const Final& final) {
    RETURN_IF_ERROR(Step());
    const TemplateOperand& first = cmd.args[0];
    const bool has_args = cmd.args.size() > 1 || final.has_value();
    switch (first.type) {
      case Op::kField:
        At(first.pos, first.text);
        return EvalFieldChain(dot, first, first.idents, 0, has_args);
      case Op::kChain: {
        At(first.pos, first.text);
        ASSIGN_OR_RETURN(TemplateValue base, EvalArg(dot, *first.base));
        At(first.pos, first.text);
        return EvalFieldChain(base, first, first.idents, 0, has_args);
      }
      case Op::kFunction:
        return EvalFunction(dot, first, &cmd, final);
      case Op::kPipe:
        At(first.pos, first.text);
        RETURN_IF_ERROR(NotAFunction(cmd.args, final));
        return EvalPipeline(dot, *first.pipe);
      case Op::kVariable:
        return EvalVariable(dot, first, &cmd.args, final);
      default:
        break;
    }
    At(first.pos, first.text);
    RETURN_IF_ERROR(NotAFunction(cmd.args, final));
    switch (first.type) {
      case Op::kDot:
        return dot;
      case Op::kNil:
        return Fail("nil is not a command");
      default:
        return first.constant;
    }
  }

  StatusOr<TemplateValue> EvalVariable(const TemplateValue& dot, const TemplateOperand& var,
                                       const std::vector<TemplateOperand>* args, const Final& final) {
    At(var.pos, var.text);
    ASSIGN_OR_RETURN(TemplateValue value, VarValue(var.idents[0]));
    if (var.idents.size() == 1) {
      if (args != nullptr) RETURN_IF_ERROR(NotAFunction(*args, final));
      return value;
    }
    const bool has_args = (args != nullptr && args->size() > 1) || final.has_value();
    return EvalFieldChain(value, var, var.idents, 1, has_args);
  }

  // .A.B.C from `receiver`, starting at idents[first].
  StatusOr<TemplateValue> EvalFieldChain(TemplateValue receiver, const TemplateOperand& node,
                                         const std::vector<std::string>& idents, size_t first, bool has_args) {
    for (size_t i = first; i < idents.size(); ++i) {
      ASSIGN_OR_RETURN(receiver, EvalField(idents[i], receiver, i + 1 == idents.size() && has_args));
    }
    return receiver;
  }

  StatusOr<TemplateValue> EvalField(const std::string& name, const TemplateValue& receiver, bool has_args) {
    switch (receiver.kind()) {
      case Kind::kInvalid:
        return TemplateValue();
      case Kind::kNil:
        return Fail("nil pointer evaluating interface {}." + name);
      case Kind::kStruct:
        if (const TemplateValue* field = receiver.Find(name)) {
          if (has_args) return Fail(name + " has arguments but cannot be invoked as function");
          return *field;
        }
        break;
      case Kind::kMap: {
        if (has_args) return Fail(name + " is not a method but has arguments");
        const TemplateValue* entry = receiver.Find(name);
        return entry != nullptr ? *entry : TemplateValue::Nil();  // missingkey=zero
      }
      default:
        break;
    }
    return Fail("can't evaluate field " + name + " in type " + receiver.TypeName());
  }

  StatusOr<TemplateValue> EvalArg(const TemplateValue& dot, const TemplateOperand& arg) {
    At(arg.pos, arg.text);
    switch (arg.type) {
      case Op::kDot:
        return dot;
      case Op::kNil:
        return TemplateValue::Nil();
      case Op::kField:
        return EvalFieldChain(dot, arg, arg.idents, 0, false);
      case Op::kVariable:
        return EvalVariable(dot, arg, nullptr, std::nullopt);
      case Op::kPipe:
        return EvalPipeline(dot, *arg.pipe);
      case Op::kFunction:
        return EvalFunction(dot, arg, nullptr, std::nullopt);
      case Op::kChain: {
        ASSIGN_OR_RETURN(TemplateValue base, EvalArg(dot, *arg.base));
        At(arg.pos, arg.text);
        return EvalFieldChain(base, arg, arg.idents, 0, false);
      }
      default:
        return arg.constant;
    }
  }

  // A call: `cmd` holds the function and its arguments, or is null when the
  // function is itself an argument (called with none).
  StatusOr<TemplateValue> EvalFunction(const TemplateValue& dot, const TemplateOperand& fn, const TemplateCommand* cmd,
                                       const Final& final) {
    At(fn.pos, fn.text);
    const std::string& name = fn.idents[0];
    const TemplateFunction* f = FindTemplateFunction(name);
    if (f == nullptr) return Fail("\"" + name + "\" is not a defined function");
    const size_t given = cmd != nullptr ? cmd->args.size() - 1 : 0;
    const size_t num_in = given + (final ? 1 : 0);
    if (f->variadic && num_in < static_cast<size_t>(f->fixed_args)) {
      return Fail("wrong number of args for " + name + ": want at least " + std::to_string(f->fixed_args) + " got " +
                  std::to_string(given));
    }
    if (!f->variadic && num_in != static_cast<size_t>(f->fixed_args)) {
      return Fail("wrong number of args for " + name + ": want " + std::to_string(f->fixed_args) + " got " +
                  std::to_string(num_in));
    }
    if (f->short_circuit) {  // and, or: the first decisive value, else the last
      const bool is_or = name == "or";
      TemplateValue v;
      for (size_t i = 1; i <= given; ++i) {
        ASSIGN_OR_RETURN(v, EvalArg(dot, cmd->args[i]));
        if (v.Truth() == is_or) return v;
      }
      return final ? *final : v;
    }
    std::vector<TemplateValue> values;
    values.reserve(num_in);
    for (size_t i = 1; i <= given; ++i) {
      ASSIGN_OR_RETURN(TemplateValue v, EvalArg(dot, cmd->args[i]));
      values.push_back(std::move(v));
    }
    if (final) values.push_back(*final);
    for (size_t i = 0; i < values.size() && f->string_params > 0; ++i) {
      if ((f->string_params == 2 || i == 0) && values[i].kind() != Kind::kString) {
        if (i < given) {
          const TemplateOperand& arg = cmd->args[i + 1];
          At(arg.pos, arg.text);
          if (arg.type == Op::kNumber || arg.type == Op::kBool || arg.type == Op::kNil) {
            return Fail("expected string; found " + arg.text);
          }
        }
        return Fail("wrong type for value; expected string; got " + values[i].TypeName());
      }
    }
    auto result = f->call(values, ctx_);
    if (!result.ok()) {
      if (cmd != nullptr) {
        At(cmd->pos, cmd->text);
      } else {
        At(fn.pos, fn.text);
      }
      return Fail("error calling " + name + ": " + result.status().message());
    }
    return std::move(*result);
  }

  StatusOr<TemplateValue> VarValue(const std::string& name) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return Fail("undefined variable: " + name);
  }

  Status SetVar(const std::string& name, const TemplateValue& value) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) {
        it->second = value;
        return OkStatus();
      }
    }
    return Fail("undefined variable: " + name);
  }

  const std::string& source_;
  const TemplateExecOptions& opts_;
  TemplateCallContext ctx_;
  std::string out_;
  std::vector<std::pair<std::string, TemplateValue>> vars_;
  Flow flow_ = Flow::kNormal;
  uint64_t steps_ = 0;
  int depth_ = 0;
  size_t at_pos_ = 0;
  const std::string* at_text_ = nullptr;
};

}  // namespace

StatusOr<std::string> ExecuteTemplateNodes(const std::string& source, const std::vector<TemplateNode>& root,
                                           const TemplateValue& data, const TemplateExecOptions& options) {
  return Executor(source, options).Run(root, data);
}

}  // namespace suanli::store
