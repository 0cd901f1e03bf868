// fmt.Sprint, Sprintln and Sprintf over TemplateValues (fmt/print.go and
// fmt/format.go): verbs, flags, width, precision, and the %!verb(type=value)
// forms for wrong, missing and extra arguments.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "store/go_template_funcs.h"

namespace suanli::store {

namespace {

using Kind = TemplateValue::Kind;
using Style = TemplateValue::Style;
constexpr int kMaxWidth = 1000000;  // fmt's tooLarge

struct Spec {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  int width = -1, prec = -1;
};

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string TruncateRunes(std::string_view s, int runes) {
  size_t i = 0;
  for (int n = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n++ == runes) break;
  }
  return std::string(s.substr(0, i));
}

void Pad(std::string_view s, const Spec& spec, std::string* out) {
  const size_t n = RuneCount(s);
  const size_t pad = spec.width > 0 && static_cast<size_t>(spec.width) > n ? spec.width - n : 0;
  if (spec.minus) {
    out->append(s);
    out->append(pad, ' ');
  } else {
    out->append(pad, spec.zero ? '0' : ' ');
    out->append(s);
  }
}

std::string RuneToUtf8(int64_t r) {
  if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r < 0xE000)) r = 0xFFFD;
  std::string out;
  const auto cp = static_cast<uint32_t>(r);
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
  } else if (cp < 0x10000) {
    out = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
           static_cast<char>(0x80 | (cp & 0x3F))};
  } else {
    out = {static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
           static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
  }
  return out;
}

std::string QuoteRune(int64_t r) {
  std::string q = GoQuote(RuneToUtf8(r));
  q = q.substr(1, q.size() - 2);
  if (q == "\\\"") q = "\"";
  if (q == "'") q = "\\'";
  return "'" + q + "'";
}

void FormatInteger(int64_t v, char verb, Spec spec, std::string* out) {
  if (verb == 'c') return Pad(RuneToUtf8(v), spec, out);
  if (verb == 'q') return Pad(QuoteRune(v), spec, out);
  if (verb == 'U') {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "U+%04llX", static_cast<unsigned long long>(v));
    std::string s = buf;
    if (spec.sharp) {
      s.push_back(' ');
      s.append(QuoteRune(v));
    }
    return Pad(s, spec, out);
  }
  const int base = verb == 'b' ? 2 : (verb == 'o' || verb == 'O') ? 8 : (verb == 'x' || verb == 'X') ? 16 : 10;
  const char* digits_set = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  const bool negative = v < 0;
  uint64_t u = negative ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  std::string digits;
  if (!(spec.prec == 0 && u == 0)) {
    do {
      digits.insert(digits.begin(), digits_set[u % base]);
      u /= base;
    } while (u != 0);
  }
  int min_digits = spec.prec;
  const bool sign = negative || spec.plus || spec.space;
  if (min_digits < 0 && spec.zero && spec.width > 0 && !spec.minus) min_digits = spec.width - (sign ? 1 : 0);
  if (min_digits > static_cast<int>(digits.size())) digits.insert(0, min_digits - digits.size(), '0');
  std::string s;
  if (negative)
    s.push_back('-');
  else if (spec.plus)
    s.push_back('+');
  else if (spec.space)
    s.push_back(' ');
  if (spec.sharp || verb == 'O') {
    if (base == 8) {
      if (verb == 'O')
        s.append("0o");
      else if (digits.empty() || digits[0] != '0')
        s.push_back('0');
    } else if (base == 16) {
      s.append(verb == 'X' ? "0X" : "0x");
    } else if (base == 2) {
      s.append("0b");
    }
  }
  s.append(digits);
  spec.zero = false;
  Pad(s, spec, out);
}

