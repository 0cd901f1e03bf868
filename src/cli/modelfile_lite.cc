#include "cli/modelfile_lite.h"

#include <algorithm>
#include <cctype>

#include "cli/client_params.h"

namespace suanli::cli {

namespace {

constexpr const char* kCommandList =
    "command must be one of \"from\", \"license\", \"template\", \"system\", \"adapter\", \"draft\", "
    "\"renderer\", \"parser\", \"parameter\", \"message\", or \"requires\"";

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  int line() const { return line_; }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }

  void Advance() {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  void SkipBlanks() {  // spaces and tabs, not newlines
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t')) Advance();
  }
  void SkipLine() {
    while (!AtEnd() && Peek() != '\n') Advance();
  }
  std::string Word(bool (*accept)(char)) {
    std::string out;
    while (!AtEnd() && accept(Peek())) {
      out += Peek();
      Advance();
    }
    return out;
  }
  // The rest of the line, or a "..." / """...""" value that may span lines.
  StatusOr<std::string> Value() {
    const int start_line = line_;
    if (text_.substr(pos_, 3) == "\"\"\"") return Quoted("\"\"\"", start_line);
    if (Peek() == '"') return Quoted("\"", start_line);
    std::string out;
    while (!AtEnd() && Peek() != '\n') {
      out += Peek();
      Advance();
    }
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    return out;
  }

 private:
  StatusOr<std::string> Quoted(std::string_view quote, int start_line) {
    for (size_t i = 0; i < quote.size(); ++i) Advance();
    const size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) {
      return InvalidArgumentError("(line " + std::to_string(start_line) + "): unexpected EOF, missing closing " +
                                  std::string(quote));
    }
    std::string out(text_.substr(pos_, end - pos_));
    while (pos_ < end + quote.size()) Advance();
    SkipBlanks();
    if (!AtEnd() && Peek() != '\n') {
      return InvalidArgumentError("(line " + std::to_string(line_) + "): unexpected text after the closing quote");
    }
    return out;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

bool IsLetter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsKeyChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool IsNotSpace(char c) { return !std::isspace(static_cast<unsigned char>(c)); }

Status LineError(int line, const std::string& message) {
  return InvalidArgumentError("(line " + std::to_string(line) + "): " + message);
}

}  // namespace

StatusOr<ModelfileLite> ParseModelfileLite(std::string_view raw) {
  std::string text(raw);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());

  ModelfileLite out;
  Lexer lex(text);
  while (true) {
    while (!lex.AtEnd() && std::isspace(static_cast<unsigned char>(lex.Peek()))) lex.Advance();
    if (lex.AtEnd()) break;
    const int line = lex.line();
    if (lex.Peek() == '#') {
      lex.SkipLine();
      continue;
    }
    std::string instruction = lex.Word(IsLetter);
    if (instruction.empty() || (lex.Peek() != ' ' && lex.Peek() != '\t')) {
      if (!instruction.empty() && (lex.AtEnd() || lex.Peek() == '\n')) {
        return LineError(line, "missing value for " + instruction);
      }
      return LineError(line, kCommandList);
    }
    std::transform(instruction.begin(), instruction.end(), instruction.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    lex.SkipBlanks();

    std::string key;
    if (instruction == "parameter" || instruction == "message") {
      key = lex.Word(instruction == "parameter" ? IsKeyChar : IsNotSpace);
      if (key.empty()) return LineError(line, "missing name for " + instruction);
      lex.SkipBlanks();
    }
    ASSIGN_OR_RETURN(std::string value, lex.Value());
    if (value.empty() && instruction != "system" && instruction != "template") {
      return LineError(line, "missing value for " + instruction);
    }

    if (instruction == "from") {
      out.from = value;
      out.from_line = line;
    } else if (instruction == "parameter") {
      if (IsDeprecatedOption(key)) {
        out.warnings.push_back("parameter " + key + " is deprecated");
        continue;
      }
      auto parsed = ParseOptionValue(key, {value});
      if (!parsed.ok()) return LineError(line, parsed.status().message());
      if (key == "stop") {
        if (!out.parameters.contains("stop")) out.parameters["stop"] = nlohmann::json::array();
        out.parameters["stop"].push_back(value);
      } else {
        out.parameters[key] = *parsed;
      }
    } else if (instruction == "system") {
      out.system = value;
      out.has_system = true;
    } else if (instruction == "template") {
      out.template_ = value;
      out.has_template = true;
    } else if (instruction == "license") {
      out.licenses.push_back(value);
    } else if (instruction == "message") {
      if (key != "system" && key != "user" && key != "assistant") {
        return LineError(line, "role must be one of \"system\", \"user\", or \"assistant\"");
      }
      out.messages.push_back({{"role", key}, {"content", value}});
    } else if (instruction == "requires") {
      out.requires_version = value;
    } else if (instruction == "renderer") {
      out.renderer = value;
    } else if (instruction == "parser") {
      out.parser = value;
    } else if (instruction == "adapter" || instruction == "draft") {
      for (auto& c : instruction) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return LineError(line, instruction + " is not supported yet");
    } else {
      return LineError(line, kCommandList);
    }
  }
  if (out.from.empty()) return InvalidArgumentError("no FROM line");
  return out;
}

}  // namespace suanli::cli
