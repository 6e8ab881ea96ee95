// FHIR R4 export: a Bundle (type collection) holding
//   Patient (no identifying data), Observation body weight (and height), one MedicationRequest per
//   phase with a Dosage per planned row and dose (Dosage.sequence orders phases and taper steps;
//   timing.repeat with frequency, period, boundsPeriod and when; doseAndRate in UCUM), one
//   ServiceRequest per test of every visit (LOINC code, date or window), and a CarePlan tying them
//   together; and a DetectedIssue per check about the patient (Plan::checks: status "final",
//   severity "high" when only the user's acknowledgement let the plan through, else "moderate";
//   implicating every MedicationRequest, which names them in detectedIssue). Every other resource
//   is status "draft" and every request intent "proposal": doseplan is an educational aid, never
//   an order. The disclaimer, the acknowledgements, the checks and the sources are notes of the
//   CarePlan and of every MedicationRequest.
// Identifiers are urn:uuid values made from the plan's content (no clock, no randomness), so the
// same plan always gives the same Bundle.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "doseplan/format.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/render.hpp"

namespace doseplan {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* kUcum = "http://unitsofmeasure.org";
constexpr const char* kLoinc = "http://loinc.org";

std::uint64_t fnv1a(const std::string& s, std::uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// A version-4-shaped UUID from `key` (deterministic).
std::string uuid(const std::string& key) {
  const std::uint64_t a = fnv1a(key), b = fnv1a(key, a ^ 0x9E3779B97F4A7C15ULL);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFF),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3FFF)),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return std::string("urn:uuid:") + buf;
}

double clean(double v) {
  return std::round(v * 1e6) / 1e6;
}

json quantity(double value, const char* unit, const char* code) {
  return {{"value", clean(value)}, {"unit", unit}, {"system", kUcum}, {"code", code}};
}

// The official LOINC long common name of each code doseplan uses (rules/labs.json and the body
// measures), written as Coding.display. Source: LOINC (Regenstrief Institute, loinc.org), each
// code's term page or a page quoting it (issue 20, item 11; the list with where each was checked
// is in docs/fhir.md, "LOINC displays"). LOINC writes cycloSPORINE in Tall Man letters itself.
// A code missing here gets no display (a display is optional; a wrong one is worse than none):
// tests/render/fhir_test.sh checks that every code of rules/labs.json is here.
const char* loinc_long_name(const std::string& code) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"29463-7", "Body weight"},
      {"8302-2", "Body height"},
      {"3520-4", "cycloSPORINE [Mass/volume] in Blood"},
      {"58410-2", "CBC panel - Blood by Automated count"},
      {"777-3", "Platelets [#/volume] in Blood by Automated count"},
      {"1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma"},
      {"1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma"},
      {"1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma"},
      {"14631-6", "Bilirubin.total [Moles/volume] in Serum or Plasma"},
      {"2160-0", "Creatinine [Mass/volume] in Serum or Plasma"},
      {"14682-9", "Creatinine [Moles/volume] in Serum or Plasma"},
      {"3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma"},
      {"85354-9", "Blood pressure panel with all children optional"},
      {"8480-6", "Systolic blood pressure"},
      {"8462-4", "Diastolic blood pressure"},
      {"6690-2", "Leukocytes [#/volume] in Blood by Automated count"},
      {"751-8", "Neutrophils [#/volume] in Blood by Automated count"},
      {"24356-8", "Urinalysis complete panel - Urine"},
      {"2823-3", "Potassium [Moles/volume] in Serum or Plasma"},
      {"19123-9", "Magnesium [Mass/volume] in Serum or Plasma"},
      {"2601-3", "Magnesium [Moles/volume] in Serum or Plasma"},
      {"3084-1", "Urate [Mass/volume] in Serum or Plasma"},
      {"14933-6", "Urate [Moles/volume] in Serum or Plasma"},
      {"2093-3", "Cholesterol [Mass/volume] in Serum or Plasma"},
      {"14647-2", "Cholesterol [Moles/volume] in Serum or Plasma"},
      {"2571-8", "Triglyceride [Mass/volume] in Serum or Plasma"},
      {"14927-8", "Triglyceride [Moles/volume] in Serum or Plasma"},
      {"22664-7", "Urea [Moles/volume] in Serum or Plasma"},
      {"2889-4", "Protein [Mass/time] in 24 hour Urine"},
      {"5196-1", "Hepatitis B virus surface Ag [Presence] in Serum or Plasma by Immunoassay"},
      {"13952-7", "Hepatitis B virus core Ab [Presence] in Serum or Plasma by Immunoassay"},
  };
  for (const auto& [c, name] : kNames)
    if (code == c) return name;
  return nullptr;
}

