// Decoding uploaded text to UTF-8: byte order marks, a declared charset, UTF-8,
// and GB18030 / Big5 chosen by strict conversion (glibc iconv) plus a
// plausibility check. Internal to the rag library. Thread-safety: pure
// functions (each call opens its own iconv handle).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace suanli::rag {

struct DecodedText {
  std::string text;      // valid UTF-8, line ends "\n", no BOM
  std::string encoding;  // "utf-8", "utf-16le", "gb18030", "big5", or the declared charset's name
};

// The charset parameter of a Content-Type ("text/html; charset=GBK" -> "gbk"), or "".
std::string CharsetFromContentType(std::string_view content_type);

// The charset of an HTML <meta charset=...> or <meta http-equiv content="...;
// charset=..."> in the first 4 KiB, lower case, or "".
std::string SniffHtmlMetaCharset(std::string_view bytes);

// Decodes `bytes`: a BOM decides first, then `declared_charset` when it names a
// charset iconv knows and the bytes convert under it, then UTF-8, then the more
// plausible of GB18030 and Big5. InvalidArgument for binary data (NUL bytes,
// many control characters) and for bytes in none of these encodings.
StatusOr<DecodedText> DecodeText(std::string_view bytes, std::string_view declared_charset);

}  // namespace suanli::rag
