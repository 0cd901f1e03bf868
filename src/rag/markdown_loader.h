// Markdown documents: the text is kept as it is (it reads well and embeds
// well); ATX ("## Title") and setext (underlined) headings outside fenced code
// become sections {"heading": "H1 > H2"}. Internal to the rag library.
// Thread-safety: pure function.
#pragma once

#include <string>

#include "rag/document_loader.h"

namespace suanli::rag {

// `text` is valid UTF-8 with "\n" line ends. Metadata: "type": "markdown" and
// "title" (the first level-1 heading) when there is one.
LoadedDocument LoadMarkdown(std::string text);

}  // namespace suanli::rag