void FormatFloat(double v, char verb, Spec spec, std::string* out) {
  char format = verb == 'v' ? 'g' : verb == 'F' ? 'f' : verb;
  if (format == 'b' || format == 'x' || format == 'X') format = 'g';
  const int prec = spec.prec >= 0 ? spec.prec : (format == 'e' || format == 'E' || format == 'f') ? 6 : -1;
  std::string num = FormatGoFloat(v, format, prec);
  const bool finite = num != "NaN" && num != "+Inf" && num != "-Inf";
  if (num[0] != '-' && num[0] != '+' && (spec.plus || spec.space)) num.insert(num.begin(), spec.plus ? '+' : ' ');
  if (num == "+Inf" && !spec.plus) num = spec.space ? " Inf" : "+Inf";
  if (spec.zero && finite && !spec.minus && spec.width > static_cast<int>(num.size())) {
    const size_t sign = (num[0] == '-' || num[0] == '+' || num[0] == ' ') ? 1 : 0;
    num.insert(sign, spec.width - num.size(), '0');
  }
  spec.zero = false;
  Pad(num, spec, out);
}

void FormatString(const std::string& s, char verb, const Spec& spec, std::string* out) {
  const std::string cut = spec.prec >= 0 ? TruncateRunes(s, spec.prec) : s;
  if (verb == 'q') {
    if (spec.sharp && cut.find('`') == std::string::npos && cut.find('\n') == std::string::npos) {
      return Pad("`" + cut + "`", spec, out);
    }
    return Pad(GoQuote(cut), spec, out);
  }
  if (verb == 'x' || verb == 'X') {
    const char* hex = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string h;
    for (size_t i = 0; i < cut.size(); ++i) {
      if (spec.space && i > 0) h += ' ';
      if (spec.sharp && (i == 0 || spec.space)) h += verb == 'X' ? "0X" : "0x";
      h += hex[static_cast<unsigned char>(cut[i]) >> 4];
      h += hex[static_cast<unsigned char>(cut[i]) & 15];
    }
    return Pad(h, spec, out);
  }
  Pad(cut, spec, out);
}

void BadVerb(const TemplateValue& v, char verb, std::string* out) {
  *out += "%!";
  *out += verb;
  *out += '(';
  if (v.kind() == Kind::kInvalid || v.kind() == Kind::kNil) {
    *out += "<nil>";
  } else {
    *out += v.TypeName() + "=" + FormatValue(v);
  }
  *out += ')';
}

void FormatArg(const TemplateValue& v, char verb, const Spec& spec, std::string* out, int depth) {
  if (v.kind() == Kind::kInvalid || v.kind() == Kind::kNil) {
    if (verb == 'v' || verb == 'T' || depth > 0) return Pad("<nil>", spec, out);
    return BadVerb(v, verb, out);
  }
  if (verb == 'T') return Pad(v.TypeName(), spec, out);
  const bool stringer = v.style() != Style::kPlain;
  if (stringer && (verb == 'v' || verb == 's' || verb == 'q' || verb == 'x' || verb == 'X')) {
    return FormatString(FormatValue(v), verb == 'v' ? 's' : verb, spec, out);
  }
  switch (v.kind()) {
    case Kind::kBool:
      if (verb == 't' || verb == 'v') return Pad(v.AsBool() ? "true" : "false", spec, out);
      return BadVerb(v, verb, out);
    case Kind::kInt:
      if (std::string_view("vdboOxXcqU").find(verb) != std::string_view::npos) {
        return FormatInteger(v.AsInt(), verb == 'v' ? 'd' : verb, spec, out);
      }
      return BadVerb(v, verb, out);
    case Kind::kFloat:
      if (std::string_view("vbgGxXfFeE").find(verb) != std::string_view::npos) {
        return FormatFloat(v.AsFloat(), verb, spec, out);
      }
      return BadVerb(v, verb, out);
    case Kind::kString:
      if (std::string_view("vsxXq").find(verb) != std::string_view::npos) {
        if (verb == 'v' && spec.sharp) return FormatString(v.AsString(), 'q', spec, out);
        return FormatString(v.AsString(), verb, spec, out);
      }
      return BadVerb(v, verb, out);
    case Kind::kList: {
      *out += '[';
      bool first = true;
      for (const auto& e : v.Items()) {
        if (!first) *out += ' ';
        first = false;
        FormatArg(e, verb, spec, out, depth + 1);
      }
      *out += ']';
      return;
    }
    case Kind::kMap: {
      *out += "map[";
      bool first = true;
      for (const auto& [k, e] : v.Entries()) {
        if (!first) *out += ' ';
        first = false;
        FormatArg(TemplateValue::String(k), verb, spec, out, depth + 1);
        *out += ':';
        FormatArg(e, verb, spec, out, depth + 1);
      }
      *out += ']';
      return;
    }
    case Kind::kStruct: {
      *out += '{';
      bool first = true;
      for (const auto& f : v.Fields()) {
        if (!first) *out += ' ';
        first = false;
        if (spec.plus && verb == 'v') *out += f.name + ":";
        FormatArg(f.value, verb, spec, out, depth + 1);
      }
      *out += '}';
      return;
    }
    default:
      return BadVerb(v, verb, out);
  }
}

}  // namespace

