// The store's changes (start, record, mark done, mark entered in error) and what it lists
// (patients, plans, results, visits); contract in doseplan/tracker.hpp.
#include <algorithm>
#include <chrono>
#include <exception>
#include <random>
#include <stdexcept>
#include <thread>

#include "doseplan/format.hpp"
#include "doseplan/render.hpp"
#include "doseplan/request.hpp"
#include "tracker/plan_file.hpp"
#include "tracker/store.hpp"

namespace doseplan {

using namespace detail;  // NOLINT: the tracker's own helpers (store.hpp)

void PlannedVisit::set_contents(std::shared_ptr<const VisitContents> contents) {
  contents_ = contents ? std::move(contents) : std::make_shared<const VisitContents>();
}

Date PlannedVisit::window_first() const {
  return date - date::days(window_before);
}
Date PlannedVisit::window_last() const {
  return date + date::days(window_after);
}

void Tracker::Impl::throw_conflicts() const {
  throw Error("tracker.db_busy", path,
              "the change met others made at the same time " + std::to_string(kWriteAttempts) +
                  " times; nothing was changed, try again");
}

// A pause of 5 ms, doubled at each attempt, up to 320 ms, with up to as much again at random, so
// that writers that met do not meet again.
void Tracker::Impl::wait_before_retry(int attempt) {
  const int base = 5 << std::min(attempt - 1, 6);
  const int jitter = static_cast<int>(std::random_device{}() % static_cast<unsigned>(base + 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(base + jitter));
}

std::int64_t Tracker::Impl::patient_id(const std::string& label) const {
  if (const auto id = sql->one("SELECT id FROM patients WHERE label = ?", {label})) {
    return id->as_int64();
  }
  // Other labels are not listed: whoever mistypes one need not see every patient tracked.
  const bool none = sql->one("SELECT count(*) FROM patients")->as_int64() == 0;
  throw Error(
      "tracker.unknown_patient", "label",
      "no tracked patient " + in_quotes(label) + " in " + path +
          (none ? std::string("; no patient is tracked yet (doseplan track start)")
                : std::string("; the labels tracked: doseplan track patients")),
      none ? zh(tr_both("no patient \"{label}\" is tracked in {path}; no patient is tracked yet "
                        "(doseplan track start)",
                        {{"label", same_text(label)}, {"path", same_text(path)}}))
           : zh(tr_both("no patient \"{label}\" is tracked in {path}; the labels tracked: "
                        "doseplan track patients",
                        {{"label", same_text(label)}, {"path", same_text(path)}})));
}

// The birth date given with the stored plan, if any.
std::optional<Date> Tracker::Impl::birth_date(std::int64_t patient) const {
  const auto request = sql->one("SELECT request_json FROM plans WHERE patient_id = ?", {patient});
  if (!request) return std::nullopt;
  return stored_request(request->text, patient).birth_date;
}

TrackedPatient Tracker::Impl::read_patient(const sql::Rows& row) const {
  TrackedPatient p;
  p.id = row.int64(0);
  p.label = stored_text(row.text(1), "patients.label", p.id);
  const auto plan_text = [&](int col, std::string_view column) {
    return stored_text(row.text(col), column, p.id, "patient_id");
  };
  const auto plan_date = [&](int col, std::string_view column) {
    return date_of(row.text(col), column, p.id, "patient_id");
  };
  p.regimen_id = plan_text(2, "plans.regimen_id");
  p.start = plan_date(3, "plans.start_date");
  p.end = plan_date(4, "plans.end_date");
  p.tracked_since = date_of(row.text(5), "patients.created_on", p.id);
  p.stamp.doseplan_version = plan_text(6, "plans.doseplan_version");
  p.stamp.rules_version = plan_text(7, "plans.rules_version");
  p.stamp.rules_hash = plan_text(8, "plans.rules_sha256");
  p.clinic = stored_text(row.text(9), "patients.clinic", p.id);
  return p;
}

std::vector<TrackedResult> Tracker::Impl::read_results(const std::string& where,
                                                       const std::string& label) const {
  const std::unique_ptr<sql::Rows> st = sql->query(
      "SELECT r.id, p.label, r.test, r.date, r.value_as_entered, r.unit_as_entered, "
      "r.value_canonical, r.unit_canonical, r.uln_as_entered, r.uln_unit_as_entered, "
      "r.uln_canonical, r.note, r.recorded_on, e.marked_on, e.reason FROM results r JOIN "
      "patients p ON p.id = r.patient_id LEFT JOIN entered_in_error e ON e.result_id = r.id " +
          where + " ORDER BY r.date, r.id",
      label.empty() ? sql::Params{} : sql::Params{label});
  std::vector<TrackedResult> out;
  while (st->next()) {
    TrackedResult r;
    r.id = st->int64(0);
    r.label = st->text(1);
    r.test = st->text(2);
    r.date = date_of(st->text(3), "results.date", r.id);
    const LabUnit& unit = lab_unit_of(st->text(7), "results.unit_canonical", r.id);
    r.value = {st->text(4), st->text(5),
               LabValue(number_of(st->get(6), "results.value_canonical", r.id), unit)};
    if (!st->get(10).is_null()) {
      r.uln = Measurement{st->text(8), st->text(9),
                          LabValue(number_of(st->get(10), "results.uln_canonical", r.id), unit)};
    }
    r.note = st->text(11);
    r.recorded_on = date_of(st->text(12), "results.recorded_on", r.id);
    if (!st->get(13).is_null()) {
      r.entered_in_error =
          EnteredInError{date_of(st->text(13), "entered_in_error.marked_on", r.id), st->text(14)};
    }
    out.push_back(std::move(r));
  }
  return out;
}

// The tests and items of the set `id` (visit_items), parsed once per set in `sets`.
const std::shared_ptr<const VisitContents>& Tracker::Impl::item_set(ItemSets& sets,
                                                                    std::int64_t id) const {
  return sets.get(id, [&] {
    const std::unique_ptr<sql::Rows> st =
        sql->query("SELECT tests_json, items_json FROM visit_items WHERE id = ?", {id});
    if (!st->next()) {
      throw Error("tracker.db_error", path,
                  "database error: visit items " + std::to_string(id) +
                      " are missing; nothing was changed");
    }
    return std::pair<std::string, std::string>(st->text(0), st->text(1));
  });
}

std::vector<TrackedVisit> Tracker::Impl::read_visits(std::int64_t patient) const {
  const std::unique_ptr<sql::Rows> st = sql->query(
      "SELECT v.id, v.date, v.baseline, v.window_before, v.window_after, v.items_id, "
      "v.done, v.done_on, v.done_note FROM visits v JOIN plans pl ON pl.id = "
      "v.plan_id WHERE pl.patient_id = ? ORDER BY v.date",
      {patient});
  ItemSets sets;
  std::vector<TrackedVisit> out;
  while (st->next()) {
    TrackedVisit v;
    v.id = st->int64(0);
    v.date = date_of(st->text(1), "visits.date", v.id);
    v.baseline = st->int64(2) != 0;
    v.window_before = integer_of(st->get(3), "visits.window_before", v.id);
    v.window_after = integer_of(st->get(4), "visits.window_after", v.id);
    v.set_contents(item_set(sets, st->int64(5)));
    v.done = st->int64(6) != 0;
    if (!st->get(7).is_null()) v.done_on = date_of(st->text(7), "visits.done_on", v.id);
    v.done_note = stored_text(st->text(8), "visits.done_note", v.id);
    out.push_back(std::move(v));
  }
  return out;
}

namespace {

// A plan as start() stores it: the plan, its JSON and the request that makes it again.
struct PlanToStore {
  Plan plan;
  std::string plan_text;
  std::string request_text;
};

// The plan of `asked`, stored whole, with how every number was made, as the record of what was
// planned. The stored request must give the same plan again (exports rebuild the plan from it).
PlanToStore plan_to_store(const RuleSet& rules, const PlanRequest& asked) {
  PlanRequest request = asked;
  request.explain = true;
  PlanToStore out{make_plan(rules, request), {}, {}};
  check_plan_dates(out.plan);
  out.plan_text = render_json(out.plan);
  out.request_text = write_plan_request(request);
  PlanRequest only_explain;
  only_explain.explain = true;
  if (render_json(make_plan(
          rules, parse_plan_request(out.request_text, "request", only_explain))) != out.plan_text) {
    throw std::logic_error("the request does not rebuild the same plan: " + out.request_text);
  }
  return out;
}

// tracker.duplicate_patient when `label` is tracked in the store at `path`.
void check_not_tracked(sql::Connection& db, const std::string& label, const std::string& path) {
  if (db.one("SELECT 1 FROM patients WHERE label = ?", {label})) {
    throw Error("tracker.duplicate_patient", "label",
                in_quotes(label) + " is already tracked in " + path +
                    "; choose another label (history is never overwritten)",
                zh(tr_both("\"{label}\" is already tracked in {path}; choose another label "
                           "(what is recorded is never overwritten)",
                           {{"label", same_text(label)}, {"path", same_text(path)}})));
  }
}

// Adds the patient and their plan; returns the ids of both.
std::pair<std::int64_t, std::int64_t> insert_patient_and_plan(sql::Connection& db,
                                                              const std::string& label,
                                                              const std::string& clinic,
                                                              const PlanToStore& p, Date today) {
  const std::int64_t pid =
      db.one("INSERT INTO patients (label, created_on, clinic) VALUES (?, ?, ?) RETURNING id",
             {label, format_date(today), clinic})
          ->as_int64();
  const std::int64_t plan_id =
      db.one(
            "INSERT INTO plans (patient_id, regimen_id, start_date, end_date, plan_json, "
            "request_json, created_on, doseplan_version, rules_version, rules_sha256) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            {pid, p.plan.regimen.id, format_date(p.plan.start), format_date(p.plan.end),
             p.plan_text, p.request_text, format_date(today), p.plan.stamp.doseplan_version,
             p.plan.stamp.rules_version, p.plan.stamp.rules_hash})
          ->as_int64();
  return {pid, plan_id};
}

// Adds the visits of `plan` to plan `plan_id`. Each distinct set of items is stored once
// (visit_items); visits with the same items share it.
void insert_visits(sql::Connection& db, std::int64_t plan_id, const Plan& plan) {
  for (const Visit& v : plan.visits) {
    int before = 0, after = 0;
    std::vector<std::string> tests;
    json items = json::array();
    for (const VisitItem& it : v.items) {
      before = std::max(before, it.window_before);
      after = std::max(after, it.window_after);
      for (const std::string& t : it.tests)
        if (std::find(tests.begin(), tests.end(), t) == tests.end()) tests.push_back(t);
      items.push_back(item_json(it));
    }
    const std::string items_text = items.dump();
    db.run("INSERT INTO visit_items (items_json, tests_json) VALUES (?, ?) ON CONFLICT DO NOTHING",
           {items_text, json(tests).dump()});
    const auto items_id = db.one("SELECT id FROM visit_items WHERE items_json = ?", {items_text});
    if (!items_id) throw std::logic_error("visit items not stored");
    db.run(
        "INSERT INTO visits (plan_id, date, baseline, window_before, window_after, items_id, "
        "window_first, window_last) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {plan_id, format_date(v.date), std::int64_t{v.baseline ? 1 : 0}, std::int64_t{before},
         std::int64_t{after}, items_id->as_int64(),
         std::int64_t{day_number(v.date - date::days(before))},
         std::int64_t{day_number(v.date + date::days(after))}});
  }
}

}  // namespace