// A LOINC Coding: system, code and, when known, the official long common name.
json loinc_coding(const std::string& code) {
  json c = {{"system", kLoinc}, {"code", code}};
  if (const char* name = loinc_long_name(code)) c["display"] = name;
  return c;
}

// The medication as text only, flagged as not coded: neither clinical-facts.md nor a drug label
// among doseplan's sources gives an RxNorm or ATC code for any of its drugs or products, and a
// code is written only where a cited document gives it (issue 20, item 11; docs/fhir.md). The
// flag is the standard data-absent-reason extension ("unknown": a code exists, doseplan has none
// from a source) and a note of the MedicationRequest.
json medication_concept(const Plan& plan) {
  return {{"extension",
           json::array({{{"url", "http://hl7.org/fhir/StructureDefinition/data-absent-reason"},
                         {"valueCode", "unknown"}}})},
          {"text", plan.regimen.drug.name.en + " (" + plan.regimen.drug.name.zh + "), " +
                       plan.product.name.en}};
}

constexpr const char* kUncodedNote =
    "Medication not coded: no RxNorm or ATC code is given by a document doseplan cites "
    "(clinical-facts.md, drug labels), so the drug and product are given as text only.";

const char* when_code(Slot s) {
  switch (s) {
    case Slot::morning:
      return "MORN";
    case Slot::noon:
      return "NOON";
    case Slot::evening:
      return "EVE";
    case Slot::bedtime:
      return "HS";
  }
  return "MORN";
}

// "[source cya-ra-003]", "[secondary source x]" or "[project default: reason]": where a check's
// limit comes from.
std::string source_note(const Plan& plan, const Provenance& from) {
  if (from.project_default) return "[project default: " + from.reason.en + "]";
  const std::string words = provenance_words(plan.sources, from, Lang::en);
  return words.empty() ? "" : "[" + words + "]";
}

// A check in words, English then Chinese, with its mark and its source.
std::string check_text(const Plan& plan, const PatientCheck& c) {
  return check_mark(c.action, Lang::en) + " / " + check_mark(c.action, Lang::zh_CN) + ": " +
         c.text.en + " " + c.text.zh + " " + source_note(plan, c.from);
}

json notes(const Plan& plan) {
  json n = json::array();
  n.push_back({{"text", plan.disclaimer.en + " " + plan.disclaimer.zh}});
  for (const LocalizedText& a : plan.acknowledgements) {
    n.push_back(
        {{"text", "Acknowledged by the user (--acknowledge-off-label): " + a.en + " " + a.zh}});
  }
  for (const PatientCheck& c : plan.checks) {
    n.push_back({{"text", "Check about the patient (" + c.id + "), " + check_text(plan, c)}});
  }
  n.push_back({{"text", "Sources:\n" + sources_text(plan.sources, Lang::en, "")}});
  n.push_back({{"text", "Made by " + stamp_text(plan.stamp, Lang::en)}});
  for (const LocalizedText& p : plan.product_notes) {
    n.push_back({{"text", "Product: " + p.en + " " + p.zh}});
  }
  for (const LocalizedText& a : plan.advisories) {
    n.push_back({{"text", "Advisory: " + a.en + " " + a.zh}});
  }
  for (const auto& w : plan.warnings) {
    n.push_back({{"text", "Warning: " + w.value.en + " " + w.value.zh}});
  }
  for (const Disagreement& d : plan.disagreements) {
    std::string t = "Sources disagree on " + d.topic.en + ":";
    for (const auto& p : d.positions) t += " [" + p.from.source_id + "] " + p.value.en;
    n.push_back({{"text", t}});
  }
  for (const ProjectDefaultUse& d : plan.project_defaults) {
    n.push_back({{"text", "Project default (no source gives it): " + d.what.en + " = " +
                              d.value.en + ". " + d.reason.en + " " + d.reason.zh}});
  }
  return n;
}

