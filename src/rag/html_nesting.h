// A cheap scan of raw HTML for its deepest element nesting, done before
// parsing: gumbo's time grows with the square of the nesting depth (100,000
// nested <div>s take minutes), so very deep documents are refused up front.
// Internal to the rag library. Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string_view>

namespace suanli::rag {

// Deepest nesting the HTML loader accepts (real pages stay well below 100).
inline constexpr size_t kMaxHtmlDepth = 512;

// An estimate of the deepest element nesting in `html`: start tags of elements
// that need an end tag count one level down, their end tags one up. Void
// elements, elements that close themselves implicitly (p, li, td, ...),
// comments and the contents of script, style and similar raw-text elements are
// skipped. Stops counting once the depth passes `limit`.
size_t EstimateHtmlDepth(std::string_view html, size_t limit = kMaxHtmlDepth);

}  // namespace suanli::rag
