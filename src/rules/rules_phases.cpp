// Reading a regimen file's dose and phases (RegimenReader, src/rules/rules_readers.hpp): the dose rule,
// then each phase (its duration, cycles, taper or titration), then the phases checked as a course.
#include <algorithm>
#include <set>

#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/rules.hpp"
#include "rules/json_reader.hpp"
#include "rules/rules_readers.hpp"
#include "rules/rules_sources.hpp"

namespace doseplan::detail {

// The dose's basis and its unit, which must match; returns the unit ("" without one).
std::string RegimenReader::read_dose_unit(Obj& dose) {
  static const std::pair<const char*, const char*> kBases[] = {{"per_kg_per_day", "mg/kg/d"},
                                                               {"per_day", "mg/d"},
                                                               {"per_dose", "mg"},
                                                               {"per_m2_per_dose", "mg/m2"},
                                                               {"cells_per_dose", "10*6 cells"}};
  const auto basis = dose.string("basis");
  const auto unit = dose.string("unit");
  if (basis && unit) {
    bool known = false;
    for (const auto& [b, u] : kBases) {
      if (*basis != b) continue;
      known = true;
      if (*unit != u) {
        diag_.add("rules.bad_unit", dose.at("unit"),
                  "basis " + *basis + " is written in \"" + u + "\", found \"" + *unit + "\"");
      }
    }
    if (!known) {
      diag_.add("rules.bad_value", dose.at("basis"),
                "\"" + *basis +
                    "\" is not a dose basis; expected per_kg_per_day, per_day, per_dose, "
                    "per_m2_per_dose or cells_per_dose");
    }
  }
  return unit.value_or("");
}

// The dose range and the default dose inside it, in the unit `u`.
void RegimenReader::read_dose_range(Obj& dose, const std::string& u, DoseRule& d) {
  bool range_ok = false;
  range_given_ = dose.has("range");
  default_given_ = dose.has("default");
  if (auto range = dose.object("range", false)) {
    const auto lo = range->number("min");
    const auto hi = range->number("max");
    d.range_from = provenance(*range);
    range->finish();
    if (lo && hi) {
      if (*lo <= 0 || *lo > *hi) {
        diag_.add("rules.range_order", range->pointer(), "expected 0 < min <= max");
      } else if (auto a = make_dose(*lo, u), b = make_dose(*hi, u); a && b) {
        d.min = a;
        d.max = b;
        range_ok = true;
      }
    }
  }
  if (auto def = dose.object("default", false)) {
    const auto v = def->number("value");
    Provenance from = provenance(*def);
    def->finish();
    if (v) {
      if (auto value = make_dose(*v, u)) {
        d.default_dose = Sourced<DoseValue>{*value, from};
        if (range_ok && (dose_less(*value, *d.min) || dose_less(*d.max, *value))) {
          diag_.add("rules.default_outside_range", def->at("value"),
                    "the default dose lies outside the dose range");
        }
      }
    }
  }
}

// The allowed doses a day (1 to 4) and the default inside them.
void RegimenReader::read_doses_per_day(Obj& dose, DoseRule& d) {
  bool dpd_ok = false;
  d.doses_per_day_min = d.doses_per_day_max = 1;
  if (auto dpd = dose.object("doses_per_day", false)) {
    const auto lo = dpd->integer("min");
    const auto hi = dpd->integer("max");
    d.doses_per_day_from = provenance(*dpd);
    dpd->finish();
    if (lo && hi) {
      if (*lo < 1 || *hi > 4 || *lo > *hi) {
        diag_.add(
            "rules.range_order", dpd->pointer(),
            "expected 1 <= min <= max <= 4 (the four slots of the Universal Medication Schedule)");
      } else {
        d.doses_per_day_min = *lo;
        d.doses_per_day_max = *hi;
        dpd_ok = true;
      }
    }
  }
  if (dose.has("default_doses_per_day") && !dose.has("doses_per_day")) {
    diag_.add("rules.missing_field", dose.at("doses_per_day"),
              "a default number of doses a day needs the allowed range \"doses_per_day\"");
  }
  if (auto def = dose.object("default_doses_per_day", dpd_ok)) {
    const auto v = def->integer("value");
    d.default_doses_per_day.from = provenance(*def);
    def->finish();
    if (v) {
      d.default_doses_per_day.value = *v;
      if (dpd_ok && (*v < d.doses_per_day_min || *v > d.doses_per_day_max)) {
        diag_.add("rules.default_outside_range", def->at("value"),
                  "the default number of doses a day lies outside the allowed range");
      }
    }
  }
}

// The rounding (tolerance, policy), the uneven split, the maxima per dose and per day, the
// maximum in the dose's unit, and the BSA formula.
void RegimenReader::read_dose_limits(Obj& dose, Regimen& r) {
  DoseRule& d = r.dose;
  if (auto o = dose.object("rounding")) {
    d.rounding_from = provenance(*o);
    if (const auto t = o->number("tolerance_percent", false)) {
      if (*t <= 0 || *t > 50) {
        diag_.add("rules.bad_value", o->at("tolerance_percent"),
                  "expected more than 0 and at most 50");
      }
      d.rounding_tolerance_percent = *t;
    }
    if (const auto policy = o->string("policy", false)) {
      if (*policy == "refuse") {
        d.rounding_policy = DoseRule::RoundingPolicy::refuse;
      } else if (*policy != "advise") {
        diag_.add("rules.bad_value", o->at("policy"), "expected advise or refuse");
      }
    }
    o->finish();
  }
  if (auto o = dose.object("uneven_split")) {
    d.uneven_split_from = provenance(*o);
    o->finish();
  }
  for (auto [key, target] :
       {std::pair{"max_per_dose", &d.max_per_dose}, std::pair{"max_per_day", &d.max_per_day}}) {
    auto o = dose.object(key, false);
    if (!o) continue;
    const auto v = o->number("value");
    const auto mg = o->string("unit");
    if (mg && *mg != "mg")
      diag_.add("rules.bad_unit", o->at("unit"), "expected \"mg\", found \"" + *mg + "\"");
    if (v && *v <= 0)
      diag_.add("rules.bad_value", o->at("value"), "a maximum must be greater than 0");
    Sourced<DrugMass> m{milligrams(v.value_or(0)), provenance(*o)};
    o->finish();
    if (v && *v > 0) *target = m;
  }
  d.maximum = sourced_dose(dose, "maximum", false);
  if (d.maximum && d.min && !same_kind(d.maximum->value, *d.min)) {
    diag_.add(
        "rules.bad_unit", dose.at("maximum") + "/unit",
        std::string("the maximum must be in the unit of the dose range, ") + dose_unit(*d.min));
  } else if (d.maximum && d.max && dose_less(d.maximum->value, *d.max)) {
    diag_.add("rules.range_order", dose.at("maximum"),
              "the maximum lies below the top of the dose range");
  }
  if (auto bsa = dose.object("bsa_formula", false)) {
    r.bsa_formula = bsa->string("value").value_or("mosteller");
    if (r.bsa_formula != "mosteller" && r.bsa_formula != "dubois") {
      diag_.add("rules.bad_value", bsa->at("value"), "expected mosteller or dubois");
    }
    r.bsa_formula_from = provenance(*bsa);
    bsa->finish();
  }
}

void RegimenReader::read_dose(Obj& root, Regimen& r) {
  auto dose = root.object("dose");
  if (!dose) return;
  const std::string unit = read_dose_unit(*dose);
  read_dose_range(*dose, unit, r.dose);
  read_doses_per_day(*dose, r.dose);
  read_dose_limits(*dose, r);
  dose->finish();
}

void RegimenReader::read_duration(Obj& p, PhaseRule& ph) {
  if (auto dur = p.object("duration")) {
    ph.min_duration = dur->span("min").value_or(Span{});
    ph.max_duration = dur->span("max").value_or(Span{});
    ph.duration_from = provenance(*dur);
    dur->finish();
  }
  ph.default_duration = sourced_span(p, "default_duration");
  const Date anchor = Date{date::year{2001} / 1 / 31};  // a month end: the hardest case
  if (ph.min_duration.count > 0 && ph.max_duration.count > 0) {
    if (span_less(ph.max_duration, ph.min_duration, anchor)) {
      p.diag().add("rules.range_order", p.at("duration"), "expected min <= max");
      return;
    }
    const Span& v = ph.default_duration.value;
    if (v.count > 0 &&
        (span_less(v, ph.min_duration, anchor) || span_less(ph.max_duration, v, anchor))) {
      p.diag().add("rules.default_outside_range", p.at("default_duration") + "/value",
                   "the default duration lies outside the allowed duration");
    }
  }
}

void RegimenReader::read_cycles(Obj& p, PhaseRule& ph) {
  ph.every = sourced_span(p, "every");
  if (auto count = p.object("count")) {
    const auto lo = count->integer("min");
    const auto hi = count->integer("max");
    ph.count_from = provenance(*count);
    count->finish();
    if (lo && hi) {
      if (*lo < 1 || *lo > *hi || *hi > 100) {
        diag_.add("rules.range_order", count->pointer(), "expected 1 <= min <= max <= 100");
      } else {
        ph.min_count = *lo;
        ph.max_count = *hi;
      }
    }
  }
  ph.default_count = sourced_int(p, "default_count", 1, 100);
  if (ph.max_count > 0 &&
      (ph.default_count.value < ph.min_count || ph.default_count.value > ph.max_count)) {
    diag_.add("rules.default_outside_range", p.at("default_count") + "/value",
              "the default count lies outside the allowed count");
  }
  int next = 1;
  for (const auto& [j, ptr] : elements(p.array("doses", false), p.at("doses"))) {
    Obj c(*j, ptr, diag_);
    CycleDose cd;
    cd.from_cycle = c.integer("from_cycle").value_or(0);
    cd.to_cycle = c.integer("to_cycle").value_or(0);
    const auto dose = dose_value(c);
    cd.dose.from = provenance(c);
    c.finish();
    if (cd.from_cycle != next || cd.to_cycle < cd.from_cycle) {
      diag_.add("rules.bad_value", ptr,
                "cycle doses must cover cycles 1, 2, ... in order without gaps; expected "
                "from_cycle " +
                    std::to_string(next));
    }
    next = cd.to_cycle + 1;
    if (dose) {
      cd.dose.value = *dose;
      ph.cycle_doses.push_back(cd);
    }
  }
  if (!ph.cycle_doses.empty() && ph.max_count > 0 && next - 1 > ph.max_count) {
    diag_.add("rules.bad_value", p.at("doses"),
              "the cycle doses go to cycle " + std::to_string(next - 1) + " but at most " +
                  std::to_string(ph.max_count) + " cycles are allowed");
  }
  for (std::size_t k = 0; k < ph.cycle_doses.size(); ++k) {
    const DoseValue& v = ph.cycle_doses[k].dose.value;
    if (std::holds_alternative<DoseRate>(v) || std::holds_alternative<DailyAmount>(v)) {
      diag_.add(
          "rules.bad_unit", p.at("doses") + "/" + std::to_string(k) + "/unit",
          std::string("a cycle dose is given once: expected mg, mg/m2 or 10*6 cells, found ") +
              dose_unit(v));
    }
  }
  if (!ph.cycle_doses.empty() && ph.max_count > 0 && next - 1 < ph.max_count) {
    diag_.add("rules.bad_value", p.at("doses"),
              "the cycle doses stop at cycle " + std::to_string(next - 1) + " but up to " +
                  std::to_string(ph.max_count) + " cycles are allowed");
  }
}

// One phase: its id (unique among `ids`), name, kind and note, then the keys of its kind.
PhaseRule RegimenReader::read_phase(Obj& p, std::set<std::string>& ids) {
  PhaseRule ph;
  ph.id = p.string("id").value_or("");
  if (!ph.id.empty() && !ids.insert(ph.id).second) {
    diag_.add("rules.duplicate_id", p.at("id"), "phase id \"" + ph.id + "\" is used twice");
  }
  ph.name = p.text("name");
  const std::string kind = p.string("kind").value_or("");
  static const std::pair<const char*, PhaseRule::Kind> kKinds[] = {
      {"chosen_dose", PhaseRule::Kind::chosen_dose},
      {"fixed_dose", PhaseRule::Kind::fixed_dose},
      {"taper", PhaseRule::Kind::taper},
      {"titration", PhaseRule::Kind::titration},
      {"cycles", PhaseRule::Kind::cycles}};
  bool known = false;
  for (const auto& [name, k] : kKinds) {
    if (kind == name) {
      ph.kind = k;
      known = true;
    }
  }
  if (!known && !kind.empty()) {
    diag_.add("rules.bad_value", p.at("kind"),
              "\"" + kind +
                  "\" is not a phase kind; expected chosen_dose, fixed_dose, taper, titration "
                  "or cycles");
  }
  if (p.has("note")) ph.note = p.text("note");
  switch (ph.kind) {
    case PhaseRule::Kind::chosen_dose:
      read_duration(p, ph);
      break;
    case PhaseRule::Kind::fixed_dose:
      ph.level = sourced_dose(p, "level");
      ph.target_after_titration = p.boolean("target_after_titration", false).value_or(false);
      if (ph.level && (std::holds_alternative<DosePerArea>(ph.level->value) ||
                       std::holds_alternative<CellCount>(ph.level->value))) {
        diag_.add("rules.bad_unit", p.at("level") + "/unit",
                  std::string("a daily level is in mg/kg/d, mg/d or mg (per dose), found ") +
                      dose_unit(ph.level->value));
      }
      read_duration(p, ph);
      break;
    case PhaseRule::Kind::taper:
      if (auto step = p.object("step"); step && step->has("unit") &&
                                        step->get("unit", false)->is_string() &&
                                        step->get("unit", false)->get<std::string>() == "%") {
        // A step in percent of the dose the taper starts from.
        const auto v = step->number("value");
        if (v && (*v <= 0 || *v >= 100)) {
          diag_.add("rules.bad_value", step->at("value"), "a percent step lies between 0 and 100");
        }
        ph.step_percent = Sourced<double>{v.value_or(0), provenance(*step)};
        step->finish();
      } else {
        ph.step = sourced_dose(p, "step");
      }
      ph.every = sourced_span(p, "every");
      break;
    case PhaseRule::Kind::titration:
      ph.step = sourced_dose(p, "step");
      ph.every = sourced_span(p, "every");
      ph.level = sourced_dose(p, "level");
      if (p.has("max_steps")) ph.max_steps = sourced_int(p, "max_steps", 1, 50);
      ph.conditional = p.boolean("conditional", false).value_or(false);
      read_duration(p, ph);
      break;
    case PhaseRule::Kind::cycles:
      read_cycles(p, ph);
      break;
  }
  p.finish();
  return ph;
}

// The shape of the course: a taper or titration follows a dosed phase; a taper ends at a
// fixed_dose phase. `phases` is the pointer of the phase list.
void RegimenReader::check_phase_order(const std::string& phases, const Regimen& r) {
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    const PhaseRule& ph = r.phases[i];
    const std::string ptr = phases + "/" + std::to_string(i);
    const bool stepping =
        ph.kind == PhaseRule::Kind::taper || ph.kind == PhaseRule::Kind::titration;
    if (stepping && (i == 0 || r.phases[i - 1].kind == PhaseRule::Kind::cycles ||
                     r.phases[i - 1].kind == PhaseRule::Kind::taper)) {
      diag_.add("rules.phase_order", ptr, "a taper or titration must follow a daily dosed phase");
    }
    if (ph.kind == PhaseRule::Kind::taper &&
        (i + 1 >= r.phases.size() || r.phases[i + 1].kind != PhaseRule::Kind::fixed_dose)) {
      diag_.add("rules.phase_order", ptr,
                "a taper must come after a dosed phase and before a fixed_dose phase it tapers to");
    }
  }
}

