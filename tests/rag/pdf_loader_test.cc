// PDF loading through LoadDocument, with small PDFs written here byte by byte.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "pdf_fixture.h"
#include "rag/document_loader.h"

namespace suanli::rag {
namespace {

using test_fixtures::MakePdf;

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
