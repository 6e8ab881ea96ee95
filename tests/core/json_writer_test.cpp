// The JSON writer (src/json_writer.*) and the JSON plan written with it (src/render/render_json.cpp,
// src/plan/batch.cpp): escaping, numbers, layout, and the blocks `batch` keeps between plans.
// Expected texts are written out by hand; nlohmann::json (which wrote the JSON plan before) is
// used only as a second opinion on the layout.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "doseplan/batch.hpp"
#include "doseplan/plan.hpp"
#include "doseplan/render.hpp"
#include "doseplan/request.hpp"
#include "core/json_writer.hpp"
#include "test_support.hpp"

using namespace doseplan;
using doseplan::detail::append_json_double;
using doseplan::detail::append_json_string;
using doseplan::detail::JsonWriter;
using doseplan::testing::real_rules;

namespace {

std::string str(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string num(double d) {
  std::string out;
  append_json_double(out, d);
  return out;
}

}  // namespace

// ------------------------------------------------------------------------------- strings

TEST_CASE("json strings: plain text is quoted as it is") {
  CHECK(str("") == R"("")");
  CHECK(str("abc") == R"("abc")");
  CHECK(str("310 mg ÷ 10 mg") == "\"310 mg ÷ 10 mg\"");
  CHECK(str("环孢素 cycloSPORINE") == "\"环孢素 cycloSPORINE\"");  // UTF-8 is not escaped
  CHECK(str("\x7f") == "\"\x7f\"");                                // DEL is not a control here
  CHECK(str("\xF0\x9F\x98\x80") == "\"\xF0\x9F\x98\x80\"");        // U+1F600, 4 bytes
  CHECK(str("/") == R"("/")");                                     // no \/ either
}

TEST_CASE("json strings: quotes, backslashes and control characters are escaped") {
  CHECK(str("a\"b") == R"("a\"b")");
  CHECK(str("a\\b") == R"("a\\b")");
  CHECK(str("\b\f\n\r\t") == R"("\b\f\n\r\t")");
  CHECK(str(std::string("\0", 1)) == R"("\u0000")");
  CHECK(str("\x01") == R"("\u0001")");
  CHECK(str("\x1f") == R"("\u001f")");  // lower-case hex, as nlohmann writes it
  CHECK(str("\x0b") == R"("\u000b")");
}

TEST_CASE("json strings: escapes are found wherever they fall in 8-byte blocks") {
  // 8 bytes are looked at together: put the character to escape at every position of a long
  // string, and non-ASCII text around it.
  for (std::size_t at = 0; at < 20; ++at) {
    for (const char c : {'"', '\\', '\n', '\x01'}) {
      std::string s(20, 'x');
      s[at] = c;
      const std::string escaped = c == '"'    ? "\\\""
                                  : c == '\\' ? "\\\\"
                                  : c == '\n' ? "\\n"
                                              : "\\u0001";
      INFO("at " << at << ", char " << static_cast<int>(c));
      CHECK(str(s) == "\"" + std::string(at, 'x') + escaped + std::string(19 - at, 'x') + "\"");
      CHECK(str("环" + s + "孢") ==
            "\"环" + std::string(at, 'x') + escaped + std::string(19 - at, 'x') + "孢\"");
    }
  }
}

TEST_CASE("json strings: every ASCII character is written as nlohmann::json writes it") {
  for (int c = 0; c < 128; ++c) {
    const std::string s = "ab" + std::string(1, static_cast<char>(c)) + "cdefghijkl";
    INFO("character " << c);
    CHECK(str(s) == nlohmann::json(s).dump());
  }
}

TEST_CASE("json strings: invalid UTF-8 is refused, never written") {
  for (const char* bad : {
           "\x80",              // a continuation byte alone
           "\xC0\x80",          // overlong NUL
           "\xC1\xBF",          // overlong
           "\xE0\x80\xAF",      // overlong '/'
           "\xED\xA0\x80",      // a surrogate (U+D800)
           "\xF4\x90\x80\x80",  // above U+10FFFF
           "\xF5\x80\x80\x80",  // no such lead byte
           "\xFF",              //
           "\xE7\x8E",          // cut short at the end
           "\xE7\x8E"
           "abc",  // cut short inside
       }) {
    INFO("case " << static_cast<int>(static_cast<unsigned char>(bad[0])) << ", " << std::strlen(bad)
                 << " bytes");
    CHECK_THROWS_AS(str(bad), std::invalid_argument);
    CHECK_THROWS_AS(str(std::string("0123456789") + bad), std::invalid_argument);
  }
  CHECK_THROWS_WITH(str("ok \xFF"), "invalid UTF-8 byte at index 3: 0xFF");
  // Every three-byte lead with every second byte and four kinds of third byte, after text and
  // before more: refused exactly when nlohmann::json refuses to write it.
  for (int lead = 0xE0; lead <= 0xEF; ++lead) {
    for (int second = 0; second <= 0xFF; ++second) {
      for (const int third : {0x41, 0x80, 0xBF, 0xC0}) {
        const std::string text = std::string("\xE5\x89\x82 ") + static_cast<char>(lead) +
                                 static_cast<char>(second) + static_cast<char>(third) +
                                 "\xE9\x87\x8F";
        bool valid = true;
        try {
          (void)nlohmann::json(text).dump();
        } catch (const nlohmann::json::type_error&) {
          valid = false;
        }
        INFO(lead << " " << second << " " << third);
        if (valid) {
          CHECK(str(text) == "\"" + text + "\"");
        } else {
          CHECK_THROWS_AS(str(text), std::invalid_argument);
        }
      }
    }
  }
  // The first and last code points of each length are fine.
  CHECK(str("\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF") ==
        "\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\"");
}

// ------------------------------------------------------------------------------- numbers

TEST_CASE("json numbers: doubles are written as nlohmann::json writes them") {
  CHECK(num(310) == "310.0");  // a whole double keeps ".0"
  CHECK(num(0) == "0.0");
  CHECK(num(-0.0) == "-0.0");
  CHECK(num(0.5) == "0.5");
  CHECK(num(-2.862187) == "-2.862187");
  CHECK(num(842.862187) == "842.862187");
  CHECK(num(1.685724) == "1.685724");
  CHECK(num(0.0001) == "0.0001");  // 4 zeros after the point: still fixed
  CHECK(num(0.00001) == "1e-05");  // 5: exponent, at least 2 digits
  CHECK(num(1e20) == "1e+20");
  CHECK(num(123456789012345.0) == "123456789012345.0");       // 15 digits: fixed
  CHECK(num(1234567890123456.0) == "1.234567890123456e+15");  // 16: exponent
  CHECK(num(1.5e300) == "1.5e+300");
  CHECK(num(5e-324) == "5e-324");
  CHECK(num(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
  CHECK(num(std::nan("")) == "null");
  CHECK(num(std::numeric_limits<double>::infinity()) == "null");
  CHECK(num(-std::numeric_limits<double>::infinity()) == "null");
  // The shortest text of the double: nlohmann's Grisu2 writes 152.57442699999999 here.
  CHECK(num(152.574427) == "152.574427");
}

TEST_CASE("json numbers: whole doubles (written without to_chars) as nlohmann::json writes them") {
  CHECK(num(-310) == "-310.0");
  CHECK(num(999999999999999.0) == "999999999999999.0");  // the largest whole one below 1e15
  CHECK(num(1e15) == "1e+15");
  CHECK(num(-1e15) == "-1e+15");
  std::uint64_t state = 2463534242ULL;
  for (int i = 0; i < 10000; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const double magnitude = std::pow(10.0, static_cast<double>(state % 17));  // 1 .. 1e16
    const double v = std::floor(static_cast<double>(state % 1000003) / 1000003.0 * magnitude) *
                     (state % 2 ? 1 : -1);
    INFO(v);
    CHECK(num(v) == nlohmann::json(v).dump());
  }
}

TEST_CASE("json numbers: the same double as nlohmann::json, in as many digits or fewer") {
  // Plan numbers are rounded to 6 decimals (render_json); other values too, and raw bits.
  std::uint64_t state = 88172645463325252ULL;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int same_text = 0;
  for (int i = 0; i < 100000; ++i) {
    double v = 0;
    if (i % 2) {
      const std::uint64_t b = next();
      std::memcpy(&v, &b, sizeof v);
      if (!std::isfinite(v)) continue;
    } else {
      v = std::round(static_cast<double>(next() % 10000000000ULL) / 1e3) / 1e6 *
          (next() % 2 ? 1 : -1);
    }
    const std::string ours = num(v);
    const std::string theirs = nlohmann::json(v).dump();
    if (ours == theirs) {
      ++same_text;
      continue;
    }
    INFO(theirs << " written as " << ours);
    CHECK(std::strtod(ours.c_str(), nullptr) == v);
    CHECK(ours.size() <= theirs.size());  // Grisu2 is not always the shortest, nor the closest
  }
  CHECK(same_text > 99000);
}

// ------------------------------------------------------------------------------- layout

TEST_CASE("json writer: one line with no spaces, or nlohmann's indented layout") {
  auto write = [](int indent) {
    std::string out;
    JsonWriter w(out, 0, indent);
    w.begin_object();
    w.member("a", "x");
    w.member_int("n", -3);
    w.key("list");
    w.begin_array();
    w.boolean(true);
    w.null();
    w.number(2.5);
    w.begin_object();
    w.end_object();
    w.begin_array();
    w.end_array();
    w.end_array();
    w.key("empty");
    w.begin_object();
    w.end_object();
    w.member_bool("b", false);
    w.end_object();
    out.resize(w.end());
    return out;
  };
  CHECK(write(-1) == R"({"a":"x","n":-3,"list":[true,null,2.5,{},[]],"empty":{},"b":false})");
  CHECK(write(2) ==
        "{\n"
        "  \"a\": \"x\",\n"
        "  \"n\": -3,\n"
        "  \"list\": [\n"
        "    true,\n"
        "    null,\n"
        "    2.5,\n"
        "    {},\n"
        "    []\n"
        "  ],\n"
        "  \"empty\": {},\n"
        "  \"b\": false\n"
        "}");
  CHECK(write(0) == nlohmann::ordered_json::parse(write(-1)).dump(0));
  CHECK(write(4) == nlohmann::ordered_json::parse(write(-1)).dump(4));
}

TEST_CASE("json writer: a block written apart is placed at its depth") {
  for (const int indent : {-1, 2}) {
    std::string block;
    {
      JsonWriter b(block, 0, indent, 1);
      b.begin_array();
      b.string("s");
      b.begin_object();
      b.member_int("k", 1);
      b.end_object();
      b.end_array();
      block.resize(b.end());
    }
    std::string whole, direct;
    for (std::string* out : {&whole, &direct}) {
      JsonWriter w(*out, 0, indent);
      w.begin_object();
      w.member_int("before", 0);
      w.key("block");
      if (out == &whole) {
        w.raw(block);
      } else {
        w.begin_array();
        w.string("s");
        w.begin_object();
        w.member_int("k", 1);
        w.end_object();
        w.end_array();
      }
      w.member_int("after", 2);
      w.end_object();
      out->resize(w.end());
    }
    INFO("indent " << indent);
    CHECK(whole == direct);
  }
}

// ------------------------------------------------------------------------------- JSON plans

namespace {

// The golden requests of the shipped rules that make a plan, each with its regimen (as `batch`
// reads them).
std::vector<PlanRequest> golden_requests() {
  std::vector<PlanRequest> out;
  for (const Regimen& r : real_rules().regimens) {
    for (const GoldenCase& g : r.test_cases) {
      if (!g.error.empty()) continue;  // a request the case expects to be refused
      nlohmann::json j = nlohmann::json::parse(g.request_json);
      j["regimen"] = r.id;
      out.push_back(parse_plan_request(j.dump(), g.name));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("JSON plans: nlohmann::json reads them and writes the same bytes back") {
  // The layout (compact and indented) and every string and integer are as nlohmann writes them;
  // the numbers of these plans have short decimal forms, written alike by both.
  const std::vector<PlanRequest> requests = golden_requests();
  REQUIRE(requests.size() >= 20);
  for (const PlanRequest& q : requests) {
    const Plan plan = make_plan(real_rules(), q);
    for (const int indent : {-1, 2}) {
      const std::string ours = render_json(plan, indent);
      INFO(q.regimen_id << ", indent " << indent);
      CHECK(ours == nlohmann::ordered_json::parse(ours).dump(indent) + "\n");
    }
  }
}

TEST_CASE("JSON plans: the disclaimer and the sources are in every plan, batch or not") {
  const Plan plan = make_plan(real_rules(), golden_requests().front());
  const nlohmann::json j = nlohmann::json::parse(render_json(plan, -1));
  CHECK(j.at("disclaimer").at("en") == plan.disclaimer.en);
  CHECK(j.at("disclaimer").at("zh-CN") == plan.disclaimer.zh);
  REQUIRE(!plan.sources.empty());
  CHECK(j.at("sources").size() == plan.sources.size());
  CHECK(j.at("sources")[0].at("quote") == plan.sources[0].quote);
}

TEST_CASE("batch: each plan line holds the JSON plan of the same request") {
  std::string input;
  const std::vector<PlanRequest> requests = golden_requests();
  std::vector<std::string> expected;
  for (const Regimen& r : real_rules().regimens) {
    for (const GoldenCase& g : r.test_cases) {
      if (!g.error.empty()) continue;  // a request the case expects to be refused
      nlohmann::json j = nlohmann::json::parse(g.request_json);
      j["regimen"] = r.id;
      input += j.dump() + "\n";
      expected.push_back(
          render_json(make_plan(real_rules(), parse_plan_request(j.dump(), "x")), -1));
    }
  }
  input += "{\"regimen\": \"nope\", \"weight\": \"62 kg\", \"start\": \"2026-12-01\"}\n";
  input += input;  // twice: kept blocks on the second pass
  std::istringstream in(input);
  std::ostringstream out;
  const BatchSummary s = run_batch(real_rules(), in, out);
  CHECK(s.lines == static_cast<int>(2 * (expected.size() + 1)));
  CHECK(s.errors == 2);
  std::istringstream lines(out.str());
  std::string line;
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < expected.size(); ++i) {
      REQUIRE(std::getline(lines, line));
      const int n = static_cast<int>(pass * (expected.size() + 1) + i + 1);
      const std::string head = "{\"line\":" + std::to_string(n) + ",\"ok\":true,\"plan\":";
      REQUIRE(line.rfind(head, 0) == 0);
      // The plan without render_json's final newline, then the record's closing brace.
      CHECK(line.substr(head.size()) == expected[i].substr(0, expected[i].size() - 1) + "}");
    }
    REQUIRE(std::getline(lines, line));
    CHECK(line.find("\"ok\":false") != std::string::npos);
    CHECK(line.find("input.unknown_regimen") != std::string::npos);
  }
}

TEST_CASE("json strings: the last bytes of a long string are looked at too") {
  // Lengths 8..24 with the character to escape in the last 7 bytes, after an escape or not.
  for (std::size_t n = 8; n <= 24; ++n) {
    for (std::size_t back = 1; back <= 7 && back <= n; ++back) {
      std::string s(n, 'y');
      s[n - back] = '"';
      std::string expected = "\"" + s.substr(0, n - back) + "\\\"" + s.substr(n - back + 1) + "\"";
      INFO("length " << n << ", quote " << back << " from the end");
      CHECK(str(s) == expected);
      s[0] = '\n';  // an escape before it as well
      expected = "\"\\n" + s.substr(1, n - back - 1) + "\\\"" + s.substr(n - back + 1) + "\"";
      CHECK(str(s) == expected);
      s[n - back] = 'z';  // and none at the end
      CHECK(str(s) == "\"\\n" + s.substr(1) + "\"");
    }
  }
}
