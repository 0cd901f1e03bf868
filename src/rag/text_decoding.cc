#include "rag/text_decoding.h"

#include <iconv.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <optional>

#include "base/utf8.h"
#include "rag/unicode_text.h"

namespace suanli::rag {

namespace {

std::string_view Trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// The value after "charset=" in `text` (quotes removed), or "".
std::string CharsetParameter(std::string_view text) {
  const std::string lower = AsciiLower(text);
  const size_t at = lower.find("charset");
  if (at == std::string::npos) return "";
  size_t i = at + 7;
  while (i < lower.size() && (lower[i] == ' ' || lower[i] == '\t')) ++i;
  if (i >= lower.size() || lower[i] != '=') return "";
  ++i;
  while (i < lower.size() && (lower[i] == ' ' || lower[i] == '\t' || lower[i] == '"' || lower[i] == '\'')) ++i;
  size_t j = i;
  while (j < lower.size() && (isalnum(static_cast<unsigned char>(lower[j])) || lower[j] == '-' || lower[j] == '_' ||
                              lower[j] == '.' || lower[j] == ':')) {
    ++j;
  }
  return lower.substr(i, j - i);
}

// RAII iconv handle.
class Converter {
 public:
  explicit Converter(const char* from) : handle_(iconv_open("UTF-8", from)) {}
  ~Converter() {
    if (ok()) iconv_close(handle_);
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;
  bool ok() const { return handle_ != reinterpret_cast<iconv_t>(-1); }

  // Strict conversion: nullopt at the first invalid or incomplete sequence.
  std::optional<std::string> Convert(std::string_view bytes) {
    std::string out(bytes.size() * 2 + 16, '\0');
    char* in = const_cast<char*>(bytes.data());
    size_t in_left = bytes.size();
    size_t used = 0;
    while (in_left > 0) {
      char* dest = out.data() + used;
      size_t out_left = out.size() - used;
      const size_t rc = iconv(handle_, &in, &in_left, &dest, &out_left);
      used = out.size() - out_left;
      if (rc != static_cast<size_t>(-1)) break;
      if (errno != E2BIG) return std::nullopt;
      out.resize(out.size() * 2);
    }
    out.resize(used);
    return out;
  }

 private:
  iconv_t handle_;
};

std::optional<std::string> ConvertFrom(const char* charset, std::string_view bytes) {
  Converter converter(charset);
  if (!converter.ok()) return std::nullopt;
  return converter.Convert(bytes);
}

// iconv's name for a charset label, following the WHATWG aliases for the
// common ones (gb2312 and gbk are read as their superset GB18030, latin1 as
// windows-1252), and the label itself otherwise.
std::string IconvName(const std::string& label) {
  if (label == "utf-8" || label == "utf8" || label == "unicode-1-1-utf-8") return "UTF-8";
  if (label == "gb2312" || label == "gbk" || label == "gb18030" || label == "x-gbk" || label == "cp936" ||
      label == "euc-cn" || label == "chinese") {
    return "GB18030";
  }
  if (label == "big5" || label == "big5-hkscs" || label == "x-x-big5" || label == "cn-big5" || label == "cp950") {
    return "BIG5-HKSCS";
  }
  if (label == "iso-8859-1" || label == "latin1" || label == "us-ascii" || label == "ascii" ||
      label == "windows-1252" || label == "cp1252") {
    return "WINDOWS-1252";
  }
  if (label == "utf-16" || label == "utf-16le") return "UTF-16LE";
  std::string name;
  for (char c : label) name.push_back(static_cast<char>(toupper(static_cast<unsigned char>(c))));
  return name;
}

std::string EncodingName(const std::string& iconv_name) {
  if (iconv_name == "GB18030") return "gb18030";
  if (iconv_name == "BIG5-HKSCS") return "big5";
  return AsciiLower(iconv_name);
}

// Share of two-byte characters that fall in the frequent-character and
// punctuation areas of the encoding: GB2312 level 1 (B0A1-D7FE) and symbols
// (A1A1-A3FE); Big5 level 1 (A440-C67E) and symbols (A140-A3BF). Text in the
// other encoding scores far lower (it lands on rare characters, kana, private
// use...). -1 when there is no two-byte character.
double CommonShare(std::string_view bytes, bool big5) {
  size_t common = 0, total = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto lead = static_cast<uint8_t>(bytes[i]);
    if (lead < 0x80 || i + 1 >= bytes.size()) continue;
    const auto trail = static_cast<uint8_t>(bytes[i + 1]);
    ++total;
    if (big5) {
      const unsigned code = lead << 8 | trail;
      if ((code >= 0xA140 && code <= 0xA3BF) || (code >= 0xA440 && code <= 0xC67E)) ++common;
      ++i;
    } else if (trail >= 0x30 && trail <= 0x39) {  // a four-byte GB18030 sequence: rare characters
      i += 3;
    } else {
      if (trail >= 0xA1 && trail <= 0xFE && ((lead >= 0xA1 && lead <= 0xA3) || (lead >= 0xB0 && lead <= 0xD7))) {
        ++common;
      }
      ++i;
    }
  }
  return total == 0 ? -1.0 : static_cast<double>(common) / static_cast<double>(total);
}

std::optional<DecodedText> DecodeChinese(std::string_view bytes) {
  std::optional<std::string> gb = ConvertFrom("GB18030", bytes);
  std::optional<std::string> big5 = ConvertFrom("BIG5-HKSCS", bytes);
  const double gb_share = gb ? CommonShare(bytes, false) : -1.0;
  const double big5_share = big5 ? CommonShare(bytes, true) : -1.0;
  // Real Chinese text has most of its characters in these areas (Traditional
  // text saved as GBK fewer); the floor only keeps out strings of random bytes
  // that happen to convert.
  constexpr double kMinShare = 0.1;
  if (gb && gb_share >= big5_share && gb_share >= kMinShare) return DecodedText{std::move(*gb), "gb18030"};
  if (big5 && big5_share >= kMinShare) return DecodedText{std::move(*big5), "big5"};
  return std::nullopt;
}

// "\r\n" and lone "\r" become "\n".
void NormalizeLineEnds(std::string* text) {
  size_t out = 0;
  for (size_t i = 0; i < text->size(); ++i) {
    const char c = (*text)[i];
    if (c != '\r') {
      (*text)[out++] = c;
    } else if (i + 1 >= text->size() || (*text)[i + 1] != '\n') {
      (*text)[out++] = '\n';
    }
  }
  text->resize(out);
}

Status BinaryError(const char* why) {
  return InvalidArgumentError(std::string("the document looks like binary data (") + why +
                              "): send text, Markdown, HTML or PDF");
}

// Refuses NUL and text with many control characters; drops the few others
// (keeps tab, line feed and form feed).
StatusOr<std::string> CheckControls(std::string text) {
  size_t controls = 0, chars = 0;
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp;
    pos += DecodeUtf8At(text, pos, &cp);
    ++chars;
    if (cp == 0) return BinaryError("it contains NUL bytes");
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\f') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
      ++controls;
    }
  }
  if (controls == 0) return text;
  if (controls > 8 && controls * 50 > chars) return BinaryError("it contains many control characters");
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp;
    const size_t length = DecodeUtf8At(text, pos, &cp);
    const bool control =
        (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\f') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
    if (!control) out.append(text, pos, length);
    pos += length;
  }
  return out;
}