TrackedPatient Tracker::start(const RuleSet& rules, const std::string& label,
                              const PlanRequest& asked, Date today) {
  check_label(label);
  const PlanToStore to_store = plan_to_store(rules, asked);
  const Plan& plan = to_store.plan;
  // The first start into a new store that fails while writing (a full disk) leaves no store.
  struct RemoveIfUnused {
    Impl& impl;
    int before = std::uncaught_exceptions();
    ~RemoveIfUnused() {
      if (std::uncaught_exceptions() > before) impl.remove_if_unused();
    }
  } remove_if_unused{*impl_};
  return impl_->write([&] {
    sql::Connection& db = *impl_->sql;
    sql::Transaction tx(db, sql::kWrite);
    if (impl_->db && impl_->moved()) {
      throw Error("tracker.db_busy", impl_->path,
                  "the new database was removed while this start waited for it (the start that "
                  "made it failed); nothing was changed, try again");
    }
    check_not_tracked(db, label, impl_->path);
    const auto [pid, plan_id] =
        insert_patient_and_plan(db, label, impl_->actor.clinic, to_store, today);
    insert_visits(db, plan_id, plan);
    impl_->append_audit("start", label,
                        {{"regimen", plan.regimen.id},
                         {"start", format_date(plan.start)},
                         {"end", format_date(plan.end)},
                         {"visits", plan.visits.size()}});
    tx.commit();
    impl_->started = true;
    TrackedPatient p;
    p.id = pid;
    p.label = label;
    p.regimen_id = plan.regimen.id;
    p.start = plan.start;
    p.end = plan.end;
    p.tracked_since = today;
    p.stamp = plan.stamp;
    p.clinic = impl_->actor.clinic;
    return p;
  });
}

