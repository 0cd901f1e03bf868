// The Go text/template engine: syntax, Go's semantics (truth, printing,
// missingkey=zero, scopes), functions, errors in Go's words, and limits.
// Expected outputs are written by hand from Go's rules.
#include "store/go_template.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "store/go_template_funcs.h"

namespace suanli::store {
namespace {

using json = nlohmann::json;

struct Case {
  const char* name;
  const char* tmpl;
  const char* data;  // JSON, decoded as Go decodes into `any`
  const char* want;
};

const Case kCases[] = {
    // Text, fields, dot and $.
    {"text", "hello", "{}", "hello"},
    {"field", "{{ .A }}", R"({"A":"x"})", "x"},
    {"nested", "{{ .A.B.C }}", R"({"A":{"B":{"C":7}}})", "7"},
    {"missing_is_empty", "[{{ .Nope }}]", "{}", "[]"},
    {"dot", "{{ . }}", R"("s")", "s"},
    {"root_var", "{{ with .A }}{{ $.B }}{{ end }}", R"({"A":1,"B":"b"})", "b"},
    {"root_var_field", "{{ range .L }}{{ $.P }}{{ . }}{{ end }}", R"({"L":[1,2],"P":"-"})", "-1-2"},
    // Trim markers and comments.
    {"trim_both", "a  \n {{- .A -}} \n  b", R"({"A":"x"})", "axb"},
    {"trim_left_only", "a  {{- .A }}  b", R"({"A":"x"})", "ax  b"},
    {"negative_number_not_trim", "{{-3}}", "{}", "-3"},
    {"comment", "a{{/* note */}}b", "{}", "ab"},
    {"comment_trimmed", "a \n{{- /* note */ -}}\n b", "{}", "ab"},
    {"multiline_action", "{{ printf \"%s-%s\"\n  .A\n  .B }}", R"({"A":"a","B":"b"})", "a-b"},
    // if / else if / else and Go truth.
    {"if_else_if", "{{ if eq .R \"a\" }}A{{ else if eq .R \"b\" }}B{{ else }}?{{ end }}", R"({"R":"b"})", "B"},
    {"if_else_if_else", "{{ if eq .R \"a\" }}A{{ else if eq .R \"b\" }}B{{ else }}?{{ end }}", R"({"R":"z"})", "?"},
    {"truth", "{{ range .L }}{{ if . }}T{{ else }}F{{ end }}{{ end }}",
     R"({"L":["", "x", 0, 1, 0.0, 0.5, [], [0], {}, {"a":0}, null, false, true]})", "FTFTFTFTFTFFT"},
    {"truth_missing", "{{ if .Nope }}T{{ else }}F{{ end }}{{ if not .Nope }}!{{ end }}", "{}", "F!"},
    // range: index and element, else, maps, break, continue, nesting.
    {"range_index_elem", "{{ range $i, $e := .L }}{{ $i }}:{{ $e }} {{ end }}", R"({"L":["a","b"]})", "0:a 1:b "},
    {"range_elem_var", "{{ range $e := .L }}<{{ $e }}>{{ end }}", R"({"L":[1,2]})", "<1><2>"},
    {"range_else", "{{ range .L }}x{{ else }}empty{{ end }}", R"({"L":[]})", "empty"},
    {"range_missing_else", "{{ range .Nope }}x{{ else }}none{{ end }}", "{}", "none"},
    {"range_map_sorted", "{{ range $k, $v := .M }}{{ $k }}={{ $v }};{{ end }}", R"({"M":{"b":2,"a":1,"c":3}})",
     "a=1;b=2;c=3;"},
    {"range_break_continue",
     "{{ range .L }}{{ if eq . \"2\" }}{{ continue }}{{ end }}{{ if eq . \"4\" }}{{ break }}{{ end }}{{ . }}{{ end }}",
     R"({"L":["1","2","3","4","5"]})", "13"},
    {"range_nested", "{{ range $i, $r := .R }}{{ range $r }}{{ $i }}{{ . }} {{ end }}{{ end }}",
     R"({"R":[["a"],["b","c"]]})", "0a 1b 1c "},
    {"range_last", "{{ range $i, $_ := .L }}{{ . }}{{ if ne (len (slice $.L $i)) 1 }},{{ end }}{{ end }}",
     R"({"L":["x","y","z"]})", "x,y,z"},
    // with.
    {"with", "{{ with .A }}[{{ .B }}]{{ else }}none{{ end }}", R"({"A":{"B":"b"}})", "[b]"},
    {"with_else", "{{ with .A }}[{{ . }}]{{ else }}none{{ end }}", R"({"A":""})", "none"},
    // Variables: declaration, assignment across scopes, scoping.
    {"var_declare", "{{ $x := .A }}{{ $x }}{{ $x }}", R"({"A":"ab"})", "abab"},
    {"var_assign_in_range", "{{ $s := \"\" }}{{ range .L }}{{ $s = printf \"%s%s\" $s . }}{{ end }}{{ $s }}",
     R"({"L":["a","b","c"]})", "abc"},
    {"var_if_scope", "{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}", "{}", "21"},
    {"var_in_if_pipeline", "{{ if $v := .A }}{{ $v }}{{ end }}", R"({"A":"yes"})", "yes"},
    // Pipelines, parentheses, chains.
    {"pipeline", "{{ .A | printf \"%s!\" }}", R"({"A":"hi"})", "hi!"},
    {"pipeline_last_arg", "{{ \"c\" | printf \"%s%s%s\" \"a\" \"b\" }}", "{}", "abc"},
    {"pipeline_chain", "{{ .L | len | printf \"%03d\" }}", R"({"L":[1,2,3,4]})", "004"},
    {"parens", "{{ printf \"%d-%d\" (len .L) (len .S) }}", R"({"L":[1],"S":"abc"})", "1-3"},
    {"chain_field", "{{ (index .L 1).N }}", R"({"L":[{"N":"a"},{"N":"b"}]})", "b"},
    // Literals.
    {"string_escapes", R"({{ "a\tb\n\"c\"\u00e9\x41" }})", "{}",
     "a\tb\n\"c\"\xC3\xA9"
     "A"},
    {"raw_string", "{{ `a\\n{{b}}` }}", "{}", "a\\n{{b}}"},
    {"numbers", "{{ 42 }} {{ -7 }} {{ 0x1F }} {{ 1.5 }} {{ 1e3 }} {{ 'a' }} {{ 1_000 }}", "{}",
     "42 -7 31 1.5 1000 97 1000"},
    {"bools_and_nil_arg", "{{ true }} {{ false }} {{ print nil }}", "{}", "true false <nil>"},
    // Printing values as fmt does.
    {"print_list_map", "{{ .L }} {{ .M }}", R"({"L":[1,"a",true,null],"M":{"b":[1],"a":"x"}})",
     "[1 a true <nil>] map[a:x b:[1]]"},
    {"print_floats", "{{ .A }} {{ .B }} {{ .C }} {{ .D }} {{ .E }}",
     R"({"A":3,"B":0.1,"C":1000000,"D":123456,"E":0.00001})", "3 0.1 1e+06 123456 1e-05"},
    // Functions.
    {"and_or", "{{ and 1 0 2 }}|{{ and 1 2 }}|{{ or 0 \"\" 3 }}|{{ or 0 \"\" }}|{{ or .Nope \"default\" }}", "{}",
     "0|2|3||default"},
    {"and_short_circuits", "{{ if and .L (index .L 0) }}first{{ else }}no{{ end }}", R"({"L":[]})", "no"},
    {"or_short_circuits", "{{ or 1 (index .L 9) }}", R"({"L":[]})", "1"},
    {"not", "{{ not 0 }} {{ not \"x\" }} {{ not .Nope }}", "{}", "true false true"},
    {"len", "{{ len .S }} {{ len .L }} {{ len .M }} {{ len \"\xC3\xA9\" }}", R"({"S":"abc","L":[1,2],"M":{"a":1}})",
     "3 2 1 2"},
    {"index", "{{ index .L 1 }} {{ index .N 1 0 }} {{ index .M \"k\" }} {{ index \"AB\" 1 }}",
     R"({"L":["a","b"],"N":[[1],[2]],"M":{"k":"v"}})", "b 2 v 66"},
    {"index_missing_key", "[{{ index .M \"nope\" }}]", R"({"M":{"k":"v"}})", "[]"},
    {"slice", "{{ slice .L 1 }} {{ slice .L 1 2 }} {{ slice .L }} {{ slice .S 1 3 }}", R"({"L":[1,2,3],"S":"abcd"})",
     "[2 3] [2] [1 2 3] bc"},
    {"eq_ne", "{{ eq 1 1 }} {{ eq \"a\" \"b\" \"a\" }} {{ ne .A \"x\" }} {{ eq .Nope \"x\" }} {{ eq .F 1.0 }}",
     R"({"A":"y","F":1})", "true true true false true"},
    {"ordered", "{{ lt 1 2 }} {{ le 2 2 }} {{ gt \"b\" \"a\" }} {{ ge 1.5 2.5 }}", "{}", "true true true false"},
    {"print_println", "{{ print \"a\" 1 2 \"b\" }}|{{ println 1 \"x\" }}|", "{}", "a1 2b|1 x\n|"},
    {"printf_verbs",
     R"({{ printf "%s|%d|%v|%q|%5.2f|%-3d|%03d|%x|%t|%%|%c|%e|%g" "s" 42 .L "q\"" 3.14159 7 5 255 true 65 1234.5 0.5 }})",
     R"({"L":[1,"a"]})", "s|42|[1 a]|\"q\\\"\"| 3.14|7  |005|ff|true|%|A|1.234500e+03|0.5"},
    {"printf_bad", "{{ printf \"%d %s\" \"x\" }}|{{ printf \"%d\" 1 2 }}", "{}",
     "%!d(string=x) %!s(MISSING)|1%!(EXTRA int=2)"},
    {"printf_json_floats", "{{ printf \"%v %d\" .F .F }}", R"({"F":2})", "2 %!d(float64=2)"},
    {"json", "{{ json .V }}", R"({"V":{"b":[1,2.5,"<a&b>"],"a":null,"c":{"x":true}}})",
     R"({"a":null,"b":[1,2.5,"\u003ca\u0026b\u003e"],"c":{"x":true}})"},
    {"json_scalars", "{{ json .S }} {{ json 3 }} {{ json .Nope }} {{ json .Big }}", R"({"S":"a\nb","Big":1e21})",
     R"("a\nb" 3 null 1e+21)"},
};