// The baseline serum creatinine of the request, in umol/L: coded with the test's LOINC code for
// that unit (the molar code 14682-9 of rules/labs.json, not the mass code 2160-0).
json creatinine_observation(const Plan& plan, const json& subject) {
  const char* unit = "umol/L";
  json code = {{"text", "Serum creatinine (baseline)"}};
  for (const LabTest& l : plan.labs) {
    if (l.id == "creatinine" && !l.loinc_for_unit(unit).empty()) {
      code["coding"] = json::array({loinc_coding(l.loinc_for_unit(unit))});
    }
  }
  return {
      {"resourceType", "Observation"},
      {"status", "final"},
      {"category", json::array({{{"coding", json::array({{{"system",
                                                           "http://terminology.hl7.org/CodeSystem/"
                                                           "observation-category"},
                                                          {"code", "laboratory"}}})}}})},
      {"code", code},
      {"subject", subject},
      {"effectiveDateTime", format_date(plan.start)},
      {"valueQuantity",
       quantity(std::round(in_umol_per_L(*plan.creatinine) * 10) / 10, unit, unit)}};
}

// The Dosage entries of one planned row: one per distinct amount in the day.
void add_dosages(json& out, const PlannedPhase& p, int sequence, const Plan& plan) {
  if (p.cycle) {
    const Administration& a = p.dose.administrations.front();
    // Cells are counted, in millions: UCUM 10*6 with the annotation {cells} says what is counted.
    json dose = a.cells ? quantity(a.cells->millions, "million cells", "10*6{cells}")
                        : quantity(in_mg(a.amount), "mg", "mg");
    out.push_back({{"sequence", sequence},
                   {"text", p.name.en + " " + std::to_string(p.step) + "/" +
                                std::to_string(p.steps) + ": " + describe_administration(a)},
                   {"timing", {{"event", json::array({format_date(p.first)})}}},
                   {"route", {{"text", "intravenous"}}},
                   {"doseAndRate", json::array({{{"doseQuantity", dose}}})}});
    return;
  }
  // Group the day's administrations by amount (150 mg morning and evening share one Dosage).
  std::vector<std::pair<DrugMass, std::vector<const Administration*>>> groups;
  for (const Administration& a : p.dose.administrations) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == a.amount; });
    if (it == groups.end()) {
      groups.push_back({a.amount, {&a}});
    } else {
      it->second.push_back(&a);
    }
  }
  for (const auto& [amount, admins] : groups) {
    json when = json::array();
    std::string slots;
    for (const Administration* a : admins) {
      when.push_back(when_code(a->slot));
      slots += (slots.empty() ? "" : ", ") + std::string(slot_name(a->slot));
    }
    out.push_back(
        {{"sequence", sequence},
         {"text",
          p.name.en +
              (p.steps > 0 ? " " + std::to_string(p.step) + "/" + std::to_string(p.steps) : "") +
              ": " + format_mg(amount) + " (" + describe_administration(*admins.front()) + ") " +
              slots + ", " + format_date(p.first) + " to " + format_date(p.last) +
              (p.dose_note.en.empty() ? "" : " [" + p.dose_note.en + " " + p.dose_note.zh + "]")},
         {"timing",
          {{"repeat",
            {{"boundsPeriod", {{"start", format_date(p.first)}, {"end", format_date(p.last)}}},
             {"frequency", static_cast<int>(admins.size())},
             {"period", 1},
             {"periodUnit", "d"},
             {"when", when}}}}},
         {"route", {{"text", "oral"}}},
         {"doseAndRate", json::array({{{"doseQuantity", quantity(in_mg(amount), "mg", "mg")}}})},
         // The planned total of the day (not a regimen maximum).
         {"maxDosePerPeriod",
          {{"numerator", quantity(in_mg(p.dose.rounded_daily), "mg", "mg")},
           {"denominator", quantity(1, "day", "d")}}}});
  }
  (void)plan;
}