StatusOr<DecodedText> Finish(std::string text, std::string encoding) {
  NormalizeLineEnds(&text);
  ASSIGN_OR_RETURN(std::string clean, CheckControls(std::move(text)));
  return DecodedText{std::move(clean), std::move(encoding)};
}

}  // namespace

std::string CharsetFromContentType(std::string_view content_type) {
  const size_t semicolon = content_type.find(';');
  if (semicolon == std::string_view::npos) return "";
  return CharsetParameter(content_type.substr(semicolon + 1));
}

std::string SniffHtmlMetaCharset(std::string_view bytes) {
  const std::string head = AsciiLower(bytes.substr(0, 4096));
  for (size_t at = head.find("<meta"); at != std::string::npos; at = head.find("<meta", at + 5)) {
    const size_t close = head.find('>', at);
    const std::string_view tag = std::string_view(head).substr(at, close == std::string::npos ? 4096 : close - at);
    std::string charset = CharsetParameter(tag);
    if (!charset.empty()) return charset;
  }
  return "";
}

StatusOr<DecodedText> DecodeText(std::string_view bytes, std::string_view declared_charset) {
  const auto starts = [&](std::string_view prefix) { return bytes.substr(0, prefix.size()) == prefix; };
  if (starts("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
    if (!IsValidUtf8(bytes)) return InvalidArgumentError("the document starts with a UTF-8 mark but is not UTF-8");
    return Finish(std::string(bytes), "utf-8");
  }
  if (starts(std::string_view("\xFF\xFE\x00\x00", 4)) || starts(std::string_view("\x00\x00\xFE\xFF", 4))) {
    return InvalidArgumentError("UTF-32 documents are not supported: convert the document to UTF-8");
  }
  if (starts("\xFF\xFE") || starts("\xFE\xFF")) {
    const bool little = starts("\xFF\xFE");
    std::optional<std::string> text = ConvertFrom(little ? "UTF-16LE" : "UTF-16BE", bytes.substr(2));
    if (!text) return InvalidArgumentError("the document starts with a UTF-16 mark but is not valid UTF-16");
    return Finish(std::move(*text), little ? "utf-16le" : "utf-16be");
  }
  const std::string declared = IconvName(AsciiLower(Trim(declared_charset)));
  const bool declared_wide = declared.rfind("UTF-16", 0) == 0 || declared.rfind("UTF-32", 0) == 0;
  if (!declared_wide && bytes.find('\0') != std::string_view::npos) return BinaryError("it contains NUL bytes");
  if (!declared.empty() && declared != "UTF-8") {
    std::optional<std::string> text = ConvertFrom(declared.c_str(), bytes);
    if (text) return Finish(std::move(*text), EncodingName(declared));
  }
  if (IsValidUtf8(bytes)) return Finish(std::string(bytes), "utf-8");
  std::optional<DecodedText> chinese = DecodeChinese(bytes);
  if (!chinese) {
    return InvalidArgumentError(
        "the document is not text in a known encoding (utf-8, utf-16 with a byte order mark, gb18030 or big5): "
        "convert it to UTF-8 first");
  }
  return Finish(std::move(chinese->text), std::move(chinese->encoding));
}

}  // namespace suanli::rag
