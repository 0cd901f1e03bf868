// GoTemplate: a Go text/template (the language of Ollama's TEMPLATE), parsed
// once and executed many times with Ollama's function set (json,
// currentDate, yesterdayDate, toTypeScriptType) and missingkey=zero.
// Thread-safety: a GoTemplate is immutable; Execute may run concurrently.
//
// Subset: actions, trim markers, comments, if/else if/else, range (lists,
// maps, integers; else; break; continue), with (else with), variables,
// pipelines, parentheses, literals, and the functions and, or, not, len,
// index, slice, eq, ne, lt, le, gt, ge, print, printf, println, json,
// currentDate, yesterdayDate, toTypeScriptType. Not supported (parse error):
// define, template, block, complex numbers, html, js, urlquery, call.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/go_template_ast.h"
#include "store/go_template_exec.h"
#include "store/go_template_value.h"

namespace suanli::store {

class GoTemplate {
 public:
  using ExecOptions = TemplateExecOptions;

  // InvalidArgument in Go's words: "template: :3: unexpected \"}\" in
  // operand", "template: :1: function \"foo\" not defined", ...
  static StatusOr<GoTemplate> Parse(std::string_view text, int max_nesting = 100);

  // Runs the template with `data` as dot. Internal "template: :L:C:
  // executing ..." on an execution error or an exceeded limit.
  StatusOr<std::string> Execute(const TemplateValue& data, const ExecOptions& options = {}) const;

  const std::string& source() const { return tree_->source; }
  // The parse tree (for analyses such as template_capabilities).
  const std::vector<TemplateNode>& root() const { return *root_; }

  // Ollama's Template.Vars: the identifiers of all fields and variables
  // (.Messages, $.Tools, .Function.Name), lower-cased, sorted, unique.
  const std::vector<std::string>& Vars() const { return *vars_; }
  bool HasVar(std::string_view lower_case_name) const;

  // This template with an action `{{ .Response }}` appended (what Ollama
  // does to a template that uses neither .Messages nor .Response).
  GoTemplate WithResponseAppended() const;

  // Ollama's last-turn template for legacy (.Prompt/.Response) rendering:
  // everything after the first .Response field in an action is deleted, so
  // the prompt ends where the model's answer begins.
  GoTemplate CutAtResponse() const;

 private:
  GoTemplate(std::shared_ptr<const TemplateTree> tree, std::shared_ptr<const std::vector<TemplateNode>> root);

  std::shared_ptr<const TemplateTree> tree_;
  std::shared_ptr<const std::vector<TemplateNode>> root_;  // tree_->root or a rewrite of it
  std::shared_ptr<const std::vector<std::string>> vars_;
};

}  // namespace suanli::store
