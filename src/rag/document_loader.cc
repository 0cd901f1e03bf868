#include "rag/document_loader.h"

#include "rag/html_loader.h"
#include "rag/markdown_loader.h"
#include "rag/pdf_loader.h"
#include "rag/text_decoding.h"
#include "rag/unicode_text.h"

namespace suanli::rag {

namespace {

// "text/html" from "Text/HTML; charset=utf-8".
std::string MediaType(std::string_view content_type) {
  std::string type = AsciiLower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.erase(0, 1);
  return type;
}

// "md" from "notes/README.MD" or "https://host/a/page.html?x=1#top"; "" without one.
std::string Extension(std::string_view name) {
  name = name.substr(0, name.find_first_of("?#"));
  const size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return "";
  return AsciiLower(name.substr(dot + 1));
}

// Starts (after white space, a BOM, comments and an XML declaration) with
// "<!doctype html" or "<html".
bool LooksLikeHtml(std::string_view text) {
  const std::string head = AsciiLower(text.substr(0, 4096));
  size_t i = 0;
  if (head.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  while (true) {
    while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\n' || head[i] == '\r')) ++i;
    if (head.compare(i, 4, "<!--") == 0) {
      const size_t end = head.find("-->", i + 4);
      if (end == std::string::npos) return false;
      i = end + 3;
    } else if (head.compare(i, 5, "<?xml") == 0) {
      const size_t end = head.find("?>", i + 5);
      if (end == std::string::npos) return false;
      i = end + 2;
    } else {
      break;
    }
  }
  const auto tag_at = [&](std::string_view tag) {
    if (head.compare(i, tag.size(), tag) != 0) return false;
    const size_t after = i + tag.size();
    return after >= head.size() || head[after] == '>' || head[after] == ' ' || head[after] == '\t' ||
           head[after] == '\n' || head[after] == '\r';
  };
  return tag_at("<!doctype html") || tag_at("<html");
}

bool IsHtmlType(const std::string& media_type, const std::string& extension) {
  return media_type == "text/html" || media_type == "application/xhtml+xml" || extension == "html" ||
         extension == "htm" || extension == "xhtml" || extension == "shtml";
}

bool IsMarkdownType(const std::string& media_type, const std::string& extension) {
  return media_type == "text/markdown" || media_type == "text/x-markdown" || extension == "md" ||
         extension == "markdown" || extension == "mdown" || extension == "mkd" || extension == "mkdn";
}

bool HasVisibleText(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp;
    pos += DecodeUtf8At(text, pos, &cp);
    if (!IsWhiteSpace(cp)) return true;
  }
  return false;
}

// Dispatches on the type: PDF by its header, then HTML (by content, then by
// Content-Type or extension), Markdown (by Content-Type or extension), text.
StatusOr<LoadedDocument> LoadByType(std::string_view bytes, std::string_view content_type,
                                    const std::string& media_type, const std::string& extension,
                                    const LoaderOptions& options) {
  if (LooksLikePdf(bytes)) return LoadPdf(bytes, options.max_pdf_pages);
  if (media_type == "application/pdf" || extension == "pdf") {
    return InvalidArgumentError("the document is named or declared a pdf but has no %PDF- header: check the file");
  }
  // A charset in the Content-Type wins; an HTML page may name its own.
  std::string charset = CharsetFromContentType(content_type);
  if (charset.empty() && (IsHtmlType(media_type, extension) || LooksLikeHtml(bytes))) {
    charset = SniffHtmlMetaCharset(bytes);
  }
  ASSIGN_OR_RETURN(DecodedText decoded, DecodeText(bytes, charset));
  LoadedDocument doc;
  if (LooksLikeHtml(decoded.text) || IsHtmlType(media_type, extension)) {
    ASSIGN_OR_RETURN(doc, LoadHtml(decoded.text));
  } else if (IsMarkdownType(media_type, extension)) {
    doc = LoadMarkdown(std::move(decoded.text));
  } else {
    doc.text = std::move(decoded.text);
    doc.metadata = {{"type", "text"}};
  }
  doc.metadata["encoding"] = decoded.encoding;
  return doc;
}

}  // namespace

StatusOr<LoadedDocument> LoadDocument(std::string_view bytes, std::string_view name_hint, std::string_view content_type,
                                      const LoaderOptions& options) {
  if (bytes.size() > options.max_bytes) {
    return InvalidArgumentError("the document is " + std::to_string(bytes.size()) + " bytes, more than the limit of " +
                                std::to_string(options.max_bytes) + ": split it into smaller files");
  }
  if (bytes.empty()) return InvalidArgumentError("the document is empty");
  ASSIGN_OR_RETURN(LoadedDocument doc,
                   LoadByType(bytes, content_type, MediaType(content_type), Extension(name_hint), options));
  if (!HasVisibleText(doc.text)) {
    return InvalidArgumentError(doc.metadata.value("type", "") == "pdf"
                                    ? "the pdf has no text (a scanned pdf needs OCR first)"
                                    : "the document has no text");
  }
  return doc;
}

}  // namespace suanli::rag
