// Modelfile: Ollama's recipe language for models (FROM, PARAMETER, TEMPLATE,
// SYSTEM, ADAPTER, LICENSE, MESSAGE, REQUIRES, DRAFT, RENDERER, PARSER).
// Parsing and formatting are pure functions; ResolveFrom and ToCreateRequest
// read the file system. All are thread-safe.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace suanli::store {

struct ModelfileMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
  bool operator==(const ModelfileMessage&) const = default;
};

// The instructions of a Modelfile. Values are as written, quotes removed.
struct Modelfile {
  std::string from;  // the first FROM: a model name or a path
  int from_line = 0;
  std::vector<std::string> extra_from;  // later FROM lines (e.g. a projector)
  std::vector<std::string> adapters;    // ADAPTER paths
  std::string draft;                    // DRAFT: path to a draft model
  std::string template_text;            // TEMPLATE (Go text/template)
  bool has_template = false;
  std::string system;
  bool has_system = false;
  // PARAMETER values typed per key (int, float, bool); "stop" is an array
  // that repeated lines extend.
  nlohmann::json parameters = nlohmann::json::object();
  std::vector<ModelfileMessage> messages;
  std::vector<std::string> licenses;
  std::string requires_version;  // REQUIRES, validated semver without "v"
  std::string renderer;
  std::string parser;
  // Deprecated parameters that were skipped: "parameter mirostat is deprecated".
  std::vector<std::string> warnings;

  // Same instructions; line numbers and warnings are not compared.
  bool operator==(const Modelfile& other) const;
};

// Parses Modelfile text (UTF-8, or UTF-16 with a BOM; a UTF-8 BOM is
// skipped). InvalidArgument "(line N): ..." naming what was expected:
// an unknown instruction ("command must be one of ..."), a bad MESSAGE role,
// an unknown or mistyped PARAMETER, an invalid REQUIRES version, a missing
// value, "unexpected EOF" for an unterminated quote; "no FROM line".
StatusOr<Modelfile> ParseModelfile(std::string_view text);

// The typed JSON value of PARAMETER `key` `value` as Ollama's FormatParams
// types it (num_ctx int, temperature float, use_mmap bool, stop string).
// InvalidArgument "unknown parameter 'x'" or "invalid int value [x]".
StatusOr<nlohmann::json> ParseParameter(const std::string& key, const std::string& value);
// True for parameters Ollama removed (mirostat, tfs_z, penalize_newline, ...).
bool IsDeprecatedParameter(std::string_view key);

// `value` as it must be written after an instruction to read back the same:
// bare when possible, else in """...""" (newlines or quotes) or "...".
std::string QuoteModelfileValue(std::string_view value);
// A parameter value as PARAMETER writes it ("4096", "0.7", "true", text).
std::string FormatParameterValue(const nlohmann::json& value);

// Prints a Modelfile that re-creates `modelfile` (Ollama's `show --modelfile`
// layout: FROM, ADAPTER, DRAFT, TEMPLATE, SYSTEM, RENDERER, PARSER, REQUIRES,
// PARAMETER, LICENSE, MESSAGE). With a `display_name`, the generated-by
// header and a "# FROM <display_name>" hint come first.
// ParseModelfile(FormatModelfile(m)) == m for every parsed m.
std::string FormatModelfile(const Modelfile& modelfile, std::string_view display_name = "");

// FROM/ADAPTER/DRAFT path expansion as Ollama does it: "~" and "~/x" use the
// current user's home, "~user/x" that user's, absolute paths stay, anything
// else is relative to `modelfile_dir`. InvalidArgument for an unknown user.
StatusOr<std::string> ExpandModelfilePath(std::string_view value, std::string_view modelfile_dir);

// What a FROM value names.
struct FromSource {
  bool is_path = false;  // an existing local file or folder
  std::string path;      // expanded path, when is_path
  std::string model;     // the model name, when !is_path
};
// A value whose expanded path exists is a path; otherwise a model name.
// NotFound "FROM ./x.gguf: no such file or folder" when the value looks like
// a path (starts with / . ~ or ends in .gguf/.bin/.safetensors) but is missing.
StatusOr<FromSource> ResolveFrom(std::string_view value, std::string_view modelfile_dir);

// The files a local model path stands for, as (name, path) pairs: a file is
// itself under its base name; a folder gives its safetensors/GGUF weights and
// config files under their relative names, as Ollama's create gathers them.
StatusOr<std::vector<std::pair<std::string, std::string>>> ModelFilesAt(const std::string& path);

struct CreateRequestOptions {
  std::string modelfile_dir = ".";  // relative paths are resolved against it
  // Returns "sha256:<hex>" for a local file (the CLI hashes and uploads it).
  // Default: hash the file.
  std::function<StatusOr<std::string>(const std::string& path)> digest;
  // False on the server (the legacy "modelfile" field): no local file is
  // read; FROM/ADAPTER "@sha256:<hex>" name uploaded blobs, FROM a model.
  bool allow_local_paths = true;
};
// The /api/create JSON body for the Modelfile (without "model"/"stream"):
// from | files, adapters, draft_files, template, system, parameters,
// messages, license, requires, renderer, parser. NotFound for a missing
// ADAPTER/DRAFT path or a path-like FROM that is missing; errors from
// digests propagate.
StatusOr<nlohmann::json> ToCreateRequest(const Modelfile& modelfile, const CreateRequestOptions& options = {});

}  // namespace suanli::store
