// Plans that judge their patient (issue 15): the checks about the patient (Plan::checks), the
// acknowledgements (Plan::acknowledgements) and the bedside Schwartz eGFR in every output, in
// English and Simplified Chinese. The plan is made by make_plan from the test rules, then given
// two checks (one warn, one acknowledged), an acknowledgement and a child's eGFR by hand.
//
// Outside tools read some outputs back, as the end-to-end tests do: pdfinfo and pdftotext
// (poppler-utils) the PDF page by page, python3-jsonschema the JSON plan against
// docs/plan.schema.json, and the `fhir` npm validator (tests/render/fhir) the FHIR Bundle.
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "doseplan/ics.hpp"
#include "doseplan/plan.hpp"
#include "doseplan/render.hpp"
#include "doseplan/request.hpp"
#include "doseplan/tracker.hpp"
#include "test_support.hpp"

using namespace doseplan;
using doseplan::testing::test_rules;
using json = nlohmann::json;

namespace {

// The texts the checks carry: the warning has characters HTML must escape.
const LocalizedText kWarnText{"eGFR 25 mL/min/1.73 m2 is below 30 <renal> & co",
                              "eGFR 25 mL/min/1.73 m2，低于30（肾功能不全）"};
const LocalizedText kAckCheckText{"Age 10 years is under the label's 18 years",
                                  "年龄10岁，低于说明书规定的18岁"};
const LocalizedText kAcknowledgement{
    "Adult-only label used for a 10-year-old: acknowledged with --acknowledge-off-label",
    "仅限成人的说明书用于10岁儿童：已用 --acknowledge-off-label 知情确认"};

PlanRequest request() {
  PlanRequest q;
  q.regimen_id = "test-taper";
  q.weight = kilograms(50);
  q.start = parse_date("2026-01-31");
  return q;
}

// What make_plan will add to a plan outside the regimen's limits.
void judge(Plan& plan) {
  PatientCheck warn;
  warn.id = "kidney_function";
  warn.rule_id = "kidney-egfr-below-30";
  warn.action = PatientCheck::Action::warn;
  warn.text = kWarnText;
  warn.from.source_id = "test-src";
  PatientCheck acknowledged;
  acknowledged.id = "population.age";
  acknowledged.action = PatientCheck::Action::acknowledged;
  acknowledged.text = kAckCheckText;
  acknowledged.from.project_default = true;
  acknowledged.from.reason = {"no source gives a lower age", "没有来源给出更低的年龄"};
  plan.checks = {warn, acknowledged};
  plan.acknowledgements = {kAcknowledgement};
  // A child: the bedside Schwartz eGFR instead of the adult equations.
  plan.age_years = 10;
  plan.height = centimetres(140);
  plan.creatinine = umol_per_L(53.04);  // 0.6 mg/dL: 0.413 x 140 / 0.6 = 96.4
  plan.egfr.reset();
  plan.crcl.reset();
  plan.egfr_schwartz = mL_per_min(0.413 * 140 / 0.6);
}

Plan judged_plan() {
  Plan plan = make_plan(test_rules(), request());
  REQUIRE(plan.checks.empty());
  judge(plan);
  return plan;
}

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// The exit code and standard output of a shell command.
struct Run {
  int code = -1;
  std::string out;
};
Run run(const std::string& command) {
  Run r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A file of this process under the temporary directory, removed at the end of the scope.
struct TempFile {
  explicit TempFile(const std::string& name, const std::string& content)
      : path((std::getenv("TMPDIR") ? std::string(std::getenv("TMPDIR")) : std::string("/tmp")) +
             "/doseplan-checks-" + std::to_string(getpid()) + "-" + name) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    REQUIRE(out.good());
  }
  ~TempFile() { std::remove(path.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  std::string path;
};

std::string source_dir() {
  return std::string(DOSEPLAN_REAL_RULES_DIR) + "/..";
}

// ICS text: lines unfolded, TEXT escapes undone.
std::string unfold(std::string ics) {
  std::string out;
  for (std::size_t i = 0; i < ics.size(); ++i) {
    if (ics.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    if (ics[i] == '\\' && i + 1 < ics.size()) {
      const char c = ics[++i];
      out += c == 'n' ? '\n' : c;
      continue;
    }
    out += ics[i];
  }
  return out;
}

}  // namespace

// ------------------------------------------------------------------------------- text

TEST_CASE("checks (text): first, before the patient, each marked, with its source", "[checks]") {
  const Plan plan = judged_plan();
  const std::string en = render_text(plan, false, Lang::en);
  const auto checks = en.find("CHECKS ABOUT THE PATIENT");
  REQUIRE(checks != std::string::npos);
  CHECK(checks < en.find("\nPATIENT\n"));
  CHECK(has(en, "  ! [warning] " + kWarnText.en + " [source test-src]\n"));
  CHECK(has(en, "  ! [acknowledged by the user] " + kAckCheckText.en + " [project default]\n"));
  const auto ack = en.find("ACKNOWLEDGED BY THE USER (--acknowledge-off-label)\n  ! " +
                           kAcknowledgement.en + "\n");
  CHECK(ack != std::string::npos);
  CHECK(ack < en.find("\nPATIENT\n"));
  CHECK(has(en, "96 mL/min/1.73 m² (bedside Schwartz, children)"));
  CHECK_FALSE(has(en, "CKD-EPI"));

  const std::string zh = render_text(plan, false, Lang::zh_CN);
  CHECK(zh.find("患者情况核查") < zh.find("患者\n"));
  CHECK(has(zh, "  ! [警告] " + kWarnText.zh));
  CHECK(has(zh, "  ! [使用者已知情确认] " + kAckCheckText.zh));
  CHECK(has(zh, "使用者已知情确认（--acknowledge-off-label）\n  ! " + kAcknowledgement.zh));
  CHECK(has(zh, "96 mL/min/1.73 m²（床旁 Schwartz 公式，适用于儿童）"));
  for (const char* english : {"CHECKS", "warning", "acknowledged", "ACKNOWLEDGED", "children"})
    CHECK_FALSE(has(zh, english));
}

TEST_CASE("checks (text): the source's reduction is said as not applied; none, no section",
          "[checks]") {
  Plan plan = make_plan(test_rules(), request());
  const std::string none = render_text(plan);
  CHECK_FALSE(has(none, "CHECKS ABOUT THE PATIENT"));
  CHECK_FALSE(has(none, "ACKNOWLEDGED"));
  plan.checks.push_back({"kidney_function",
                         "",
                         PatientCheck::Action::reduce,
                         {"CrCl 40 mL/min: the label halves the dose", "肌酐清除率40：说明书减半"},
                         {"test-src", false, {}, false, {}}});
  CHECK(has(render_text(plan), "  ! [the source's reduction, not applied] CrCl 40"));
  CHECK(
      has(render_text(plan, false, Lang::zh_CN), "  ! [来源中的减量，本计划未采用] 肌酐清除率40"));
}

TEST_CASE("checks (text): the body-size formulas say whom they hold for", "[checks]") {
  Plan plan = make_plan(test_rules(), request());
  plan.ideal_weight = kilograms(57);
  plan.adjusted_weight = kilograms(54);
  plan.egfr = mL_per_min(63);
  plan.crcl = mL_per_min(70);
  const std::string en = render_text(plan);
  CHECK(has(en, "57 kg (Devine, adults)"));
  CHECK(has(en, "63 mL/min/1.73 m² (CKD-EPI 2021, adults)"));
  CHECK(has(en, "70 mL/min (Cockcroft–Gault, adults)"));
  const std::string zh = render_text(plan, false, Lang::zh_CN);
  CHECK(has(zh, "（CKD-EPI 2021 公式，适用于成人）"));
  CHECK(has(zh, "（Cockcroft–Gault 公式，适用于成人）"));
  CHECK(has(zh, "（Devine 公式，适用于成人）"));
}

// ------------------------------------------------------------------------------- HTML

TEST_CASE("checks (HTML): on page one before everything, escaped; acknowledgements in the footer",
          "[checks]") {
  const Plan plan = judged_plan();
  for (const Lang lang : {Lang::en, Lang::zh_CN}) {
    const bool zh = lang == Lang::zh_CN;
    INFO((zh ? "zh-CN" : "en"));
    const std::string html = render_html(plan, lang);
    const auto section = html.find("<section class=\"checks\">");
    REQUIRE(section != std::string::npos);
    CHECK(section < html.find("<div class=\"facts\">"));
    CHECK(section < html.find("<section class=\"pill-card\">"));
    CHECK(has(html, "<li data-check=\"kidney_function\" data-action=\"warn\">"));
    CHECK(has(html, "<li data-check=\"population.age\" data-action=\"acknowledged\">"));
    CHECK(has(html, zh ? "[警告]" : "[warning]"));
    CHECK(has(html, zh ? "[使用者已知情确认]" : "[acknowledged by the user]"));
    if (!zh) {
      CHECK(has(html, "is below 30 &lt;renal&gt; &amp; co"));
      CHECK_FALSE(has(html, "<renal>"));
    }
    // The acknowledgement on page one and in the footer, repeated on every printed page.
    const std::string ack = zh ? kAcknowledgement.zh : kAcknowledgement.en;
    const auto first = html.find(ack);
    REQUIRE(first != std::string::npos);
    CHECK(first < html.find("<div class=\"facts\">"));
    const auto footer = html.find("<footer class=\"print-footer\">");
    REQUIRE(footer != std::string::npos);
    CHECK(html.find(ack, footer) < html.find("</footer>", footer));
    CHECK(html.find(ack, footer) < html.find(zh ? "免责声明" : "Disclaimer:", footer));
    // The room kept for the taller footer on every printed page.
    CHECK(has(html, "<div class=\"footer-space\" style=\"height: 26mm\">"));
    CHECK(has(html, zh ? "96 mL/min/1.73 m²（床旁 Schwartz 公式，适用于儿童）"
                       : "96 mL/min/1.73 m² (bedside Schwartz, children)"));
  }
  const std::string plain = render_html(make_plan(test_rules(), request()));
  CHECK_FALSE(has(plain, "<section class=\"checks\">"));
  CHECK(has(plain, "<div class=\"footer-space\"></div>"));
}

// ------------------------------------------------------------------------------- PDF

TEST_CASE("checks (PDF): the checks on page one, the acknowledgement on every page", "[checks]") {
  const Plan plan = judged_plan();
  for (const Lang lang : {Lang::en, Lang::zh_CN}) {
    const bool zh = lang == Lang::zh_CN;
    INFO((zh ? "zh-CN" : "en"));
    const TempFile pdf(zh ? "zh.pdf" : "en.pdf", render_pdf(plan, lang));
    const Run info = run("pdfinfo " + pdf.path);
    REQUIRE(info.code == 0);
    const auto at = info.out.find("Pages:");
    REQUIRE(at != std::string::npos);
    const int pages = std::atoi(info.out.c_str() + at + 6);
    REQUIRE(pages >= 3);
    // pdftotext breaks lines where the PDF does, and joins a line that ends in a hyphen to the
    // next without it ("--acknowledge-" / "off-label"): compare without white space and hyphens.
    const auto squeeze = [](std::string s) {
      std::string out;
      for (const char c : s)
        if (c != ' ' && c != '\n' && c != '\f' && c != '-') out += c;
      return out;
    };
    const std::string ack = squeeze(zh ? kAcknowledgement.zh : kAcknowledgement.en);
    for (int page = 1; page <= pages; ++page) {
      INFO("page " << page);
      const Run text = run("pdftotext -q -enc UTF-8 -f " + std::to_string(page) + " -l " +
                           std::to_string(page) + " " + pdf.path + " -");
      REQUIRE(text.code == 0);
      const std::string t = squeeze(text.out);
      CHECK(has(t, ack));
      CHECK(has(t, squeeze(zh ? "使用者已知情确认（--acknowledge-off-label）："
                              : "Acknowledged by the user (--acknowledge-off-label):")));
      if (page == 1) {
        CHECK(has(t, squeeze(zh ? "患者情况核查" : "Checks about the patient")));
        CHECK(has(t, squeeze(zh ? kWarnText.zh : kWarnText.en)));
        CHECK(has(t, squeeze(zh ? kAckCheckText.zh : kAckCheckText.en)));
        CHECK(has(t, squeeze(zh ? "[警告]" : "[warning]")));
        CHECK(has(t, squeeze(zh ? "[使用者已知情确认]" : "[acknowledged by the user]")));
        CHECK(has(t, squeeze(zh ? "96 mL/min/1.73 m²（床旁 Schwartz 公式，适用于儿童）"
                                : "96 mL/min/1.73 m² (bedside Schwartz, children)")));
      } else {
        CHECK_FALSE(has(t, squeeze(zh ? kWarnText.zh : kWarnText.en)));
      }
    }
  }
}

// ------------------------------------------------------------------------------- JSON

TEST_CASE("checks (JSON): the checks, the acknowledgements and the Schwartz eGFR", "[checks]") {
  const Plan plan = judged_plan();
  const std::string text = render_json(plan);
  const json j = json::parse(text);
  REQUIRE(j.at("checks").size() == 2);
  const json& warn = j["checks"][0];
  CHECK(warn == json{{"id", "kidney_function"},
                     {"rule", "kidney-egfr-below-30"},
                     {"action", "warn"},
                     {"en", kWarnText.en},
                     {"zh-CN", kWarnText.zh},
                     {"from", {{"source", "test-src"}}}});
  const json& acknowledged = j["checks"][1];
  CHECK_FALSE(acknowledged.contains("rule"));  // no rule made it
  CHECK(acknowledged.at("action") == "acknowledged");
  CHECK(acknowledged.at("from").at("project_default") == true);
  CHECK(j.at("acknowledgements") ==
        json::array({{{"en", kAcknowledgement.en}, {"zh-CN", kAcknowledgement.zh}}}));
  CHECK(j.at("patient").at("egfr_bedside_schwartz") ==
        json{{"value", 96.366667}, {"unit", "mL/min/{1.73_m2}"}});
  CHECK_FALSE(j.at("patient").contains("egfr_ckd_epi_2021"));
  // Always there, empty when the plan has none: "nothing outside a limit".
  const json plain = json::parse(render_json(make_plan(test_rules(), request())));
  CHECK(plain.at("checks") == json::array());
  CHECK(plain.at("acknowledgements") == json::array());
  // Right after the advisories.
  CHECK(text.find("\"advisories\"") < text.find("\"checks\""));
  CHECK(text.find("\"checks\"") < text.find("\"acknowledgements\""));
  CHECK(text.find("\"acknowledgements\"") < text.find("\"lab_rules\""));
}

TEST_CASE("checks (JSON): valid against docs/plan.schema.json", "[checks]") {
  const TempFile plan("plan.json", render_json(judged_plan()));
  const std::string schema = source_dir() + "/docs/plan.schema.json";
  const std::string script =
      "import json, os, sys, jsonschema\n"
      "schema = json.load(open(sys.argv[1]))\n"
      "plan = json.load(open(sys.argv[2]))\n"
      "# /request refers to request.schema.json, beside plan.schema.json\n"
      "req = json.load(open(os.path.join(os.path.dirname(sys.argv[1]), 'request.schema.json')))\n"
      "resolver = jsonschema.RefResolver.from_schema(schema, store={req['$id']: req})\n"
      "v = jsonschema.Draft202012Validator(schema, resolver=resolver)\n"
      "errors = [e.message[:200] for e in v.iter_errors(plan)]\n"
      "bad = json.loads(json.dumps(plan))\n"
      "bad['checks'][0]['action'] = 'ignore'\n"
      "errors += ['an unknown action accepted'] if v.is_valid(bad) else []\n"
      "bad = json.loads(json.dumps(plan))\n"
      "del bad['checks'][1]['zh-CN']\n"
      "errors += ['a check without zh-CN accepted'] if v.is_valid(bad) else []\n"
      "bad = json.loads(json.dumps(plan))\n"
      "bad['patient']['egfr_ckd_epi_2021'] = bad['patient']['egfr_bedside_schwartz']\n"
      "bad['patient']['crcl_cockcroft_gault'] = {'value': 1, 'unit': 'mL/min'}\n"
      "errors += ['adult and child eGFR together accepted'] if v.is_valid(bad) else []\n"
      "bad = json.loads(json.dumps(plan))\n"
      "del bad['acknowledgements']\n"
      "errors += ['no acknowledgements accepted'] if v.is_valid(bad) else []\n"
      "print('\\n'.join(errors))\n"
      "sys.exit(1 if errors else 0)\n";
  const TempFile py("schema.py", script);
  const Run r = run("/usr/bin/python3 " + py.path + " " + schema + " " + plan.path);
  INFO(r.out);
  CHECK(r.code == 0);
}

// ------------------------------------------------------------------------------- request

namespace {

// test-taper, 50 kg from 2026-01-31, with choices: 6 mg/kg/d three times a day, six weeks of
// induction, a woman.
PlanRequest chosen_request() {
  PlanRequest q = request();
  q.dose = parse_dose("6 mg/kg/d", "dose");
  q.doses_per_day = 3;
  q.phase_durations["induction"] = parse_span("6 weeks");
  q.sex = Sex::female;
  return q;
}

// The request as write_plan_request writes it: keys in alphabetical order, quantities in kg and
// mg/kg/d, written by hand.
constexpr const char* kChosenRequest =
    R"({"dose":"6 mg/kg/d","doses_per_day":3,"phase_durations":{"induction":"6 weeks"},)"
    R"("regimen":"test-taper","sex":"female","start":"2026-01-31","weight":"50 kg"})";

}  // namespace

TEST_CASE("request (JSON): the plan carries its request as write_plan_request writes it",
          "[request]") {
  const Plan plan = make_plan(test_rules(), chosen_request());
  CHECK(write_plan_request(chosen_request()) == kChosenRequest);
  // On one line (batch): the very bytes, between the disclaimer and the regimen.
  const std::string line = render_json(plan, -1);
  CHECK(has(line, std::string("},\"request\":") + kChosenRequest + ",\"regimen\":{"));
  // Indented: the same members, laid out as the rest of the plan.
  const std::string text = render_json(plan);
  CHECK(has(text, "\n  \"request\": {\n    \"dose\": \"6 mg/kg/d\",\n"));
  CHECK(has(text, "\n      \"induction\": \"6 weeks\"\n    },\n"));
  CHECK(has(text, "\n    \"weight\": \"50 kg\"\n  },\n  \"regimen\": {"));
  CHECK(json::parse(text).at("request") == json::parse(kChosenRequest));
  // Only what was given: the regimen's defaults are not written in.
  CHECK(json::parse(render_json(make_plan(test_rules(), request()))).at("request") ==
        json{{"regimen", "test-taper"}, {"start", "2026-01-31"}, {"weight", "50 kg"}});
}

TEST_CASE("request (tracker): a JSON plan is read back from its request, and must be its plan",
          "[request][tracker]") {
  const std::string text = render_json(make_plan(test_rules(), chosen_request()));
  // Round trip: the request, every choice kept.
  CHECK(write_plan_request(request_from_plan_json(test_rules(), text, "plan.json")) ==
        kChosenRequest);

  // A dose changed by hand: 6 mg/kg/d x 50 kg = 300 mg a day in the induction.
  json tampered = json::parse(text);
  REQUIRE(tampered.at("phases").at(0).at("id") == "induction");
  REQUIRE(tampered["phases"][0]["dose"]["exact_daily"]["value"] == 300.0);
  tampered["phases"][0]["dose"]["rounded_daily"]["value"] = 250.0;
  Problem p = testing::problem_of(
      [&] { request_from_plan_json(test_rules(), tampered.dump(), "plan.json"); });
  CHECK(p.id == "tracker.plan_not_rebuilt");
  CHECK(p.where == "plan.json");
  CHECK(has(p.message, "first difference at /phases/0/dose/rounded_daily/value"));

  // A request changed by hand (60 kg): the plan in the file is not the plan it makes.
  json other = json::parse(text);
  other["request"]["weight"] = "60 kg";
  p = testing::problem_of([&] { request_from_plan_json(test_rules(), other.dump(), "plan.json"); });
  CHECK(p.id == "tracker.plan_not_rebuilt");
  CHECK(has(p.message, "first difference at /patient/weight/value"));

  // Written before plans carried their request: refused, naming the member and the remedy.
  json older = json::parse(text);
  older.erase("request");
  p = testing::problem_of([&] { request_from_plan_json(test_rules(), older.dump(), "old.json"); });
  CHECK(p.id == "tracker.plan_without_request");
  CHECK(p.where == "old.json");
  CHECK(has(p.message, "no \"request\" member"));
  CHECK(has(p.message, "make the plan again with this version"));
  CHECK(error_meaning("tracker.plan_without_request") ==
        "The plan file does not carry its request: make the plan again with this version.");

  // A request that is not one: read as a request file, the problem at its member.
  json unknown = json::parse(text);
  unknown["request"]["colour"] = "blue";
  p = testing::problem_of(
      [&] { request_from_plan_json(test_rules(), unknown.dump(), "plan.json"); });
  CHECK(p.id == "request.unknown_field");
  CHECK(p.where == "plan.json:/request:/colour");
}

// ------------------------------------------------------------------------------- FHIR

TEST_CASE("checks (FHIR): a DetectedIssue per check, notes, and a valid Bundle", "[checks]") {
  const Plan plan = judged_plan();
  const std::string bundle = render_fhir(plan);
  const json b = json::parse(bundle);
  std::vector<json> issues, requests;
  json care_plan;
  for (const json& e : b.at("entry")) {
    const json& r = e.at("resource");
    if (r.at("resourceType") == "DetectedIssue") issues.push_back(e);
    if (r.at("resourceType") == "MedicationRequest") requests.push_back(e);
    if (r.at("resourceType") == "CarePlan") care_plan = r;
  }
  REQUIRE(issues.size() == 2);
  REQUIRE(!requests.empty());
  const json& warn = issues[0].at("resource");
  CHECK(warn.at("status") == "final");
  CHECK(warn.at("severity") == "moderate");
  CHECK(warn.at("code").at("text") == "kidney_function");
  CHECK(has(warn.at("detail").get<std::string>(), kWarnText.en));
  CHECK(has(warn.at("detail").get<std::string>(), kWarnText.zh));
  CHECK(has(warn.at("detail").get<std::string>(), "[source test-src]"));
  const json& acknowledged = issues[1].at("resource");
  CHECK(acknowledged.at("severity") == "high");
  CHECK(acknowledged.at("code").at("text") == "population.age");
  CHECK(has(acknowledged.at("detail").get<std::string>(), "[project default: "));
  // Each issue implicates every MedicationRequest, and every MedicationRequest names the issues.
  for (const json& issue : issues) {
    CHECK(issue.at("resource").at("implicated").size() == requests.size());
    CHECK(issue.at("resource").at("patient") == requests[0].at("resource").at("subject"));
  }
  for (std::size_t i = 0; i < requests.size(); ++i) {
    CHECK(issues[0].at("resource").at("implicated")[i].at("reference") ==
          requests[i].at("fullUrl"));
    const json& named = requests[i].at("resource").at("detectedIssue");
    REQUIRE(named.size() == 2);
    CHECK(named[0].at("reference") == issues[0].at("fullUrl"));
    CHECK(named[1].at("reference") == issues[1].at("fullUrl"));
  }
  std::string notes;
  for (const json& n : care_plan.at("note")) notes += n.at("text").get<std::string>() + "\n";
  CHECK(has(notes, "Acknowledged by the user (--acknowledge-off-label): " + kAcknowledgement.en +
                       " " + kAcknowledgement.zh));
  CHECK(has(notes, "Check about the patient (kidney_function), warning / 警告: " + kWarnText.en));
  CHECK(has(notes, "acknowledged by the user / 使用者已知情确认: " + kAckCheckText.en));
  // No check, no DetectedIssue and no detectedIssue.
  const std::string plain = render_fhir(make_plan(test_rules(), request()));
  CHECK_FALSE(has(plain, "DetectedIssue"));
  CHECK_FALSE(has(plain, "detectedIssue"));

  const std::string validator = source_dir() + "/tests/render/fhir/validate.js";
  const std::string modules = source_dir() + "/tests/render/fhir/node_modules/fhir";
  REQUIRE(run("test -d " + modules).code == 0);  // installed by scripts/setup.sh
  const TempFile file("bundle.json", bundle);
  const Run r = run("node " + validator + " " + file.path);
  INFO(r.out);
  CHECK(r.code == 0);
}

// ------------------------------------------------------------------------------- CSV and ICS

TEST_CASE("checks (CSV): rows of kind check and acknowledgement, first", "[checks]") {
  const Plan plan = judged_plan();
  const std::string en = render_csv(plan);
  INFO(en.substr(0, 600));
  CHECK(en.rfind("\xEF\xBB\xBFkind,date,slot,", 0) == 0);  // the UTF-8 BOM (docs/csv.md)
  const auto header_end = en.find("\r\n") + 2;
  CHECK(en.compare(header_end, 26, "check,,,,,,,,,,,[warning] ") == 0);
  CHECK(has(en, "[warning] " + kWarnText.en + ",source test-src,,\r\n"));
  CHECK(has(en, "[acknowledged by the user] " + kAckCheckText.en));
  CHECK(has(en, "acknowledgement,,,,,,,,,,,Acknowledged by the user (--acknowledge-off-label): " +
                    kAcknowledgement.en + ",,,\r\n"));
  CHECK(en.find("acknowledgement,") < en.find("\r\ndose,"));
  const std::string zh = render_csv(plan, Lang::zh_CN);
  CHECK(has(zh, "[警告] " + kWarnText.zh));
  CHECK(has(zh, "使用者已知情确认（--acknowledge-off-label）： " + kAcknowledgement.zh));
}

TEST_CASE("checks (ICS): in the calendar's description; acknowledgements in every event",
          "[checks]") {
  const Plan plan = judged_plan();
  for (const Lang lang : {Lang::en, Lang::zh_CN}) {
    const bool zh = lang == Lang::zh_CN;
    INFO((zh ? "zh-CN" : "en"));
    IcsOptions options;
    options.lang = lang;
    const std::string ics = unfold(render_ics(plan, options));
    const auto caldesc = ics.find("X-WR-CALDESC:");
    REQUIRE(caldesc != std::string::npos);
    const std::string description = ics.substr(caldesc, ics.find("\r\n", caldesc) - caldesc);
    CHECK(has(description, zh ? "患者情况核查" : "Checks about the patient"));
    CHECK(has(description, zh ? "- [警告] " + kWarnText.zh + " (来源 test-src)"
                              : "- [warning] " + kWarnText.en + " (source test-src)"));
    CHECK(has(description, zh ? kAckCheckText.zh : kAckCheckText.en));
    const std::string ack = zh ? kAcknowledgement.zh : kAcknowledgement.en;
    CHECK(has(description, ack));
    std::size_t events = 0, with_ack = 0;
    for (auto at = ics.find("BEGIN:VEVENT"); at != std::string::npos;
         at = ics.find("BEGIN:VEVENT", at + 1)) {
      ++events;
      const auto end = ics.find("END:VEVENT", at);
      const auto found = ics.find(ack, at);
      if (found < end) ++with_ack;
    }
    CHECK(events == plan.visits.size());
    CHECK(with_ack == events);
  }
}

// ------------------------------------------------------------------------------- tracker

TEST_CASE("checks (tracker): read back from a stored JSON plan; older plans have none",
          "[checks][tracker]") {
  const Plan plan = judged_plan();
  const PlanChecks read = checks_of_plan_json(render_json(plan), "plan.json");
  CHECK(read.checks == plan.checks);
  CHECK(read.acknowledgements == plan.acknowledgements);

  // A plan written before plans carried checks: none, and it is still the plan make_plan makes.
  const Plan made = make_plan(test_rules(), request());
  json older = json::parse(render_json(made));
  older.erase("checks");
  older.erase("acknowledgements");
  const PlanChecks none = checks_of_plan_json(older.dump(), "old.json");
  CHECK(none.checks.empty());
  CHECK(none.acknowledgements.empty());
  CHECK(request_from_plan_json(test_rules(), older.dump(), "old.json").regimen_id == "test-taper");
  // A plan with checks its request does not make is not the same plan.
  CHECK(testing::problem_of([&] {
          request_from_plan_json(test_rules(), render_json(plan), "judged.json");
        }).id == "tracker.plan_not_rebuilt");

  json bad = json::parse(render_json(plan));
  bad["checks"][0]["action"] = "ignore";
  CHECK(testing::problem_of([&] { checks_of_plan_json(bad.dump(), "bad.json"); }).id ==
        "tracker.not_a_plan");
}
