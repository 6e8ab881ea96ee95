// Specification of the rules loader (doseplan/rules.hpp): what a rules file must say, and how every
// problem is reported with its file and JSON pointer. Uses the test-only rules in tests/data/rules.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "doseplan/rules.hpp"
#include "test_support.hpp"

using namespace doseplan;
using doseplan::testing::problems_of;
using doseplan::testing::slurp;
using doseplan::testing::test_rules_dir;
using json = nlohmann::json;

namespace {

json good_regimen() {
  return json::parse(slurp(test_rules_dir() + "/test-taper.json"));
}

std::vector<Problem> problems_in(const json& j) {
  return problems_of([&] { parse_regimen(j.dump(), "t.json"); });
}

// "where [id]" of each problem, for compact comparisons.
std::vector<std::string> places(const std::vector<Problem>& problems) {
  std::vector<std::string> out;
  for (const Problem& p : problems) out.push_back(p.where + " [" + p.id + "]");
  return out;
}

// "where [id]" of the one problem in `j`.
std::string only_problem(const json& j) {
  const auto problems = problems_in(j);
  REQUIRE(problems.size() == 1);
  return places(problems).front();
}

}  // namespace

TEST_CASE("the test rules directory loads with its regimen, products and tests") {
  const RuleSet rules = load_rules(test_rules_dir());
  REQUIRE(rules.regimens.size() == 3);  // sorted by id
  CHECK(rules.regimens[0].id == "test-cycles");
  CHECK(rules.products.size() == 4);
  CHECK(rules.labs.size() == 1);
  const Regimen& r = *rules.find_regimen("test-taper");
  CHECK(r.id == "test-taper");
  CHECK(dose_number(*r.dose.min) == 2);
  CHECK(dose_number(*r.dose.max) == 8);
  CHECK(std::holds_alternative<DoseRate>(*r.dose.min));
  CHECK(dose_number(r.dose.default_dose->value) == 4);
  CHECK(r.dose.default_dose->from.project_default);
  CHECK(r.dose.range_from.source_id == "test-src");
  REQUIRE(r.phases.size() == 3);
  CHECK(r.phases[0].default_duration.value == Span{6, Span::Unit::week});
  CHECK(r.phases[1].kind == PhaseRule::Kind::taper);
  CHECK(dose_number(r.phases[1].step->value) == 1);
  CHECK(dose_number(r.phases[2].level->value) == 2);
  REQUIRE(r.monitoring.size() == 1);
  REQUIRE(r.monitoring[0].intervals.size() == 2);
  CHECK(r.monitoring[0].intervals[0].length == Span{1, Span::Unit::month});
  CHECK_FALSE(r.monitoring[0].intervals[1].length.has_value());
  // Strengths are sorted; the smallest step of 10 and 25 mg capsules is their gcd, 5 mg.
  const Product* capsule = rules.find_product("test-capsule");
  REQUIRE(capsule);
  CHECK(in_mg(capsule->strengths.front()) == 10);
  CHECK(in_mg(capsule->smallest_step()) == 5);
  // 50 mg/mL measured to 0.2 mL: 10 mg.
  CHECK(in_mg(rules.find_product("test-solution")->smallest_step()) == Approx(10));
}

TEST_CASE("the shipped rules load without a problem") {
  const RuleSet rules = load_rules(doseplan::testing::real_rules_dir());
  CHECK(rules.find_regimen("cyclosporine-itp"));
  CHECK(rules.find_product("cyclosporine-modified-capsule"));
}

TEST_CASE("a JSON syntax error is reported with line and column") {
  const auto problems = problems_of([] { parse_regimen("{\n  \"id\": ,\n}", "bad.json"); });
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].id == "rules.syntax");
  // Line 2 is `  "id": ,`; the comma is its 9th character.
  CHECK(problems[0].where == "bad.json:2:9");
}

