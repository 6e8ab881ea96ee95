// Internal: the readers of the rules files (docs/rules.md), one file per section:
//   src/rules/rules_regimen.cpp     RegimenReader::read (a regimen file, section by section):
//   sources,
//                             population, patient rules, body size, course, warnings, golden cases
//   src/rules/rules_phases.cpp      the dose and the phases (durations, cycles, tapers, titrations)
//   src/rules/rules_monitoring.cpp  monitoring items and lab rules
//   src/rules/rules_products.cpp    products.json (markets, products) and labs.json
//   src/rules/lab_units.cpp         labs.json's units, molar masses; lab rules' thresholds
//   src/rules/rules_loader.cpp      parse_regimen, and the checks between files (check_rule_set)
//   src/rules/rules_sources.cpp     sources.json, catalogue.json, citations
//   (src/rules/rules_sources.hpp)
// Every problem id reported is listed in docs/errors.md.
#ifndef DOSEPLAN_SRC_RULES_READERS_HPP_
#define DOSEPLAN_SRC_RULES_READERS_HPP_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doseplan/format.hpp"
#include "doseplan/rules.hpp"
#include "rules/json_reader.hpp"

namespace doseplan::detail {

// The units of a test of labs.json (`units`, `canonical_unit`, `molar_mass`, `accepts`,
// `implausible_from`; src/rules/lab_units.cpp).
void read_lab_units(Obj& t, LabTest& lab);

// rules.tall_man: an English name (drug, product, test, monitoring item) with a look-alike drug
// name must write it in Tall Man letters (cycloSPORINE, riTUXimab; tall_man() in format.hpp).
inline void check_tall_man(Diagnostics& diag, const std::string& pointer, const std::string& en) {
  if (en.empty() || tall_man(en) == en) return;
  diag.add("rules.tall_man", pointer,
           "write \"" + tall_man(en) + "\" (Tall Man letters, FDA/ISMP), not \"" + en + "\"");
}

// Throws the problems collected so far (an Error).
[[noreturn]] inline void fail(Diagnostics& diag) {
  throw Error(std::move(diag.problems()));
}

// Reading one regimen file. Remembers every provenance with its pointer, to check source ids
// once all sources are known.
class RegimenReader {
 public:
  explicit RegimenReader(Diagnostics& diag) : diag_(diag) {}

  Regimen read(const json& root);

 private:
  Provenance provenance(Obj& o) {
    Provenance p = o.provenance();
    refs_.emplace_back(o.pointer(), p);
    return p;
  }
  // {"value": N, "unit": U} inside `o`: a dose of one of the units of regimen.hpp.
  std::optional<DoseValue> dose_value(Obj& o, std::string_view key = "value") {
    const auto unit = o.string("unit");
    const auto v = o.number(key);
    if (!unit || !v) return std::nullopt;
    const auto dose = make_dose(*v, *unit);
    if (!dose) {
      diag_.add(
          "rules.bad_unit", o.at("unit"),
          "\"" + *unit + "\" is not a dose unit; expected mg/kg/d, mg/d, mg, mg/m2 or 10*6 cells");
      return std::nullopt;
    }
    if (*v <= 0) {
      diag_.add("rules.bad_value", o.at(key), "a dose must be greater than 0");
      return std::nullopt;
    }
    return dose;
  }
  // {"value": N, "unit": U, <provenance>} at parent[key].
  std::optional<Sourced<DoseValue>> sourced_dose(Obj& parent, std::string_view key,
                                                 bool required = true) {
    auto o = parent.object(key, required);
    if (!o) return std::nullopt;
    const auto dose = dose_value(*o);
    Sourced<DoseValue> out{dose.value_or(DoseValue{}), provenance(*o)};
    o->finish();
    if (!dose) return std::nullopt;
    return out;
  }
  // {"value": "3 months", <provenance>}
  Sourced<Span> sourced_span(Obj& parent, std::string_view key, bool required = true) {
    Sourced<Span> out;
    auto o = parent.object(key, required);
    if (!o) return out;
    out.value = o->span("value").value_or(Span{});
    out.from = provenance(*o);
    o->finish();
    return out;
  }
  // {"value": N, <provenance>} with a whole number N in [lo, hi].
  Sourced<int> sourced_int(Obj& parent, std::string_view key, int lo, int hi) {
    Sourced<int> out;
    auto o = parent.object(key);
    if (!o) return out;
    const auto v = o->integer("value");
    if (v && (*v < lo || *v > hi)) {
      diag_.add("rules.bad_value", o->at("value"),
                "expected " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    out.value = v.value_or(lo);
    out.from = provenance(*o);
    o->finish();
    return out;
  }
  void read_sources(Obj& root, Regimen& r);
  void read_population(Obj& root, Regimen& r);
  void read_patient_rules(Obj& root, Regimen& r);
  std::optional<PatientCondition> read_condition(Obj& c);
  void read_body_size(Obj& root, Regimen& r);
  void read_course(Obj& root, Regimen& r);
  LimitAction limit_action(Obj& o);
  void read_dose(Obj& root, Regimen& r);
  std::string read_dose_unit(Obj& dose);
  void read_dose_range(Obj& dose, const std::string& u, DoseRule& d);
  void read_doses_per_day(Obj& dose, DoseRule& d);
  void read_dose_limits(Obj& dose, Regimen& r);
  void read_phases(Obj& root, Regimen& r);
  PhaseRule read_phase(Obj& p, std::set<std::string>& ids);
  void check_phase_order(const std::string& phases, const Regimen& r);
  void check_phase_units(const std::string& phases, const Regimen& r);
  void read_duration(Obj& p, PhaseRule& ph);
  void read_cycles(Obj& p, PhaseRule& ph);
  void read_monitoring(Obj& root, Regimen& r);
  void read_lab_rules(Obj& root, Regimen& r);
  void read_warnings(Obj& root, Regimen& r);
  void read_test_cases(Obj& root, Regimen& r);
  void check_sources(const Regimen& r);

  Diagnostics& diag_;
  std::vector<std::pair<std::string, Provenance>> refs_;
  bool range_given_ = false;
  bool default_given_ = false;
};

}  // namespace doseplan::detail

#endif  // DOSEPLAN_SRC_RULES_READERS_HPP_
