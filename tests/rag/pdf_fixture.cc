#include "pdf_fixture.h"

#include <cstdio>

namespace suanli::test_fixtures {

std::string MakePdf(const std::vector<std::string>& pages, bool encrypted) {
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

}  // namespace suanli::test_fixtures
