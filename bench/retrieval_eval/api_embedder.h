// An EmbedFn that embeds through a running suanli server: POST /api/embed
// with {"model", "input": [texts]} (the path the server's own RAG ingest
// uses). Thread-safe (the client opens a connection per call).
#pragma once

#include <string>

#include "api/client.h"
#include "rag/collection.h"

namespace suanli::bench {

// `client` must outlive the function. Fails with the server's error, or
// Internal when the reply does not hold one vector per text.
rag::EmbedFn ApiEmbedder(const api::ApiClient* client, std::string model);

}  // namespace suanli::bench
