// `suanli rag create|add|ls|rm|search|ask`: RAG collections from the command
// line, each an HTTP client of /api/rag/* (and /api/chat for `ask`).
#include <CLI/CLI.hpp>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <memory>

#include "cli/client_chat.h"
#include "cli/client_common.h"
#include "cli/client_format.h"
#include "cli/client_rag.h"
#include "cli/commands.h"
#include "net/http_fetch.h"

namespace suanli::cli {

namespace {

using json = nlohmann::json;

std::atomic<bool> g_cancel{false};
void OnSigint(int) { g_cancel = true; }

struct RagFlags {
  std::string collection;
  std::string embed_model;
  int chunk_size = 0;     // 0: the server's default
  int chunk_overlap = -1;  // -1: the server's default
  std::vector<std::string> inputs;
  std::string document;
  std::string query;
  int k = 4;
  std::string mode;
  std::string model;
  std::string filter;
};

StatusOr<json> ParseFilter(const std::string& text) {
  if (text.empty()) return json();
  json filter = json::parse(text, nullptr, false);
  if (filter.is_discarded() || !filter.is_object()) {
    return InvalidArgumentError("--filter must be a JSON object, e.g. '{\"lang\": \"zh\"}'");
  }
  return filter;
}

std::string Ago(const json& object, const char* key) {
  auto when = ParseRfc3339(JsonString(object, key));
  return when ? HumanTime(*when, NowUnixNanos(), "Never") : "";
}

int RunCreate(const RagFlags& f) {
  json body = {{"name", f.collection}, {"embed_model", f.embed_model}};
  if (f.chunk_size > 0) body["chunk_size"] = f.chunk_size;
  if (f.chunk_overlap >= 0) body["chunk_overlap"] = f.chunk_overlap;
  auto reply = ClientFromEnv().Post("/api/rag/collections", body);
  if (!reply.ok()) return PrintError(reply.status());
  std::printf("created collection '%s' (embeddings from %s)\n", f.collection.c_str(), f.embed_model.c_str());
  return 0;
}

int RunList(const RagFlags& f) {
  api::ApiClient client = ClientFromEnv();
  if (f.collection.empty()) {
    auto reply = client.Get("/api/rag/collections");
    if (!reply.ok()) return PrintError(reply.status());
    std::vector<std::vector<std::string>> rows = {{"NAME", "EMBED MODEL", "DOCUMENTS", "CHUNKS", "CREATED"}};
    for (const json& c : JsonField(*reply, "collections")) {
      rows.push_back({JsonString(c, "name"), JsonString(c, "embed_model"), std::to_string(JsonInt(c, "documents")),
                      std::to_string(JsonInt(c, "chunks")), Ago(c, "created_at")});
    }
    std::printf("%s", RenderTable(rows).c_str());
    return 0;
  }
  auto reply = client.Get(RagCollectionPath(f.collection) + "/documents");
  if (!reply.ok()) return PrintError(reply.status());
  std::vector<std::vector<std::string>> rows = {{"ID", "SOURCE", "CHUNKS", "MODIFIED"}};
  for (const json& d : JsonField(*reply, "documents")) {
    rows.push_back({std::to_string(JsonInt(d, "document_id")), JsonString(d, "source"),
                    std::to_string(JsonInt(d, "chunks")), Ago(d, "modified_at")});
  }
  std::printf("%s", RenderTable(rows).c_str());
  return 0;
}

bool IsNumber(const std::string& text) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A document is named by its source, or else by its id.
StatusOr<std::string> DocumentId(const api::ApiClient& client, const std::string& collection,
                                 const std::string& document) {
  ASSIGN_OR_RETURN(json reply, client.Get(RagCollectionPath(collection) + "/documents"));
  for (const json& d : JsonField(reply, "documents")) {
    if (JsonString(d, "source") == document) return std::to_string(JsonInt(d, "document_id"));
  }
  if (IsNumber(document)) return document;
  return NotFoundError("document '" + document + "' not found in collection '" + collection + "'");
}

int RunRemove(const RagFlags& f) {
  api::ApiClient client = ClientFromEnv();
  if (f.document.empty()) {
    auto reply = client.Delete(RagCollectionPath(f.collection), json());
    if (!reply.ok()) return PrintError(reply.status());
    std::printf("deleted collection '%s'\n", f.collection.c_str());
    return 0;
  }
  auto id = DocumentId(client, f.collection, f.document);
  if (!id.ok()) return PrintError(id.status());
  auto reply = client.Delete(RagCollectionPath(f.collection) + "/documents/" + *id, json());
  if (!reply.ok()) return PrintError(reply.status());
  std::printf("deleted document '%s' from '%s'\n", f.document.c_str(), f.collection.c_str());
  return 0;
}

// Text on one line, cut to about `max_chars` characters (never inside one).
std::string Snippet(const std::string& text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (chars == max_chars) return out + "...";
      ++chars;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : text[i];
  }
  return out;
}

int RunSearch(const RagFlags& f) {
  auto filter = ParseFilter(f.filter);
  if (!filter.ok()) return PrintError(filter.status());
  json body = {{"collection", f.collection}, {"query", f.query}, {"k", f.k}};
  if (!f.mode.empty()) body["mode"] = f.mode;
  if (!filter->is_null()) body["filter"] = *filter;
  auto reply = ClientFromEnv().Post("/api/rag/search", body);
  if (!reply.ok()) return PrintError(reply.status());
  int rank = 0;
  for (const json& r : JsonField(*reply, "results")) {
    const double score = JsonField(r, "score").is_number() ? JsonField(r, "score").get<double>() : 0.0;
    std::printf("%d. %s (characters %lld-%lld, score %.4f)\n   %s\n", ++rank, JsonString(r, "source").c_str(),
                static_cast<long long>(JsonInt(r, "start")), static_cast<long long>(JsonInt(r, "end")), score,
                Snippet(JsonString(r, "text"), 160).c_str());
  }
  if (rank == 0) std::printf("no results\n");
  return 0;
}

int RunAsk(const RagFlags& f) {
  auto filter = ParseFilter(f.filter);
  if (!filter.ok()) return PrintError(filter.status());
  ChatSettings settings;
  settings.model = f.model;
  settings.word_wrap = IsTerminal(1);
  settings.rag = {{"collection", f.collection}, {"k", f.k}};
  if (!f.mode.empty()) settings.rag["mode"] = f.mode;
  if (!filter->is_null()) settings.rag["filter"] = *filter;
  struct sigaction action {};
  action.sa_handler = OnSigint;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  ChatOutcome outcome = StreamChat(ClientFromEnv(), settings, json::array({{{"role", "user"}, {"content", f.query}}}),
                                   &g_cancel);
  if (outcome.status.code() == StatusCode::kCancelled) return 130;
  return outcome.status.ok() ? 0 : PrintError(outcome.status);
}

}  // namespace

