#include "api_embedder.h"

namespace suanli::bench {

rag::EmbedFn ApiEmbedder(const api::ApiClient* client, std::string model) {
  return [client, model = std::move(model)](
             const std::vector<std::string>& texts) -> StatusOr<std::vector<std::vector<float>>> {
    ASSIGN_OR_RETURN(nlohmann::json reply, client->Post("/api/embed", {{"model", model}, {"input", texts}}));
    const nlohmann::json& embeddings = reply["embeddings"];
    if (!embeddings.is_array() || embeddings.size() != texts.size()) {
      return InternalError("/api/embed returned no vector per text");
    }
    try {
      return embeddings.get<std::vector<std::vector<float>>>();
    } catch (const nlohmann::json::exception& e) {
      return InternalError(std::string("/api/embed returned malformed vectors: ") + e.what());
    }
  };
}

}  // namespace suanli::bench
