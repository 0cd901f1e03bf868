// GoTemplate: parsing with the function set, execution, and Ollama's tree
// helpers (Vars, the appended {{ .Response }}, the cut at .Response).
#include "store/go_template.h"

#include <algorithm>
#include <optional>
#include <set>

#include "store/go_template_funcs.h"

namespace suanli::store {

namespace {

using Op = TemplateOperand::Type;

void CollectPipe(const TemplatePipe& pipe, std::set<std::string>* out);

void CollectNode(const TemplateNode& node, std::set<std::string>* out) {
  if (node.pipe) CollectPipe(*node.pipe, out);
  for (const auto& n : node.list) CollectNode(n, out);
  for (const auto& n : node.else_list) CollectNode(n, out);
}

void CollectPipe(const TemplatePipe& pipe, std::set<std::string>* out) {
  for (const auto& cmd : pipe.cmds) {
    for (const auto& arg : cmd.args) {
      if (arg.type == Op::kField || arg.type == Op::kVariable) {
        for (const auto& ident : arg.idents) {
          std::string lower = ident;
          for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          out->insert(std::move(lower));
        }
      } else if (arg.type == Op::kPipe) {
        CollectPipe(*arg.pipe, out);
      }
    }
  }
}

// Ollama's deleteNode with its predicate: once an action's pipeline reaches
// a field naming Response, every later node is dropped.
class ResponseCutter {
 public:
  std::vector<TemplateNode> CutList(const std::vector<TemplateNode>& list) {
    std::vector<TemplateNode> out;
    for (const auto& node : list) {
      if (auto kept = CutNode(node)) out.push_back(std::move(*kept));
    }
    return out;
  }

 private:
  std::optional<TemplateNode> CutNode(const TemplateNode& node) {
    if (cut_) return std::nullopt;
    TemplateNode out = node;
    switch (node.type) {
      case TemplateNode::Type::kAction: {
        auto pipe = CutPipe(*node.pipe);
        if (!pipe) return std::nullopt;
        out.pipe = std::move(pipe);
        return out;
      }
      case TemplateNode::Type::kIf:
      case TemplateNode::Type::kRange:
      case TemplateNode::Type::kWith:
        out.list = CutList(node.list);
        out.else_list = cut_ ? std::vector<TemplateNode>{} : CutList(node.else_list);
        return out;
      default:
        return out;
    }
  }

  std::shared_ptr<const TemplatePipe> CutPipe(const TemplatePipe& pipe) {
    if (cut_) return nullptr;
    auto out = std::make_shared<TemplatePipe>(pipe);
    out->cmds.clear();
    for (const auto& cmd : pipe.cmds) {
      TemplateCommand kept = cmd;
      kept.args.clear();
      for (const auto& arg : cmd.args) {
        if (arg.type == Op::kField && std::find(arg.idents.begin(), arg.idents.end(), "Response") != arg.idents.end()) {
          cut_ = true;
          kept.args.push_back(arg);
        } else if (cut_) {
          continue;
        } else if (arg.type == Op::kPipe) {
          auto inner = CutPipe(*arg.pipe);
          if (!inner) continue;
          TemplateOperand a = arg;
          a.pipe = std::move(inner);
          kept.args.push_back(std::move(a));
        } else {
          kept.args.push_back(arg);
        }
      }
      if (kept.args.empty()) return nullptr;
      out->cmds.push_back(std::move(kept));
    }
    if (out->cmds.empty()) return nullptr;
    return out;
  }

  bool cut_ = false;
};

}  // namespace

StatusOr<GoTemplate> GoTemplate::Parse(std::string_view text, int max_nesting) {
  ASSIGN_OR_RETURN(std::shared_ptr<const TemplateTree> tree,
                   ParseTemplateTree(text, TemplateFunctionNames(), max_nesting));
  auto root = std::shared_ptr<const std::vector<TemplateNode>>(tree, &tree->root);
  return GoTemplate(std::move(tree), std::move(root));
}

StatusOr<std::string> GoTemplate::Execute(const TemplateValue& data, const ExecOptions& options) const {
  return ExecuteTemplateNodes(tree_->source, *root_, data, options);
}

GoTemplate::GoTemplate(std::shared_ptr<const TemplateTree> tree, std::shared_ptr<const std::vector<TemplateNode>> root)
    : tree_(std::move(tree)), root_(std::move(root)) {
  std::set<std::string> names;
  for (const auto& node : *root_) CollectNode(node, &names);
  vars_ = std::make_shared<const std::vector<std::string>>(names.begin(), names.end());
}

bool GoTemplate::HasVar(std::string_view lower_case_name) const {
  return std::binary_search(vars_->begin(), vars_->end(), lower_case_name);
}

GoTemplate GoTemplate::WithResponseAppended() const {
  static const std::string kText = "{{ .Response }}";
  TemplateOperand field;
  field.type = Op::kField;
  field.pos = tree_->source.size();
  field.idents = {"Response"};
  field.text = ".Response";
  TemplateCommand cmd;
  cmd.pos = field.pos;
  cmd.text = field.text;
  cmd.args.push_back(std::move(field));
  auto pipe = std::make_shared<TemplatePipe>();
  pipe->pos = cmd.pos;
  pipe->text = cmd.text;
  pipe->cmds.push_back(std::move(cmd));
  TemplateNode action;
  action.type = TemplateNode::Type::kAction;
  action.pos = pipe->pos;
  action.text = kText;
  action.pipe = std::move(pipe);
  auto root = std::make_shared<std::vector<TemplateNode>>(*root_);
  root->push_back(std::move(action));
  return GoTemplate(tree_, std::move(root));
}

GoTemplate GoTemplate::CutAtResponse() const {
  ResponseCutter cutter;
  return GoTemplate(tree_, std::make_shared<const std::vector<TemplateNode>>(cutter.CutList(*root_)));
}

}  // namespace suanli::store
