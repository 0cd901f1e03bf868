// Go's printing rules for TemplateValues: fmt's %v, encoding/json, and
// strconv's float formats and quoting.
#include <algorithm>
#include <charconv>
#include <cmath>

#include "store/go_template_value.h"

namespace suanli::store {

std::string FormatGoFloat(double v, char format, int precision) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  const bool upper = format == 'E' || format == 'G';
  const char lower = static_cast<char>(std::tolower(format));
  char buf[512];
  auto chars = [&](std::chars_format f, int p) {
    const auto r = p < 0 ? std::to_chars(buf, buf + sizeof(buf), v, f) : std::to_chars(buf, buf + sizeof(buf), v, f, p);
    return std::string(buf, r.ptr);
  };
  auto upcase = [upper](std::string s) {
    if (upper) std::replace(s.begin(), s.end(), 'e', 'E');
    return s;
  };
  if (lower == 'f') return chars(std::chars_format::fixed, precision);
  if (lower == 'e') return upcase(chars(std::chars_format::scientific, precision));
  // 'g': decimal digits (trailing zeros removed) and the decimal exponent.
  if (precision == 0) precision = 1;
  const std::string sci = chars(std::chars_format::scientific, precision < 0 ? -1 : precision - 1);
  const size_t e = sci.find('e');
  const bool neg = sci[0] == '-';
  std::string digits;
  for (size_t i = neg ? 1 : 0; i < e; ++i) {
    if (sci[i] != '.') digits += sci[i];
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int exp = std::atoi(sci.c_str() + e + 1);
  const int nd = static_cast<int>(digits.size()), dp = exp + 1;
  int eprec = precision < 0 ? 6 : precision;
  if (precision >= 0 && eprec > nd && nd >= dp) eprec = nd;
  std::string out;
  if (neg) out.push_back('-');
  if (exp < -4 || exp >= eprec) {
    out.push_back(digits[0]);
    if (nd > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back(upper ? 'E' : 'e');
    out.push_back(exp < 0 ? '-' : '+');
    const std::string x = std::to_string(std::abs(exp));
    if (x.size() < 2) out.push_back('0');
    out.append(x);
    return out;
  }
  if (dp <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-dp), '0');
    out.append(digits);
  } else if (dp >= nd) {
    out.append(digits);
    out.append(static_cast<size_t>(dp - nd), '0');
  } else {
    out.append(digits, 0, static_cast<size_t>(dp));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(dp));
  }
  return out;
}

std::string GoQuote(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '\a':
        out += "\\a";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\v':
        out += "\\v";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '"':
        out += "\\\"";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    // Copy a well-formed multi-byte sequence; escape stray bytes.
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (!ok) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      continue;
    }
    out.append(s.substr(i, n));
    i += n - 1;
  }
  return out + "\"";
}

namespace {

void AppendJsonString(std::string_view s, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c == '\n') {
      *out += "\\n";
    } else if (c == '\r') {
      *out += "\\r";
    } else if (c == '\t') {
      *out += "\\t";
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      *out += "\\u00";
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else if (c < 0x80) {
      out->push_back(static_cast<char>(c));
    } else {
      size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
      bool ok = n > 0 && i + n <= s.size();
      for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
      if (!ok) {
        *out += "\\ufffd";
        continue;
      }
      if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
          (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
        *out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      } else {
        out->append(s.substr(i, n));
      }
      i += n - 1;
    }
  }
  out->push_back('"');
}

bool IsEmptyForJson(const TemplateValue& v) {
  switch (v.kind()) {
    case TemplateValue::Kind::kInvalid:
    case TemplateValue::Kind::kNil:
      return true;
    case TemplateValue::Kind::kBool:
      return !v.AsBool();
    case TemplateValue::Kind::kInt:
      return v.AsInt() == 0;
    case TemplateValue::Kind::kFloat:
      return v.AsFloat() == 0;
    case TemplateValue::Kind::kStruct:
      return false;
    default:
      return v.Length() == 0;
  }
}