std::string RagCollectionPath(const std::string& collection) {
  return "/api/rag/collections/" + net::UrlEncode(collection);
}

CommandFn RegisterRagCommand(CLI::App& app) {
  auto f = std::make_shared<RagFlags>();
  CLI::App* rag = app.add_subcommand("rag", "Retrieval over your documents (collections, search, grounded answers)");
  rag->require_subcommand(1);

  CLI::App* create = rag->add_subcommand("create", "Create a collection");
  create->add_option("NAME", f->collection, "Collection name")->required();
  create->add_option("--embed", f->embed_model, "Embedding model")->required();
  create->add_option("--chunk-size", f->chunk_size, "Chunk size in characters (default 500)")->check(CLI::Range(1, 1 << 20));
  create->add_option("--chunk-overlap", f->chunk_overlap, "Overlap between chunks in characters (default 80)")
      ->check(CLI::Range(0, 1 << 20));

  CLI::App* add = rag->add_subcommand("add", "Add files, folders or URLs to a collection");
  add->add_option("NAME", f->collection, "Collection name")->required();
  add->add_option("INPUTS", f->inputs, "Files, folders (text, Markdown, HTML, PDF) or http(s) URLs")->required();

  CLI::App* ls = rag->add_subcommand("ls", "List collections, or the documents of one");
  ls->alias("list");
  ls->add_option("NAME", f->collection, "Collection name");

  CLI::App* rm = rag->add_subcommand("rm", "Delete a collection, or one document (by id or source)");
  rm->add_option("NAME", f->collection, "Collection name")->required();
  rm->add_option("DOCUMENT", f->document, "Document id or source");

  CLI::App* search = rag->add_subcommand("search", "Search a collection");
  search->add_option("NAME", f->collection, "Collection name")->required();
  search->add_option("QUERY", f->query, "What to look for")->required();

  CLI::App* ask = rag->add_subcommand("ask", "Answer a question from a collection, citing the sources");
  ask->add_option("NAME", f->collection, "Collection name")->required();
  ask->add_option("QUESTION", f->query, "The question")->required();
  ask->add_option("--model", f->model, "Model that writes the answer")->required();

  for (CLI::App* cmd : {search, ask}) {
    cmd->add_option("-k", f->k, "Number of passages (default 4)")->check(CLI::Range(1, 100));
    cmd->add_option("--mode", f->mode, "keyword, dense or hybrid (default hybrid)")
        ->check(CLI::IsMember({"keyword", "dense", "hybrid"}));
    cmd->add_option("--filter", f->filter, "Metadata filter as JSON, e.g. '{\"page\": {\"$gte\": 3}}'");
  }

  return [f, create, add, ls, rm, search, ask] {
    if (create->parsed()) return RunCreate(*f);
    if (add->parsed()) return RunRagAdd(ClientFromEnv(), f->collection, f->inputs);
    if (ls->parsed()) return RunList(*f);
    if (rm->parsed()) return RunRemove(*f);
    if (search->parsed()) return RunSearch(*f);
    if (ask->parsed()) return RunAsk(*f);
    return 1;
  };
}

}  // namespace suanli::cli