TEST(GoTemplateTest, CasesMatchGoOutput) {
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    auto tmpl = GoTemplate::Parse(c.tmpl);
    ASSERT_TRUE(tmpl.ok()) << tmpl.status().message();
    auto out = tmpl->Execute(TemplateValue::FromJson(json::parse(c.data)));
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(*out, c.want);
  }
}

TEST(GoTemplateTest, NoValueCanPrintAsGoDoes) {
  auto tmpl = GoTemplate::Parse("[{{ .Nope }}]");
  ASSERT_TRUE(tmpl.ok());
  GoTemplate::ExecOptions options;
  options.print_no_value = true;
  EXPECT_EQ(*tmpl->Execute(TemplateValue::FromJson(json::object()), options), "[<no value>]");
}

TEST(GoTemplateTest, DatesUseTheGivenClock) {
  auto tmpl = GoTemplate::Parse("{{ currentDate }} {{ yesterdayDate }}");
  ASSERT_TRUE(tmpl.ok());
  GoTemplate::ExecOptions options;
  std::tm tm{};
  tm.tm_year = 2025 - 1900;
  tm.tm_mon = 2;  // March
  tm.tm_mday = 1;
  tm.tm_hour = 12;
  options.now = std::chrono::system_clock::from_time_t(std::mktime(&tm));
  EXPECT_EQ(*tmpl->Execute(TemplateValue(), options), "2025-03-01 2025-02-28");
}