std::vector<TrackedPatient> Tracker::patients() const {
  return impl_->guarded([&] {
    const std::unique_ptr<sql::Rows> st =
        impl_->sql->query(std::string(Impl::kPatientSelect) + " ORDER BY p.label");
    std::vector<TrackedPatient> out;
    while (st->next()) out.push_back(impl_->read_patient(*st));
    return out;
  });
}

TrackedPatient Tracker::patient(const std::string& label) const {
  return impl_->guarded([&] {
    impl_->patient_id(label);
    const std::int64_t pid = impl_->patient_id(label);
    const std::unique_ptr<sql::Rows> st =
        impl_->sql->query(std::string(Impl::kPatientSelect) + " WHERE p.id = ?", {pid});
    if (!st->next()) damaged(stored_at("plans.patient_id", pid, "patient_id"), "no plan");
    return impl_->read_patient(*st);
  });
}

// The text of the stored plan, checked (stored_plan()): it is written out as it is (export).
std::string Tracker::plan_json(const std::string& label) const {
  return impl_->guarded([&] {
    const std::int64_t pid = impl_->patient_id(label);
    std::string text =
        impl_->sql->one("SELECT plan_json FROM plans WHERE patient_id = ?", {pid}).value().text;
    stored_plan(text, pid);
    return text;
  });
}