const Source* find_source(const Plan& plan, const std::string& id) {
  if (id.empty()) return nullptr;
  for (const Source& s : plan.sources)
    if (s.id == id) return &s;
  return nullptr;
}

// "Source label-schedule: AbbVie Inc. GENGRAF … (PRECAUTIONS …): “…”", "Project default: …", or
// "" without a provenance.
std::string citation_note(const Plan& plan, const Provenance& from) {
  if (from.project_default) return "Project default: " + from.reason.en;
  const Source* s = find_source(plan, from.source_id);
  if (!s) return "";
  return (s->secondary() ? "Secondary source " : "Source ") + s->id + ": " +
         document_reference(s->document, Lang::en) + " " + s->section + ": \u201c" + s->quote +
         "\u201d";
}

// The rules version and hash as meta tags of the Bundle.
json stamp_tags(const Plan& plan) {
  return json::array(
      {{{"system", "urn:doseplan:rules-version"}, {"code", plan.stamp.rules_version}},
       {{"system", "urn:doseplan:rules-sha256"}, {"code", plan.stamp.rules_hash}}});
}

// One Provenance for every resource of the bundle: doseplan (its version) assembled them under
// the rules named by `policy` (version and SHA-256), from the documents listed as its entities
// (each with its number, reference and address). `recorded` is the plan's first day: the same
// plan gives the same bundle.
json provenance(const Plan& plan, const json& entries) {
  json targets = json::array();
  for (const json& e : entries) targets.push_back({{"reference", e["fullUrl"]}});
  json entities = json::array();
  for (const BibEntry& b : bibliography(plan.sources)) {
    std::string cited;
    for (const Source& s : b.citations)
      cited += (cited.empty() ? "" : "; ") + citation_heading(s, Lang::en);
    json what = {{"display",
                  "[" + std::to_string(b.number) + "] " + document_reference(b.document, Lang::en) +
                      (b.document.url.empty() ? "" : " " + b.document.url) + " Cited: " + cited}};
    if (!b.document.identifiers.empty()) {
      what["identifier"] = {
          {"system", "urn:doseplan:identifier:" + b.document.identifiers[0].scheme},
          {"value", b.document.identifiers[0].value}};
    }
    entities.push_back({{"role", "source"}, {"what", what}});
  }
  json p = {{"resourceType", "Provenance"},
            {"target", targets},
            {"recorded", format_date(plan.start) + "T00:00:00Z"},
            {"policy", json::array({"urn:doseplan:rules:" + plan.stamp.rules_version +
                                    ":sha256:" + plan.stamp.rules_hash})},
            {"agent",
             json::array({{{"type",
                            {{"coding", json::array({{{"system",
                                                       "http://terminology.hl7.org/CodeSystem/"
                                                       "provenance-participant-type"},
                                                      {"code", "assembler"}}})}}},
                           {"who", {{"display", "doseplan " + plan.stamp.doseplan_version}}}}})}};
  if (!entities.empty()) p["entity"] = entities;
  return p;
}

// The Bundle's resources, one method per kind, in the order they are written; `key` makes every
// identifier from the whole plan's content (the same plan gives the same Bundle, any difference
// gives other identifiers).
struct FhirWriter {
  const Plan& plan;
  std::string key;
  json subject;
  json entries = json::array();
  json activities = json::array();       // the CarePlan's: MedicationRequests, ServiceRequests
  json medication_refs = json::array();  // what each DetectedIssue implicates
  json issue_refs = json::array();       // the DetectedIssues each MedicationRequest names

  void add(const std::string& url, json resource) {
    entries.push_back({{"fullUrl", url}, {"resource", std::move(resource)}});
  }
  json observation(const char* loinc, const char* display, json value) const;
  std::string add_patient();
  void add_medication_requests();
  void add_detected_issues();
  void add_service_requests();
  void add_care_plan(const std::string& weight_url);
  std::string bundle();
};