TEST(GoTemplateTest, RangeOverIntegerAndElseWith) {
  // Newer Go template features that templates in the wild use.
  auto tmpl = GoTemplate::Parse("{{ range 3 }}{{ . }}{{ end }}|{{ with .A }}a{{ else with .B }}{{ . }}{{ end }}");
  ASSERT_TRUE(tmpl.ok()) << tmpl.status().message();
  EXPECT_EQ(*tmpl->Execute(TemplateValue::FromJson(json::parse(R"({"B":"b"})"))), "012|b");
}

struct ErrorCase {
  const char* name;
  const char* tmpl;
  const char* data;
  const char* want;  // the whole message
};

const ErrorCase kParseErrors[] = {
    {"unclosed_action", "{{ .A ", "", "template: :1: unclosed action"},
    {"unclosed_action_multiline", "{{ if .A\n", "", "template: :2: unclosed action started at :1"},
    {"brace_in_operand", "a\n{{ .A }\nb", "", "template: :2: unexpected \"}\" in operand"},
    {"unknown_function", "{{ foo }}", "", "template: :1: function \"foo\" not defined"},
    {"undefined_variable", "{{ $x }}", "", "template: :1: undefined variable \"$x\""},
    {"variable_out_of_scope", "{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}", "",
     "template: :1: undefined variable \"$x\""},
    {"missing_end", "{{ if .A }}x", "", "template: :1: unexpected EOF"},
    {"stray_end", "{{ end }}", "", "template: :1: unexpected {{end}}"},
    {"stray_else", "{{ else }}", "", "template: :1: unexpected {{else}}"},
    {"break_outside_range", "{{ break }}", "", "template: :1: {{break}} outside {{range}}"},
    {"bad_pipeline", "{{ .A | 3 }}", "", "template: :1: non executable command in pipeline stage 2"},
    {"empty_action", "{{ }}", "", "template: :1: missing value for command"},
    {"empty_if", "{{ if }}x{{ end }}", "", "template: :1: missing value for if"},
    {"bad_number", "{{ 3x }}", "", "template: :1: bad number syntax: \"3x\""},
    {"unterminated_string", "{{ \"abc }}", "", "template: :1: unterminated quoted string"},
    {"unclosed_comment", "{{/* abc ", "", "template: :1: unclosed comment"},
    {"unclosed_paren", "{{ (.A }}", "", "template: :1: unclosed left paren"},
    {"stray_paren", "{{ .A) }}", "", "template: :1: unexpected \")\" in command"},
    {"dot_after_literal", "{{ \"a\".B }}", "", "template: :1: unexpected . after term \"\\\"a\\\"\""},
    {"stray_character", "{{ .A @ }}", "", "template: :1: unexpected \"@\" in operand"},
    {"bad_character", "{{ .A \xE2\x82\xAC }}", "",
     "template: :1: unrecognized character in action: U+20AC '\xE2\x82\xAC'"},
    {"define_unsupported", "{{ define \"x\" }}y{{ end }}", "", "template: :1: {{define}} is not supported"},
    {"template_unsupported", "{{ template \"x\" }}", "", "template: :1: {{template}} is not supported"},
    {"too_many_decls", "{{ $a, $b := 1 }}", "", "template: :1: too many declarations in command"},
};

