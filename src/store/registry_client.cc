#include "store/registry_client.h"

#include "store/registry_auth.h"

namespace suanli::store {

namespace {

constexpr const char* kManifestAccept = "application/vnd.docker.distribution.manifest.v2+json";
constexpr size_t kMaxTokenReplyBytes = 64 << 10;

}  // namespace

RegistryClient::RegistryClient(const ModelName& name, RegistryOptions options)
    : name_(name), options_(std::move(options)) {
  base_ = std::string(options_.insecure ? "http" : "https") + "://" + name_.host + "/v2/" + name_.name_space + "/" +
          name_.model;
}

net::FetchRequest RegistryClient::Request(const std::string& url, const std::atomic<bool>* cancel) const {
  net::FetchRequest r;
  r.url = url;
  r.headers = Headers();
  r.cancel = cancel;
  r.allow_http = options_.insecure;
  r.allow_private_redirects = options_.insecure;
  r.connect_timeout_s = options_.connect_timeout_s;
  r.stall_timeout_s = options_.stall_timeout_s;
  return r;
}

net::Headers RegistryClient::Headers() const {
  net::Headers h = {{"User-Agent", options_.user_agent}};
  std::lock_guard<std::mutex> lock(mu_);
  if (!token_.empty()) h.emplace_back("Authorization", "Bearer " + token_);
  return h;
}

Status RegistryClient::Authorize(const std::string& challenge, const std::atomic<bool>* cancel) {
  ASSIGN_OR_RETURN(BearerChallenge parsed, ParseBearerChallenge(challenge));
  net::UrlParts registry;
  net::SplitUrl(base_, &registry);
  ASSIGN_OR_RETURN(std::string url, TokenUrl(parsed, registry.authority, options_.insecure));
  net::FetchRequest r = Request(url, cancel);
  r.headers = {{"User-Agent", options_.user_agent}};  // never an old token
  r.max_redirects = 0;  // the token must come from the registry's host itself
  r.max_body_bytes = kMaxTokenReplyBytes;
  ASSIGN_OR_RETURN(net::FetchResponse reply, net::HttpFetch(r));
  if (reply.status != 200) {
    return UnavailableError("the registry refused a token (" + std::to_string(reply.status) + ")");
  }
  ASSIGN_OR_RETURN(std::string token, ParseTokenReply(reply.body));
  std::lock_guard<std::mutex> lock(mu_);
  token_ = std::move(token);
  return OkStatus();
}

StatusOr<std::string> RegistryClient::FetchManifest(const std::atomic<bool>* cancel) {
  for (int attempt = 0;; ++attempt) {
    net::FetchRequest r = Request(base_ + "/manifests/" + name_.tag, cancel);
    r.headers.emplace_back("Accept", kManifestAccept);
    r.max_body_bytes = options_.max_manifest_bytes;
    auto reply = net::HttpFetch(r);
    if (!reply.ok()) {
      if (reply.status().code() == StatusCode::kResourceExhausted) {
        return InvalidArgumentError("the registry sent a manifest larger than " +
                                    std::to_string(options_.max_manifest_bytes) + " bytes");
      }
      return reply.status();
    }
    if (reply->status == 200) return std::move(reply->body);
    if (reply->status == 401 && attempt == 0) {
      RETURN_IF_ERROR(Authorize(reply->Header("www-authenticate"), cancel));
      continue;
    }
    if (reply->status == 404) return NotFoundError("pull model manifest: file does not exist");
    if (reply->status == 401) return UnavailableError("the registry refused access to " + name_.Display());
    return UnavailableError("pull model manifest: the registry answered " + std::to_string(reply->status));
  }
}

}  // namespace suanli::store
