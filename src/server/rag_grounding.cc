// Grounded answers: a chat or generate request with a "rag" object has its
// question answered from a collection. The passages found for the question
// go into the prompt as numbered sources (rag/grounded_prompt) and the reply
// carries them as "citations".
#include "base/utf8.h"
#include "rag/grounded_prompt.h"
#include "server/rag_request.h"
#include "server/server.h"

namespace suanli::server {

namespace {

using ordered_json = nlohmann::ordered_json;

// The user's question: the last user message of a chat, the prompt of a
// generate request. Null when there is none (a load-only request).
ordered_json* QuestionField(ordered_json* body, bool chat, Status* error) {
  if (!chat) {
    auto prompt = body->find("prompt");
    if (prompt == body->end() || prompt->is_null()) return nullptr;
    if (!prompt->is_string()) {
      *error = InvalidArgumentError("prompt must be a string");
      return nullptr;
    }
    return prompt->get_ref<const std::string&>().empty() ? nullptr : &*prompt;
  }
  auto messages = body->find("messages");
  if (messages == body->end() || !messages->is_array()) return nullptr;
  for (auto it = messages->rbegin(); it != messages->rend(); ++it) {
    if (!it->is_object() || it->value("role", "") != "user") continue;
    auto content = it->find("content");
    if (content == it->end() || !content->is_string()) {
      *error = InvalidArgumentError("with rag, the last user message must have text content");
      return nullptr;
    }
    return &*content;
  }
  if (!messages->empty()) *error = InvalidArgumentError("with rag, the messages must include a user message");
  return nullptr;
}

}  // namespace

StatusOr<json> Server::GroundWithRag(ordered_json* body, bool chat, const std::function<bool()>& client_gone) {
  auto rag_field = body->find("rag");
  if (rag_field == body->end()) return json();
  if (rag_field->is_null()) {
    body->erase(rag_field);
    return json();
  }
  ASSIGN_OR_RETURN(RagSpec spec, ParseRagSpec(json(*rag_field)));
  body->erase("rag");
  Status error;
  ordered_json* question = QuestionField(body, chat, &error);
  RETURN_IF_ERROR(error);
  if (question == nullptr) return json();  // nothing asked: a load request
  // An unknown model fails before the search costs an embedding.
  if (auto model = body->find("model"); model != body->end() && model->is_string()) {
    RETURN_IF_ERROR(store_->Get(model->get<std::string>()).status());
  }

  ASSIGN_OR_RETURN(auto collection, FindCollection(spec.collection));
  // A long question is searched by its first 32 KiB (the whole of it still
  // goes to the model).
  const std::string& asked = question->get_ref<const std::string&>();
  spec.search.query = asked.substr(0, Utf8SafePrefix(asked, kMaxRagQueryBytes));
  ASSIGN_OR_RETURN(std::vector<rag::SearchHit> hits, SearchCollection(*collection, spec.search, client_gone));
  std::vector<rag::PromptSource> sources;
  json citations = json::array();
  for (const auto& hit : hits) {
    sources.push_back({hit.source, hit.text});
    citations.push_back(CitationJson(hit));
  }
  ASSIGN_OR_RETURN(std::string prompt, rag::BuildGroundedPrompt(asked, sources, spec.prompt_template));
  *question = prompt;
  return citations;
}

}  // namespace suanli::server