TEST(GoTemplateTest, ParseErrorsInGoWords) {
  for (const auto& c : kParseErrors) {
    SCOPED_TRACE(c.name);
    auto tmpl = GoTemplate::Parse(c.tmpl);
    ASSERT_FALSE(tmpl.ok());
    EXPECT_EQ(tmpl.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(tmpl.status().message(), c.want);
  }
}

const ErrorCase kExecErrors[] = {
    {"index_out_of_range", "{{ index .L 5 }}", R"({"L":[1,2]})",
     "template: :1:3: executing \"\" at <index .L 5>: error calling index: index out of range: 5"},
    {"index_at_length", "{{ index .L 2 }}", R"({"L":[1,2]})",
     "template: :1:3: executing \"\" at <index .L 2>: error calling index: index out of range: 2"},
    {"index_negative", "{{ index .L -1 }}", R"({"L":[1,2]})",
     "template: :1:3: executing \"\" at <index .L -1>: error calling index: index out of range: -1"},
    {"index_map_with_int", "{{ index .M 1 }}", R"({"M":{"a":1}})",
     "template: :1:3: executing \"\" at <index .M 1>: error calling index: value has type int; should be string"},
    {"slice_bounds", "{{ slice .L 2 1 }}", R"({"L":[1,2,3]})",
     "template: :1:3: executing \"\" at <slice .L 2 1>: error calling slice: invalid slice index: 2 > 1"},
    {"field_of_nil", "{{ .M.X.Y }}", R"({"M":{}})",
     "template: :1:5: executing \"\" at <.M.X.Y>: nil pointer evaluating interface {}.Y"},
    {"eq_mixed_types", "{{ eq 1 \"a\" }}", "{}",
     "template: :1:3: executing \"\" at <eq 1 \"a\">: error calling eq: incompatible types for comparison"},
    {"eq_int_float", "{{ eq .F 1 }}", R"({"F":1})",
     "template: :1:3: executing \"\" at <eq .F 1>: error calling eq: incompatible types for comparison"},
    {"lt_bools", "{{ lt true false }}", "{}",
     "template: :1:3: executing \"\" at <lt true false>: error calling lt: invalid type for comparison"},
    {"len_of_int", "{{ len 3 }}", "{}",
     "template: :1:3: executing \"\" at <len 3>: error calling len: len of type int"},
    {"len_of_missing", "{{ len .Missing }}", "{}",
     "template: :1:3: executing \"\" at <len .Missing>: error calling len: len of nil pointer"},
    {"wrong_arg_count", "{{ not 1 2 }}", "{}",
     "template: :1:3: executing \"\" at <not>: wrong number of args for not: want 1 got 2"},
    {"printf_format_not_string", "{{ printf 3 }}", "{}",
     "template: :1:10: executing \"\" at <3>: expected string; found 3"},
    {"range_over_string", "{{ range .S }}x{{ end }}", R"({"S":"abc"})",
     "template: :1:9: executing \"\" at <.S>: range can't iterate over abc"},
    {"field_has_args", "{{ .A 1 }}", R"({"A":"x"})",
     "template: :1:3: executing \"\" at <.A>: A is not a method but has arguments"},
    {"literal_with_args", "{{ 3 1 }}", "{}",
     "template: :1:3: executing \"\" at <3>: can't give argument to non-function 3"},
    {"nil_command", "{{ nil }}", "{}", "template: :1:3: executing \"\" at <nil>: nil is not a command"},
    {"assign_undeclared", "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}{{ $y = 3 }}", "{}",
     "template: :1:41: executing \"\" at <3>: undefined variable: $y"},
    {"second_line", "ok\n  {{ index .L 9 }}", R"({"L":[]})",
     "template: :2:5: executing \"\" at <index .L 9>: error calling index: index out of range: 9"},
};

TEST(GoTemplateTest, ExecutionErrorsInGoWords) {
  for (const auto& c : kExecErrors) {
    SCOPED_TRACE(c.name);
    auto tmpl = GoTemplate::Parse(c.tmpl);
    ASSERT_TRUE(tmpl.ok()) << tmpl.status().message();
    auto out = tmpl->Execute(TemplateValue::FromJson(json::parse(c.data)));
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), StatusCode::kInternal);
    EXPECT_EQ(out.status().message(), c.want);
  }
}

