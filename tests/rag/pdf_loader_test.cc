// PDF loading through LoadDocument, with small PDFs written here byte by byte.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "rag/document_loader.h"

namespace suanli::rag {
namespace {

// A minimal PDF 1.4 file: one page per string (Helvetica text objects), a
// correct cross-reference table, optionally an /Encrypt dictionary whose
// password check the empty user password cannot pass.
std::string MakePdf(const std::vector<std::string>& pages, bool encrypted = false) {
  std::vector<std::string> objects;
  const size_t page_count = pages.size();
  const size_t font = 3 + 2 * page_count;  // object numbers: 1 catalog, 2 pages, then page/content pairs
  std::string kids;
  for (size_t i = 0; i < page_count; ++i) kids += std::to_string(3 + 2 * i) + " 0 R ";
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(page_count) + " >>");
  for (size_t i = 0; i < page_count; ++i) {
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 " +
                      std::to_string(font) + " 0 R >> >> /Contents " + std::to_string(4 + 2 * i) + " 0 R >>");
    const std::string content = "BT /F1 24 Tf 72 700 Td (" + pages[i] + ") Tj ET";
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream");
  }
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  objects.push_back("<< /Title (Test document) >>");
  const size_t info = objects.size();
  if (encrypted) {
    objects.push_back("<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <" + std::string(64, 'A') + "> /U <" +
                      std::string(64, 'B') + "> >>");
  }
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t offset : offsets) {
    char line[32];
    std::snprintf(line, sizeof(line), "%010zu 00000 n \n", offset);
    pdf += line;
  }
  pdf +=
      "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R /Info " + std::to_string(info) + " 0 R";
  if (encrypted) {
    pdf += " /Encrypt " + std::to_string(objects.size()) + " 0 R /ID [<" + std::string(32, '1') + "> <" +
           std::string(32, '1') + ">]";
  }
  pdf += " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

// Everything written to stderr (file descriptor 2) while `fn` runs.
template <typename Fn>
std::string CaptureStderr(Fn fn) {
  std::fflush(stderr);
  FILE* capture = std::tmpfile();
  const int saved = dup(2);
  dup2(fileno(capture), 2);
  fn();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::string out;
  std::rewind(capture);
  for (int c = std::fgetc(capture); c != EOF; c = std::fgetc(capture)) out.push_back(static_cast<char>(c));
  std::fclose(capture);
  return out;
}

// Code-point offset -> the text from there on (the test texts are ASCII).
std::string From(const std::string& text, size_t offset) { return text.substr(offset); }

TEST(PdfLoaderTest, OneSectionPerPage) {
  const std::string pdf = MakePdf({"Hello page one", "Second page text"});
  StatusOr<LoadedDocument> doc = LoadDocument(pdf, "upload", "");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->text, "Hello page one\n\nSecond page text");
  EXPECT_EQ(doc->metadata["type"], "pdf");
  EXPECT_EQ(doc->metadata["pages"], 2);
  EXPECT_EQ(doc->metadata["title"], "Test document");
  ASSERT_EQ(doc->sections.size(), 2u);
  EXPECT_EQ(doc->sections[0].start, 0u);
  EXPECT_EQ(doc->sections[0].metadata["page"], 1);
  EXPECT_EQ(doc->sections[1].metadata["page"], 2);
  EXPECT_EQ(From(doc->text, doc->sections[1].start), "Second page text");
}

TEST(PdfLoaderTest, PageLimit) {
  LoaderOptions options;
  options.max_pdf_pages = 1;
  StatusOr<LoadedDocument> doc = LoadDocument(MakePdf({"one", "two"}), "a.pdf", "application/pdf", options);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(doc.status().message().find("2 pages"), std::string::npos) << doc.status().message();
}

TEST(PdfLoaderTest, EncryptedPdfIsAClearError) {
  StatusOr<LoadedDocument> doc = LoadDocument(MakePdf({"secret"}, true), "a.pdf", "");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(doc.status().message().find("encrypted"), std::string::npos) << doc.status().message();
}

TEST(PdfLoaderTest, CorruptPdfIsAClearError) {
  for (const std::string& bytes : {std::string("%PDF-1.7\n"), std::string("%PDF-1.4\n1 0 obj << /Type /Catalog"),
                                   std::string("%PDF-\xFF\x00\x01garbage", 16)}) {
    StatusOr<LoadedDocument> doc = InvalidArgumentError("not run");
    // Poppler's own complaints about the file are silenced.
    EXPECT_EQ(CaptureStderr([&] { doc = LoadDocument(bytes, "a.pdf", ""); }), "");
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(doc.status().message().find("pdf"), std::string::npos) << doc.status().message();
  }
  // Truncated files either load what is left or fail cleanly; never crash.
  const std::string pdf = MakePdf({"Hello page one", "Second page text"});
  for (size_t cut = 10; cut < pdf.size(); cut += 37) {
    StatusOr<LoadedDocument> doc = LoadDocument(pdf.substr(0, cut), "a.pdf", "");
    if (doc.ok()) {
      EXPECT_FALSE(doc->text.empty());
    }
  }
}

TEST(PdfLoaderTest, PdfWithoutTextIsRefused) {
  StatusOr<LoadedDocument> doc = LoadDocument(MakePdf({""}), "scan.pdf", "");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("no text"), std::string::npos) << doc.status().message();
}

}  // namespace
}  // namespace suanli::rag
