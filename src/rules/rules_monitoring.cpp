// Reading a regimen file's monitoring items and lab rules (RegimenReader,
// src/rules/rules_readers.hpp).
#include <algorithm>
#include <set>

#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/rules.hpp"
#include "rules/json_reader.hpp"
#include "rules/rules_readers.hpp"
#include "rules/rules_sources.hpp"

namespace doseplan::detail {

constexpr int kMaxReadings = 10;  // a lab rule's results in a row (condition.readings)

// Slightly over 80 lines: each monitored item's keys in the order of docs/rules.md.
void RegimenReader::read_monitoring(Obj& root, Regimen& r) {
  auto mon = root.object("monitoring");
  if (!mon) return;
  r.baseline_spacing = sourced_span(*mon, "baseline_spacing");
  if (auto w = mon->object("visit_windows", false)) {
    r.visit_windows = provenance(*w);
    w->finish();
  }
  const json* items = mon->array("items");
  std::set<std::string> ids;
  for (const auto& [j, ptr] : elements(items, mon->at("items"))) {
    Obj m(*j, ptr, diag_);
    MonitoringRule rule;
    rule.id = m.string("id").value_or("");
    if (!rule.id.empty() && !ids.insert(rule.id).second) {
      diag_.add("rules.duplicate_id", m.at("id"),
                "monitoring id \"" + rule.id + "\" is used twice");
    }
    rule.name = m.text("name");
    check_tall_man(diag_, m.at("name") + "/en", rule.name.en);
    if (const json* tests = m.array("tests")) {
      for (const auto& [t, tptr] : elements(tests, m.at("tests"))) {
        if (t->is_string()) {
          rule.tests.push_back(t->get<std::string>());
        } else {
          diag_.add("rules.wrong_type", tptr, "expected a test id from labs.json");
        }
      }
      if (rule.tests.empty()) diag_.add("rules.bad_value", m.at("tests"), "list at least one test");
    }
    if (m.has("timing")) rule.timing = m.text("timing");
    rule.from = provenance(m);
    if (m.has("baseline_occasions"))
      rule.baseline_occasions = sourced_int(m, "baseline_occasions", 0, 3);
    const auto list = elements(m.array("intervals", false), m.at("intervals"));
    for (std::size_t i = 0; i < list.size(); ++i) {
      Obj iv(*list[i].first, list[i].second, diag_);
      MonitoringInterval interval;
      interval.every = iv.span("every").value_or(Span{});
      interval.length = iv.span("for", false);
      interval.from = provenance(iv);
      iv.finish();
      if (i + 1 < list.size() && !interval.length && iv.valid()) {
        diag_.add("rules.bad_value", iv.at("for"),
                  "only the last interval may run to the end of the course: give \"for\"");
      }
      rule.intervals.push_back(interval);
    }
    for (const auto& [aj, aptr] : elements(m.array("around_doses", false), m.at("around_doses"))) {
      Obj a(*aj, aptr, diag_);
      AroundDose around;
      around.day = a.integer("day").value_or(0);
      around.window_days = a.integer("window_days", false).value_or(0);
      if (around.day < -14 || around.day > 60 || around.window_days < 0 ||
          around.window_days > 14) {
        diag_.add("rules.bad_value", aptr, "expected day -14 to 60 and window_days 0 to 14");
      }
      around.label = a.text("label");
      around.from = provenance(a);
      a.finish();
      rule.around_doses.push_back(around);
    }
    for (const auto& [aj, aptr] : elements(m.array("at", false), m.at("at"))) {
      Obj a(*aj, aptr, diag_);
      Sourced<Span> at{a.span("value").value_or(Span{}), provenance(a)};
      a.finish();
      rule.at.push_back(at);
    }
    if (auto end = m.object("at_end", false)) {
      rule.at_end = provenance(*end);
      end->finish();
    }
    if (m.has("after_dose_change")) rule.after_dose_change = sourced_span(m, "after_dose_change");
    if (rule.baseline_occasions.value == 0 && rule.intervals.empty() && rule.around_doses.empty() &&
        rule.at.empty() && !rule.at_end) {
      diag_.add(
          "rules.bad_value", m.pointer(),
          "a monitoring item needs baseline_occasions, intervals, around_doses, at or at_end");
    }
    m.finish();
    r.monitoring.push_back(std::move(rule));
  }
  mon->finish();
}

void RegimenReader::read_lab_rules(Obj& root, Regimen& r) {
  static const std::pair<const char*, LabRule::Condition> kConditions[] = {
      {"rise_over_baseline_percent", LabRule::Condition::rise_over_baseline_percent},
      {"above_uln_multiple", LabRule::Condition::above_uln_multiple},
      {"above", LabRule::Condition::above},
      {"below", LabRule::Condition::below},
      {"outside_range", LabRule::Condition::outside_range}};
  static const std::pair<const char*, LabRule::Action> kActions[] = {
      {"repeat_test", LabRule::Action::repeat_test},
      {"reduce_dose", LabRule::Action::reduce_dose},
      {"interrupt", LabRule::Action::interrupt},
      {"stop_and_contact", LabRule::Action::stop_and_contact},
      {"contact_doctor", LabRule::Action::contact_doctor}};
  std::set<std::string> ids;
  for (const auto& [j, ptr] : elements(root.array("lab_rules", false), root.at("lab_rules"))) {
    Obj o(*j, ptr, diag_);
    LabRule rule;
    rule.id = o.string("id").value_or("");
    if (!rule.id.empty() && !ids.insert(rule.id).second) {
      diag_.add("rules.duplicate_id", o.at("id"), "lab rule id \"" + rule.id + "\" is used twice");
    }
    rule.test = o.string("test").value_or("");
    if (auto c = o.object("condition")) {
      const std::string kind = c->string("kind").value_or("");
      bool known = false;
      for (const auto& [name, k] : kConditions) {
        if (kind == name) {
          rule.condition = k;
          known = true;
        }
      }
      if (!known) {
        diag_.add("rules.bad_value", c->at("kind"),
                  "\"" + kind +
                      "\" is not a condition; expected rise_over_baseline_percent, "
                      "above_uln_multiple, above, below or outside_range");
      }
      if (rule.condition == LabRule::Condition::outside_range) {
        rule.low = c->number("low").value_or(0);
        rule.high = c->number("high").value_or(0);
        if (rule.low > rule.high)
          diag_.add("rules.range_order", c->pointer(), "expected low <= high");
      } else {
        rule.threshold = c->number("threshold").value_or(0);
        if (rule.threshold <= 0)
          diag_.add("rules.bad_value", c->at("threshold"), "must be greater than 0");
      }
      const bool needs_unit = rule.condition == LabRule::Condition::above ||
                              rule.condition == LabRule::Condition::below ||
                              rule.condition == LabRule::Condition::outside_range;
      rule.unit = c->string("unit", needs_unit).value_or("");
      if (const auto n = c->integer("readings", false)) {
        rule.readings = *n;
        if (*n < 1 || *n > kMaxReadings)
          diag_.add(
              "rules.bad_value", c->at("readings"),
              "expected a whole number of readings from 1 to " + std::to_string(kMaxReadings));
      }
      c->finish();
    }
    const std::string action = o.string("action").value_or("");
    bool known = false;
    for (const auto& [name, a] : kActions) {
      if (action == name) {
        rule.action = a;
        known = true;
      }
    }
    if (!known && !action.empty()) {
      diag_.add("rules.bad_value", o.at("action"),
                "\"" + action +
                    "\" is not an action; expected repeat_test, reduce_dose, interrupt, "
                    "stop_and_contact or contact_doctor");
    }
    rule.advice = o.text("advice");
    rule.from = provenance(o);
    o.finish();
    r.lab_rules.push_back(std::move(rule));
  }
}

}  // namespace doseplan::detail
