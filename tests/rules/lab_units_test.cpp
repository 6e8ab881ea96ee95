// The units of labs.json (canonical unit, molar mass, accepts) as the loader checks them, and the
// lab rules' thresholds converted once to their test's canonical unit (doseplan/rules.hpp,
// convert_lab_rules). A bad unit fails loading the rules, never a patient's advice. The numbers
// are worked by hand in the comments.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "doseplan/rules.hpp"
#include "test_support.hpp"

using namespace doseplan;
using doseplan::testing::problems_of;
using doseplan::testing::slurp;
using doseplan::testing::test_rules_dir;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// tests/data/rules copied to a temporary directory, with labs.json and test-taper.json as JSON
// to change before loading.
struct LabRulesDir {
  fs::path dir;
  json labs;
  json taper;
  explicit LabRulesDir(const std::string& name)
      : dir(fs::temp_directory_path() /
            ("doseplan-labunits-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto& entry : fs::directory_iterator(test_rules_dir()))
      if (entry.is_regular_file()) fs::copy_file(entry.path(), dir / entry.path().filename());
    labs = json::parse(slurp((dir / "labs.json").string()));
    taper = json::parse(slurp((dir / "test-taper.json").string()));
  }
  ~LabRulesDir() { fs::remove_all(dir); }
  LabRulesDir(const LabRulesDir&) = delete;
  LabRulesDir& operator=(const LabRulesDir&) = delete;

  json& creatinine() { return labs["tests"][0]; }
  void add_test(const std::string& id, const json& units) {
    labs["tests"].push_back(
        {{"id", id}, {"name", {{"en", id}, {"zh", id}}}, {"loinc", "0-0"}, {"units", units}});
  }
  void add_rule(const std::string& test, const json& condition) {
    taper["lab_rules"].push_back({{"id", "rule-" + std::to_string(taper["lab_rules"].size())},
                                  {"test", test},
                                  {"condition", condition},
                                  {"action", "contact_doctor"},
                                  {"advice", {{"en", "Test."}, {"zh", "测试。"}}},
                                  {"source", "test-src"}});
  }
  void write() const {
    std::ofstream(dir / "labs.json", std::ios::binary) << labs.dump(2);
    std::ofstream(dir / "test-taper.json", std::ios::binary) << taper.dump(2);
  }
  RuleSet load() const {
    write();
    return load_rules(dir.string());
  }
  // The one problem of loading, which must fail.
  Problem problem() const {
    write();
    const auto problems = problems_of([&] { load_rules(dir.string()); });
    REQUIRE(problems.size() == 1);
    return problems.front();
  }
  std::string where(const std::string& file, const std::string& pointer) const {
    return (dir / file).string() + ":" + pointer;
  }
};

bool mentions(const Problem& p, const std::string& value) {
  return p.message.find(value) != std::string::npos;
}

}  // namespace

TEST_CASE("labs.json: a unit doseplan does not know fails loading") {
  LabRulesDir d("unknown");
  d.creatinine()["units"][1] = "mg/dX";
  const Problem p = d.problem();
  CAPTURE(p.to_string());
  CHECK(p.id == "rules.bad_unit");
  CHECK(p.where == d.where("labs.json", "/tests/0/units/1"));
  CHECK(mentions(p, "\"mg/dX\""));
}

TEST_CASE("labs.json: a unit of another kind than a result's fails loading, in units and accepts") {
  SECTION("in units: a drug mass") {
    LabRulesDir d("kind-units");
    d.creatinine()["units"][1] = "mg";
    const Problem p = d.problem();
    CAPTURE(p.to_string());
    CHECK(p.id == "rules.bad_unit");
    CHECK(p.where == d.where("labs.json", "/tests/0/units/1"));
    CHECK(mentions(p, "\"mg\""));
  }
  SECTION("in accepts: a catalytic activity for a concentration") {
    LabRulesDir d("kind-accepts");
    d.creatinine()["accepts"] = {"umol/L", "U/L"};
    const Problem p = d.problem();
    CAPTURE(p.to_string());
    CHECK(p.id == "rules.bad_unit");
    CHECK(p.where == d.where("labs.json", "/tests/0/accepts/1"));
    CHECK(mentions(p, "\"U/L\""));
  }
  SECTION("in accepts: a volume") {
    LabRulesDir d("volume-accepts");
    d.creatinine()["accepts"] = {"mL"};
    const Problem p = d.problem();
    CAPTURE(p.to_string());
    CHECK(p.id == "rules.bad_unit");
    CHECK(p.where == d.where("labs.json", "/tests/0/accepts/0"));
    CHECK(mentions(p, "\"mL\""));
  }
}

TEST_CASE("labs.json: a test in mass and molar units needs a molar mass") {
  LabRulesDir d("no-molar-mass");
  d.creatinine().erase("molar_mass");
  const Problem p = d.problem();
  CAPTURE(p.to_string());
  CHECK(p.id == "rules.missing_field");
  CHECK(p.where == d.where("labs.json", "/tests/0/molar_mass"));
  CHECK(mentions(p, "creatinine"));
}