TEST_CASE("every problem in a file is reported at once, each with file and JSON pointer") {
  json j = good_regimen();
  j.erase("id");
  j["dose"]["doses_per_day"]["min"] = "two";
  j["dose"]["default"]["value"] = 9;  // range is 2-8
  j["dose"]["defualt"] = 1;           // misspelt key
  j["indication"].erase("zh");
  j["phases"][0]["duration"]["source"] = "nope";
  CHECK(places(problems_in(j)) == std::vector<std::string>{
                                      "t.json:/id [rules.missing_field]",
                                      "t.json:/indication/zh [rules.missing_language]",
                                      "t.json:/dose/default/value [rules.default_outside_range]",
                                      "t.json:/dose/doses_per_day/min [rules.wrong_type]",
                                      "t.json:/dose/defualt [rules.unknown_field]",
                                      "t.json:/phases/0/duration/source [rules.unknown_source]",
                                  });
}

TEST_CASE("a clinical number without a source or project default is refused") {
  json j = good_regimen();
  j["dose"]["range"].erase("source");
  CHECK(only_problem(j) == "t.json:/dose/range [rules.no_provenance]");

  j = good_regimen();
  j["dose"]["default"].erase("reason");
  CHECK(only_problem(j) == "t.json:/dose/default/reason [rules.no_provenance]");
}

TEST_CASE("a project default's reason and a note are needed in both languages") {
  json j = good_regimen();
  j["dose"]["default"]["reason"] = "English only";
  CHECK(only_problem(j) == "t.json:/dose/default/reason [rules.wrong_type]");

  j = good_regimen();
  j["dose"]["default"]["reason"] = {{"en", "English only"}};
  CHECK(only_problem(j) == "t.json:/dose/default/reason/zh [rules.missing_language]");

  j = good_regimen();
  j["dose"]["range"]["note"] = {{"zh", "只有中文"}};
  CHECK(only_problem(j) == "t.json:/dose/range/note/en [rules.missing_language]");
}

TEST_CASE("a dose range with min above max is refused") {
  json j = good_regimen();
  j["dose"]["range"]["min"] = 9;
  CHECK(only_problem(j) == "t.json:/dose/range [rules.range_order]");
}

TEST_CASE("a default duration outside the allowed durations is refused") {
  json j = good_regimen();
  j["phases"][0]["default_duration"]["value"] = "3 months";  // allowed 4-8 weeks
  CHECK(only_problem(j) == "t.json:/phases/0/default_duration/value [rules.default_outside_range]");
}

TEST_CASE("a duration that is not a span is refused") {
  json j = good_regimen();
  j["phases"][1]["every"]["value"] = "3 fortnights";
  CHECK(only_problem(j) == "t.json:/phases/1/every/value [rules.bad_value]");
}

TEST_CASE("a taper must lead to a fixed-dose phase") {
  json j = good_regimen();
  j["phases"].erase(2);
  CHECK(only_problem(j) == "t.json:/phases/1 [rules.phase_order]");
}

TEST_CASE("a dose in another unit than mg/kg/d is refused") {
  json j = good_regimen();
  j["phases"][2]["level"]["unit"] = "mg/kg/week";
  CHECK(only_problem(j) == "t.json:/phases/2/level/unit [rules.bad_unit]");
}

TEST_CASE("a taper must lead to a level in mg/kg/d") {
  json j = good_regimen();
  j["phases"][2]["level"]["unit"] = "mg/d";
  CHECK(only_problem(j) == "t.json:/phases/2/level/unit [rules.bad_unit]");
}

TEST_CASE("only the last monitoring interval may run to the end of the course") {
  json j = good_regimen();
  j["monitoring"]["items"][0]["intervals"][0].erase("for");
  CHECK(only_problem(j) == "t.json:/monitoring/items/0/intervals/0/for [rules.bad_value]");
}

TEST_CASE("a regimen whose id does not match its file name is refused") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("doseplan-rules-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* f : {"products.json", "labs.json", "sources.json", "catalogue.json"})
    fs::copy_file(test_rules_dir() + "/" + f, dir / f);
  fs::copy_file(test_rules_dir() + "/test-taper.json", dir / "renamed.json");
  fs::copy_file(test_rules_dir() + "/test-cycles.json", dir / "test-cycles.json");
  const auto problems = problems_of([&] { load_rules(dir.string()); });
  fs::remove_all(dir);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].id == "rules.id_mismatch");
  CHECK(problems[0].where == (dir / "renamed.json").string() + ":/id");
}

