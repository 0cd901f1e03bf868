// Turns a loaded document into what a collection ingests: the text is split
// into chunks with the collection's chunker settings and each chunk carries
// the metadata of the section its own text starts in ({"heading": ...},
// {"page": n}; the overlap repeated from the previous chunk does not count).
// Pure function; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "rag/chunker.h"
#include "rag/collection.h"
#include "rag/document_loader.h"

namespace suanli::rag {

// `metadata` (an object or null) is merged over the loader's metadata
// (caller's keys win). InvalidArgument for bad chunker options, a metadata
// value that is not an object, or a document that yields no chunk.
StatusOr<DocumentInput> PrepareDocument(const std::string& source, const LoadedDocument& document,
                                        const nlohmann::json& metadata, const ChunkerOptions& chunker);

}  // namespace suanli::rag