TEST_CASE("labs.json: the plausibility limit is in the canonical unit") {
  LabRulesDir d("implausible");
  d.creatinine()["implausible_from"] = {{"value", 56.6},
                                        {"unit", "mg/dL"},
                                        {"project_default", true},
                                        {"reason", {{"en", "T."}, {"zh", "测。"}}}};
  const Problem p = d.problem();
  CAPTURE(p.to_string());
  CHECK(p.id == "rules.bad_unit");
  CHECK(p.where == d.where("labs.json", "/tests/0/implausible_from/unit"));
  CHECK(mentions(p, "\"mg/dL\""));
}

TEST_CASE("a lab rule with a unit on a test that has no units fails loading") {
  LabRulesDir d("no-units");
  d.add_test("cbc", json::array());
  d.add_rule("cbc", {{"kind", "below"}, {"threshold", 1}, {"unit", "10*9/L"}});
  const Problem p = d.problem();
  CAPTURE(p.to_string());
  CHECK(p.id == "rules.bad_unit");
  CHECK(p.where == d.where("test-taper.json", "/lab_rules/0/condition/unit"));
  CHECK(mentions(p, "\"10*9/L\""));
}

TEST_CASE("lab rules' thresholds are converted once to the test's canonical unit") {
  LabRulesDir d("convert");
  d.add_test("neutrophils", {"10*9/L", "10*3/uL"});
  // 1.1 mg/dL × 88.4 (µmol/L per mg/dL) = 97.24 µmol/L.
  d.add_rule("creatinine", {{"kind", "above"}, {"threshold", 1.1}, {"unit", "mg/dL"}});
  // 1.3 ×10³/µL = 1.3 ×10⁹/L (10³ per 10⁻⁶ L is 10⁹ per L).
  d.add_rule("neutrophils", {{"kind", "below"}, {"threshold", 1.3}, {"unit", "10*3/uL"}});
  // 0.5–1.5 mg/dL = 44.2–132.6 µmol/L.
  d.add_rule("creatinine",
             {{"kind", "outside_range"}, {"low", 0.5}, {"high", 1.5}, {"unit", "mg/dL"}});
  // Already canonical: 120 µmol/L stays 120.
  d.add_rule("creatinine", {{"kind", "above"}, {"threshold", 120}, {"unit", "umol/L"}});
  const RuleSet rules = d.load();
  const Regimen* r = rules.find_regimen("test-taper");
  REQUIRE(r != nullptr);
  REQUIRE(r->lab_rules.size() == 4);
  const LabUnit& umol = *find_lab_unit("umol/L");
  const LabUnit& giga = *find_lab_unit("10*9/L");
  for (const LabRule& rule : r->lab_rules) {
    REQUIRE(rule.low_value.has_value());
    REQUIRE(rule.high_value.has_value());
  }
  const LabRule& crea = r->lab_rules[0];
  CHECK(crea.high_value->amount() == Approx(97.24).epsilon(1e-12));
  CHECK(crea.high_value->unit() == umol);
  CHECK(crea.low_value->amount() == Approx(97.24).epsilon(1e-12));
  const LabRule& anc = r->lab_rules[1];
  CHECK(anc.low_value->amount() == Approx(1.3).epsilon(1e-12));
  CHECK(anc.low_value->unit().same_as(giga));
  CHECK(anc.low_value->unit() == *rules.find_lab("neutrophils")->canonical);
  const LabRule& range = r->lab_rules[2];
  CHECK(range.low_value->amount() == Approx(44.2).epsilon(1e-12));
  CHECK(range.high_value->amount() == Approx(132.6).epsilon(1e-12));
  const LabRule& same = r->lab_rules[3];
  CHECK(same.high_value->amount() == 120);
  // The converted limits compare as LabValues: 97.24 µmol/L is 1.1 mg/dL, not 1.1 µmol/L.
  CHECK(*crea.high_value > LabValue(97, umol));
  CHECK(*crea.high_value < LabValue(98, umol));
}

TEST_CASE("LabValues compare within a dimension and never across two") {
  const LabUnit& ng_ml = *find_lab_unit("ng/mL");
  const LabUnit& mg_l = *find_lab_unit("mg/L");
  const LabUnit& umol = *find_lab_unit("umol/L");
  CHECK(LabValue(0.2, mg_l) == LabValue(200, ng_ml));  // 0.2 mg/L = 200 µg/L = 200 ng/mL
  CHECK(LabValue(0.2, mg_l) > LabValue(150, ng_ml));
  CHECK_FALSE(LabValue(1, umol) < LabValue(1, ng_ml));
  CHECK_FALSE(LabValue(1, umol) > LabValue(1, ng_ml));
  CHECK_FALSE(LabValue(1, umol) == LabValue(1, ng_ml));
  // Through a molar mass only: 1 mg/dL of creatinine (M = 10,000/88.4 g/mol) is 88.4 µmol/L.
  const auto in_umol = LabValue(1, *find_lab_unit("mg/dL")).in(umol, MolarMass{10000 / 88.4});
  REQUIRE(in_umol.has_value());
  CHECK(in_umol->amount() == Approx(88.4).epsilon(1e-12));
  CHECK_FALSE(LabValue(1, *find_lab_unit("mg/dL")).in(umol).has_value());
}