namespace {

RuleSet rule_set_with_products(const std::vector<std::string>& product_ids) {
  RuleSet rules = load_rules(test_rules_dir());
  rules.regimens = {*rules.find_regimen("test-taper")};
  rules.regimens.front().products = product_ids;
  return rules;
}

Product cyclosporine(const std::string& id, const std::string& variant) {
  Product p;
  p.id = id;
  p.drug = "cyclosporine";
  p.variant = variant;
  p.strengths = {milligrams(25)};
  return p;
}

}  // namespace

TEST_CASE("a regimen naming an unknown product or test is refused") {
  RuleSet rules = rule_set_with_products({"test-capsule", "no-such-product"});
  rules.regimens.front().monitoring.front().tests.push_back("no-such-test");
  LabRule rule;
  rule.test = "no-such-lab";
  rules.regimens.front().lab_rules.push_back(rule);
  const auto problems = check_rule_set(rules);
  REQUIRE(problems.size() == 3);
  CHECK(problems[2].id == "rules.unknown_test");
  CHECK(problems[2].where == rules.regimens.front().file + ":/monitoring/items/0/tests/1");
  CHECK(problems[1].where == rules.regimens.front().file + ":/lab_rules/0/test");
  CHECK(problems[0].id == "rules.unknown_product");
  CHECK(problems[0].where == rules.regimens.front().file + ":/products/1");
}

TEST_CASE("modified and non-modified cyclosporine are never listed in one regimen") {
  RuleSet rules = rule_set_with_products({"csa-mod", "csa-nonmod"});
  rules.regimens.front().drug.id = "cyclosporine";
  rules.products.push_back(cyclosporine("csa-mod", "modified"));
  rules.products.push_back(cyclosporine("csa-nonmod", "non-modified"));
  const auto problems = check_rule_set(rules);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].id == "rules.mixed_cyclosporine");
  CHECK_THAT(problems[0].message, Catch::Matchers::Contains("not interchangeable"));
}

TEST_CASE("a product of another drug is refused") {
  RuleSet rules = rule_set_with_products({"csa-mod"});
  rules.products.push_back(cyclosporine("csa-mod", "modified"));
  const auto problems = check_rule_set(rules);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].id == "rules.product_drug_mismatch");
}

TEST_CASE("the rules directory is found in the documented order") {
  const std::string dir = test_rules_dir();
  CHECK(find_rules_dir(dir, "/nonexistent") == dir);           // --rules wins
  CHECK(find_rules_dir(std::nullopt, dir.c_str()) == dir);     // then $DOSEPLAN_RULES
  CHECK_FALSE(find_rules_dir(std::nullopt, nullptr).empty());  // then installed / source tree
  const auto problems = problems_of([] { find_rules_dir(std::string("/nonexistent"), nullptr); });
  CHECK(problems.at(0).id == "rules.not_found");
}

TEST_CASE("a product without strengths or with a zero measuring step is refused") {
  json j = json::parse(slurp(test_rules_dir() + "/products.json"));
  j["products"][0]["strengths_mg"] = json::array();
  j["products"][1]["volume_step_mL"]["value"] = 0;
  j["products"][1]["volume_step_mL"]["source"] = "nope";
  j["products"][1]["volume_step_mL"].erase("project_default");
  j["products"][1]["volume_step_mL"].erase("reason");
  const auto problems = problems_of([&] { parse_products(j.dump(), "p.json"); });
  CHECK(places(problems) == std::vector<std::string>{
                                "p.json:/products/0/strengths_mg [rules.bad_value]",
                                "p.json:/products/1/volume_step_mL/value [rules.bad_value]",
                                "p.json:/products/1/volume_step_mL/source [rules.unknown_source]",
                            });
}

TEST_CASE("a test's English name writes look-alike drug names in Tall Man letters") {
  // Issue 20, item 12: the names of tests are shown in every output, as are those of monitoring
  // items (tests/data/bad/tall_man_item.json), products and drugs.
  json j = json::parse(slurp(test_rules_dir() + "/labs.json"));
  j["tests"][0]["name"]["en"] = "Rituximab level";
  const auto problems = problems_of([&] { parse_labs(j.dump(), "l.json"); });
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].to_string() ==
        "l.json:/tests/0/name/en: write \"riTUXimab level\" (Tall Man letters, FDA/ISMP), not "
        "\"Rituximab level\" [rules.tall_man]");
}

