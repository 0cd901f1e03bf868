// `suanli rag add NAME FILE|DIR|URL...`: files go up as multipart uploads,
// URLs are fetched by the server; the server streams progress while it
// embeds the chunks.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/client_common.h"
#include "cli/client_rag.h"
#include "cli/progress_bar.h"

namespace suanli::cli {

namespace {

using json = nlohmann::json;

constexpr uint64_t kMaxDocumentBytes = 64ull << 20;  // as the server's default cap

bool IsUrl(const std::string& input) { return input.rfind("http://", 0) == 0 || input.rfind("https://", 0) == 0; }

bool HasDocumentExtension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* known : {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf"}) {
    if (ext == known) return true;
  }
  return false;
}

// Files under `dir` (recursively, sorted, hidden entries skipped) with a
// document extension.
std::vector<std::string> DocumentsUnder(const std::string& dir, Status* status) {
  std::vector<std::string> files;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(dir, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && HasDocumentExtension(it->path())) files.push_back(it->path().string());
  }
  if (ec) *status = InternalError("could not read the folder " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

StatusOr<std::string> ReadDocument(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return NotFoundError("could not open " + path + ": " + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return InvalidArgumentError(path + " is not a regular file");
  if (static_cast<uint64_t>(info.st_size) > kMaxDocumentBytes) {
    return InvalidArgumentError(path + " is larger than 64 MB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("could not open " + path + ": " + std::strerror(errno));
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Streams one document's ingestion and prints its outcome line.
Status AddOne(const api::ApiClient& client, const std::string& collection, const std::string& input) {
  std::unique_ptr<ProgressBar> bar;
  json result;
  auto on_line = [&](const json& line) {
    if (line.contains("document_id")) {
      result = line;
      return true;
    }
    const int64_t total = JsonInt(line, "total");
    if (total > 0) {
      if (!bar) bar = std::make_unique<ProgressBar>("embedding " + input, static_cast<uint64_t>(total), "chunks");
      bar->Set(static_cast<uint64_t>(std::max<int64_t>(0, JsonInt(line, "completed"))));
    }
    return true;
  };
  const std::string path = RagCollectionPath(collection) + "/documents";
  Status status;
  if (IsUrl(input)) {
    status = client.PostStream(path, json{{"url", input}, {"stream", true}}, on_line);
  } else {
    ASSIGN_OR_RETURN(std::string bytes, ReadDocument(input));
    const std::string filename = std::filesystem::path(input).filename().string();
    std::vector<api::ApiClient::FormField> fields = {
        {"source", input, "", ""},
        {"stream", "true", "", ""},
        {"file", std::move(bytes), filename, "application/octet-stream"},
    };
    status = client.PostFormStream(path, fields, on_line);
  }
  if (bar) bar->Finish();
  RETURN_IF_ERROR(status);
  if (result.is_null()) return InternalError("the server ended the upload without a result");
  std::printf("%s: %s, %lld chunks (document %lld)\n", input.c_str(), JsonString(result, "status").c_str(),
              static_cast<long long>(JsonInt(result, "chunks")), static_cast<long long>(JsonInt(result, "document_id")));
  std::fflush(stdout);
  return OkStatus();
}

bool HasFormUnsafeCharacters(const std::string& text) {
  return text.find_first_of("\"\r\n") != std::string::npos;
}

}  // namespace

int RunRagAdd(const api::ApiClient& client, const std::string& collection, const std::vector<std::string>& inputs) {
  // An unknown collection is one error, not one per file.
  if (auto info = client.Get(RagCollectionPath(collection)); !info.ok()) return PrintError(info.status());
  std::vector<std::string> documents;
  for (const auto& input : inputs) {
    struct stat info;
    if (!IsUrl(input) && stat(input.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
      Status walk;
      auto found = DocumentsUnder(input, &walk);
      if (!walk.ok()) return PrintError(walk);
      if (found.empty()) std::fprintf(stderr, "warning: no text, Markdown, HTML or PDF files in %s\n", input.c_str());
      documents.insert(documents.end(), found.begin(), found.end());
    } else {
      documents.push_back(input);
    }
  }
  int failures = 0;
  for (const auto& document : documents) {
    Status s = HasFormUnsafeCharacters(document)
                   ? InvalidArgumentError("file names with quotes or line breaks are not supported")
                   : AddOne(client, collection, document);
    if (!s.ok()) {
      std::fprintf(stderr, "Error: %s: %s\n", document.c_str(), s.message().c_str());
      ++failures;
      if (s.code() == StatusCode::kUnavailable) break;  // the server is gone: the rest would fail too
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace suanli::cli