TEST(GoTemplateTest, StructFieldsAreCheckedButMapKeysAreNot) {
  TemplateValue s = TemplateValue::Struct("api.Thing", {{"Name", TemplateValue::String("n"), "name", false}});
  auto ok = GoTemplate::Parse("{{ .Name }}");
  EXPECT_EQ(*ok->Execute(s), "n");
  auto bad = GoTemplate::Parse("{{ .Nmae }}");
  auto out = bad->Execute(s);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(),
            "template: :1:3: executing \"\" at <.Nmae>: can't evaluate field Nmae in type api.Thing");
}

TEST(GoTemplateTest, DeepNestingIsAParseErrorNotACrash) {
  std::string parens = "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
  auto p = GoTemplate::Parse(parens);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "template: :1: template nesting deeper than 100 levels");

  std::string ifs;
  for (int i = 0; i < 5000; ++i) ifs += "{{ if true }}";
  for (int i = 0; i < 5000; ++i) ifs += "{{ end }}";
  auto q = GoTemplate::Parse(ifs);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("nesting deeper than 100 levels"), std::string::npos);

  std::string ok;
  for (int i = 0; i < 50; ++i) ok += "{{ if true }}";
  ok += "x";
  for (int i = 0; i < 50; ++i) ok += "{{ end }}";
  auto r = GoTemplate::Parse(ok);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->Execute(TemplateValue()), "x");
}