void AppendJson(const TemplateValue& v, std::string* out) {
  using Kind = TemplateValue::Kind;
  switch (v.kind()) {
    case Kind::kInvalid:
    case Kind::kNil:
      *out += "null";
      return;
    case Kind::kBool:
      *out += v.AsBool() ? "true" : "false";
      return;
    case Kind::kInt:
      *out += std::to_string(v.AsInt());
      return;
    case Kind::kFloat: {
      const double f = v.AsFloat(), a = std::fabs(f);
      if (!std::isfinite(f)) {
        *out += "null";
        return;
      }
      std::string s = FormatGoFloat(f, a != 0 && (a < 1e-6 || a >= 1e21) ? 'e' : 'f', -1);
      const size_t n = s.size();
      if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
      *out += s;
      return;
    }
    case Kind::kString:
      AppendJsonString(v.AsString(), out);
      return;
    case Kind::kList: {
      if (v.IsNilContainer()) {
        *out += "null";
        return;
      }
      if (v.style() == TemplateValue::Style::kPropertyType && v.Length() == 1) {
        AppendJson(v.Items()[0], out);
        return;
      }
      out->push_back('[');
      bool first = true;
      for (const auto& e : v.Items()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJson(e, out);
      }
      out->push_back(']');
      return;
    }
    case Kind::kMap: {
      if (v.IsNilContainer()) {
        *out += "null";
        return;
      }
      out->push_back('{');
      bool first = true;
      for (const auto& [k, e] : v.Entries()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(k, out);
        out->push_back(':');
        AppendJson(e, out);
      }
      out->push_back('}');
      return;
    }
    case Kind::kStruct: {
      out->push_back('{');
      bool first = true;
      for (const auto& f : v.Fields()) {
        if (f.omit_empty && IsEmptyForJson(f.value)) continue;
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(f.json_name.empty() ? f.name : f.json_name, out);
        out->push_back(':');
        AppendJson(f.value, out);
      }
      out->push_back('}');
      return;
    }
  }
}

void AppendFormat(const TemplateValue& v, std::string* out) {
  using Kind = TemplateValue::Kind;
  using Style = TemplateValue::Style;
  const Style style = v.style();
  if (style == Style::kJson || (style == Style::kJsonMap && !v.IsNilContainer())) {
    AppendJson(v, out);
    return;
  }
  if (style == Style::kJsonMap) {
    *out += "{}";
    return;
  }
  if (style == Style::kPropertyType && v.Length() <= 1) {
    if (v.Length() == 1) AppendFormat(v.Items()[0], out);
    return;
  }
  switch (v.kind()) {
    case Kind::kInvalid:
    case Kind::kNil:
      *out += "<nil>";
      return;
    case Kind::kBool:
      *out += v.AsBool() ? "true" : "false";
      return;
    case Kind::kInt:
      *out += std::to_string(v.AsInt());
      return;
    case Kind::kFloat:
      *out += FormatGoFloat(v.AsFloat(), 'g', -1);
      return;
    case Kind::kString:
      *out += v.AsString();
      return;
    case Kind::kList: {
      out->push_back('[');
      bool first = true;
      for (const auto& e : v.Items()) {
        if (!first) out->push_back(' ');
        first = false;
        AppendFormat(e, out);
      }
      out->push_back(']');
      return;
    }
    case Kind::kMap: {
      *out += "map[";
      bool first = true;
      for (const auto& [k, e] : v.Entries()) {
        if (!first) out->push_back(' ');
        first = false;
        *out += k;
        out->push_back(':');
        AppendFormat(e, out);
      }
      out->push_back(']');
      return;
    }
    case Kind::kStruct: {
      out->push_back('{');
      bool first = true;
      for (const auto& f : v.Fields()) {
        if (!first) out->push_back(' ');
        first = false;
        AppendFormat(f.value, out);
      }
      out->push_back('}');
      return;
    }
  }
}

}  // namespace

std::string FormatValue(const TemplateValue& value) {
  std::string out;
  AppendFormat(value, &out);
  return out;
}

std::string ToJson(const TemplateValue& value) {
  std::string out;
  AppendJson(value, &out);
  return out;
}

}  // namespace suanli::store