namespace {

void check_token(const std::string& token) {
  const bool ok = token.size() >= 16 && token.size() <= 128 &&
                  std::all_of(token.begin(), token.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                  });
  if (!ok) {
    throw Error("tracker.bad_token", "token",
                "a calendar token is 16 to 128 letters, digits, '_' or '-'");
  }
}

}  // namespace

void Tracker::set_calendar_token(const std::string& label, const std::string& token, Date today) {
  check_label(label);
  check_token(token);
  impl_->write([&] {
    sql::Transaction tx(*impl_->sql, sql::kWrite);
    const std::int64_t pid = impl_->patient_id(label);
    impl_->sql->run(
        "INSERT INTO calendar_feeds (patient_id, token, created_on) VALUES (?, ?, ?) "
        "ON CONFLICT (patient_id) DO UPDATE SET token = excluded.token, "
        "created_on = excluded.created_on",
        {pid, token, format_date(today)});
    impl_->append_audit("calendar_token", label, json::object());
    tx.commit();
    return 0;
  });
}

void Tracker::revoke_calendar_token(const std::string& label) {
  check_label(label);
  impl_->write([&] {
    sql::Transaction tx(*impl_->sql, sql::kWrite);
    impl_->sql->run("DELETE FROM calendar_feeds WHERE patient_id = ?", {impl_->patient_id(label)});
    impl_->append_audit("calendar_revoke", label, json::object());
    tx.commit();
    return 0;
  });
}

std::optional<std::string> Tracker::calendar_token(const std::string& label) const {
  return impl_->guarded([&]() -> std::optional<std::string> {
    const auto token = impl_->sql->one("SELECT token FROM calendar_feeds WHERE patient_id = ?",
                                       {impl_->patient_id(label)});
    if (!token) return std::nullopt;
    return token->text;
  });
}

std::optional<std::string> Tracker::patient_of_calendar_token(const std::string& token) const {
  return impl_->guarded([&]() -> std::optional<std::string> {
    const auto label = impl_->sql->one(
        "SELECT p.label FROM calendar_feeds f JOIN patients p ON p.id = f.patient_id WHERE "
        "f.token = ?",
        {token});
    if (!label) return std::nullopt;
    return label->text;
  });
}

PlanRequest Tracker::request(const std::string& label) const {
  return impl_->guarded([&] {
    const std::int64_t pid = impl_->patient_id(label);
    return stored_request(
        impl_->sql->one("SELECT request_json FROM plans WHERE patient_id = ?", {pid}).value().text,
        pid);
  });
}

Plan Tracker::rebuild_plan(const RuleSet& rules, const std::string& label, bool* changed) const {
  PlanRequest q = request(label);
  q.explain = true;  // as stored by start()
  const Plan plan = make_plan(rules, q);
  if (changed)
    *changed = !detail::same_plan(json::parse(render_json(plan)), json::parse(plan_json(label)));
  return plan;
}