TEST(GoTemplateTest, DeeplyNestedDataIsCut) {
  json deep = "leaf";
  for (int i = 0; i < 2000; ++i) deep = json::array({deep});
  auto tmpl = GoTemplate::Parse("{{ len (json .) }}");
  auto out = tmpl->Execute(TemplateValue::FromJson(deep));
  ASSERT_TRUE(out.ok());
  // 257 levels of brackets around null.
  EXPECT_EQ(*out, std::to_string(2 * (TemplateValue::kMaxJsonDepth + 1) + 4));
}

TEST(GoTemplateTest, OutputLimit) {
  auto tmpl = GoTemplate::Parse("{{ range .L }}0123456789{{ end }}");
  ASSERT_TRUE(tmpl.ok());
  GoTemplate::ExecOptions options;
  options.max_output_bytes = 100;
  TemplateList items(20, TemplateValue::Int(1));
  auto out = tmpl->Execute(TemplateValue::Map({{"L", TemplateValue::List(items)}}), options);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("output exceeds the limit of 100 bytes"), std::string::npos);
}

TEST(GoTemplateTest, DoublingStringsHitTheLimit) {
  auto tmpl =
      GoTemplate::Parse("{{ $s := \"ab\" }}{{ range .L }}{{ $s = printf \"%s%s\" $s $s }}{{ end }}{{ len $s }}");
  ASSERT_TRUE(tmpl.ok());
  TemplateList items(64, TemplateValue::Int(1));
  GoTemplate::ExecOptions options;
  options.max_output_bytes = 1 << 20;
  auto out = tmpl->Execute(TemplateValue::Map({{"L", TemplateValue::List(items)}}), options);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("error calling printf: printf result exceeds the limit"), std::string::npos);
}

TEST(GoTemplateTest, StepLimitStopsHugeRanges) {
  auto tmpl = GoTemplate::Parse("{{ range 1000000000 }}{{ range 1000000000 }}{{ end }}{{ end }}");
  ASSERT_TRUE(tmpl.ok());
  GoTemplate::ExecOptions options;
  options.max_steps = 100000;
  auto out = tmpl->Execute(TemplateValue(), options);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("execution exceeds the limit of 100000 steps"), std::string::npos);
}

TEST(GoTemplateTest, HugePrintfWidthIsRefusedByFmtRules) {
  auto tmpl = GoTemplate::Parse("{{ printf \"%0999999999d\" 1 }}");
  ASSERT_TRUE(tmpl.ok());
  EXPECT_EQ(*tmpl->Execute(TemplateValue()), "%!(NOVERB)%!(EXTRA int=1)");
}

