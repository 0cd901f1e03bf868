// `suanli rag ...`: the client side of the server's RAG API. Shared between
// the command table (client_rag.cc) and the document upload (client_rag_add.cc).
// Not thread-safe (prints to stdout/stderr).
#pragma once

#include <string>
#include <vector>

#include "api/client.h"

namespace suanli::cli {

// Adds each input (a file, a folder walked recursively for text, Markdown,
// HTML and PDF files, or an http(s) URL) to `collection`, with a progress bar
// per document. Returns the exit code: 0 when every input was added.
int RunRagAdd(const api::ApiClient& client, const std::string& collection, const std::vector<std::string>& inputs);

// The path of the collection's API, with the name percent-encoded.
std::string RagCollectionPath(const std::string& collection);

}  // namespace suanli::cli