PlanChecks Tracker::plan_checks(const std::string& label) const {
  const std::string text = plan_json(label);
  try {
    return checks_of_plan_json(text, "tracker:" + label);
  } catch (const Error& e) {  // JSON, but its checks are not of the shape written
    return impl_->guarded([&]() -> PlanChecks {
      damaged(stored_at("plans.plan_json", impl_->patient_id(label), "patient_id"),
              "a plan whose checks can not be read (" + e.problems().front().message + ")");
    });
  }
}

Recorded Tracker::record(const RuleSet& rules, const RecordRequest& r) {
  // Every check before the database is touched.
  check_label(r.label);
  check_plausible_date(r.date, r.today, std::nullopt, "date");
  check_note(r.note);
  const LabTest* lab = rules.find_lab(r.test);
  if (lab == nullptr) {
    unknown_test(rules.labs, r.test);
  }
  Measurement value = parse_measurement(*lab, r.value, "value");
  std::optional<Measurement> uln;
  if (r.uln) {
    uln = parse_measurement(*lab, *r.uln, "uln");
    if (!(uln->canonical.amount() > 0)) {
      throw Error(
          "tracker.bad_uln", "uln",
          "the upper limit of normal must be above 0, as printed on the report",
          zh(tr_both("the upper limit of normal must be above 0 (given: \"{uln}\"); write it as "
                     "printed on the lab report, such as --uln \"40 U/L\"",
                     {{"uln", same_text(*r.uln)}})));
    }
  }
  return impl_->write([&] {
    sql::Connection& db = *impl_->sql;
    sql::Transaction tx(db, sql::kWrite);
    const std::int64_t pid = impl_->patient_id(r.label);
    check_plausible_date(r.date, r.today, impl_->birth_date(pid), "date");
    Recorded out;
    {
      const std::unique_ptr<sql::Rows> st = db.query(
          "SELECT id FROM results WHERE patient_id = ? AND test = ? AND date = ? AND id "
          "NOT IN (SELECT result_id FROM entered_in_error) ORDER BY id",
          {pid, r.test, format_date(r.date)});
      while (st->next()) out.same_day.push_back(st->int64(0));
    }
    const sql::Param none = nullptr;
    out.result.id =
        db.one(
              "INSERT INTO results (patient_id, test, date, value_as_entered, unit_as_entered, "
              "value_canonical, unit_canonical, uln_as_entered, uln_unit_as_entered, "
              "uln_canonical, note, recorded_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "RETURNING id",
              {pid, r.test, format_date(r.date), value.value_entered, value.unit_entered,
               value.canonical.amount(), std::string(value.canonical.unit().written),
               uln ? sql::Param(uln->value_entered) : none,
               uln ? sql::Param(uln->unit_entered) : none,
               uln ? sql::Param(uln->canonical.amount()) : none, r.note, format_date(r.today)})
            ->as_int64();
    impl_->append_audit(
        "record", r.label,
        {{"result", out.result.id}, {"test", r.test}, {"date", format_date(r.date)}});
    tx.commit();
    out.result.label = r.label;
    out.result.test = r.test;
    out.result.date = r.date;
    out.result.value = value;
    out.result.uln = uln;
    out.result.note = r.note;
    out.result.recorded_on = r.today;
    return out;
  });
}

MarkedDone Tracker::mark_done(const std::string& label, Date visit_date, Date done_on,
                              const std::string& note, Date today) {
  check_label(label);
  check_plausible_date(done_on, today, std::nullopt, "on");
  check_note(note);
  return impl_->write([&] {
    sql::Transaction tx(*impl_->sql, sql::kWrite);
    const std::int64_t pid = impl_->patient_id(label);
    check_plausible_date(done_on, today, impl_->birth_date(pid), "on");
    std::vector<TrackedVisit> visits = impl_->read_visits(pid);
    auto it = std::find_if(visits.begin(), visits.end(),
                           [&](const TrackedVisit& v) { return v.date == visit_date; });
    if (it == visits.end()) {
      std::vector<TrackedVisit> near = visits;
      std::sort(near.begin(), near.end(), [&](const TrackedVisit& a, const TrackedVisit& b) {
        return std::abs((a.date - visit_date).count()) < std::abs((b.date - visit_date).count());
      });
      std::vector<std::string> dates;
      for (std::size_t i = 0; i < near.size() && i < 3; ++i)
        dates.push_back(format_date(near[i].date));
      std::sort(dates.begin(), dates.end());
      throw Error("tracker.unknown_visit", "visit",
                  "no visit of " + label + " is planned on " + format_date(visit_date) +
                      (dates.empty() ? std::string() : "; the nearest: " + join(dates, ", ")) +
                      " (doseplan track due --label " + label + " lists them)",
                  (dates.empty()
                       ? zh(tr_both("no visit of {label} is planned on {date} (doseplan track due "
                                    "--label {label} lists them)",
                                    {{"label", same_text(label)},
                                     {"date", same_text(format_date(visit_date))},
                                     {"nearest", {join(dates, ", "), join(dates, "\u3001")}}}))
                       : zh(tr_both("no visit of {label} is planned on {date}; the nearest: "
                                    "{nearest} (doseplan track due --label {label} lists them)",
                                    {{"label", same_text(label)},
                                     {"date", same_text(format_date(visit_date))},
                                     {"nearest", {join(dates, ", "), join(dates, "\u3001")}}}))));
    }
    MarkedDone out;
    if (it->done) {
      out.visit = *it;
      out.already_done = true;
      return out;  // nothing to change; the transaction is rolled back unwritten
    }
    impl_->sql->run("UPDATE visits SET done = 1, done_on = ?, done_note = ? WHERE id = ?",
                    {format_date(done_on), note, it->id});
    impl_->append_audit("done", label,
                        {{"visit", format_date(visit_date)}, {"done_on", format_date(done_on)}});
    tx.commit();
    it->done = true;
    it->done_on = done_on;
    it->done_note = note;
    out.visit = *it;
    return out;
  });
}

