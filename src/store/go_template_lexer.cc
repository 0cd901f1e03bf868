// A port of text/template/parse/lex.go's state machine, run to completion
// into a token vector instead of a channel.
#include "store/go_template_lexer.h"

#include <cstdio>

#include "store/go_template_value.h"

namespace suanli::store {

namespace {

using T = TemplateTokenType;
constexpr int kEof = -1;
constexpr std::string_view kLeftDelim = "{{", kRightDelim = "}}", kLeftComment = "/*", kRightComment = "*/";

bool IsSpace(int r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }
bool IsAlphaNumeric(int r) {
  if (r < 0x80) return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9');
  // Go accepts Unicode letters and digits. Without Unicode tables, runes in
  // the blocks of punctuation, symbols and emoji are not letters; others are.
  if (r < 0xC0) return r == 0xAA || r == 0xB5 || r == 0xBA;
  if (r == 0xD7 || r == 0xF7) return false;
  if ((r >= 0x2000 && r <= 0x2BFF) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFE30 && r <= 0xFE4F)) return false;
  if ((r >= 0xFF00 && r <= 0xFF0F) || (r >= 0xFF1A && r <= 0xFF20) || (r >= 0x1F000 && r <= 0x1FAFF)) return false;
  return r != 0xFFFD;
}
bool HasLeftTrimMarker(std::string_view s) { return s.size() >= 2 && s[0] == '-' && IsSpace(s[1]); }
bool HasRightTrimMarker(std::string_view s) { return s.size() >= 2 && IsSpace(s[0]) && s[1] == '-'; }

// Decodes one UTF-8 rune; invalid bytes decode as U+FFFD of width 1.
int DecodeRune(std::string_view s, size_t pos, size_t* width) {
  const auto c = static_cast<unsigned char>(s[pos]);
  *width = 1;
  if (c < 0x80) return c;
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || pos + n > s.size()) return 0xFFFD;
  int r = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[pos + k]);
    if ((cc & 0xC0) != 0x80) return 0xFFFD;
    r = r << 6 | (cc & 0x3F);
  }
  *width = n;
  return r;
}