// A vital-sign Observation: `display` is the code's text (doseplan's words), the coding's display
// the LOINC long common name.
json FhirWriter::observation(const char* loinc, const char* display, json value) const {
  return json{
      {"resourceType", "Observation"},
      {"status", "final"},
      {"category",
       json::array({{{"coding",
                      json::array({{{"system",
                                     "http://terminology.hl7.org/CodeSystem/observation-category"},
                                    {"code", "vital-signs"}}})}}})},
      {"code", {{"coding", json::array({loinc_coding(loinc)})}, {"text", display}}},
      {"subject", subject},
      {"effectiveDateTime", format_date(plan.start)},
      {"valueQuantity", value}};
}

// The Patient (no identifying data) and the Observations of the body measures; returns the
// weight's URL (the CarePlan's supporting information).
std::string FhirWriter::add_patient() {
  json patient = {{"resourceType", "Patient"},
                  {"text",
                   {{"status", "generated"},
                    {"div",
                     "<div xmlns=\"http://www.w3.org/1999/xhtml\">Patient of an "
                     "educational doseplan schedule (no identifying data)</div>"}}}};
  if (plan.sex) patient["gender"] = *plan.sex == Sex::female ? "female" : "male";
  add(subject["reference"].get<std::string>(), patient);
  const std::string weight_url = uuid(key + "|weight");
  add(weight_url, observation("29463-7", "Body weight", quantity(in_kg(plan.weight), "kg", "kg")));
  if (plan.creatinine) add(uuid(key + "|creatinine"), creatinine_observation(plan, subject));
  if (plan.height) {
    add(uuid(key + "|height"),
        observation("8302-2", "Body height", quantity(in_cm(*plan.height), "cm", "cm")));
  }
  return weight_url;
}

// One MedicationRequest per phase (in order), with a Dosage per row.
void FhirWriter::add_medication_requests() {
  std::vector<std::string> phase_ids;
  for (const PlannedPhase& p : plan.phases) {
    if (std::find(phase_ids.begin(), phase_ids.end(), p.phase_id) == phase_ids.end()) {
      phase_ids.push_back(p.phase_id);
    }
  }
  for (const std::string& id : phase_ids) {
    json dosages = json::array();
    std::string name;
    for (std::size_t i = 0; i < plan.phases.size(); ++i) {
      if (plan.phases[i].phase_id != id) continue;
      name = plan.phases[i].name.en;
      add_dosages(dosages, plan.phases[i], static_cast<int>(i + 1), plan);
    }
    const std::string url = uuid(key + "|medication|" + id);
    json request = {{"resourceType", "MedicationRequest"},
                    {"status", "draft"},
                    {"intent", "proposal"},
                    {"medicationCodeableConcept", medication_concept(plan)},
                    {"subject", subject},
                    {"reasonCode", json::array({{{"text", plan.regimen.indication.en}}})}};
    if (!issue_refs.empty()) request["detectedIssue"] = issue_refs;
    request["note"] = notes(plan);
    request["note"].push_back({{"text", kUncodedNote}});
    request["dosageInstruction"] = dosages;
    add(url, std::move(request));
    activities.push_back({{"reference", {{"reference", url}, {"display", name}}}});
    medication_refs.push_back({{"reference", url}});
  }
}

// One DetectedIssue per check about the patient.
void FhirWriter::add_detected_issues() {
  for (std::size_t i = 0; i < plan.checks.size(); ++i) {
    const PatientCheck& c = plan.checks[i];
    json issue = {
        {"resourceType", "DetectedIssue"},
        {"status", "final"},
        {"code", {{"text", c.id}}},
        {"severity", c.action == PatientCheck::Action::acknowledged ? "high" : "moderate"},
        {"patient", subject},
        {"detail", check_text(plan, c)}};
    if (!medication_refs.empty()) issue["implicated"] = medication_refs;
    // The authority for the issue, when the source is an address.
    if (const Source* source = find_source(plan, c.from.source_id);
        source && source->document.url.rfind("http", 0) == 0) {
      issue["reference"] = source->document.url;
    }
    entries.push_back({{"fullUrl", issue_refs[i]["reference"]}, {"resource", std::move(issue)}});
  }
}