TEST_CASE("products and labs files must be of the format version this doseplan reads") {
  json j = json::parse(slurp(test_rules_dir() + "/labs.json"));
  j["format_version"] = 2;
  const auto problems = problems_of([&] { parse_labs(j.dump(), "l.json"); });
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].id == "rules.format_version");
  CHECK(problems[0].message == "this doseplan reads format version 1, found 2");
}

TEST_CASE("each bad file in tests/data/bad gives exactly its expected problems") {
  // One file per check of the loader, made by tests/data/bad/make_bad_files.py with the expected
  // messages written by hand beside each.
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(DOSEPLAN_TEST_DATA_DIR) / "bad";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    const std::string name = entry.path().filename().string();
    CAPTURE(name);
    std::vector<std::string> expected;
    std::istringstream lines(slurp(fs::path(entry.path()).replace_extension(".expected").string()));
    for (std::string line; std::getline(lines, line);) expected.push_back(line);
    std::vector<std::string> actual;
    for (const Problem& p : problems_of([&] { parse_regimen(slurp(entry.path().string()), name); }))
      actual.push_back(p.to_string());
    CHECK(actual == expected);
  }
  CHECK(files >= 18);
}

TEST_CASE("a default number of doses a day needs its allowed range") {
  json j = good_regimen();
  j["dose"].erase("doses_per_day");
  CHECK(only_problem(j) == "t.json:/dose/doses_per_day [rules.missing_field]");
}

TEST_CASE("a whole number too large to hold is refused, not wrapped") {
  json j = good_regimen();
  j["monitoring"]["items"][0]["baseline_occasions"]["value"] = 4294967298LL;
  CHECK(only_problem(j) == "t.json:/monitoring/items/0/baseline_occasions/value [rules.bad_value]");
}

TEST_CASE("cycle doses are given once, and stop at the largest count") {
  json j = json::parse(slurp(test_rules_dir() + "/test-cycles.json"));
  j["phases"][0]["doses"][1]["to_cycle"] = 5;  // at most 3 cycles
  j["phases"][0]["doses"][0]["unit"] = "mg/kg/d";
  CHECK(places(problems_in(j)) ==
        std::vector<std::string>{"t.json:/phases/0/doses [rules.bad_value]",
                                 "t.json:/phases/0/doses/0/unit [rules.bad_unit]"});
}

TEST_CASE("a lab rule's unit must be one of its test's units") {
  RuleSet rules = rule_set_with_products({"test-capsule"});
  LabRule rule;
  rule.test = "creatinine";  // umol/L or mg/dL in tests/data/rules/labs.json
  rule.unit = "mmol/L";
  rules.regimens.front().lab_rules.push_back(rule);
  const auto problems = check_rule_set(rules);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].where == rules.regimens.front().file + ":/lab_rules/0/condition/unit");
  CHECK(problems[0].message ==
        "\"mmol/L\" is not a unit of creatinine in labs.json (umol/L, mg/dL)");
}

TEST_CASE("rounding tolerance and policy, and maxima, are read with their checks") {
  json j = good_regimen();
  j["dose"]["rounding"]["tolerance_percent"] = 10;
  j["dose"]["rounding"]["policy"] = "refuse";
  j["dose"]["max_per_dose"] = {{"value", 500}, {"unit", "mg"}, {"source", "test-src"}};
  const Regimen r = parse_regimen(j.dump(), "t.json");
  CHECK(*r.dose.rounding_tolerance_percent == 10);
  CHECK(r.dose.rounding_policy == DoseRule::RoundingPolicy::refuse);
  CHECK(in_mg(r.dose.max_per_dose->value) == 500);
  CHECK_FALSE(r.dose.max_per_day.has_value());
  j["dose"]["rounding"]["policy"] = "clamp";
  j["dose"]["max_per_dose"]["unit"] = "g";
  CHECK(places(problems_in(j)) ==
        std::vector<std::string>{"t.json:/dose/rounding/policy [rules.bad_value]",
                                 "t.json:/dose/max_per_dose/unit [rules.bad_unit]"});
}

