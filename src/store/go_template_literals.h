// Go literal syntax for text/template: numbers (decimal, 0x/0o/0b, floats,
// character constants) and interpreted or raw string literals, as
// strconv.Unquote and parse.NumberNode read them. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "store/go_template_value.h"

namespace suanli::store {

// The constant a number literal denotes where no type is known (Go's
// idealConstant): an int for integer syntax and characters ('a'), a float64
// otherwise. InvalidArgument "illegal number syntax: \"x\"", "integer
// overflow: \"x\"", "complex numbers are not supported".
StatusOr<TemplateValue> ParseNumberLiteral(std::string_view text, bool is_char_constant);

// The value of a "..." (with Go escapes) or `...` literal, quotes included
// in `text`. InvalidArgument "invalid syntax" for a bad escape.
StatusOr<std::string> UnquoteGoString(std::string_view text);

}  // namespace suanli::store
