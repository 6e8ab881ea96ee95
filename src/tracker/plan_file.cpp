// Reading a JSON plan (render_json, `doseplan plan --format json`) back: the request behind it
// (`doseplan track start --plan FILE`) and what it says about its patient (contract in
// doseplan/tracker.hpp).
#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "doseplan/error.hpp"
#include "doseplan/render.hpp"
#include "doseplan/request.hpp"
#include "doseplan/tracker.hpp"
#include "tracker/plan_file.hpp"

namespace doseplan {

using json = nlohmann::json;

namespace {

// The members a JSON plan gained after plans were first stored: an older plan lacks them, and is
// the same as a new one whose members are empty.
constexpr std::array<const char*, 2> kLaterMembers = {"checks", "acknowledgements"};

LocalizedText plan_text_of(const json& j) {
  return {j.at("en").get<std::string>(), j.at("zh-CN").get<std::string>()};
}

Provenance plan_provenance_of(const json& j) {
  Provenance p;
  p.source_id = j.value("source", "");
  p.project_default = j.value("project_default", false);
  if (j.contains("reason")) p.reason = plan_text_of(j.at("reason"));
  if (j.contains("note")) p.note = plan_text_of(j.at("note"));
  p.overridden = j.value("overridden_by_user", false);
  return p;
}

PatientCheck::Action action_of(const std::string& name) {
  for (const auto a : {PatientCheck::Action::warn, PatientCheck::Action::reduce,
                       PatientCheck::Action::acknowledged}) {
    if (name == to_string(a)) return a;
  }
  throw std::invalid_argument("unknown action \"" + name + "\"");
}

}  // namespace

PlanChecks checks_of_plan_json(std::string_view json_text, const std::string& where) {
  PlanChecks out;
  try {
    const json p = json::parse(json_text);
    if (!p.is_object() || p.value("format", "") != "doseplan-plan") {
      throw std::invalid_argument("no \"format\": \"doseplan-plan\"");
    }
    if (p.contains("checks")) {
      for (const json& c : p.at("checks")) {
        PatientCheck check;
        check.id = c.at("id").get<std::string>();
        check.rule_id = c.value("rule", "");
        check.action = action_of(c.at("action").get<std::string>());
        check.text = plan_text_of(c);
        check.from = plan_provenance_of(c.at("from"));
        out.checks.push_back(std::move(check));
      }
    }
    if (p.contains("acknowledgements")) {
      for (const json& a : p.at("acknowledgements"))
        out.acknowledgements.push_back(plan_text_of(a));
    }
  } catch (const std::exception& e) {
    throw Error("tracker.not_a_plan", where,
                std::string("not a doseplan JSON plan with readable checks (") + e.what() + ")");
  }
  return out;
}

PlanRequest request_from_plan_json(const RuleSet& rules, std::string_view json_text,
                                   const std::string& file) {
  json p;
  try {
    p = json::parse(json_text);
  } catch (const json::exception& e) {
    throw Error("tracker.not_a_plan", file,
                std::string("not JSON (") + e.what() +
                    "); expected a plan written by `doseplan plan --format json`");
  }
  if (!p.is_object() || p.value("format", "") != "doseplan-plan") {
    throw Error("tracker.not_a_plan", file,
                "not a doseplan JSON plan (no \"format\": \"doseplan-plan\"); expected a plan "
                "written by `doseplan plan --format json`, or give the plan flags or --input "
                "REQUEST.json");
  }
  const auto not_rebuilt = [&](const std::string& why) {
    return Error("tracker.plan_not_rebuilt", file,
                 why +
                     "; start tracking with the flags or the request file the plan was made "
                     "with (e.g. doseplan track start --label pt-01 --input patient.json)");
  };
  PlanRequest q;
  try {
    q.regimen_id = p.at("regimen").at("id").get<std::string>();
    const Regimen* r = rules.find_regimen(q.regimen_id);
    if (r == nullptr) throw not_rebuilt("the rules have no regimen \"" + q.regimen_id + "\"");
    const json& pt = p.at("patient");
    q.weight = kilograms(pt.at("weight").at("value").get<double>());
    q.start = parse_date(p.at("start").get<std::string>(), file + ":/start");
    if (pt.contains("height")) q.height = centimetres(pt["height"]["value"].get<double>());
    if (pt.contains("age")) q.age_years = pt["age"]["value"].get<double>();
    if (pt.contains("sex")) q.sex = parse_sex(pt["sex"].get<std::string>(), file + ":/patient/sex");
    if (pt.contains("creatinine")) {
      q.creatinine = umol_per_L(pt["creatinine"]["value"].get<double>());
    }
    const json& dose = p.at("dose");
    const auto overridden = [](const json& prov) {
      return prov.is_object() && prov.value("overridden_by_user", false);
    };
    if (dose.contains("chosen") && overridden(dose.value("chosen_from", json::object()))) {
      q.dose = make_dose(dose["chosen"]["value"].get<double>(),
                         dose["chosen"]["unit"].get<std::string>());
    }
    if (dose.contains("doses_per_day") &&
        overridden(dose.value("doses_per_day_from", json::object()))) {
      q.doses_per_day = dose["doses_per_day"].get<int>();
    }
    const std::string product = p.at("product").at("id").get<std::string>();
    if (r->products.empty() || product != r->products.front()) q.product_id = product;
    // A plan that carries acknowledgements was made with --acknowledge-off-label.
    q.acknowledge_off_label = !p.value("acknowledgements", json::array()).empty();
    if (const json& pr = p.at("product"); pr.contains("market") && pr["market"].is_object())
      q.market = pr["market"].at("id").get<std::string>();
    // Phase rows: cycle counts, and the lengths the user chose.
    std::map<std::string, std::pair<Date, Date>> spans;
    std::map<std::string, int> rows;
    std::set<std::string> chosen_length;
    for (const json& ph : p.at("phases")) {
      const std::string id = ph.at("id").get<std::string>();
      const Date first = parse_date(ph.at("first").get<std::string>(), file);
      const Date last = parse_date(ph.at("last").get<std::string>(), file);
      auto [it, inserted] = spans.try_emplace(id, first, last);
      if (!inserted) {
        it->second.first = std::min(it->second.first, first);
        it->second.second = std::max(it->second.second, last);
      }
      ++rows[id];
      if (overridden(ph.value("duration_from", json::object()))) chosen_length.insert(id);
    }
    for (const PhaseRule& rule : r->phases) {
      if (!spans.count(rule.id)) continue;
      if (rule.kind == PhaseRule::Kind::cycles) {
        q.cycle_counts[rule.id] = rows[rule.id];
      } else if (rule.kind != PhaseRule::Kind::taper && chosen_length.count(rule.id)) {
        const auto& [first, last] = spans[rule.id];
        q.phase_durations[rule.id] =
            Span{static_cast<int>((last - first).count()) + 1, Span::Unit::day};
      }
    }
    // Only counts the regimen does not fix are requests; the default count is left out.
    for (auto it = q.cycle_counts.begin(); it != q.cycle_counts.end();) {
      bool keep = false;
      for (const PhaseRule& rule : r->phases)
        if (rule.id == it->first && it->second != rule.default_count.value) keep = true;
      it = keep ? std::next(it) : q.cycle_counts.erase(it);
    }
  } catch (const json::exception& e) {
    throw not_rebuilt(std::string("the plan lacks a field the request needs (") + e.what() + ")");
  }
  Plan rebuilt;
  try {
    // A plan made with --explain carries its audit trail; compare like with like.
    PlanRequest like = q;
    like.explain =
        p.contains("patient") && p["patient"].is_object() && p["patient"].contains("audit");
    rebuilt = make_plan(rules, like);
  } catch (const Error& e) {
    throw not_rebuilt("planning it again fails: " + e.problems().front().to_string());
  }
  if (!detail::same_plan(json::parse(render_json(rebuilt)), p)) {
    throw not_rebuilt(
        "planned again from its regimen, patient, start, dose, product and cycle counts, it "
        "differs from the file (other choices were made, or the rules changed)");
  }
  return q;
}

// ------------------------------------------------------------------ advice

namespace detail {

// Whether `rebuilt` (render_json of a plan made now) is the plan `stored`, which may have been
// written before the members above existed.
bool same_plan(json rebuilt, const json& stored) {
  if (rebuilt.is_object() && stored.is_object()) {
    for (const char* key : kLaterMembers) {
      const auto it = rebuilt.find(key);
      if (it != rebuilt.end() && it->empty() && !stored.contains(key)) rebuilt.erase(it);
    }
  }
  return rebuilt == stored;
}

}  // namespace detail

}  // namespace doseplan