TEST_CASE("a taper step may be in mg/d or in percent, but not in mg/m2") {
  json j = good_regimen();
  j["phases"][1]["step"] = {{"value", 20}, {"unit", "%"}, {"source", "test-src"}};
  const Regimen r = parse_regimen(j.dump(), "t.json");
  CHECK(r.phases[1].step_percent->value == 20);
  CHECK_FALSE(r.phases[1].step.has_value());
  j["phases"][1]["step"] = {{"value", 40}, {"unit", "mg/d"}, {"source", "test-src"}};
  CHECK(
      std::holds_alternative<DailyAmount>(parse_regimen(j.dump(), "t.json").phases[1].step->value));
  j["phases"][1]["step"] = {{"value", 100}, {"unit", "%"}, {"source", "test-src"}};
  CHECK(only_problem(j) == "t.json:/phases/1/step/value [rules.bad_value]");
  j["phases"][1]["step"] = {{"value", 40}, {"unit", "mg/m2"}, {"source", "test-src"}};
  CHECK(only_problem(j) == "t.json:/phases/1/step/unit [rules.bad_unit]");
}

TEST_CASE("regression (fuzz): a number JSON can not hold is a reported problem, not a crash") {
  const auto problems = problems_of([] { parse_regimen("{\"format_version\": 1e400}", "n.json"); });
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].id == "rules.syntax");
  CHECK(problems[0].where == "n.json");
  CHECK_THAT(problems[0].message, Catch::Matchers::Contains("number overflow"));
}

TEST_CASE("load_rules_for reads the one regimen a plan needs, with products and labs") {
  namespace fs = std::filesystem;
  // A copy of the test rules with a broken file of another regimen beside them.
  const fs::path dir =
      fs::temp_directory_path() / ("doseplan-load-for-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* name : {"labs.json", "products.json", "sources.json", "catalogue.json",
                           "test-taper.json", "test-cycles.json"}) {
    fs::copy_file(fs::path(DOSEPLAN_TEST_DATA_DIR) / "rules" / name, dir / name);
  }
  { std::ofstream(dir / "broken.json") << "{ \"id\": \"broken\", "; }
  const RuleSet rules = load_rules_for(dir.string(), "test-taper");
  REQUIRE(rules.regimens.size() == 1);
  CHECK(rules.regimens[0].id == "test-taper");
  CHECK_FALSE(rules.products.empty());
  CHECK_FALSE(rules.labs.empty());
  // The whole directory, or an id with no file of its own, still meets the broken file.
  CHECK_THROWS_WITH(load_rules(dir.string()), Catch::Contains("[rules.syntax]"));
  CHECK_THROWS_WITH(load_rules_for(dir.string(), "no-such-regimen"),
                    Catch::Contains("[rules.syntax]"));
  CHECK_THROWS_WITH(load_rules_for(dir.string(), "../rules/test-taper"),
                    Catch::Contains("[rules.syntax]"));
  // The requested file itself is checked as load_rules checks it.
  { std::ofstream(dir / "test-cycles.json") << "[]"; }
  CHECK_THROWS_WITH(load_rules_for(dir.string(), "test-cycles"),
                    Catch::Contains("test-cycles.json"));
  fs::remove_all(dir);
}

