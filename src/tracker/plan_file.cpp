// Reading a JSON plan (render_json, `doseplan plan --format json`) back: the request behind it
// (`doseplan track start --plan FILE`) and what it says about its patient (contract in
// doseplan/tracker.hpp).
#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>

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
  // The plan carries the request it was made from (render_json, docs/plan-json.md).
  if (!p.contains("request")) {
    throw Error("tracker.plan_without_request", file,
                "the plan has no \"request\" member: it was written by a doseplan older than "
                "the plans that carry their request; make the plan again with this version "
                "(doseplan plan ... --format json), or start tracking with the flags or the "
                "request file it was made with (e.g. doseplan track start --label pt-01 --input "
                "patient.json)");
  }
  // Read as a request file is read: a problem names the member, e.g. "plan.json:/request:/weight".
  PlanRequest q = parse_plan_request(p["request"].dump(), file + ":/request");
  // A plan made with --explain carries its audit trail; compare like with like.
  PlanRequest like = q;
  like.explain =
      p.contains("patient") && p["patient"].is_object() && p["patient"].contains("audit");
  const auto not_rebuilt = [&](const std::string& why) {
    return Error("tracker.plan_not_rebuilt", file,
                 why +
                     "; the plan was changed after it was made, or made with other rules: make it "
                     "again with this version, or start tracking with the flags or the request "
                     "file it was made with (e.g. doseplan track start --label pt-01 --input "
                     "patient.json)");
  };
  Plan rebuilt;
  try {
    rebuilt = make_plan(rules, like);
  } catch (const Error& e) {
    throw not_rebuilt("planning its \"request\" again fails: " + e.problems().front().to_string());
  }
  const json again = json::parse(render_json(rebuilt));
  if (!detail::same_plan(again, p)) {
    // The first difference, for the user to find it: a JSON pointer into the file.
    const json patch = json::diff(detail::comparable(again, p), p);
    const std::string at = patch.empty() ? "" : patch.front().value("path", "");
    throw not_rebuilt(
        "planned again from its \"request\", it is not the plan in the file (first "
        "difference at " +
        (at.empty() ? std::string("/") : at) + ")");
  }
  return q;
}

// ------------------------------------------------------------------ advice

namespace detail {

// `rebuilt` (render_json of a plan made now) without the members `stored` may lack because it
// was written before they existed.
json comparable(json rebuilt, const json& stored) {
  if (rebuilt.is_object() && stored.is_object()) {
    for (const char* key : kLaterMembers) {
      const auto it = rebuilt.find(key);
      if (it != rebuilt.end() && it->empty() && !stored.contains(key)) rebuilt.erase(it);
    }
    // A plan stored before plans carried their request (the tracker's older rows) is compared
    // without it; request_from_plan_json refuses a plan file without it before comparing.
    if (!stored.contains("request")) rebuilt.erase("request");
  }
  return rebuilt;
}

// Whether `rebuilt` is the plan `stored`, which may have been written before the members above
// existed.
bool same_plan(json rebuilt, const json& stored) {
  return comparable(std::move(rebuilt), stored) == stored;
}

}  // namespace detail

}  // namespace doseplan