std::string GoSprint(std::span<const TemplateValue> args, bool line) {
  std::string out;
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const bool is_string = args[i].kind() == Kind::kString;
    if (i > 0 && (line || (!is_string && !prev_string))) out += ' ';
    out += FormatValue(args[i]);
    prev_string = is_string;
  }
  if (line) out += '\n';
  return out;
}

StatusOr<std::string> GoSprintf(std::string_view format, std::span<const TemplateValue> args, size_t max_bytes) {
  std::string out;
  size_t arg = 0;
  for (size_t i = 0; i < format.size();) {
    if (out.size() > max_bytes) break;
    const size_t pct = format.find('%', i);
    out.append(format.substr(i, pct == std::string_view::npos ? std::string_view::npos : pct - i));
    if (pct == std::string_view::npos) break;
    i = pct + 1;
    Spec spec;
    for (; i < format.size(); ++i) {
      const char c = format[i];
      if (c == '+')
        spec.plus = true;
      else if (c == '-')
        spec.minus = true, spec.zero = false;
      else if (c == '#')
        spec.sharp = true;
      else if (c == ' ')
        spec.space = true;
      else if (c == '0')
        spec.zero = !spec.minus;
      else
        break;
    }
    // Width and precision: digits, or '*' taking an int argument.
    auto number = [&](int* target, const char* bad) {
      if (i < format.size() && format[i] == '*') {
        ++i;
        if (arg < args.size() && args[arg].kind() == Kind::kInt && std::abs(args[arg].AsInt()) <= kMaxWidth) {
          *target = static_cast<int>(args[arg].AsInt());
          if (*target < 0 && target == &spec.width) spec.minus = true, *target = -*target;
        } else {
          out += bad;
        }
        ++arg;
        return;
      }
      int n = 0;
      bool any = false;
      while (i < format.size() && format[i] >= '0' && format[i] <= '9') {
        if (n > kMaxWidth) {  // fmt's parsenum gives up on the whole format
          i = format.size();
          return;
        }
        n = n * 10 + (format[i++] - '0');
        any = true;
      }
      if (any || target == &spec.prec) *target = n;
    };
    number(&spec.width, "%!(BADWIDTH)");
    if (i < format.size() && format[i] == '.') {
      ++i;
      number(&spec.prec, "%!(BADPREC)");
      if (spec.prec < 0) spec.prec = 0;
    }
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    const char verb = format[i++];
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (arg >= args.size()) {
      out += "%!";
      out += verb;
      out += "(MISSING)";
      continue;
    }
    FormatArg(args[arg++], verb, spec, &out, 0);
  }
  if (arg < args.size() && out.size() <= max_bytes) {
    out += "%!(EXTRA ";
    for (size_t k = arg; k < args.size(); ++k) {
      if (k > arg) out += ", ";
      const TemplateValue& v = args[k];
      out += v.kind() == Kind::kInvalid || v.kind() == Kind::kNil ? "<nil>" : v.TypeName() + "=" + FormatValue(v);
    }
    out += ')';
  }
  if (out.size() > max_bytes) {
    return ResourceExhaustedError("printf result exceeds the limit of " + std::to_string(max_bytes) + " bytes");
  }
  return out;
}

}  // namespace suanli::store
