// Modelfile parsing: a line-oriented lexer that follows Ollama's
// parser/parser.go (instruction names case-insensitive, "#" comments where an
// instruction could start, values to the end of the line unless they open a
// "..." or """...""" quote), plus the typing of PARAMETER values.
#include "store/modelfile.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "base/utf8.h"

namespace suanli::store {

namespace {

constexpr const char* kCommandList =
    "command must be one of \"from\", \"license\", \"template\", \"system\", \"adapter\", \"draft\", "
    "\"renderer\", \"parser\", \"parameter\", \"message\", or \"requires\"";
constexpr const char* kRoleError = "message role must be one of \"system\", \"user\", or \"assistant\"";

constexpr std::string_view kCommands[] = {"from",     "license", "template",  "system",  "adapter", "draft",
                                          "renderer", "parser",  "parameter", "message", "requires"};

enum class Kind { kInt, kFloat, kBool, kStrings };
struct ParameterType {
  std::string_view key;
  Kind kind;
};
// api.Options' JSON keys and field kinds (Ollama's FormatParams reflects on them).
constexpr ParameterType kParameters[] = {
    {"num_ctx", Kind::kInt},
    {"num_batch", Kind::kInt},
    {"num_gpu", Kind::kInt},
    {"main_gpu", Kind::kInt},
    {"num_thread", Kind::kInt},
    {"num_keep", Kind::kInt},
    {"seed", Kind::kInt},
    {"num_predict", Kind::kInt},
    {"top_k", Kind::kInt},
    {"repeat_last_n", Kind::kInt},
    {"draft_num_predict", Kind::kInt},
    {"top_p", Kind::kFloat},
    {"min_p", Kind::kFloat},
    {"typical_p", Kind::kFloat},
    {"temperature", Kind::kFloat},
    {"repeat_penalty", Kind::kFloat},
    {"presence_penalty", Kind::kFloat},
    {"frequency_penalty", Kind::kFloat},
    {"use_mmap", Kind::kBool},
    {"stop", Kind::kStrings},
};
constexpr std::string_view kDeprecated[] = {"mirostat",         "mirostat_tau", "mirostat_eta", "tfs_z",
                                            "penalize_newline", "low_vram",     "f16_kv",       "logits_all",
                                            "vocab_only",       "use_mlock",    "numa",         "num_gqa"};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsKeyChar(char c) { return IsLetter(c) || IsDigit(c) || c == '_'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status LineError(int line, const std::string& message) {
  return InvalidArgumentError("(line " + std::to_string(line) + "): " + message);
}

std::string Utf16ToUtf8(std::string_view bytes, bool big_endian) {
  std::string out;
  auto unit = [&](size_t i) -> uint32_t {
    const auto a = static_cast<unsigned char>(bytes[i]), b = static_cast<unsigned char>(bytes[i + 1]);
    return big_endian ? (a << 8 | b) : (b << 8 | a);
  };
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    uint32_t cp = unit(i);
    if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < bytes.size()) {
      const uint32_t low = unit(i + 2);
      if (low >= 0xDC00 && low < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xD800 && cp < 0xE000) {
      cp = 0xFFFD;
    }
    AppendUtf8(cp, &out);
  }
  return out;
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  uint32_t min = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF)
    n = 2, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF)
    n = 3, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4, min = 0x10000;
  else
    return 0;
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0xFF >> (n + 1));
  for (size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) return 0;
  return n;
}

