// Small PDF files written byte by byte, for the loader and API tests.
#pragma once

#include <string>
#include <vector>

namespace suanli::test_fixtures {

// A minimal PDF 1.4 file: one page per string (Helvetica text objects), a
// correct cross-reference table, optionally an /Encrypt dictionary whose
// password check the empty user password cannot pass.
std::string MakePdf(const std::vector<std::string>& pages, bool encrypted = false);

}  // namespace suanli::test_fixtures
