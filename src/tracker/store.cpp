// The store's changes (start, record, mark done, mark entered in error) and what it lists
// (patients, plans, results, visits); contract in doseplan/tracker.hpp.
#include <algorithm>
#include <exception>
#include <stdexcept>

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

std::int64_t Tracker::Impl::patient_id(const std::string& label) const {
  SQLite::Statement st(*db, "SELECT id FROM patients WHERE label = ?");
  bind_text(st, 1, label);
  if (st.executeStep()) return st.getColumn(0).getInt64();
  // Other labels are not listed: whoever mistypes one need not see every patient tracked.
  const bool none = db->execAndGet("SELECT count(*) FROM patients").getInt64() == 0;
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
  SQLite::Statement st(*db, "SELECT request_json FROM plans WHERE patient_id = ?");
  st.bind(1, static_cast<int64_t>(patient));
  if (!st.executeStep()) return std::nullopt;
  return stored_request(st.getColumn(0).getString(), patient).birth_date;
}

TrackedPatient Tracker::Impl::read_patient(SQLite::Statement& st) const {
  TrackedPatient p;
  p.id = st.getColumn(0).getInt64();
  p.label = stored_text(st.getColumn(1).getString(), "patients.label", p.id);
  const auto plan_text = [&](int col, std::string_view column) {
    return stored_text(st.getColumn(col).getString(), column, p.id, "patient_id");
  };
  const auto plan_date = [&](int col, std::string_view column) {
    return date_of(st.getColumn(col).getString(), column, p.id, "patient_id");
  };
  p.regimen_id = plan_text(2, "plans.regimen_id");
  p.start = plan_date(3, "plans.start_date");
  p.end = plan_date(4, "plans.end_date");
  p.tracked_since = date_of(st.getColumn(5).getString(), "patients.created_on", p.id);
  p.stamp.doseplan_version = plan_text(6, "plans.doseplan_version");
  p.stamp.rules_version = plan_text(7, "plans.rules_version");
  p.stamp.rules_hash = plan_text(8, "plans.rules_sha256");
  return p;
}

std::vector<TrackedResult> Tracker::Impl::read_results(const std::string& where,
                                                       const std::string& label) const {
  SQLite::Statement st(
      *db,
      "SELECT r.id, p.label, r.test, r.date, r.value_as_entered, r.unit_as_entered, "
      "r.value_canonical, r.unit_canonical, r.uln_as_entered, r.uln_unit_as_entered, "
      "r.uln_canonical, r.note, r.recorded_on, e.marked_on, e.reason FROM results r JOIN "
      "patients p ON p.id = r.patient_id LEFT JOIN entered_in_error e ON e.result_id = r.id " +
          where + " ORDER BY r.date, r.id");
  if (!label.empty()) bind_text(st, 1, label);
  std::vector<TrackedResult> out;
  while (st.executeStep()) {
    TrackedResult r;
    r.id = st.getColumn(0).getInt64();
    r.label = st.getColumn(1).getString();
    r.test = st.getColumn(2).getString();
    r.date = date_of(st.getColumn(3).getString(), "results.date", r.id);
    const LabUnit& unit = lab_unit_of(st.getColumn(7).getString(), "results.unit_canonical", r.id);
    r.value = {st.getColumn(4).getString(), st.getColumn(5).getString(),
               LabValue(number_of(st.getColumn(6), "results.value_canonical", r.id), unit)};
    if (!st.getColumn(10).isNull()) {
      r.uln =
          Measurement{st.getColumn(8).getString(), st.getColumn(9).getString(),
                      LabValue(number_of(st.getColumn(10), "results.uln_canonical", r.id), unit)};
    }
    r.note = st.getColumn(11).getString();
    r.recorded_on = date_of(st.getColumn(12).getString(), "results.recorded_on", r.id);
    if (!st.getColumn(13).isNull()) {
      r.entered_in_error =
          EnteredInError{date_of(st.getColumn(13).getString(), "entered_in_error.marked_on", r.id),
                         st.getColumn(14).getString()};
    }
    out.push_back(std::move(r));
  }
  return out;
}

