// The lexer of Go's text/template (text/template/parse/lex.go): text,
// {{ }} actions with trim markers "{{- " and " -}}", comments, strings,
// numbers, fields, variables and keywords. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace suanli::store {

enum class TemplateTokenType {
  kError,  // val is the message; the last token
  kBool,
  kChar,  // a printable ASCII character such as ','
  kCharConstant,
  kComplex,
  kAssign,   // =
  kDeclare,  // :=
  kEOF,
  kField,       // .Name
  kIdentifier,  // a function name
  kLeftDelim,
  kLeftParen,
  kNumber,
  kPipe,
  kRawString,
  kRightDelim,
  kRightParen,
  kSpace,
  kString,
  kText,
  kVariable,  // $ or $name
  kKeyword,   // keywords follow
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct TemplateToken {
  TemplateTokenType type = TemplateTokenType::kEOF;
  size_t pos = 0;   // byte offset in the source
  std::string val;  // the token's text (or error message)
  int line = 1;     // line at the start of the token
};

// Go's item.String(): EOF, the error text, <keyword>, or the quoted value.
std::string DescribeToken(const TemplateToken& token);

// All tokens of `text`, ending with kEOF, or with kError at the first
// lexical error ("unclosed action", "unterminated quoted string", ...).
std::vector<TemplateToken> LexTemplate(std::string_view text);

}  // namespace suanli::store
