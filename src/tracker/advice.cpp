// advise(): the lab rules of a regimen judged on the recorded results (educational; contract in
// doseplan/tracker.hpp).
#include <algorithm>
#include <cmath>

#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/render.hpp"
#include "tracker/store.hpp"

namespace doseplan {

using namespace detail;  // NOLINT: the tracker's own helpers (store.hpp)

namespace {

const LabTest* find_lab(const std::vector<LabTest>& labs, std::string_view id) {
  for (const LabTest& t : labs)
    if (t.id == id) return &t;
  return nullptr;
}

LocalizedText shown(const Measurement& m) {
  return describe_measurement_text(m);
}

// describe_quantity() to 3 decimals, in both languages.
LocalizedText quantity_text(const LabValue& v) {
  return {describe_quantity(v.amount(), v.unit().written, 3, Lang::en),
          describe_quantity(v.amount(), v.unit().written, 3, Lang::zh_CN)};
}

// The rule's limits are in the test's canonical unit (converted when the rules loaded), as the
// stored value is: LabValues of one unit compare their numbers.
bool judge(const LabRule& rule, const LabValue& v, const LabValue& low, const LabValue& high) {
  switch (rule.condition) {
    case LabRule::Condition::above:
      return v > high;
    case LabRule::Condition::below:
      return v < low;
    case LabRule::Condition::outside_range:
      return v < low || v > high;
    default:
      return false;
  }
}

// Judges `seq` (oldest first) with `reached`: the rule is reached when its last
// `rule.readings` results all meet it (1: the latest alone). Counts the results in a row, up to
// the latest, that meet it, and notes that the one before the latest also did.
template <typename Reached>
void settle(Advice& a, const LabRule& rule, const std::vector<const TrackedResult*>& seq,
            Reached&& reached) {
  int met = 0;
  for (auto it = seq.rbegin(); it != seq.rend() && reached(*it); ++it) ++met;
  a.readings_met = met;
  a.status = met >= rule.readings ? Advice::Status::reached : Advice::Status::not_reached;
  if (met >= 2) a.also_reached_on = seq[seq.size() - 2]->date;
}

// A rise over the baseline: the mean of the results before `start` against the latest result on
// treatment.
void judge_rise(Advice& a, const LabRule& rule, Date start,
                const std::vector<const TrackedResult*>& rs) {
  std::vector<const TrackedResult*> pre, post;
  for (const TrackedResult* r : rs) (r->date < start ? pre : post).push_back(r);
  if (post.empty()) {
    a.status = Advice::Status::no_result;
    a.detail = tr_both(
        "no {test} result on treatment (from {date}) yet; the rule compares those with the "
        "baseline",
        {{"test", a.test_name}, {"date", same_text(format_date(start))}});
    return;
  }
  a.result = *post.back();
  if (pre.empty()) {
    a.status = Advice::Status::cannot_evaluate;
    a.detail = tr_both(
        "no pretreatment {test} result (dated before {date}) to make a baseline from; "
        "record the values from before treatment",
        {{"test", a.test_name}, {"date", same_text(format_date(start))}});
    return;
  }
  // The mean of numbers in one unit, the test's canonical unit, as every result is stored.
  double sum = 0;
  for (const TrackedResult* r : pre) {
    sum += r->value.canonical.amount();
    a.baseline_dates.push_back(r->date);
  }
  const double baseline = sum / static_cast<double>(pre.size());
  a.baseline = LabValue(baseline, post.back()->value.canonical.unit());
  if (!(baseline > 0)) {
    a.status = Advice::Status::cannot_evaluate;
    a.detail = tr_both("the baseline is 0 {unit}; a rise in percent can not be computed",
                       {{"unit", same_text(unit_shown(a.baseline->unit().written))}});
    return;
  }
  const auto change = [&](const TrackedResult* r) {
    return (r->value.canonical.amount() - baseline) / baseline * 100.0;
  };
  const auto reached = [&](const TrackedResult* r) { return change(r) >= rule.threshold - 1e-9; };
  a.change_percent = change(post.back());
  settle(a, rule, post, reached);
  // The change to 2 decimals, as format_percent() wrote it before (issue 16 changed the
  // words, not the precision), said as a rise or a fall.
  const bool rise = *a.change_percent >= 0;
  const char* const sentences[2][2] = {
      {"{value} on {date} is {percent} below the baseline {baseline} (mean of {n} "
       "pretreatment result); the rule is a rise of {threshold}% or more",
       "{value} on {date} is {percent} below the baseline {baseline} (mean of {n} "
       "pretreatment results); the rule is a rise of {threshold}% or more"},
      {"{value} on {date} is {percent} above the baseline {baseline} (mean of {n} "
       "pretreatment result); the rule is a rise of {threshold}% or more",
       "{value} on {date} is {percent} above the baseline {baseline} (mean of {n} "
       "pretreatment results); the rule is a rise of {threshold}% or more"}};
  a.detail = tr_both(sentences[rise ? 1 : 0][pre.size() == 1 ? 0 : 1],
                     {{"test", a.test_name},
                      {"value", shown(post.back()->value)},
                      {"date", same_text(format_date(post.back()->date))},
                      {"percent", same_text(format_number(std::fabs(*a.change_percent), 2) + "%")},
                      {"baseline", quantity_text(*a.baseline)},
                      {"n", same_text(std::to_string(pre.size()))},
                      {"threshold", same_text(format_number(rule.threshold))}});
}

// Above a multiple of the upper limit of normal recorded with the result.
void judge_uln_multiple(Advice& a, const LabRule& rule,
                        const std::vector<const TrackedResult*>& rs) {
  const TrackedResult* latest = rs.back();
  a.result = *latest;
  if (!latest->uln || !(latest->uln->canonical.amount() > 0)) {
    a.status = Advice::Status::cannot_evaluate;
    a.detail = tr_both(
        "the result of {date} was recorded without the upper limit of normal of the "
        "laboratory; record it again with --uln (as printed on the report) to judge this "
        "rule",
        {{"date", same_text(format_date(latest->date))}});
    return;
  }
  // `rule.threshold` times the upper limit of normal of `r`, in its unit.
  const auto limit_of = [&](const TrackedResult* r) {
    const LabValue& uln = r->uln->canonical;
    return LabValue(rule.threshold * uln.amount(), uln.unit());
  };
  const auto reached = [&](const TrackedResult* r) {
    return r->uln && r->uln->canonical.amount() > 0 && r->value.canonical > limit_of(r);
  };
  settle(a, rule, rs, reached);
  a.detail = tr_both(
      "{value} on {date} is {times} × the upper limit of normal {uln}; the rule is more "
      "than {threshold} × ({limit})",
      {{"test", a.test_name},
       {"value", shown(latest->value)},
       {"date", same_text(format_date(latest->date))},
       {"times", same_text(format_number(
                     latest->value.canonical.amount() / latest->uln->canonical.amount(), 2))},
       {"uln", shown(*latest->uln)},
       {"threshold", same_text(format_number(rule.threshold))},
       {"limit", quantity_text(limit_of(latest))}});
}

// Above, below or outside a range, in the rule's unit converted to the test's.
void judge_limits(Advice& a, const LabRule& rule, const LabTest* lab,
                  const std::vector<const TrackedResult*>& rs) {
  const TrackedResult* latest = rs.back();
  a.result = *latest;
  const bool range = rule.condition == LabRule::Condition::outside_range;
  const auto& lo = rule.low_value;
  const auto& hi = rule.high_value;
  if (!lo || !hi || !lab->canonical) {
    a.status = Advice::Status::cannot_evaluate;
    a.detail = tr_both("the rule's unit \"{unit}\" can not be compared with {units}",
                       {{"unit", same_text(unit_shown(rule.unit))}, {"units", units_text(*lab)}});
    return;
  }
  const auto reached = [&](const TrackedResult* r) {
    return judge(rule, r->value.canonical, *lo, *hi);
  };
  settle(a, rule, rs, reached);
  const LocalizedText value = shown(latest->value);
  const LocalizedText date = same_text(format_date(latest->date));
  if (range) {
    a.detail = tr_both("latest: {value} on {date}; the rule is a value outside {low}–{high}",
                       {{"test", a.test_name},
                        {"value", value},
                        {"date", date},
                        {"low", same_text(format_number(lo->amount(), 3))},
                        {"high", quantity_text(*hi)}});
  } else {
    a.detail = tr_both(
        rule.condition == LabRule::Condition::above
            ? "latest: {value} on {date}; the rule is a value above {limit}"
            : "latest: {value} on {date}; the rule is a value below {limit}",
        {{"test", a.test_name}, {"value", value}, {"date", date}, {"limit", quantity_text(*lo)}});
  }
}

// The notes that follow the detail: the result before also met the rule; the readings in a row
// still missing.
void add_readings_notes(Advice& a, const LabRule& rule) {
  if (a.also_reached_on) {
    a.detail =
        join_texts(a.detail, tr_both("the result before it ({date}) also met the rule",
                                     {{"date", same_text(format_date(*a.also_reached_on))}}));
  }
  if (rule.readings > 1 && a.readings_met > 0 && a.readings_met < rule.readings) {
    a.detail = join_texts(a.detail,
                          tr_both("{met} of the {n} readings in a row that the rule needs meet it; "
                                  "record the next reading",
                                  {{"met", same_text(std::to_string(a.readings_met))},
                                   {"n", same_text(std::to_string(rule.readings))}}));
  }
}

// `rule` judged on the results of its test dated on or before `today`.
Advice advise_rule(const Regimen& regimen, const std::vector<LabTest>& labs, const LabRule& rule,
                   Date start, const std::vector<TrackedResult>& all_results, Date today) {
  Advice a;
  a.rule = rule;
  a.advice = rule.advice;
  a.disclaimer = disclaimer();
  a.source = cite_text(regimen, rule.from);
  const LabTest* lab = find_lab(labs, rule.test);
  a.test_name = lab ? lab->name : LocalizedText{rule.test, rule.test};
  a.condition = {describe_condition(rule, a.test_name.en, Lang::en),
                 describe_condition(rule, a.test_name.zh, Lang::zh_CN)};
  if (lab == nullptr || lab->units.empty()) {
    a.status = Advice::Status::cannot_evaluate;
    a.detail = tr_both("the labs catalogue has no values for the test \"{test}\"",
                       {{"test", same_text(rule.test)}});
    return a;
  }
  std::vector<const TrackedResult*> rs;
  for (const TrackedResult& r : all_results) {
    if (r.test != rule.test || r.date > today) continue;
    if (r.entered_in_error) {
      a.not_used.push_back(r.id);
    } else {
      rs.push_back(&r);
    }
  }
  std::stable_sort(rs.begin(), rs.end(), [](const TrackedResult* x, const TrackedResult* y) {
    return x->date != y->date ? x->date < y->date : x->id < y->id;
  });
  if (rs.empty()) {
    a.status = Advice::Status::no_result;
    a.detail = tr_both("no {test} result recorded up to {date}",
                       {{"test", a.test_name}, {"date", same_text(format_date(today))}});
    return a;
  }
  switch (rule.condition) {
    case LabRule::Condition::rise_over_baseline_percent:
      judge_rise(a, rule, start, rs);
      break;
    case LabRule::Condition::above_uln_multiple:
      judge_uln_multiple(a, rule, rs);
      break;
    case LabRule::Condition::above:
    case LabRule::Condition::below:
    case LabRule::Condition::outside_range:
      judge_limits(a, rule, lab, rs);
      break;
  }
  add_readings_notes(a, rule);
  return a;
}

}  // namespace

std::vector<Advice> advise(const Regimen& regimen, const std::vector<LabTest>& labs, Date start,
                           const std::vector<TrackedResult>& all_results, Date today,
                           const std::optional<std::string>& only_test) {
  std::vector<Advice> out;
  for (const LabRule& rule : regimen.lab_rules) {
    if (only_test && rule.test != *only_test) continue;
    out.push_back(advise_rule(regimen, labs, rule, start, all_results, today));
  }
  return out;
}

std::vector<Advice> Tracker::advise(const RuleSet& rules, const std::string& label, Date today,
                                    const std::optional<std::string>& only_test) const {
  if (only_test && rules.find_lab(*only_test) == nullptr) {
    unknown_test(rules.labs, *only_test);
  }
  const TrackedPatient p = patient(label);
  const Regimen* regimen = rules.find_regimen(p.regimen_id);
  if (regimen == nullptr) {
    throw Error("input.unknown_regimen", "regimen",
                "the plan of " + label + " uses the regimen \"" + p.regimen_id +
                    "\", which the rules in " + rules.directory + " do not have");
  }
  return doseplan::advise(*regimen, rules.labs, p.start, results(label), today, only_test);
}

}  // namespace doseplan