TEST(GoTemplateTest, ConcurrentExecutionOfOneTemplate) {
  auto tmpl = GoTemplate::Parse("{{ range $i, $e := .L }}{{ $i }}{{ $e }}{{ end }}");
  ASSERT_TRUE(tmpl.ok());
  std::vector<std::thread> threads;
  std::vector<std::string> results(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      TemplateList items;
      for (int i = 0; i < 100; ++i) items.push_back(TemplateValue::Int(t));
      for (int k = 0; k < 50; ++k) {
        auto out = tmpl->Execute(TemplateValue::Map({{"L", TemplateValue::List(items)}}));
        results[t] = out.ok() ? *out : out.status().message();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) {
    std::string want;
    for (int i = 0; i < 100; ++i) want += std::to_string(i) + std::to_string(t);
    EXPECT_EQ(results[t], want);
  }
}

TEST(GoTemplateTest, VarsAreOllamasIdentifiers) {
  auto tmpl = GoTemplate::Parse(
      "{{ if .System }}{{ .System }}{{ end }}{{ range $i, $m := .Messages }}{{ $m.Content }}{{ (len $.Tools) }}"
      "{{ end }}{{ with .Function }}{{ .Name }}{{ end }}");
  ASSERT_TRUE(tmpl.ok());
  EXPECT_EQ(tmpl->Vars(),
            (std::vector<std::string>{"$", "$m", "content", "function", "messages", "name", "system", "tools"}));
  EXPECT_TRUE(tmpl->HasVar("messages"));
  EXPECT_FALSE(tmpl->HasVar("response"));
}

TEST(GoTemplateTest, CutAtResponseDropsEverythingAfterIt) {
  auto tmpl =
      GoTemplate::Parse("{{ if .Prompt }}U:{{ .Prompt }}\n{{ end }}A:{{ .Response }}<end>{{ if .X }}x{{ end }}");
  ASSERT_TRUE(tmpl.ok());
  const TemplateValue data = TemplateValue::Map({{"Prompt", TemplateValue::String("hi")},
                                                 {"Response", TemplateValue::String("")},
                                                 {"X", TemplateValue::Bool(true)}});
  EXPECT_EQ(*tmpl->Execute(data), "U:hi\nA:<end>x");
  EXPECT_EQ(*tmpl->CutAtResponse().Execute(data), "U:hi\nA:");

  // Inside a branch: the rest of the branch and everything after it go.
  auto nested = GoTemplate::Parse("{{ if .Prompt }}[{{ .Response }}]{{ else }}e{{ end }}tail");
  EXPECT_EQ(*nested->CutAtResponse().Execute(data), "[");
}

TEST(GoTemplateTest, AppendedResponse) {
  auto tmpl = GoTemplate::Parse("Q: {{ .Prompt }} A: ");
  ASSERT_TRUE(tmpl.ok());
  const GoTemplate appended = tmpl->WithResponseAppended();
  EXPECT_TRUE(appended.HasVar("response"));
  EXPECT_EQ(*appended.Execute(
                TemplateValue::Map({{"Prompt", TemplateValue::String("x")}, {"Response", TemplateValue::String("y")}})),
            "Q: x A: y");
  EXPECT_EQ(appended.source(), tmpl->source());
}

std::string Sprintf(std::string_view format, TemplateList args, size_t max = 1000) {
  auto out = GoSprintf(format, args, max);
  return out.ok() ? *out : "error: " + out.status().message();
}

TEST(GoTemplateTest, SprintfDirectly) {
  const TemplateValue args[] = {TemplateValue::String("héllo"), TemplateValue::Int(-42), TemplateValue::Float(2.5)};
  EXPECT_EQ(Sprintf("[%8s][%-8s][%.2s][%+d][% d][%x][%X][%o][%b][%8.3f][%-8.1e][%G]", {}),
            "[%!s(MISSING)][%!s(MISSING)][%!s(MISSING)][%!d(MISSING)][%!d(MISSING)][%!x(MISSING)][%!X(MISSING)]"
            "[%!o(MISSING)][%!b(MISSING)][%!f(MISSING)][%!e(MISSING)][%!G(MISSING)]");
  EXPECT_EQ(Sprintf("[%8s][%-8s][%.2s]", {args[0], args[0], args[0]}), "[   héllo][héllo   ][hé]");
  EXPECT_EQ(Sprintf("[%+d][% d][%x][%X][%o][%b][%#x][%08d]",
                    {args[1], TemplateValue::Int(5), TemplateValue::Int(255), TemplateValue::Int(255),
                     TemplateValue::Int(8), TemplateValue::Int(5), TemplateValue::Int(255), args[1]}),
            "[-42][ 5][ff][FF][10][101][0xff][-0000042]");
  EXPECT_EQ(Sprintf("[%8.3f][%-8.1e][%G][%v][%q]", {args[2], args[2], TemplateValue::Float(1e21), args[2], args[0]}),
            "[   2.500][2.5e+00 ][1E+21][2.5][\"héllo\"]");
  EXPECT_EQ(Sprintf("%s%s%s", {args[0], args[0], args[0]}, 10), "error: printf result exceeds the limit of 10 bytes");
}

// Token soup and mutated real templates: parsing and execution may fail, but
// only with a Status, within the limits.
TEST(GoTemplateTest, RandomTemplatesNeverCrash) {
  const char* pieces[] = {"{{",        "}}",         "{{- ",   " -}}",       " ",
                          ".A",        ".B.C",       ".L",     "$x",         "$",
                          ":=",        "=",          "|",      "(",          ")",
                          "if",        "else",       "end",    "range",      "with",
                          "break",     "continue",   "printf", "\"%s%d\"",   "index",
                          "slice",     "len",        "eq",     "lt",         "1",
                          "-1",        "0x10",       "'a'",    "1.5e3",      "\"str\"",
                          "`raw`",     "nil",        "true",   "/*",         "*/",
                          ",",         "and",        "or",     "not",        "json",
                          "print",     "\n",         "text",   "$i, $e := ", "range $i, $e := .L",
                          "{{ end }}", "{{ else }}", "}}{{",   "\\"};
  const char* templates[] = {"{{- range $i, $_ := .L }}{{ if eq (len (slice $.L $i)) 1 }}[{{ . }}]{{ end }}{{ end }}",
                             "{{ $s := \"\" }}{{ range .L }}{{ $s = printf \"%s%v\" $s . }}{{ end }}{{ json $s }}",
                             "{{ with .B }}{{ .C | printf \"%q\" }}{{ else }}none{{ end }}"};
  std::mt19937 rng(20240611);
  const TemplateValue data =
      TemplateValue::FromJson(json::parse(R"({"A":"a","B":{"C":[1,"x",null]},"L":[1,2,{"k":"v"},[3]]})"));
  GoTemplate::ExecOptions options;
  options.max_steps = 20000;
  options.max_output_bytes = 1 << 16;
  int parsed = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    std::string text;
    if (iter % 2 == 0) {
      const int n = 1 + static_cast<int>(rng() % 24);
      for (int i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
    } else {
      text = templates[rng() % std::size(templates)];
      for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0 && !text.empty(); --edits) {
        const size_t at = rng() % text.size();
        if (rng() % 2) {
          text.erase(at, 1 + rng() % 4);
        } else {
          text.insert(at, pieces[rng() % std::size(pieces)]);
        }
      }
    }
    auto tmpl = GoTemplate::Parse(text);
    if (!tmpl.ok()) {
      EXPECT_EQ(tmpl.status().message().rfind("template: :", 0), 0u) << text;
      continue;
    }
    ++parsed;
    auto out = tmpl->Execute(data, options);
    if (!out.ok()) {
      EXPECT_EQ(out.status().message().rfind("template: :", 0), 0u) << text;
    }
    (void)tmpl->CutAtResponse().Execute(data, options);
  }
  EXPECT_GT(parsed, 100);
}

}  // namespace
}  // namespace suanli::store
