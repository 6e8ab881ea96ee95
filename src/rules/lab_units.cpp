// The units of labs.json (read_lab_units: canonical unit, molar mass, accepted units, the
// plausibility limit) and the lab rules' thresholds in their test's canonical unit
// (convert_lab_rules). docs/rules.md, "labs.json", gives the format.
#include <set>

#include "doseplan/rules.hpp"
#include "rules/json_reader.hpp"
#include "rules/rules_readers.hpp"

namespace doseplan {

namespace detail {

namespace {

std::string lab_quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

// `unit` as a unit of the table and of a result; a problem at `where` otherwise.
const LabUnit* result_unit(Diagnostics& diag, const std::string& where, const std::string& unit) {
  const LabUnit* u = find_lab_unit(unit);
  if (u == nullptr) {
    diag.add("rules.bad_unit", where,
             lab_quoted(unit) + " is not a unit doseplan knows for a result (docs/tracker.md)");
  } else if (!is_result_dimension(u->dimension)) {
    diag.add("rules.bad_unit", where,
             lab_quoted(unit) + " is " + std::string(dimension_name(u->dimension)) +
                 ", not a unit of a result");
    return nullptr;
  }
  return u;
}

// The provenance of a labs.json value: a project default (labs.json has no citations of its own
// besides `source`, the codes').
Provenance lab_provenance(Obj& o) {
  Provenance p = o.provenance();
  if (!p.source_id.empty()) {
    o.diag().add("rules.unknown_source", o.at("source"),
                 "source " + lab_quoted(p.source_id) +
                     ": labs.json lists no citations; mark the value \"project_default\": true "
                     "with a \"reason\" that names where it comes from");
  }
  return p;
}

// "molar_mass": {"g_per_mol": M} or {"conversion": {"mass": "1 mg/dL", "molar": "88.4 umol/L"}}.
std::optional<MolarMass> read_molar_mass(Obj& m) {
  if (m.has("g_per_mol") == m.has("conversion")) {
    m.diag().add("rules.missing_field", m.pointer(),
                 "a molar mass is \"g_per_mol\" or a \"conversion\" (one of the two)");
    return std::nullopt;
  }
  if (m.has("g_per_mol")) {
    const auto g = m.number("g_per_mol");
    if (g && !(*g > 0)) {
      m.diag().add("rules.bad_value", m.at("g_per_mol"), "must be greater than 0");
      return std::nullopt;
    }
    if (g) return MolarMass{*g};
    return std::nullopt;
  }
  auto c = m.object("conversion");
  if (!c) return std::nullopt;
  std::optional<double> amounts[2];
  const LabDimension dims[2] = {LabDimension::mass, LabDimension::molar};
  const char* keys[2] = {"mass", "molar"};
  for (int i = 0; i < 2; ++i) {
    const auto text = c->string(keys[i]);
    if (!text) continue;
    const std::size_t space = text->find(' ');
    double v = 0;
    const LabUnit* u = nullptr;
    try {
      v = std::stod(text->substr(0, space));
      if (space != std::string::npos) u = find_lab_unit(text->substr(space + 1));
    } catch (const std::exception&) {
    }
    if (u == nullptr || u->dimension != dims[i] || !(v > 0)) {
      c->diag().add("rules.bad_unit", c->at(keys[i]),
                    lab_quoted(*text) + " is not " + std::string(dimension_name(dims[i])) +
                        " such as " + (i == 0 ? "\"1 mg/dL\"" : "\"88.4 umol/L\""));
      continue;
    }
    amounts[i] = v * u->factor;  // in ng/mL and umol/L
  }
  c->finish();
  if (!amounts[0] || !amounts[1]) return std::nullopt;
  return MolarMass{*amounts[0] / *amounts[1]};  // ug/L per umol/L: g/mol
}

void read_accepts(Obj& t, LabTest& lab, const std::set<LabDimension>& dims) {
  for (const auto& [u, ptr] : elements(t.array("accepts", false), t.at("accepts"))) {
    if (!u->is_string()) {
      t.diag().add("rules.wrong_type", ptr, "expected a unit");
      continue;
    }
    const std::string unit = u->get<std::string>();
    const LabUnit* found = result_unit(t.diag(), ptr, unit);
    if (found == nullptr) continue;
    if (!dims.count(found->dimension)) {
      t.diag().add("rules.bad_unit", ptr,
                   lab_quoted(unit) + " is " + std::string(dimension_name(found->dimension)) +
                       ", not of the dimensions of the units of " + lab.id);
      continue;
    }
    lab.accepts.push_back(*found);
  }
}

void read_implausible_from(Obj& t, LabTest& lab) {
  auto o = t.object("implausible_from", false);
  if (!o) return;
  const auto v = o->number("value");
  const auto unit = o->string("unit");
  Sourced<LabValue> limit;
  limit.from = lab_provenance(*o);
  o->finish();
  if (!v || !unit || !lab.canonical) return;
  const LabUnit* u = result_unit(t.diag(), o->at("unit"), *unit);
  if (u == nullptr) return;
  if (!u->same_as(*lab.canonical)) {
    t.diag().add("rules.bad_unit", o->at("unit"),
                 lab_quoted(*unit) + " is not the canonical unit of " + lab.id + " (" +
                     lab.units.front() + ")");
    return;
  }
  limit.value = LabValue(*v, *lab.canonical);
  lab.implausible_from = limit;
}

}  // namespace

void read_lab_units(Obj& t, LabTest& lab) {
  Diagnostics& diag = t.diag();
  std::set<LabDimension> dims;
  for (const auto& [u, uptr] : elements(t.array("units"), t.at("units"))) {
    if (!u->is_string()) {
      diag.add("rules.wrong_type", uptr, "expected a UCUM unit");
      continue;
    }
    lab.units.push_back(u->get<std::string>());
    if (const LabUnit* found = result_unit(diag, uptr, lab.units.back())) {
      if (!lab.canonical) lab.canonical = *found;
      dims.insert(found->dimension);
    }
  }
  if (auto m = t.object("molar_mass", false)) {
    const auto mass = read_molar_mass(*m);
    const Provenance from = lab_provenance(*m);
    m->finish();
    if (mass) lab.molar_mass = Sourced<MolarMass>{*mass, from};
    if (!dims.count(LabDimension::mass) && !dims.count(LabDimension::molar)) {
      diag.add("rules.bad_value", t.at("molar_mass"),
               lab.id + " has no unit of a mass or molar concentration to convert");
    }
  } else if (dims.count(LabDimension::mass) && dims.count(LabDimension::molar)) {
    diag.add("rules.missing_field", t.at("molar_mass"),
             lab.id + " is listed in mass and molar units: give its molar mass");
  }
  if (lab.molar_mass && (dims.count(LabDimension::mass) || dims.count(LabDimension::molar))) {
    dims.insert(LabDimension::mass);
    dims.insert(LabDimension::molar);
  }
  if (auto c = t.object("canonical_unit", t.has("molar_mass"))) {
    const auto unit = c->string("value");
    lab.canonical_from = lab_provenance(*c);
    c->finish();
    if (unit && (lab.units.empty() || *unit != lab.units.front())) {
      diag.add("rules.bad_value", t.at("canonical_unit") + "/value",
               lab_quoted(*unit) + " is not the first of the units of " + lab.id +
                   " (the canonical unit comes first)");
    }
  }
  read_accepts(t, lab, dims);
  read_implausible_from(t, lab);
}

}  // namespace detail

std::vector<Problem> convert_lab_rules(RuleSet& rules) {
  std::vector<Problem> out;
  for (Regimen& r : rules.regimens) {
    detail::Diagnostics diag(r.file);
    for (std::size_t i = 0; i < r.lab_rules.size(); ++i) {
      LabRule& rule = r.lab_rules[i];
      const LabTest* lab = rules.find_lab(rule.test);
      if (lab == nullptr || rule.unit.empty()) continue;  // S32; a rule in percent or a multiple
      const std::string where = "/lab_rules/" + std::to_string(i) + "/condition/unit";
      const LabUnit* u = find_lab_unit(rule.unit);
      if (!lab->canonical) {
        diag.add(
            "rules.bad_unit", where,
            "\"" + rule.unit + "\": " + rule.test + " has no unit in labs.json to compare with");
        continue;
      }
      if (u == nullptr) {
        diag.add("rules.bad_unit", where, "\"" + rule.unit + "\" is not a unit doseplan knows");
        continue;
      }
      const auto molar = lab->molar_mass ? std::optional(lab->molar_mass->value) : std::nullopt;
      const bool range = rule.condition == LabRule::Condition::outside_range;
      const auto lo = LabValue(range ? rule.low : rule.threshold, *u).in(*lab->canonical, molar);
      const auto hi = LabValue(range ? rule.high : rule.threshold, *u).in(*lab->canonical, molar);
      if (!lo || !hi) {
        diag.add("rules.bad_unit", where,
                 "\"" + rule.unit + "\" is " + std::string(dimension_name(u->dimension)) +
                     (u->dimension == LabDimension::mass || u->dimension == LabDimension::molar
                          ? " and labs.json gives no molar mass of " + rule.test
                          : std::string()) +
                     ": it can not be compared with " + rule.test + " in " + lab->units.front());
        continue;
      }
      rule.low_value = lo;
      rule.high_value = hi;
    }
    for (Problem& p : diag.problems()) out.push_back(std::move(p));
  }
  return out;
}

}  // namespace doseplan
