#include "rag/pdf_loader.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <climits>
#include <memory>
#include <mutex>
#include <new>
#include <string>

#include "rag/unicode_text.h"

namespace suanli::rag {

namespace {

void IgnorePopplerMessage(const std::string& /*message*/, void* /*closure*/) {}

std::mutex& PdfMutex() {
  static std::mutex mutex;
  return mutex;
}

std::string ToUtf8(const poppler::ustring& text) {
  const poppler::byte_array bytes = text.to_utf8();
  return SanitizeUtf8(std::string_view(bytes.data(), bytes.size()));
}

// Page text with "\n" line ends, without control characters (form feeds
// included) and without trailing white space.
std::string CleanPageText(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') out.push_back('\n');
    } else if (c == '\n' || c == '\t' || static_cast<unsigned char>(c) >= 0x20) {
      out.push_back(c);
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\t')) out.pop_back();
  size_t lead = 0;
  while (lead < out.size() && (out[lead] == ' ' || out[lead] == '\n' || out[lead] == '\t')) ++lead;
  return out.substr(lead);
}

}  // namespace

bool LooksLikePdf(std::string_view bytes) { return bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos; }

StatusOr<LoadedDocument> LoadPdf(std::string_view bytes, int max_pages) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return InvalidArgumentError("the pdf is too large to read");
  std::lock_guard<std::mutex> lock(PdfMutex());
  static std::once_flag silence;
  std::call_once(silence, [] { poppler::set_debug_error_function(IgnorePopplerMessage, nullptr); });
  try {
    std::unique_ptr<poppler::document> pdf(
        poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
    if (pdf == nullptr) {
      return InvalidArgumentError("the pdf could not be read (it is damaged or not a pdf): check the file");
    }
    if (pdf->is_locked()) {
      return InvalidArgumentError("the pdf is encrypted: remove its password and upload it again");
    }
    const int pages = pdf->pages();
    if (pages <= 0) return InvalidArgumentError("the pdf has no pages");
    if (pages > max_pages) {
      return InvalidArgumentError("the pdf has " + std::to_string(pages) + " pages, more than the limit of " +
                                  std::to_string(max_pages) + ": split it into smaller files");
    }
    LoadedDocument doc;
    doc.metadata = {{"type", "pdf"}, {"pages", pages}};
    const std::string title = ToUtf8(pdf->info_key("Title"));
    if (!title.empty()) doc.metadata["title"] = title;
    size_t offset = 0;  // code points in doc.text
    for (int i = 0; i < pages; ++i) {
      std::unique_ptr<poppler::page> page(pdf->create_page(i));
      if (page == nullptr) continue;
      const std::string text =
          CleanPageText(ToUtf8(page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout)));
      if (text.empty()) continue;
      if (!doc.text.empty()) {
        doc.text += "\n\n";
        offset += 2;
      }
      doc.sections.push_back({offset, {{"page", i + 1}}});
      doc.text += text;
      offset += CountCodePoints(text);
    }
    return doc;
  } catch (const std::bad_alloc&) {
    return ResourceExhaustedError("cannot read the pdf: out of memory");
  } catch (...) {
    return InvalidArgumentError("the pdf could not be read (it is damaged): check the file");
  }
}

}  // namespace suanli::rag
