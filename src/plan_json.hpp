// Internal: the JSON plan (render_json) written straight into a string, for `batch`.
#ifndef DOSEPLAN_SRC_PLAN_JSON_HPP_
#define DOSEPLAN_SRC_PLAN_JSON_HPP_

#include <map>
#include <string>
#include <vector>

#include "doseplan/plan.hpp"

namespace doseplan::detail {

// The blocks of a JSON plan that every plan of a regimen shares (tests, lab_rules, warnings,
// disagreements, sources), kept as bytes between plans. A kept block is used only when the plan
// holds exactly the values it was written from (compared member by member), so a cache can never
// put another plan's text in: it only saves writing the same bytes again. Not thread-safe: one
// cache per thread (`batch` plans one line after another).
class PlanJsonCache {
 public:
  struct Entry {
    int indent = 0;
    std::vector<LabTest> labs;
    std::string labs_json;
    std::vector<LabRule> lab_rules;  // the conditions name the tests: with `labs` too
    std::string lab_rules_json;
    std::vector<Sourced<LocalizedText>> warnings;
    std::string warnings_json;
    std::vector<Disagreement> disagreements;
    std::string disagreements_json;
    std::vector<Source> sources;
    std::string sources_json;
    // The regimen of the last plan written, when it was a shared plan (plan_internal.hpp): its
    // lab rules, warnings, disagreements and sources are the kept values above, and the next
    // shared plan of the same regimen takes the blocks without comparing them. A cache must
    // therefore not outlive the rules it was used with, nor see them changed.
    const Regimen* shared_from = nullptr;
    // Mostly the same from plan to plan (the user's choices change it).
    std::vector<ProjectDefaultUse> project_defaults;
    std::string project_defaults_json;
    bool valid = false;

    // Provenances (phases, visits, the dose) as written, with the depth and indent they were
    // written at: a plan repeats a few of them many times, long reasons in two languages
    // included. `fingerprint` makes most comparisons one integer compare.
    struct KeptProvenance {
      std::size_t fingerprint = 0;
      Provenance from;
      std::string json;
    };
    std::vector<KeptProvenance> provenances;
    // The kept text of `from` at that depth and indent, or null.
    const std::string* find(const Provenance& from, int at_depth, int with_indent) const;
    // Keeps `json` for `from` (at most kMaxProvenances: then they are all dropped).
    void keep(const Provenance& from, int at_depth, int with_indent, std::string json);
    static constexpr std::size_t kMaxProvenances = 128;

    // Texts of phases and visits (names, reasons, timings) as written on one line (indent < 0),
    // in a table of kTextSlots by fingerprint: a newer text takes the slot of an older one.
    struct KeptText {
      std::size_t fingerprint = 0;
      LocalizedText text;
      std::string json;
    };
    static constexpr std::size_t kTextSlots = 509;
    std::vector<KeptText> texts;
    const std::string* find(const LocalizedText& text) const;
    void keep(const LocalizedText& text, std::string json);

    // Administrations (a dose's slot, amount and units, with their text) as written on one line,
    // in a table of kAdministrationSlots by fingerprint: the same few doses recur in most plans.
    struct KeptAdministration {
      std::size_t fingerprint = 0;
      Administration administration;
      std::string json;
    };
    static constexpr std::size_t kAdministrationSlots = 251;
    std::vector<KeptAdministration> administrations;
    const std::string* find(const Administration& a) const;
    void keep(const Administration& a, std::string json);

    // For shared plans (plan_internal.hpp) on one line: the members every visit item of a
    // monitoring rule has, as written ("id", "name", "tests"; "timing"), by rule.
    struct KeptItem {
      const MonitoringRule* rule = nullptr;
      std::string head;    // "id":…,"name":{…},"tests":[…]
      std::string timing;  // "timing":{…}, or empty when the rule has none
    };
    std::vector<KeptItem> items;
    // The kept members of `rule` (written the first time). The rule is known by its address:
    // see shared_from above.
    const KeptItem& item_of(const MonitoringRule& rule);
  };
  Entry& entry(const std::string& regimen_id) { return entries_[regimen_id]; }

 private:
  std::map<std::string, Entry> entries_;
};

// Writes the JSON plan into `buf` from offset `at`: the bytes of render_json(plan, indent)
// without the final newline. Returns where they end; `buf` may be longer (spare room kept for the
// next plan: see JsonWriter). With a cache, blocks shared by the plans of a regimen are written
// once. With `shared_from`, `plan` is a shared plan of that regimen (plan_internal.hpp): the
// bytes are those of the whole plan.
std::size_t write_plan_json(std::string& buf, std::size_t at, const Plan& plan, int indent,
                            PlanJsonCache* cache = nullptr, const Regimen* shared_from = nullptr);

}  // namespace doseplan::detail

#endif  // DOSEPLAN_SRC_PLAN_JSON_HPP_