TEST_CASE(
    "patient limits: population actions, patient rules, body size and course are checked "
    "when the rules load") {
  const json msg = {{"en", "M."}, {"zh", "M。"}};
  SECTION("a well-formed set loads, limits converted to their types") {
    json j = good_regimen();
    j["population"] = {{"age_years",
                        {{"min", 18},
                         {"action", "refuse"},
                         {"acknowledge", true},
                         {"message", msg},
                         {"source", "test-src"}}}};
    j["patient_rules"] = json::array(
        {{{"id", "kidney"},
          {"when", json::array({{{"measure", "creatinine"}, {"at_least", 2}, {"unit", "mg/dL"}},
                                {{"measure", "age"}, {"above", 70}, {"unit", "years"}}})},
          {"action", "reduce"},
          {"message", msg},
          {"source", "test-src"}}});
    j["body_size"] = {{"above_ideal_percent", {{"value", 120}, {"source", "test-src"}}}};
    j["course"] = {
        {"max_length", {{"value", "12 months"}, {"message", msg}, {"source", "test-src"}}},
        {"taper_every", {{"min", "1 week"}, {"max", "4 weeks"}, {"source", "test-src"}}}};
    const Regimen r = parse_regimen(j.dump(), "t.json");
    REQUIRE(r.population.age_years);
    CHECK(r.population.age_years->action == LimitAction::refuse);
    CHECK(r.population.age_years->acknowledgeable);
    REQUIRE(r.patient_rules.size() == 1);
    CHECK(r.patient_rules[0].action == PatientRule::Action::reduce);
    CHECK(r.patient_rules[0].needs_kidney_function());
    // 2 mg/dL x 88.4 = 176.8 umol/L, converted when the rules load.
    CHECK(in_umol_per_L(r.patient_rules[0].when[0].creatinine) == Approx(176.8));
    CHECK(r.patient_rules[0].when[1].age_years == 70);
    CHECK(r.body_size->above_ideal_percent.value == 120);
    CHECK(r.course.max_length->value == Span{12, Span::Unit::month});
    CHECK(r.course.max_length_action == LimitAction::warn);
  }
  SECTION("a unit of another measure is refused") {
    json j = good_regimen();
    j["patient_rules"] = json::array(
        {{{"id", "k"},
          {"when", json::array({{{"measure", "egfr"}, {"below", 25}, {"unit", "mg/dL"}}})},
          {"action", "warn"},
          {"message", msg},
          {"source", "test-src"}}});
    CHECK(only_problem(j) == "t.json:/patient_rules/0/when/0/unit [rules.bad_unit]");
  }
  SECTION("two comparisons in one condition are refused") {
    json j = good_regimen();
    j["patient_rules"] = json::array(
        {{{"id", "k"},
          {"when",
           json::array(
               {{{"measure", "egfr"}, {"below", 25}, {"above", 10}, {"unit", "mL/min/1.73m2"}}})},
          {"action", "warn"},
          {"message", msg},
          {"source", "test-src"}}});
    CHECK(only_problem(j) == "t.json:/patient_rules/0/when/0 [rules.bad_value]");
  }
  SECTION("an unknown action and an unknown measure are refused") {
    json j = good_regimen();
    j["patient_rules"] = json::array(
        {{{"id", "k"},
          {"when", json::array({{{"measure", "bmi"}, {"below", 25}, {"unit", "kg/m2"}}})},
          {"action", "halve"},
          {"message", msg},
          {"source", "test-src"}}});
    CHECK(places(problems_in(j)) ==
          std::vector<std::string>{"t.json:/patient_rules/0/when/0/measure [rules.bad_value]",
                                   "t.json:/patient_rules/0/action [rules.bad_value]"});
  }
  SECTION("an acknowledgement on a limit that only warns is refused") {
    json j = good_regimen();
    j["population"] = {
        {"age_years",
         {{"min", 18}, {"acknowledge", true}, {"message", msg}, {"source", "test-src"}}}};
    CHECK(only_problem(j) == "t.json:/population/age_years/acknowledge [rules.bad_value]");
  }
  SECTION("a body-size threshold of 100% or less is refused") {
    json j = good_regimen();
    j["body_size"] = {{"above_ideal_percent", {{"value", 100}, {"source", "test-src"}}}};
    CHECK(only_problem(j) == "t.json:/body_size/above_ideal_percent/value [rules.bad_value]");
  }
  SECTION("taper interval limits in the wrong order are refused") {
    json j = good_regimen();
    j["course"] = {
        {"taper_every", {{"min", "4 weeks"}, {"max", "1 week"}, {"source", "test-src"}}}};
    CHECK(only_problem(j) == "t.json:/course/taper_every [rules.range_order]");
  }
}