// One ServiceRequest per test of every visit.
void FhirWriter::add_service_requests() {
  for (const Visit& v : plan.visits) {
    for (const VisitItem& item : v.items) {
      for (const std::string& test : item.tests) {
        const LabTest* lab = nullptr;
        for (const LabTest& l : plan.labs)
          if (l.id == test) lab = &l;
        json code = {{"text", lab ? lab->name.en : test}};
        if (lab && !lab->loinc.empty()) {
          code["coding"] = json::array({loinc_coding(lab->loinc)});
        }
        json sr = {{"resourceType", "ServiceRequest"},
                   {"status", "draft"},
                   {"intent", "proposal"},
                   {"code", code},
                   {"subject", subject}};
        if (item.window_before > 0 || item.window_after > 0) {
          sr["occurrencePeriod"] = {{"start", format_date(v.date - date::days{item.window_before})},
                                    {"end", format_date(v.date + date::days{item.window_after})}};
        } else {
          sr["occurrenceDateTime"] = format_date(v.date);
        }
        sr["reasonCode"] = json::array({{{"text", item.name.en + ": " + item.reason.en}}});
        json sr_notes = json::array();
        if (!item.timing.en.empty()) sr_notes.push_back({{"text", item.timing.en}});
        // The citation this visit rests on (R4 ServiceRequest has no relatedArtifact: a note).
        if (const std::string cite = citation_note(plan, item.from); !cite.empty())
          sr_notes.push_back({{"text", cite}});
        if (!sr_notes.empty()) sr["note"] = sr_notes;
        const std::string url =
            uuid(key + "|test|" + format_date(v.date) + "|" + item.monitoring_id + "|" + test);
        add(url, sr);
        activities.push_back({{"reference", {{"reference", url}}}});
      }
    }
  }
}

// The CarePlan, second in the Bundle (after the Patient): every request as an activity.
void FhirWriter::add_care_plan(const std::string& weight_url) {
  json care_plan = {
      {"resourceType", "CarePlan"},
      {"status", "draft"},
      {"intent", "proposal"},
      {"title", plan.regimen.drug.name.en + " — " + plan.regimen.indication.en},
      {"description", "doseplan regimen " + plan.regimen.id +
                          " (evidence: " + plan.regimen.evidence + "). Educational aid only."},
      {"subject", subject},
      {"period", {{"start", format_date(plan.start)}, {"end", format_date(plan.end)}}},
      {"supportingInfo", json::array({{{"reference", weight_url}}})},
      {"activity", activities},
      {"note", notes(plan)}};
  const json care_plan_entry = {{"fullUrl", uuid(key + "|careplan")}, {"resource", care_plan}};
  entries.insert(entries.begin() + 1, care_plan_entry);  // after the Patient
}

// The Provenance of every entry, then the Bundle written out.
std::string FhirWriter::bundle() {
  entries.push_back(
      {{"fullUrl", uuid(key + "|provenance")}, {"resource", provenance(plan, entries)}});

  json bundle = {
      {"resourceType", "Bundle"},
      {"meta",
       {{"source", "urn:doseplan:" + plan.stamp.doseplan_version}, {"tag", stamp_tags(plan)}}},
      {"identifier", {{"system", "urn:ietf:rfc:3986"}, {"value", uuid(key + "|bundle")}}},
      {"type", "collection"},
      {"entry", entries}};
  return bundle.dump(2) + "\n";
}

}  // namespace

std::string render_fhir(const Plan& plan) {
  // Identifiers come from the whole plan's content: the same plan gives the same Bundle, any
  // difference (a dose, a product, a duration) gives other identifiers.
  const std::string key = plan.regimen.id + "|" + format_date(plan.start) + "|" +
                          std::to_string(fnv1a(render_json(plan, -1)));
  FhirWriter w{plan, key, {{"reference", uuid(key + "|patient")}}};
  const std::string weight_url = w.add_patient();
  // The checks' DetectedIssues (added after the MedicationRequests, which name them).
  for (std::size_t i = 0; i < plan.checks.size(); ++i) {
    w.issue_refs.push_back({{"reference", uuid(key + "|check|" + std::to_string(i))}});
  }
  w.add_medication_requests();
  w.add_detected_issues();
  w.add_service_requests();
  w.add_care_plan(weight_url);
  return w.bundle();
}

}  // namespace doseplan
