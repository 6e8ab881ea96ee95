// The output that more than one `doseplan track` subcommand writes (track_output.hpp).
#include "cli/track/track_output.hpp"

#include <cstdint>
#include <sstream>
#include <string_view>

#include "cli/track/track_common.hpp"

namespace doseplan::cli::track {

// ------------------------------------------------------------------ what made a stored plan

std::string planned_with_text(const RulesStamp& stored, Lang lang) {
  if (stored.rules_hash.empty()) return tr(lang, "Planned with: not recorded");
  return say(tr(lang, "Planned with: {stamp}"), {{"stamp", stamp_text(stored, lang)}});
}

RulesStamp stamp_now(const RuleSet& rules, const std::string& regimen_id) {
  const Regimen* r = rules.find_regimen(regimen_id);
  return r != nullptr ? r->stamp : RulesStamp{};
}

std::string rules_differ_text(const RulesStamp& stored, const RulesStamp& now, Lang lang) {
  if (stored.rules_hash.empty() || now.rules_hash.empty() || stored.rules_hash == now.rules_hash) {
    return "";
  }
  return say(tr(lang,
                "Planned with rules {planned} (sha256 {planned_hash}); the rules in use now "
                "differ (rules {now}, sha256 {now_hash}): the stored plan and its visits follow "
                "the old rules; re-plan to follow the new ones."),
             {{"planned", stored.rules_version},
              {"planned_hash", stored.rules_hash.substr(0, 16)},
              {"now", now.rules_version},
              {"now_hash", now.rules_hash.substr(0, 16)}});
}

json stamp_json(const RulesStamp& s) {
  return {{"doseplan_version", s.doseplan_version},
          {"rules_version", s.rules_version},
          {"rules_sha256", s.rules_hash}};
}

// ------------------------------------------------------------------ JSON

json localized_json(const LocalizedText& t) {
  return {{"en", t.en}, {"zh-CN", t.zh}};
}

namespace {

// With the test (`lab`), each value carries the LOINC code of its unit: the molar code for
// umol/L or mmol/L where labs.json gives one ("14682-9" for creatinine), else the test's code.
json lab_value_json(const LabValue& v) {
  return {{"value", v.amount()}, {"unit", v.unit().written}};
}

json measurement_json(const Measurement& m, const LabTest* lab) {
  json j = {{"as_entered", {{"value", m.value_entered}, {"unit", m.unit_entered}}},
            {"canonical", lab_value_json(m.canonical)}};
  if (lab && !lab->loinc.empty()) {
    j["as_entered"]["loinc"] = lab->loinc_for_unit(m.unit_entered);
    j["canonical"]["loinc"] = lab->loinc_for_unit(m.canonical.unit().written);
  }
  return j;
}

const char* status_id(Advice::Status s) {
  switch (s) {
    case Advice::Status::reached:
      return "reached";
    case Advice::Status::not_reached:
      return "not_reached";
    case Advice::Status::cannot_evaluate:
      return "cannot_evaluate";
    case Advice::Status::no_result:
      return "no_result";
  }
  return "";
}

// "[!] needs attention (the rule is met)" and the like: how advice_text() marks a status.
std::string status_mark(Advice::Status s, Lang lang) {
  switch (s) {
    case Advice::Status::reached:
      return "[!] " + tr(lang, "needs attention (the rule is met)");
    case Advice::Status::not_reached:
      return "[ok] " + tr(lang, "not met");
    case Advice::Status::cannot_evaluate:
      return "[?] " + tr(lang, "can not be evaluated");
    case Advice::Status::no_result:
      return "[-] " + tr(lang, "no result yet");
  }
  return "";
}

}  // namespace

json result_json(const TrackedResult& r, const LabTest* lab) {
  json j = {{"id", r.id},
            {"label", r.label},
            {"test", r.test},
            {"date", format_date(r.date)},
            {"value", measurement_json(r.value, lab)}};
  if (r.uln) j["uln"] = measurement_json(*r.uln, lab);
  j["note"] = r.note;
  j["recorded_on"] = format_date(r.recorded_on);
  if (r.entered_in_error) {
    j["entered_in_error"] = {{"marked_on", format_date(r.entered_in_error->marked_on)},
                             {"reason", r.entered_in_error->reason}};
  }
  return j;
}

json planned_visit_json(const PlannedVisit& v) {
  json items = json::array();
  for (const VisitItem& it : v.items()) {
    items.push_back({{"id", it.monitoring_id},
                     {"name", localized_json(it.name)},
                     {"tests", it.tests},
                     {"reason", localized_json(it.reason)}});
  }
  const std::vector<std::string>& tests = v.tests();
  return {{"date", format_date(v.date)},
          {"baseline", v.baseline},
          {"window_before_days", v.window_before},
          {"window_after_days", v.window_after},
          {"tests", tests},
          {"items", items}};
}

json visit_json(const TrackedVisit& v) {
  json j = planned_visit_json(v);
  j["done"] = v.done;
  if (v.done_on) j["done_on"] = format_date(*v.done_on);
  if (!v.done_note.empty()) j["done_note"] = v.done_note;
  return j;
}

json advice_json(const Advice& a, const RuleSet& rules) {
  json j = {{"rule", a.rule.id},
            {"test", a.rule.test},
            {"status", status_id(a.status)},
            {"condition", localized_json(a.condition)},
            {"detail", localized_json(a.detail)}};
  if (a.result) j["result"] = result_json(*a.result, rules.find_lab(a.rule.test));
  if (a.baseline) {
    j["baseline"] = lab_value_json(*a.baseline);
    json dates = json::array();
    for (Date d : a.baseline_dates) dates.push_back(format_date(d));
    j["baseline_dates"] = dates;
  }
  if (a.change_percent) j["change_percent"] = *a.change_percent;
  if (a.also_reached_on) j["previous_result_also_reached"] = format_date(*a.also_reached_on);
  if (a.rule.readings > 1) {
    j["readings"] = {{"needed", a.rule.readings}, {"met", a.readings_met}};
  }
  if (!a.not_used.empty()) j["not_used_entered_in_error"] = a.not_used;
  j["advice"] = localized_json(a.advice);
  j["source"] = localized_json(a.source);
  j["disclaimer"] = localized_json(a.disclaimer);
  return j;
}

// ------------------------------------------------------------------ text

std::string advice_text(const std::vector<Advice>& advice, Lang lang) {
  std::ostringstream o;
  o << tr(lang, "ADVICE (educational only: always ask your doctor)") << "\n";
  for (const Advice& a : advice) {
    o << "  "
      << say(tr(lang, "{mark} — {rule}: {condition}"), {{"mark", status_mark(a.status, lang)},
                                                        {"rule", a.rule.id},
                                                        {"condition", pick(a.condition, lang)}})
      << "\n";
    o << "      " << pick(a.detail, lang) << "\n";
    if (!a.not_used.empty()) {
      std::vector<std::string> ids;
      for (std::int64_t id : a.not_used) ids.push_back("#" + std::to_string(id));
      o << "      "
        << say(tr(lang, "Not used (entered in error): {ids}"), {{"ids", join_list(ids, lang)}})
        << "\n";
    }
    if (a.status == Advice::Status::reached) {
      o << "      " << say(tr(lang, "Advice: {advice}"), {{"advice", pick(a.advice, lang)}})
        << "\n";
    }
    // The source names itself ("source …" / "来源 …", "project default: …").
    o << "      " << pick(a.source, lang) << "\n";
  }
  if (!advice.empty()) o << "  " << pick(advice.front().disclaimer, lang) << "\n";
  return o.str();
}

}  // namespace doseplan::cli::track
