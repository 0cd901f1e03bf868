#include "rag/document_pipeline.h"

#include <algorithm>

namespace suanli::rag {

StatusOr<DocumentInput> PrepareDocument(const std::string& source, const LoadedDocument& document,
                                        const nlohmann::json& metadata, const ChunkerOptions& chunker) {
  RETURN_IF_ERROR(ValidateChunkerOptions(chunker));
  if (!metadata.is_null() && !metadata.is_object()) return InvalidArgumentError("metadata must be a JSON object");
  DocumentInput input;
  input.source = source;
  input.content = document.text;
  input.metadata = document.metadata.is_object() ? document.metadata : nlohmann::json::object();
  if (metadata.is_object()) {
    for (const auto& [key, value] : metadata.items()) input.metadata[key] = value;
  }
  const std::vector<TextChunk> chunks = ChunkText(document.text, chunker);
  if (chunks.empty()) return InvalidArgumentError("the document has no text to index");
  input.chunks.reserve(chunks.size());
  // Sections are in order of start: walk them alongside the chunks.
  size_t section = 0;
  for (const TextChunk& chunk : chunks) {
    while (section + 1 < document.sections.size() && document.sections[section + 1].start <= chunk.start) ++section;
    ChunkInput out;
    out.text = chunk.text;
    out.start = static_cast<int64_t>(chunk.start);
    out.end = static_cast<int64_t>(chunk.end);
    if (!document.sections.empty() && document.sections[section].start <= chunk.start) {
      out.metadata = document.sections[section].metadata;
    }
    input.chunks.push_back(std::move(out));
  }
  return input;
}

}  // namespace suanli::rag
