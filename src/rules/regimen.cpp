#include "doseplan/regimen.hpp"

#include <cmath>
#include <numeric>

#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"

namespace doseplan {

const char* dose_unit(const DoseValue& v) {
  switch (v.index()) {
    case 0:
      return "mg/kg/d";
    case 1:
      return "mg/d";
    case 2:
      return "mg";
    case 3:
      return "mg/m2";
    default:
      return "10*6 cells";
  }
}

double dose_number(const DoseValue& v) {
  struct {
    double operator()(DoseRate r) const { return in_mg_per_kg_per_day(r); }
    double operator()(DailyAmount a) const { return in_mg_per_day(a); }
    double operator()(DrugMass m) const { return in_mg(m); }
    double operator()(DosePerArea d) const { return in_mg_per_m2(d); }
    double operator()(CellCount c) const { return c.millions; }
  } number;
  return std::visit(number, v);
}

std::optional<DoseValue> make_dose(double value, std::string_view unit) {
  if (unit == "mg/kg/d") return DoseValue{mg_per_kg_per_day(value)};
  if (unit == "mg/d") return DoseValue{mg_per_day(value)};
  if (unit == "mg") return DoseValue{milligrams(value)};
  if (unit == "mg/m2") return DoseValue{mg_per_m2(value)};
  if (unit == "10*6 cells") return DoseValue{CellCount{value}};
  return std::nullopt;
}

DoseValue parse_dose_like(std::string_view text, std::string_view field, const DoseValue& like) {
  switch (like.index()) {
    case 0:
      return parse_dose_rate(text, field);
    case 1:
      return parse_daily_amount(text, field);
    case 2:
      return parse_drug_mass(text, field);
    case 3:
      return parse_dose_per_area(text, field);
    default:
      return parse_cell_count(text, field);
  }
}

DoseValue parse_dose(std::string_view text, std::string_view field) {
  // Each parser knows every unit; a "wrong kind" answer means: try the next kind of dose.
  const DoseValue kinds[] = {DoseRate{}, DailyAmount{}, DrugMass{}, DosePerArea{}, CellCount{}};
  bool per_kilogram = false;  // "5 mg/kg": per kilogram, not per day (its own Chinese detail)
  std::string zh;
  for (const DoseValue& like : kinds) {
    try {
      return parse_dose_like(text, field, like);
    } catch (const Error& e) {
      if (e.id() != "quantity.wrong_kind") throw;
      per_kilogram = e.problems().front().message.find("(not per day)") != std::string::npos;
      zh = e.problems().front().message_zh;
    }
  }
  throw Error("quantity.wrong_kind", std::string(field),
              "\"" + std::string(text) +
                  "\" is not a dose; expected a dose such as \"5 mg/kg/day\", \"125 mg/day\", "
                  "\"1500 mg\", \"750 mg/m2\" or \"50 million cells\"",
              per_kilogram ? zh
                           : zh_detail("The dose {text} is not written as a dose: write it in "
                                       "the unit of the regimen, e.g. 5mg/kg/d (per kilogram per "
                                       "day), 125mg/d (a day), 1500mg (a dose) or 750mg/m2 (per "
                                       "square metre of body-surface area).",
                                       {{"text", text}}));
}

std::string format_dose(const DoseValue& v) {
  switch (v.index()) {
    case 0:
      return format_dose_rate(std::get<DoseRate>(v));
    case 1:
      return format_number(dose_number(v)) + " mg/day";
    case 2:
      return format_mg(std::get<DrugMass>(v));
    case 3:
      return format_number(dose_number(v)) + " mg/m\u00b2";
    default:
      return format_number(dose_number(v)) + " million cells";
  }
}

std::string format_dose(const DoseValue& v, Lang lang) {
  if (lang == Lang::en) return format_dose(v);
  if (const auto* r = std::get_if<DoseRate>(&v)) return format_dose_rate(*r, lang);
  // Chinese numbers without thousands separators ("1500 mg", issue 16, S11).
  if (std::holds_alternative<DailyAmount>(v)) {
    return format_number(dose_number(v), 2, lang) + " mg/\u5929";
  }
  if (const auto* c = std::get_if<CellCount>(&v)) return format_cells(*c, lang);
  if (std::holds_alternative<DosePerArea>(v))
    return format_number(dose_number(v), 2, lang) + " mg/m\u00b2";
  return format_number(dose_number(v), 2, lang) + " mg";
}

LocalizedText dose_text(const DoseValue& v) {
  return {format_dose(v, Lang::en), format_dose(v, Lang::zh_CN)};
}

LocalizedText dose_range_text(const DoseValue& low, const DoseValue& high) {
  return {
      format_number(dose_number(low)) + "\u2013" + format_dose(high, Lang::en),
      format_number(dose_number(low), 2, Lang::zh_CN) + "\u2013" + format_dose(high, Lang::zh_CN)};
}

LocalizedText cite_text(const Regimen& regimen, const Provenance& from) {
  if (from.project_default) return tr_both("project default: {reason}", {{"reason", from.reason}});
  const Source* s = regimen.find_source(from.source_id);
  if (!s) return tr_both("source {id}", {{"id", same_text(from.source_id)}});
  // English names the document and its section; Chinese only the citation's id and its quote
  // (the title and section are in the document's language, listed in the plan's bibliography).
  LocalizedText out =
      tr_both(s->secondary() ? "secondary source {id} ({document}, {section}): \u201c{quote}\u201d"
                             : "source {id} ({document}, {section}): \u201c{quote}\u201d",
              {{"id", same_text(s->id)},
               {"document", same_text(s->document.title)},
               {"section", same_text(s->section)},
               {"quote", same_text(s->quote)}});
  out.zh = fill(tr(Lang::zh_CN, s->secondary() ? "secondary source {id}: \u201c{quote}\u201d"
                                               : "source {id}: \u201c{quote}\u201d"),
                {{"id", s->id}, {"quote", s->quote}});
  return out;
}

bool same_kind(const DoseValue& a, const DoseValue& b) {
  return a.index() == b.index();
}

bool dose_less(const DoseValue& a, const DoseValue& b) {
  return dose_number(a) < dose_number(b);
}

std::string cite(const Regimen& r, const Provenance& p) {
  return cite_text(r, p).en;  // i18n.hpp: the same words in both languages
}

bool PatientRule::needs_kidney_function() const {
  for (const PatientCondition& c : when)
    if (c.measure != PatientCondition::Measure::age) return true;
  return false;
}

bool Regimen::uses_chosen_dose() const {
  for (const PhaseRule& p : phases) {
    if (p.kind == PhaseRule::Kind::chosen_dose) return true;
    if (p.kind == PhaseRule::Kind::cycles && p.cycle_doses.empty()) return true;
  }
  return false;
}

const Source* Regimen::find_source(const std::string& source_id) const {
  for (const Source& s : sources)
    if (s.id == source_id) return &s;
  return nullptr;
}

const std::string& LabTest::loinc_for_unit(std::string_view unit) const {
  const bool molar = unit.size() >= 5 && unit.substr(unit.size() - 5) == "mol/L";
  return molar && !loinc_molar.empty() ? loinc_molar : loinc;
}

DrugMass Product::smallest_step() const {
  if (form == Form::iv_vial) return rounding_step.value_or(milligrams(0));
  if (form == Form::cells) return milligrams(0);
  if (!is_solid()) {
    if (!concentration || !volume_step) return milligrams(0);
    return DrugMass(*concentration * *volume_step);
  }
  // gcd of the strengths, in thousandths of a mg so that 0.5 mg strengths work too.
  long long g = 0;
  for (DrugMass s : strengths) g = std::gcd(g, std::llround(in_mg(s) * 1000.0));
  return milligrams(static_cast<double>(g) / 1000.0);
}

}  // namespace doseplan