// UTF-8 with "\n" line ends: BOMs honoured (UTF-16 converted), invalid bytes
// become U+FFFD, and ASCII control characters other than tab and newline are
// dropped, as Ollama's reader drops non-printable runes.
std::string Normalize(std::string_view raw) {
  std::string decoded;
  if (raw.substr(0, 3) == "\xEF\xBB\xBF") {
    raw.remove_prefix(3);
  } else if (raw.substr(0, 2) == "\xFF\xFE" || raw.substr(0, 2) == "\xFE\xFF") {
    decoded = Utf16ToUtf8(raw.substr(2), raw[0] == '\xFE');
    raw = decoded;
  }
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    const char c = raw[i];
    if (c == '\r') {
      out.push_back('\n');
      i += (i + 1 < raw.size() && raw[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    const size_t n = Utf8SequenceLength(raw, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    if (n == 1 && ((u < 0x20 && c != '\t' && c != '\n') || u == 0x7F)) {
      ++i;
      continue;
    }
    out.append(raw.substr(i, n));
    i += n;
  }
  return out;
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  int line() const { return line_; }
  void Advance() {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  void SkipBlanks() {
    while (!AtEnd() && IsBlank(Peek())) Advance();
  }
  void SkipLine() {
    while (!AtEnd() && Peek() != '\n') Advance();
  }
  std::string_view Word(bool (*accept)(char)) {
    const size_t start = pos_;
    while (!AtEnd() && accept(Peek())) Advance();
    return text_.substr(start, pos_ - start);
  }
  bool AtLineEnd() const { return AtEnd() || Peek() == '\n'; }

  // A value: the rest of the line, trimmed, unless it opens a quote; then it
  // runs to the first line end where the trimmed text closes that quote.
  StatusOr<std::string> Value() {
    const int start_line = line_;
    SkipBlanks();
    if (Peek() != '"') {
      const size_t start = pos_;
      SkipLine();
      size_t end = pos_;
      while (end > start && IsSpace(text_[end - 1])) --end;
      return std::string(text_.substr(start, end - start));
    }
    const size_t start = pos_;
    const bool triple = text_.substr(pos_, 3) == "\"\"\"";
    const size_t quote = triple ? 3 : 1;
    size_t last = pos_;  // last non-space character seen
    while (true) {
      while (!AtLineEnd()) {
        if (!IsSpace(Peek())) last = pos_;
        Advance();
      }
      const size_t len = last + 1 - start;
      const std::string_view candidate = text_.substr(start, len);
      if (len >= 2 * quote && candidate.substr(len - quote) == (triple ? "\"\"\"" : "\"")) {
        return std::string(candidate.substr(quote, len - 2 * quote));
      }
      if (AtEnd()) {
        return LineError(start_line, std::string("unexpected EOF: missing closing ") + (triple ? "\"\"\"" : "\""));
      }
      Advance();  // the newline is part of the quoted value
    }
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

std::string UpperName(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// x/mod/semver's grammar: vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]].
bool IsValidSemver(std::string_view v) {
  if (v.empty() || v[0] != 'v') return false;
  v.remove_prefix(1);
  auto number = [&v]() {
    size_t n = 0;
    while (n < v.size() && IsDigit(v[n])) ++n;
    if (n == 0 || (n > 1 && v[0] == '0')) return false;
    v.remove_prefix(n);
    return true;
  };
  auto identifiers = [&v](bool check_leading_zero) {
    v.remove_prefix(1);  // '-' or '+'
    while (true) {
      size_t n = 0;
      bool numeric = true;
      while (n < v.size() && (IsLetter(v[n]) || IsDigit(v[n]) || v[n] == '-')) {
        numeric = numeric && IsDigit(v[n]);
        ++n;
      }
      if (n == 0 || (check_leading_zero && numeric && n > 1 && v[0] == '0')) return false;
      v.remove_prefix(n);
      if (v.empty() || v[0] != '.') return true;
      v.remove_prefix(1);
    }
  };
  if (!number()) return false;
  for (int part = 0; part < 2; ++part) {
    if (v.empty()) return true;
    if (v[0] != '.') return false;
    v.remove_prefix(1);
    if (!number()) return false;
  }
  if (!v.empty() && v[0] == '-' && !identifiers(true)) return false;
  if (!v.empty() && v[0] == '+' && !identifiers(false)) return false;
  return v.empty();
}

bool ParseGoBool(std::string_view s, bool* out) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (s == t) return *out = true, true;
  }
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (s == f) return *out = false, true;
  }
  return false;
}

}  // namespace

bool Modelfile::operator==(const Modelfile& o) const {
  return from == o.from && extra_from == o.extra_from && adapters == o.adapters && draft == o.draft &&
         template_text == o.template_text && has_template == o.has_template && system == o.system &&
         has_system == o.has_system && parameters == o.parameters && messages == o.messages && licenses == o.licenses &&
         requires_version == o.requires_version && renderer == o.renderer && parser == o.parser;
}

bool IsDeprecatedParameter(std::string_view key) {
  return std::find(std::begin(kDeprecated), std::end(kDeprecated), key) != std::end(kDeprecated);
}

StatusOr<nlohmann::json> ParseParameter(const std::string& key, const std::string& value) {
  const ParameterType* type = nullptr;
  for (const auto& p : kParameters) {
    if (p.key == key) type = &p;
  }
  if (type == nullptr) return InvalidArgumentError("unknown parameter '" + key + "'");
  switch (type->kind) {
    case Kind::kInt: {
      int64_t n = 0;
      const char* begin = value.data() + (!value.empty() && value[0] == '+' ? 1 : 0);
      const char* end = value.data() + value.size();
      const auto [ptr, ec] = std::from_chars(begin, end, n);
      if (value.empty() || ec != std::errc() || ptr != end || (begin != value.data() && *begin == '-')) {
        return InvalidArgumentError("invalid int value [" + value + "]");
      }
      return nlohmann::json(n);
    }
    case Kind::kFloat: {
      // strconv.ParseFloat(s, 32): the float32 nearest, written back in the
      // shortest form that reads as it (0.7 stays 0.7).
      char* end = nullptr;
      errno = 0;
      const double d = value.empty() || IsSpace(value[0]) ? NAN : std::strtod(value.c_str(), &end);
      if (!std::isfinite(d) || end != value.c_str() + value.size() ||
          std::fabs(d) > std::numeric_limits<float>::max()) {
        return InvalidArgumentError("invalid float value [" + value + "]");
      }
      char buf[64];
      const auto res = std::to_chars(buf, buf + sizeof(buf), static_cast<float>(d));
      return nlohmann::json(std::strtod(std::string(buf, res.ptr).c_str(), nullptr));
    }
    case Kind::kBool: {
      bool b = false;
      if (!ParseGoBool(value, &b)) return InvalidArgumentError("invalid bool value [" + value + "]");
      return nlohmann::json(b);
    }
    case Kind::kStrings:
      return nlohmann::json::array({value});
  }
  return InternalError("unreachable");
}

StatusOr<Modelfile> ParseModelfile(std::string_view raw) {
  const std::string text = Normalize(raw);
  Reader in(text);
  Modelfile out;
  bool has_from = false;
  while (true) {
    while (!in.AtEnd() && (IsBlank(in.Peek()) || in.Peek() == '\n')) in.Advance();
    if (in.AtEnd()) break;
    const int line = in.line();
    if (in.Peek() == '#') {
      in.SkipLine();
      continue;
    }
    const std::string name = Lower(in.Word(IsLetter));
    const bool known = std::find(std::begin(kCommands), std::end(kCommands), name) != std::end(kCommands);
    if (!known || (!in.AtLineEnd() && !IsBlank(in.Peek()))) return LineError(line, kCommandList);
    if (in.AtLineEnd()) return LineError(line, "missing value for " + UpperName(name));
    in.SkipBlanks();

    std::string key;
    if (name == "parameter") {
      key = in.Word(IsKeyChar);
      if (key.empty()) return LineError(line, "missing parameter name after PARAMETER");
      if (in.AtLineEnd()) return LineError(line, "missing value for parameter \"" + key + "\"");
      if (!IsBlank(in.Peek())) {
        return LineError(line, "invalid parameter name \"" + key + in.Peek() +
                                   "...\": expected letters, digits or _ followed by a value");
      }
    } else if (name == "message") {
      key = in.Word(IsLetter);
      const bool valid = key == "system" || key == "user" || key == "assistant";
      if (!valid || (!in.AtLineEnd() && !IsBlank(in.Peek()))) return LineError(line, kRoleError);
      if (in.AtLineEnd()) return LineError(line, "missing content for MESSAGE " + key);
    }
    ASSIGN_OR_RETURN(std::string value, in.Value());

    if (name == "from") {
      if (value.empty()) return LineError(line, "FROM needs a model name or a file path");
      if (!has_from) {
        out.from = value;
        out.from_line = line;
        has_from = true;
      } else {
        out.extra_from.push_back(value);
      }
    } else if (name == "parameter") {
      if (IsDeprecatedParameter(key)) {
        out.warnings.push_back("parameter " + key + " is deprecated");
        continue;
      }
      auto typed = ParseParameter(key, value);
      if (!typed.ok()) return LineError(line, typed.status().message());
      if (key == "stop" && out.parameters.contains("stop")) {
        out.parameters["stop"].push_back(value);
      } else {
        out.parameters[key] = std::move(*typed);
      }
    } else if (name == "template") {
      out.template_text = value;
      out.has_template = true;
    } else if (name == "system") {
      out.system = value;
      out.has_system = true;
    } else if (name == "adapter") {
      if (value.empty()) return LineError(line, "ADAPTER needs a file path");
      out.adapters.push_back(value);
    } else if (name == "draft") {
      if (value.empty()) return LineError(line, "DRAFT needs a model name or a file path");
      out.draft = value;
    } else if (name == "license") {
      out.licenses.push_back(value);
    } else if (name == "message") {
      out.messages.push_back({key, value});
    } else if (name == "requires") {
      const std::string v = value.rfind('v', 0) == 0 ? value : "v" + value;
      if (!IsValidSemver(v)) return LineError(line, "requires must be a valid semver (e.g. 0.14.0)");
      out.requires_version = v.substr(1);
    } else if (name == "renderer") {
      out.renderer = value;
    } else if (name == "parser") {
      out.parser = value;
    }
  }
  if (!has_from) return InvalidArgumentError("no FROM line");
  return out;
}

}  // namespace suanli::store