TEST_CASE("a lab rule may need several readings in a row: 1 to 10, 1 when not given") {
  json j = good_regimen();
  j["lab_rules"] = json::array(
      {{{"id", "sbp"},
        {"test", "creatinine"},
        {"condition", {{"kind", "above"}, {"threshold", 140}, {"unit", "umol/L"}, {"readings", 2}}},
        {"action", "reduce_dose"},
        {"advice", {{"en", "Two readings."}, {"zh", "两次读数。"}}},
        {"source", "test-src"}},
       {{"id", "one"},
        {"test", "creatinine"},
        {"condition", {{"kind", "rise_over_baseline_percent"}, {"threshold", 25}}},
        {"action", "repeat_test"},
        {"advice", {{"en", "One."}, {"zh", "一次。"}}},
        {"source", "test-src"}}});
  const Regimen r = parse_regimen(j.dump(), "t.json");
  CHECK(r.lab_rules[0].readings == 2);
  CHECK(r.lab_rules[1].readings == 1);
  for (const json bad : {json(0), json(11), json(-2)}) {
    j["lab_rules"][0]["condition"]["readings"] = bad;
    CHECK(only_problem(j) == "t.json:/lab_rules/0/condition/readings [rules.bad_value]");
  }
  j["lab_rules"][0]["condition"]["readings"] = 2.0;  // a whole number is written 2
  CHECK(only_problem(j) == "t.json:/lab_rules/0/condition/readings [rules.wrong_type]");
}

TEST_CASE("the visit windows' provenance is read from monitoring, and needs a reason") {
  json j = good_regimen();
  CHECK_FALSE(parse_regimen(j.dump(), "t.json").visit_windows.has_value());
  j["monitoring"]["visit_windows"] = {{"project_default", true},
                                      {"reason", {{"en", "No source."}, {"zh", "没有来源。"}}}};
  const Regimen r = parse_regimen(j.dump(), "t.json");
  REQUIRE(r.visit_windows.has_value());
  CHECK(r.visit_windows->project_default);
  CHECK(r.visit_windows->reason.zh == "没有来源。");
  j["monitoring"]["visit_windows"] = json::object();
  CHECK(only_problem(j) == "t.json:/monitoring/visit_windows [rules.no_provenance]");
}

TEST_CASE("every shipped cycloSPORINE regimen judges blood pressure as two rules on two readings") {
  const RuleSet rules = load_rules(doseplan::testing::real_rules_dir());
  int regimens = 0;
  for (const Regimen& r : rules.regimens) {
    if (r.drug.id != "cyclosporine") continue;
    ++regimens;
    INFO(r.id);
    std::map<std::string, double> bp;
    for (const LabRule& l : r.lab_rules) {
      CHECK(l.test != "blood-pressure");  // the panel has no single value to judge
      if (l.test == "systolic-bp" || l.test == "diastolic-bp") {
        CHECK(l.condition == LabRule::Condition::above);
        CHECK(l.readings == 2);
        bp[l.test] = l.threshold;
      }
    }
    CHECK(bp == std::map<std::string, double>{{"diastolic-bp", 90}, {"systolic-bp", 140}});
    // The label's tests for all cycloSPORINE use: kidney, blood pressure, liver, lipids,
    // magnesium, potassium.
    std::set<std::string> tests;
    for (const MonitoringRule& m : r.monitoring) tests.insert(m.tests.begin(), m.tests.end());
    for (const char* t : {"creatinine", "bun", "blood-pressure", "alt", "ast", "bilirubin",
                          "cholesterol", "triglycerides", "magnesium", "potassium"}) {
      CHECK(tests.count(t) == 1);
    }
    CHECK(r.visit_windows.has_value());
  }
  CHECK(regimens == 5);
}

TEST_CASE("a key written twice in one object is refused at its JSON pointer") {
  // JSON parsers keep the last value without a word; a rules file must say one thing once.
  const auto problems = problems_of(
      [] { parse_regimen(R"({"a": {"b": [1, {"c/d": 1, "c/d": 2}]}, "a": 3})", "dup.json"); });
  CHECK(places(problems) == std::vector<std::string>{
                                "dup.json:/a/b/1/c~1d [rules.duplicate_field]",
                                "dup.json:/a [rules.duplicate_field]",
                            });
  CHECK(problems.at(0).message.find("\"c/d\"") != std::string::npos);
  // The same key in two objects is not a duplicate.
  const auto products = problems_of([] {
    parse_products(R"({"x": {"id": 1}, "y": {"id": 2}, "x": [{"id": 1, "id": 1}]})", "p.json");
  });
  CHECK(places(products) == std::vector<std::string>{
                                "p.json:/x [rules.duplicate_field]",
                                "p.json:/x/0/id [rules.duplicate_field]",
                            });
}
