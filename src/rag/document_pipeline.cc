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
  // A chunk belongs to the section of its first own character: past the
  // overlap it repeats from the chunk before (at most half the chunk).
  for (const TextChunk& chunk : chunks) {
    const size_t own = chunk.start + std::min(chunker.chunk_overlap, (chunk.end - chunk.start) / 2);
    ChunkInput out;
    out.text = chunk.text;
    out.start = static_cast<int64_t>(chunk.start);
    out.end = static_cast<int64_t>(chunk.end);
    for (const DocumentSection& section : document.sections) {  // in order of start
      if (section.start > own) break;
      out.metadata = section.metadata;
    }
    input.chunks.push_back(std::move(out));
  }
  return input;
}

}  // namespace suanli::rag