// The tests and items of the set `id` (visit_items), parsed once per set in `sets`.
const std::shared_ptr<const VisitContents>& Tracker::Impl::item_set(
    ItemSets& sets, std::optional<SQLite::Statement>& st, std::int64_t id) const {
  return sets.get(id, [&] {
    if (!st) st.emplace(*db, "SELECT tests_json, items_json FROM visit_items WHERE id = ?");
    st->reset();
    st->bind(1, static_cast<int64_t>(id));
    if (!st->executeStep()) {
      throw Error("tracker.db_error", path,
                  "database error: visit items " + std::to_string(id) +
                      " are missing; nothing was changed");
    }
    return std::pair<std::string, std::string>(st->getColumn(0).getString(),
                                               st->getColumn(1).getString());
  });
}

std::vector<TrackedVisit> Tracker::Impl::read_visits(std::int64_t patient) const {
  SQLite::Statement st(*db,
                       "SELECT v.id, v.date, v.baseline, v.window_before, v.window_after, "
                       "v.items_id, v.done, v.done_on, v.done_note FROM visits v "
                       "JOIN plans pl ON pl.id = v.plan_id WHERE pl.patient_id = ? ORDER BY "
                       "v.date");
  st.bind(1, static_cast<int64_t>(patient));
  ItemSets sets;
  std::optional<SQLite::Statement> items_st;
  std::vector<TrackedVisit> out;
  while (st.executeStep()) {
    TrackedVisit v;
    v.id = st.getColumn(0).getInt64();
    v.date = date_of(st.getColumn(1).getString(), "visits.date", v.id);
    v.baseline = st.getColumn(2).getInt() != 0;
    v.window_before = integer_of(st.getColumn(3), "visits.window_before", v.id);
    v.window_after = integer_of(st.getColumn(4), "visits.window_after", v.id);
    v.set_contents(item_set(sets, items_st, st.getColumn(5).getInt64()));
    v.done = st.getColumn(6).getInt() != 0;
    if (!st.getColumn(7).isNull())
      v.done_on = date_of(st.getColumn(7).getString(), "visits.done_on", v.id);
    v.done_note = stored_text(st.getColumn(8).getString(), "visits.done_note", v.id);
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
void check_not_tracked(SQLite::Database& db, const std::string& label, const std::string& path) {
  SQLite::Statement st(db, "SELECT 1 FROM patients WHERE label = ?");
  bind_text(st, 1, label);
  if (st.executeStep()) {
    throw Error("tracker.duplicate_patient", "label",
                in_quotes(label) + " is already tracked in " + path +
                    "; choose another label (history is never overwritten)",
                zh(tr_both("\"{label}\" is already tracked in {path}; choose another label "
                           "(what is recorded is never overwritten)",
                           {{"label", same_text(label)}, {"path", same_text(path)}})));
  }
}

// Adds the patient and their plan; returns the ids of both.
std::pair<std::int64_t, std::int64_t> insert_patient_and_plan(SQLite::Database& db,
                                                              const std::string& label,
                                                              const PlanToStore& p, Date today) {
  SQLite::Statement ins(db, "INSERT INTO patients (label, created_on) VALUES (?, ?)");
  bind_text(ins, 1, label);
  bind_text(ins, 2, format_date(today));
  ins.exec();
  const std::int64_t pid = db.getLastInsertRowid();
  SQLite::Statement pl(db,
                       "INSERT INTO plans (patient_id, regimen_id, start_date, end_date, "
                       "plan_json, request_json, created_on, doseplan_version, "
                       "rules_version, rules_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  pl.bind(1, static_cast<int64_t>(pid));
  bind_text(pl, 2, p.plan.regimen.id);
  bind_text(pl, 3, format_date(p.plan.start));
  bind_text(pl, 4, format_date(p.plan.end));
  bind_text(pl, 5, p.plan_text);
  bind_text(pl, 6, p.request_text);
  bind_text(pl, 7, format_date(today));
  bind_text(pl, 8, p.plan.stamp.doseplan_version);
  bind_text(pl, 9, p.plan.stamp.rules_version);
  bind_text(pl, 10, p.plan.stamp.rules_hash);
  pl.exec();
  return {pid, db.getLastInsertRowid()};
}

// Adds the visits of `plan` to plan `plan_id`. Each distinct set of items is stored once
// (visit_items); visits with the same items share it.
void insert_visits(SQLite::Database& db, std::int64_t plan_id, const Plan& plan) {
  SQLite::Statement vi(db,
                       "INSERT INTO visits (plan_id, date, baseline, window_before, "
                       "window_after, items_id, window_first, window_last) VALUES (?, ?, ?, ?, "
                       "?, ?, ?, ?)");
  SQLite::Statement set_ins(
      db, "INSERT OR IGNORE INTO visit_items (items_json, tests_json) VALUES (?, ?)");
  SQLite::Statement set_id(db, "SELECT id FROM visit_items WHERE items_json = ?");
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
    set_ins.reset();
    bind_text(set_ins, 1, items_text);
    bind_text(set_ins, 2, json(tests).dump());
    set_ins.exec();
    set_id.reset();
    bind_text(set_id, 1, items_text);
    if (!set_id.executeStep()) throw std::logic_error("visit items not stored");
    const std::int64_t items_id = set_id.getColumn(0).getInt64();
    set_id.reset();
    vi.reset();
    vi.clearBindings();
    vi.bind(1, static_cast<int64_t>(plan_id));
    bind_text(vi, 2, format_date(v.date));
    vi.bind(3, v.baseline ? 1 : 0);
    vi.bind(4, before);
    vi.bind(5, after);
    vi.bind(6, static_cast<int64_t>(items_id));
    vi.bind(7, static_cast<int64_t>(day_number(v.date - date::days(before))));
    vi.bind(8, static_cast<int64_t>(day_number(v.date + date::days(after))));
    vi.exec();
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
  return impl_->guarded([&] {
    SQLite::Database& db = *impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    if (impl_->moved()) {
      throw Error("tracker.db_busy", impl_->path,
                  "the new database was removed while this start waited for it (the start that "
                  "made it failed); nothing was changed, try again");
    }
    check_not_tracked(db, label, impl_->path);
    const auto [pid, plan_id] = insert_patient_and_plan(db, label, to_store, today);
    insert_visits(db, plan_id, plan);
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
    return p;
  });
}

std::vector<TrackedPatient> Tracker::patients() const {
  return impl_->guarded([&] {
    SQLite::Statement st(*impl_->db, std::string(Impl::kPatientSelect) + " ORDER BY p.label");
    std::vector<TrackedPatient> out;
    while (st.executeStep()) out.push_back(impl_->read_patient(st));
    return out;
  });
}

TrackedPatient Tracker::patient(const std::string& label) const {
  return impl_->guarded([&] {
    impl_->patient_id(label);
    SQLite::Statement st(*impl_->db, std::string(Impl::kPatientSelect) + " WHERE p.label = ?");
    bind_text(st, 1, label);
    st.executeStep();
    return impl_->read_patient(st);
  });
}

// The text of the stored plan, checked (stored_plan()): it is written out as it is (export).
std::string Tracker::plan_json(const std::string& label) const {
  return impl_->guarded([&] {
    const std::int64_t pid = impl_->patient_id(label);
    SQLite::Statement st(*impl_->db, "SELECT plan_json FROM plans WHERE patient_id = ?");
    st.bind(1, static_cast<int64_t>(pid));
    st.executeStep();
    std::string text = st.getColumn(0).getString();
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
  impl_->guarded([&] {
    SQLite::Database& db = *impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    const std::int64_t pid = impl_->patient_id(label);
    SQLite::Statement st(
        db,
        "INSERT INTO calendar_feeds (patient_id, token, created_on) VALUES (?, ?, ?) "
        "ON CONFLICT (patient_id) DO UPDATE SET token = excluded.token, "
        "created_on = excluded.created_on");
    st.bind(1, static_cast<int64_t>(pid));
    st.bind(2, token);
    st.bind(3, format_date(today));
    st.exec();
    tx.commit();
    return 0;
  });
}

void Tracker::revoke_calendar_token(const std::string& label) {
  check_label(label);
  impl_->guarded([&] {
    SQLite::Database& db = *impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st(db, "DELETE FROM calendar_feeds WHERE patient_id = ?");
    st.bind(1, static_cast<int64_t>(impl_->patient_id(label)));
    st.exec();
    tx.commit();
    return 0;
  });
}

std::optional<std::string> Tracker::calendar_token(const std::string& label) const {
  return impl_->guarded([&]() -> std::optional<std::string> {
    SQLite::Statement st(*impl_->db, "SELECT token FROM calendar_feeds WHERE patient_id = ?");
    st.bind(1, static_cast<int64_t>(impl_->patient_id(label)));
    if (!st.executeStep()) return std::nullopt;
    return st.getColumn(0).getString();
  });
}

std::optional<std::string> Tracker::patient_of_calendar_token(const std::string& token) const {
  return impl_->guarded([&]() -> std::optional<std::string> {
    SQLite::Statement st(*impl_->db,
                         "SELECT p.label FROM calendar_feeds f JOIN patients p ON p.id = "
                         "f.patient_id WHERE f.token = ?");
    st.bind(1, token);
    if (!st.executeStep()) return std::nullopt;
    return st.getColumn(0).getString();
  });
}

PlanRequest Tracker::request(const std::string& label) const {
  return impl_->guarded([&] {
    const std::int64_t pid = impl_->patient_id(label);
    SQLite::Statement st(*impl_->db, "SELECT request_json FROM plans WHERE patient_id = ?");
    st.bind(1, static_cast<int64_t>(pid));
    st.executeStep();
    return stored_request(st.getColumn(0).getString(), pid);
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
  return impl_->guarded([&] {
    SQLite::Database& db = *impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    const std::int64_t pid = impl_->patient_id(r.label);
    check_plausible_date(r.date, r.today, impl_->birth_date(pid), "date");
    Recorded out;
    {
      SQLite::Statement st(db,
                           "SELECT id FROM results WHERE patient_id = ? AND test = ? AND date = ? "
                           "AND id NOT IN (SELECT result_id FROM entered_in_error) ORDER BY id");
      st.bind(1, static_cast<int64_t>(pid));
      bind_text(st, 2, r.test);
      bind_text(st, 3, format_date(r.date));
      while (st.executeStep()) out.same_day.push_back(st.getColumn(0).getInt64());
    }
    SQLite::Statement ins(
        db,
        "INSERT INTO results (patient_id, test, date, value_as_entered, unit_as_entered, "
        "value_canonical, unit_canonical, uln_as_entered, uln_unit_as_entered, uln_canonical, "
        "note, recorded_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, static_cast<int64_t>(pid));
    bind_text(ins, 2, r.test);
    bind_text(ins, 3, format_date(r.date));
    bind_text(ins, 4, value.value_entered);
    bind_text(ins, 5, value.unit_entered);
    ins.bind(6, value.canonical.amount());
    bind_text(ins, 7, std::string(value.canonical.unit().written));
    if (uln) {
      bind_text(ins, 8, uln->value_entered);
      bind_text(ins, 9, uln->unit_entered);
      ins.bind(10, uln->canonical.amount());
    } else {
      ins.bind(8);
      ins.bind(9);
      ins.bind(10);
    }
    bind_text(ins, 11, r.note);
    bind_text(ins, 12, format_date(r.today));
    ins.exec();
    out.result.id = db.getLastInsertRowid();
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
  return impl_->guarded([&] {
    SQLite::Database& db = *impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
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
    SQLite::Statement up(db, "UPDATE visits SET done = 1, done_on = ?, done_note = ? WHERE id = ?");
    bind_text(up, 1, format_date(done_on));
    bind_text(up, 2, note);
    up.bind(3, static_cast<int64_t>(it->id));
    up.exec();
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
  return impl_->guarded([&] {
    SQLite::Database& db = *impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
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
    SQLite::Statement ins(
        db, "INSERT INTO entered_in_error (result_id, marked_on, reason) VALUES (?, ?, ?)");
    ins.bind(1, static_cast<int64_t>(result_id));
    bind_text(ins, 2, format_date(today));
    bind_text(ins, 3, reason);
    ins.exec();
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