// Units that must agree: a taper works in mg/kg/day from and to doses in mg/kg/day; a titration
// steps in mg/kg/day from a dose in mg/kg/day, or in mg/day; its maximum is in mg/kg/day (steps
// are of the kind of the dose they change). `phases` is the pointer of the phase list.
void RegimenReader::check_phase_units(const std::string& phases, const Regimen& r) {
  std::optional<DoseValue> previous;
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    const PhaseRule& ph = r.phases[i];
    const std::string ptr = phases + "/" + std::to_string(i);
    auto need_rate = [&](const std::optional<Sourced<DoseValue>>& v, const std::string& where) {
      if (v && !std::holds_alternative<DoseRate>(v->value)) {
        diag_.add("rules.bad_unit", where,
                  std::string("expected mg/kg/d, found ") + dose_unit(v->value));
      }
    };
    if (ph.kind == PhaseRule::Kind::taper) {
      // mg/kg/d steps work from and to doses in mg/kg/d; mg/d and percent steps from and to any
      // daily dose (compared as mg a day).
      const bool rate_step = ph.step && std::holds_alternative<DoseRate>(ph.step->value);
      if (ph.step && !rate_step && !std::holds_alternative<DailyAmount>(ph.step->value)) {
        diag_.add("rules.bad_unit", ptr + "/step/unit",
                  std::string("expected mg/kg/d, mg/d or %, found ") + dose_unit(ph.step->value));
      }
      if (rate_step) {
        if (previous && !std::holds_alternative<DoseRate>(*previous)) {
          diag_.add("rules.bad_unit", ptr,
                    "a taper in mg/kg/d needs the dose before it in mg/kg/d");
        }
        if (i + 1 < r.phases.size())
          need_rate(r.phases[i + 1].level, phases + "/" + std::to_string(i + 1) + "/level/unit");
      }
    } else if (ph.kind == PhaseRule::Kind::titration) {
      need_rate(ph.level, ptr + "/level/unit");
      if (ph.step && std::holds_alternative<DoseRate>(ph.step->value) && previous &&
          !std::holds_alternative<DoseRate>(*previous)) {
        diag_.add("rules.bad_unit", ptr + "/step/unit",
                  "a step in mg/kg/d needs the dose before it in mg/kg/d");
      }
      if (ph.step && !std::holds_alternative<DoseRate>(ph.step->value) &&
          !std::holds_alternative<DailyAmount>(ph.step->value)) {
        diag_.add("rules.bad_unit", ptr + "/step/unit",
                  std::string("expected mg/kg/d or mg/d, found ") + dose_unit(ph.step->value));
      }
      if (ph.level) previous = ph.level->value;
    } else if (ph.kind == PhaseRule::Kind::chosen_dose) {
      previous = r.dose.min;
    } else if (ph.kind == PhaseRule::Kind::fixed_dose && ph.level) {
      previous = ph.level->value;
    }
  }
}

// The phases, read one by one and then checked as a course.
void RegimenReader::read_phases(Obj& root, Regimen& r) {
  const json* phases = root.array("phases");
  if (!phases) return;
  if (phases->empty()) diag_.add("rules.bad_value", root.at("phases"), "list at least one phase");
  std::set<std::string> ids;
  for (const auto& [j, ptr] : elements(phases, root.at("phases"))) {
    Obj p(*j, ptr, diag_);
    r.phases.push_back(read_phase(p, ids));
  }
  check_phase_order(root.at("phases"), r);
  check_phase_units(root.at("phases"), r);
  if (r.uses_chosen_dose() && (!range_given_ || !default_given_)) {
    diag_.add("rules.missing_field", root.at("dose") + (range_given_ ? "/default" : "/range"),
              "a regimen with a chosen_dose phase (or cycles without doses) needs a dose range "
              "and default");
  }
}

}  // namespace doseplan::detail