// fmt's %#U: U+0040 '@'.
std::string DescribeRune(int r) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "U+%04X", r < 0 ? 0 : r);
  std::string out = buf;
  if (r >= 0x20 && r != 0x7F) {
    std::string utf8;
    if (r < 0x80) {
      utf8 = std::string(1, static_cast<char>(r));
    } else if (r < 0x800) {
      utf8 = {static_cast<char>(0xC0 | (r >> 6)), static_cast<char>(0x80 | (r & 0x3F))};
    } else if (r < 0x10000) {
      utf8 = {static_cast<char>(0xE0 | (r >> 12)), static_cast<char>(0x80 | ((r >> 6) & 0x3F)),
              static_cast<char>(0x80 | (r & 0x3F))};
    } else {
      utf8 = {static_cast<char>(0xF0 | (r >> 18)), static_cast<char>(0x80 | ((r >> 12) & 0x3F)),
              static_cast<char>(0x80 | ((r >> 6) & 0x3F)), static_cast<char>(0x80 | (r & 0x3F))};
    }
    out += " '" + utf8 + "'";
  }
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view input) : in_(input) {}

  std::vector<TemplateToken> Run() {
    state_ = &Lexer::Text;
    while (state_ != nullptr) {
      State s = state_;
      state_ = nullptr;
      (this->*s)();
    }
    return std::move(tokens_);
  }

 private:
  using State = void (Lexer::*)();

  int Next() {
    if (pos_ >= in_.size()) {
      width_ = 0;
      return kEof;
    }
    const int r = DecodeRune(in_, pos_, &width_);
    pos_ += width_;
    return r;
  }
  void Backup() {
    pos_ -= width_;
    width_ = 0;
  }
  int Peek() {
    const size_t save = pos_;
    size_t w = 0;
    const int r = pos_ >= in_.size() ? kEof : DecodeRune(in_, pos_, &w);
    pos_ = save;
    return r;
  }
  int LineAt(size_t pos) {
    for (; counted_ < pos && counted_ < in_.size(); ++counted_) {
      if (in_[counted_] == '\n') ++line_;
    }
    return line_;
  }
  void Emit(T type) {
    tokens_.push_back({type, start_, std::string(in_.substr(start_, pos_ - start_)), LineAt(start_)});
    start_ = pos_;
  }
  void Ignore() { start_ = pos_; }
  void Error(const std::string& message) {
    tokens_.push_back({T::kError, start_, message, LineAt(start_)});
    state_ = nullptr;
  }
  bool Accept(std::string_view valid) {
    const int r = Next();
    if (r != kEof && valid.find(static_cast<char>(r)) != std::string_view::npos && r < 0x80) return true;
    Backup();
    return false;
  }
  void AcceptRun(std::string_view valid) {
    while (Accept(valid)) {
    }
  }
  std::string_view Rest() const { return in_.substr(pos_); }
  bool AtRightDelim(bool* trim) const {
    *trim = false;
    if (HasRightTrimMarker(Rest()) && Rest().substr(2).starts_with(kRightDelim)) return *trim = true;
    return Rest().starts_with(kRightDelim);
  }
  bool AtTerminator() {
    const int r = Peek();
    if (IsSpace(r)) return true;
    switch (r) {
      case kEof:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
      default:
        return Rest().starts_with(kRightDelim);
    }
  }

  void Text() {
    const size_t x = Rest().find(kLeftDelim);
    if (x == std::string_view::npos) {
      pos_ = in_.size();
      if (pos_ > start_) Emit(T::kText);
      Emit(T::kEOF);
      return;
    }
    pos_ += x;
    size_t trim = 0;
    if (HasLeftTrimMarker(in_.substr(pos_ + kLeftDelim.size()))) {
      std::string_view before = in_.substr(start_, pos_ - start_);
      while (trim < before.size() && IsSpace(before[before.size() - 1 - trim])) ++trim;
    }
    pos_ -= trim;
    if (pos_ > start_) Emit(T::kText);
    pos_ += trim;
    Ignore();
    state_ = &Lexer::LeftDelim;
  }

  void LeftDelim() {
    pos_ += kLeftDelim.size();
    const bool trim = HasLeftTrimMarker(Rest());
    const size_t after = trim ? 2 : 0;
    if (in_.substr(pos_ + after).starts_with(kLeftComment)) {
      pos_ += after;
      Ignore();
      return Comment();
    }
    Emit(T::kLeftDelim);
    pos_ += after;
    Ignore();
    paren_depth_ = 0;
    state_ = &Lexer::InsideAction;
  }

  void Comment() {
    pos_ += kLeftComment.size();
    const size_t i = Rest().find(kRightComment);
    if (i == std::string_view::npos) return Error("unclosed comment");
    pos_ += i + kRightComment.size();
    bool trim = false;
    if (!AtRightDelim(&trim)) return Error("comment ends before closing delimiter");
    if (trim) pos_ += 2;
    pos_ += kRightDelim.size();
    if (trim) {
      while (pos_ < in_.size() && IsSpace(in_[pos_])) ++pos_;
    }
    Ignore();
    state_ = &Lexer::Text;
  }

  void RightDelim() {
    const bool trim = HasRightTrimMarker(Rest());
    if (trim) {
      pos_ += 2;
      Ignore();
    }
    pos_ += kRightDelim.size();
    Emit(T::kRightDelim);
    if (trim) {
      while (pos_ < in_.size() && IsSpace(in_[pos_])) ++pos_;
      Ignore();
    }
    state_ = &Lexer::Text;
  }

  void InsideAction() {
    bool trim = false;
    if (AtRightDelim(&trim)) {
      if (paren_depth_ == 0) return RightDelim();
      return Error("unclosed left paren");
    }
    const int r = Next();
    if (r == kEof) return Error("unclosed action");
    if (IsSpace(r)) {
      Backup();
      return Space();
    }
    switch (r) {
      case '=':
        Emit(T::kAssign);
        break;
      case ':':
        if (Next() != '=') return Error("expected :=");
        Emit(T::kDeclare);
        break;
      case '|':
        Emit(T::kPipe);
        break;
      case '"':
        return Quote();
      case '`':
        return RawQuote();
      case '$':
        return Variable();
      case '\'':
        return CharConstant();
      case '(':
        Emit(T::kLeftParen);
        ++paren_depth_;
        break;
      case ')':
        Emit(T::kRightParen);
        if (--paren_depth_ < 0) return Error("unexpected right paren " + DescribeRune(r));
        break;
      default:
        if (r == '.' && pos_ < in_.size() && (in_[pos_] < '0' || in_[pos_] > '9')) return FieldOrVariable(T::kField);
        if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
          Backup();
          return Number();
        }
        if (IsAlphaNumeric(r)) {
          Backup();
          return Identifier();
        }
        if (r < 0x80 && r >= 0x20 && r != 0x7F) {
          Emit(T::kChar);
          break;
        }
        return Error("unrecognized character in action: " + DescribeRune(r));
    }
    state_ = &Lexer::InsideAction;
  }

  void Space() {
    int spaces = 0;
    while (IsSpace(Peek())) {
      Next();
      ++spaces;
    }
    // A trim-marked right delimiter starts with a space: leave it for later.
    if (HasRightTrimMarker(in_.substr(pos_ - 1)) && in_.substr(pos_ + 1).starts_with(kRightDelim)) {
      --pos_;
      if (spaces == 1) return RightDelim();
    }
    Emit(T::kSpace);
    state_ = &Lexer::InsideAction;
  }

  void Identifier() {
    int r;
    while (IsAlphaNumeric(r = Next())) {
    }
    Backup();
    const std::string_view word = in_.substr(start_, pos_ - start_);
    if (!AtTerminator()) return Error("bad character " + DescribeRune(Peek()));
    static const std::pair<std::string_view, T> kKeywords[] = {{"block", T::kBlock},
                                                               {"break", T::kBreak},
                                                               {"continue", T::kContinue},
                                                               {"define", T::kDefine},
                                                               {"else", T::kElse},
                                                               {"end", T::kEnd},
                                                               {"if", T::kIf},
                                                               {"range", T::kRange},
                                                               {"nil", T::kNil},
                                                               {"template", T::kTemplate},
                                                               {"with", T::kWith}};
    T type = T::kIdentifier;
    for (const auto& [k, t] : kKeywords) {
      if (word == k) type = t;
    }
    if (type == T::kIdentifier && (word == "true" || word == "false")) type = T::kBool;
    Emit(type);
    state_ = &Lexer::InsideAction;
  }

  void Variable() {
    if (AtTerminator()) {
      Emit(T::kVariable);
      state_ = &Lexer::InsideAction;
      return;
    }
    FieldOrVariable(T::kVariable);
  }

  void FieldOrVariable(T type) {
    if (AtTerminator()) {
      Emit(type == T::kVariable ? T::kVariable : T::kDot);
      state_ = &Lexer::InsideAction;
      return;
    }
    int r;
    while (IsAlphaNumeric(r = Next())) {
    }
    Backup();
    if (!AtTerminator()) return Error("bad character " + DescribeRune(Peek()));
    Emit(type);
    state_ = &Lexer::InsideAction;
  }

  void CharConstant() {
    while (true) {
      int r = Next();
      if (r == '\\') {
        r = Next();
        if (r != kEof && r != '\n') continue;
      }
      if (r == kEof || r == '\n') return Error("unterminated character constant");
      if (r == '\'') break;
    }
    Emit(T::kCharConstant);
    state_ = &Lexer::InsideAction;
  }

  bool ScanNumber() {
    Accept("+-");
    std::string_view digits = "0123456789_";
    if (Accept("0")) {
      if (Accept("xX"))
        digits = "0123456789abcdefABCDEF_";
      else if (Accept("oO"))
        digits = "01234567_";
      else if (Accept("bB"))
        digits = "01_";
    }
    AcceptRun(digits);
    if (Accept(".")) AcceptRun(digits);
    if (digits.size() == 11 && Accept("eE")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    if (digits.size() == 23 && Accept("pP")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    Accept("i");
    if (IsAlphaNumeric(Peek())) {
      Next();
      return false;
    }
    return true;
  }

  void Number() {
    auto bad = [this] { Error("bad number syntax: " + GoQuote(in_.substr(start_, pos_ - start_))); };
    if (!ScanNumber()) return bad();
    if (const int sign = Peek(); sign == '+' || sign == '-') {
      if (!ScanNumber() || in_[pos_ - 1] != 'i') return bad();
      Emit(T::kComplex);
    } else {
      Emit(T::kNumber);
    }
    state_ = &Lexer::InsideAction;
  }

  void Quote() {
    while (true) {
      int r = Next();
      if (r == '\\') {
        r = Next();
        if (r != kEof && r != '\n') continue;
      }
      if (r == kEof || r == '\n') return Error("unterminated quoted string");
      if (r == '"') break;
    }
    Emit(T::kString);
    state_ = &Lexer::InsideAction;
  }

  void RawQuote() {
    while (true) {
      const int r = Next();
      if (r == kEof) return Error("unterminated raw quoted string");
      if (r == '`') break;
    }
    Emit(T::kRawString);
    state_ = &Lexer::InsideAction;
  }

  std::string_view in_;
  size_t pos_ = 0, start_ = 0, width_ = 0, counted_ = 0;
  int line_ = 1;
  int paren_depth_ = 0;
  State state_ = nullptr;
  std::vector<TemplateToken> tokens_;
};

}  // namespace

std::string DescribeToken(const TemplateToken& token) {
  if (token.type == T::kEOF) return "EOF";
  if (token.type == T::kError) return token.val;
  if (token.type > T::kKeyword) return "<" + token.val + ">";
  if (token.val.size() > 10) {
    // %.10q: the first ten runes, quoted.
    size_t end = 0;
    for (int runes = 0; runes < 10 && end < token.val.size(); ++runes) {
      size_t w = 0;
      DecodeRune(token.val, end, &w);
      end += w;
    }
    return GoQuote(std::string_view(token.val).substr(0, end)) + "...";
  }
  return GoQuote(token.val);
}

std::vector<TemplateToken> LexTemplate(std::string_view text) { return Lexer(text).Run(); }

}  // namespace suanli::store