MarkedInError Tracker::mark_entered_in_error(const std::string& label, std::int64_t result_id,
                                             const std::string& reason, Date today) {
  check_label(label);
  if (trim(reason).empty()) {
    throw Error("tracker.no_reason", "reason",
                "say why the result is entered in error (kept with the mark), e.g. --reason "
                "\"typed 0206 for 2026\"",
                zh(tr_both("say why the result is entered in error (it is kept with the mark), for "
                           "example --reason \"typed 0206 for 2026\"")));
  }
  check_note(reason, "reason");
  return impl_->write([&] {
    sql::Transaction tx(*impl_->sql, sql::kWrite);
    impl_->patient_id(label);
    // Only a result of this patient: the id of another patient's result is not told apart from
    // an id that does not exist.
    std::vector<TrackedResult> mine = impl_->read_results("WHERE p.label = ?", label);
    auto it = std::find_if(mine.begin(), mine.end(),
                           [&](const TrackedResult& r) { return r.id == result_id; });
    if (it == mine.end()) {
      throw Error(
          "tracker.unknown_result", "result",
          "no result #" + std::to_string(result_id) + " of " + label +
              " (doseplan track history --label " + label + " lists them with their #)",
          zh(tr_both("no result #{id} of {label} (doseplan track history --label {label} "
                     "lists them with their #)",
                     {{"id", same_text(std::to_string(result_id))}, {"label", same_text(label)}})));
    }
    MarkedInError out;
    if (it->entered_in_error) {
      out.result = *it;
      out.already_marked = true;
      return out;  // nothing to change; the transaction is rolled back unwritten
    }
    impl_->sql->run("INSERT INTO entered_in_error (result_id, marked_on, reason) VALUES (?, ?, ?)",
                    {result_id, format_date(today), reason});
    impl_->append_audit("entered_in_error", label, {{"result", result_id}});
    tx.commit();
    it->entered_in_error = EnteredInError{today, reason};
    out.result = *it;
    return out;
  });
}

std::vector<TrackedResult> Tracker::results(const std::string& label) const {
  return impl_->guarded([&] {
    impl_->patient_id(label);
    std::vector<TrackedResult> results = impl_->read_results("WHERE p.label = ?", label);
    // The texts shown again, as stored (dates and numbers are checked as they are read).
    for (const TrackedResult& r : results) {
      stored_text(r.test, "results.test", r.id);
      stored_text(r.value.value_entered, "results.value_as_entered", r.id);
      stored_text(r.value.unit_entered, "results.unit_as_entered", r.id);
      if (r.uln) {
        stored_text(r.uln->value_entered, "results.uln_as_entered", r.id);
        stored_text(r.uln->unit_entered, "results.uln_unit_as_entered", r.id);
      }
      stored_text(r.note, "results.note", r.id);
      if (r.entered_in_error) {
        stored_text(r.entered_in_error->reason, "entered_in_error.reason", r.id);
      }
    }
    return results;
  });
}

std::vector<TrackedVisit> Tracker::visits(const std::string& label) const {
  return impl_->guarded([&] { return impl_->read_visits(impl_->patient_id(label)); });
}

}  // namespace doseplan
