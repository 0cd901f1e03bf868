// The functions a template may call: text/template's builtins (and, or, not,
// len, index, slice, eq, ne, lt, le, gt, ge, print, printf, println) and
// Ollama's (json, currentDate, yesterdayDate, toTypeScriptType), plus fmt's
// Sprint/Sprintf rules they rely on. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/go_template_value.h"

namespace suanli::store {

struct TemplateCallContext {
  size_t max_bytes = 0;  // a string result longer than this is an error
  std::chrono::system_clock::time_point now;
};

struct TemplateFunction {
  std::string_view name;
  int fixed_args = 0;  // arguments before the variadic part
  bool variadic = false;
  // Parameters typed string in Go (printf's format, currentDate's
  // arguments): 0 none, 1 the first, 2 all.
  int string_params = 0;
  // "and" and "or" evaluate their arguments lazily; the executor does them.
  bool short_circuit = false;
  // Returns the result, or the error that Go reports as "error calling f: ...".
  StatusOr<TemplateValue> (*call)(std::span<const TemplateValue> args, const TemplateCallContext& ctx) = nullptr;
};

// The function called `name`, or null.
const TemplateFunction* FindTemplateFunction(std::string_view name);
// All function names, for the parser's "function not defined" check.
const std::set<std::string, std::less<>>& TemplateFunctionNames();

// fmt.Sprint (spaces between operands when neither is a string) and, with
// `line`, fmt.Sprintln (spaces between all, then a newline).
std::string GoSprint(std::span<const TemplateValue> args, bool line);
// fmt.Sprintf with flags, width and precision for the verbs v s q d b o x X
// c U e E f F g G t %; wrong types print as Go does (%!d(string=hi)),
// missing and extra arguments too. ResourceExhausted past `max_bytes`.
StatusOr<std::string> GoSprintf(std::string_view format, std::span<const TemplateValue> args, size_t max_bytes);

}  // namespace suanli::store
