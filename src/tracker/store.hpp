// Internal: what the files of the tracker (src/tracker/, contract in doseplan/tracker.hpp) share.
//
//   text_checks.cpp  labels, notes and dates as typed; the small text helpers below
//   lab_values.cpp   units of recorded results: parse_measurement, describe_measurement, ...
//   advice.cpp       advise(): the regimen's lab rules judged on the results
//   sql.hpp          the SQL interface store.cpp, due.cpp and stored.cpp are written against;
//                    sql_sqlite.cpp and sql_postgres.cpp implement it (sql.cpp: what they share)
//   schema.cpp       the schema and its migrations, in SQLite's and PostgreSQL's dialects
//   open.cpp         finding, creating, opening and migrating the store; SQLite errors
//   stored.cpp       reading back what the store holds, refusing what doseplan never writes
//   items.cpp        the items of a visit as JSON (visit_items)
//   store.cpp        start, record, mark done or in error; patients, results, visits
//   due.cpp          Tracker::due
//   audit.cpp        the audit log (a hash chain) and who acts (Actor)
//   accounts.cpp     accounts, passwords (libsodium Argon2id), sessions, login rate limiting
//
// Storage: one SQLite file (SQLiteCpp), schema versioned by PRAGMA user_version and marked by
// PRAGMA application_id; WAL journal, synchronous=FULL, a busy timeout, foreign keys on. Every
// change is one BEGIN IMMEDIATE transaction, so a second writer waits (busy timeout) instead of
// failing half-way, and a crash leaves either the whole change or nothing. Or a PostgreSQL
// database (--db postgresql://...; libpqxx), schema versioned by the table doseplan_schema:
// every change is one SERIALIZABLE transaction, run again (write()) when it met another writer.
// Results and patients are append-only: triggers refuse UPDATE and DELETE, and a visit marked
// done can not be undone.
//
// Every input is checked before the database is touched; a failed check throws doseplan::Error
// and the transaction (if one was opened) is rolled back without having written anything.
#ifndef DOSEPLAN_SRC_TRACKER_STORE_HPP_
#define DOSEPLAN_SRC_TRACKER_STORE_HPP_

#include <sqlite3.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/text.hpp"
#include "doseplan/error.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/tracker.hpp"
#include "tracker/sql.hpp"

namespace doseplan {
namespace detail {

using json = nlohmann::json;

inline constexpr int kBusyTimeoutMs = 15000;
inline constexpr std::size_t kMaxNote = 500;
inline constexpr std::size_t kMaxLabel = 40;

// --- text_checks.cpp (and is_space, trim, in_quotes of core/text.hpp)

// `text` quoted for an error message: at most 60 bytes of it.
std::string quoted_stored(std::string_view text);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// The Chinese detail of an error (Problem::message_zh, printed with --lang zh-CN): the Chinese
// half of tr_both() of the detail in English, the msgid in po/zh_CN/track.po.
std::string zh(const LocalizedText& text);

// tracker.bad_label unless `label` is a pseudonym of 1 to kMaxLabel letters, digits, ".", "_",
// "-", starting with a letter or digit.
void check_label(const std::string& label, const std::string& field = "label");
// tracker.bad_note: longer than kMaxNote bytes, control characters, not UTF-8, invisible
// line breaks or bidirectional controls.
void check_note(const std::string& note, const std::string& field = "note");
// tracker.future_date after `today`; tracker.implausible_date before 1900-01-01 or `birth`.
void check_plausible_date(Date d, Date today, const std::optional<Date>& birth,
                          const std::string& field);

// --- lab_values.cpp

// A unit as people read it ("umol/L" -> "µmol/L"); any other unit as it is written.
std::string unit_shown(std::string_view unit);
// The units of `test` as people read them: "µmol/L or mg/dL" / "µmol/L或mg/dL".
LocalizedText units_text(const LabTest& test);
// `value` (format_number() to `max_decimals`) and `unit` as describe_measurement() writes them, in
// `lang`: "100.5 µmol/L", "1.3×10⁹/L".
std::string describe_quantity(double value, std::string_view unit, int max_decimals, Lang lang);
// tracker.unknown_test, with the tests that take a value.
[[noreturn]] void unknown_test(const std::vector<LabTest>& labs, const std::string& test);

// --- schema.cpp

// The migrations from schema `from` (0: a new database) to kTrackerSchemaVersion, inside the
// caller's transaction.
void run_migrations(SQLite::Database& db, int from);
// The same on PostgreSQL (the version is in the table doseplan_schema, made by migration 0).
void run_postgres_migrations(sql::Connection& c, int from);

// --- open.cpp: SQLite's errors as doseplan's

// Whether errno `e` means that no more can be written (ENOSPC, EDQUOT, EFBIG).
bool no_space_errno(int e);
// Whether a failed write may have met a full disk although errno no longer says so.
bool out_of_space(const std::string& path);
[[noreturn]] void throw_disk_full(const std::string& path, const std::string& what);
[[noreturn]] void throw_read_only(const std::string& path, const std::string& what);
// tracker.db_busy, not_tracker_db, disk_full, read_only or db_error; `sys_errno` is
// sqlite3_system_errno() of the connection that failed (0 if none).
[[noreturn]] void rethrow_sqlite(const SQLite::Exception& e, const std::string& path,
                                 int sys_errno = 0);

// --- stored.cpp: what is read back is checked (tracker.damaged names table, column and row)

// A place in the store: "results.note, row 3", or "plans.start_date, patient_id 1".
std::string stored_at(std::string_view column, std::int64_t row, std::string_view row_name = "row");
// The store is damaged at `at` (stored_at()), which holds `what`.
[[noreturn]] void damaged(const std::string& at, const std::string& what);
// `text` read at `column` of `row`, if it can be printed as it is; else the store is damaged.
std::string stored_text(std::string text, std::string_view column, std::int64_t row,
                        std::string_view row_name = "row", bool allow_line_breaks = false);
// A date as the store holds it (YYYY-MM-DD).
Date date_of(const std::string& s, std::string_view column, std::int64_t row,
             std::string_view row_name = "row");
// A unit of a result (doseplan/lab_value.hpp) as the store writes it ("umol/L").
const LabUnit& lab_unit_of(const std::string& s, std::string_view column, std::int64_t row);
// A number column (REAL or INTEGER), never text read as 0; a whole number that fits an int.
double number_of(const sql::Value& v, std::string_view column, std::int64_t row);
int integer_of(const sql::Value& v, std::string_view column, std::int64_t row);
// A stored plan (plans.plan_json of patient `patient`), parsed and checked.
json stored_plan(const std::string& text, std::int64_t patient);
// The request stored with a plan (plans.request_json of patient `patient`).
PlanRequest stored_request(const std::string& text, std::int64_t patient,
                           const PlanRequest& defaults = {});

// A date as the window columns store it: days since 1970-01-01.
inline std::int64_t day_number(Date d) {
  return d.time_since_epoch().count();
}

// --- items.cpp

json item_json(const VisitItem& it);
VisitItem item_of(const json& j);

// The item set of row `id` of visit_items, from its columns tests_json and items_json.
VisitContents item_set_of(const std::string& tests_json, const std::string& items_json,
                          std::int64_t id);

// The item sets read by one query, each parsed once and shared by the visits that have it.
class ItemSets {
 public:
  // The set `id`; `tests_json` and `items_json` are read only the first time (`fetch` gives
  // them as a pair of strings).
  template <class Fetch>
  const std::shared_ptr<const VisitContents>& get(std::int64_t id, Fetch&& fetch) {
    auto it = sets_.find(id);
    if (it == sets_.end()) {
      const auto [tests_json, items_json] = fetch();
      it = sets_
               .emplace(id, std::make_shared<const VisitContents>(
                                item_set_of(tests_json, items_json, id)))
               .first;
    }
    return it->second;
  }

 private:
  std::unordered_map<std::int64_t, std::shared_ptr<const VisitContents>> sets_;
};

}  // namespace detail

// The system user running the command line, as the audit log names them: "cli:alice".
Actor default_actor();

inline constexpr int kWriteAttempts = 8;  // a change that met another writer is run again

// The connection and what it knows of its file. The functions that open the store are in
// open.cpp, those that read it in store.cpp.
struct Tracker::Impl {
  std::string path;                              // the file, or the postgresql:// URL
  std::unique_ptr<SQLite::Database> db;          // SQLite's connection (none for PostgreSQL)
  std::unique_ptr<detail::sql::Connection> sql;  // what the store is read and changed through
  int version = 0;
  std::string file;          // the connection's file: `path`, or a new store not yet published
  bool unpublished = false;  // `file` is a new store that publish() has not linked to `path`
  bool made_here = false;    // this connection's open made the store at `path`
  bool started = false;      // a start of this connection stored its patient
  Actor actor;               // who the changes are audited as (set_actor; default cli:USER)

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl();

  // --- open.cpp
  bool moved() const;
  void remove_if_unused() noexcept;
  [[noreturn]] void throw_cannot_create(const std::string& name, int err) const;
  bool create_empty(const std::string& name) const;
  static void remove_new_store(const std::string& name);
  void write_new_store(const std::string& new_file) const;
  bool create_file(bool create_directory);
  bool publish();
  void check_file_safe() const;
  void open(Mode mode, bool create_directory);
  void check_writable() const;
  void connect_read_only();
  bool writer_possible() const;
  std::string file_uri() const;
  struct Contents {
    int app_id = 0;
    int tables = 0;
    int version = 0;
    bool empty() const { return app_id == 0 && tables == 0; }
  };
  Contents read_contents() const;
  void connect(Mode mode, bool created, bool immutable = false);
  void migrate();
  void open_postgres(Mode mode);

  // --- store.cpp
  std::int64_t patient_id(const std::string& label) const;  // tracker.unknown_patient
  std::optional<Date> birth_date(std::int64_t patient) const;
  TrackedPatient read_patient(const detail::sql::Rows& row) const;  // a row of kPatientSelect
  static constexpr const char* kPatientSelect =
      "SELECT p.id, p.label, pl.regimen_id, pl.start_date, pl.end_date, p.created_on, "
      "pl.doseplan_version, pl.rules_version, pl.rules_sha256, p.clinic FROM patients p JOIN "
      "plans pl ON "
      "pl.patient_id = p.id";
  std::vector<TrackedResult> read_results(const std::string& where, const std::string& label) const;
  const std::shared_ptr<const VisitContents>& item_set(detail::ItemSets& sets,
                                                       std::int64_t id) const;
  std::vector<TrackedVisit> read_visits(std::int64_t patient) const;

  // --- audit.cpp
  // Appends an entry to the audit log, inside the caller's write transaction.
  void append_audit(const std::string& action, const std::string& patient,
                    const detail::json& detail);
  // Runs `f` with the actor `name` (a login is audited as the name that tried it), then puts
  // back this Tracker's own actor.
  template <class F>
  void as_actor(const std::string& name, F&& f) {
    const Actor before = actor;
    actor = {name, ""};
    try {
      f();
    } catch (...) {
      actor = before;
      throw;
    }
    actor = before;
  }

  // Runs `f`, turning SQLite's and the readers' exceptions into doseplan::Error.
  template <class F>
  auto guarded(F&& f) const {
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      detail::rethrow_sqlite(e, path, db ? sqlite3_system_errno(db->getHandle()) : 0);
    } catch (const Error& e) {
      // A damaged store: its path before the place (stored_at()).
      if (e.id() != "tracker.damaged" || e.problems().front().where.starts_with(path)) throw;
      std::vector<Problem> problems = e.problems();
      for (Problem& p : problems) p.where = path + ": " + p.where;
      throw Error(std::move(problems));
    } catch (const detail::json::exception& e) {
      // JSON a reader did not expect (each names its column; this is the net under them).
      throw Error(
          "tracker.damaged", path,
          std::string("holds JSON that can not be read (") + e.what() +
              "), which doseplan never writes: the database was changed outside "
              "doseplan; nothing was changed. Restore a backup of it",
          detail::zh(tr_both("The database holds content that doseplan never writes: it was "
                             "changed outside doseplan; nothing was changed. Restore a backup of "
                             "the database")));
    } catch (const std::filesystem::filesystem_error& e) {
      throw Error("tracker.db_open", "db",
                  "cannot use " + path + ": " + e.code().message() + " (" + e.what() + ")");
    }
  }

  // Runs the change `f` (which opens its own write transaction) through guarded(); when it met
  // another writer (sql::Conflict: PostgreSQL's serialization failure), nothing was written and
  // it is run again, up to kWriteAttempts times, then tracker.db_busy.
  template <class F>
  auto write(F&& f) {
    for (int attempt = 1;; ++attempt) {
      try {
        return guarded(f);
      } catch (const detail::sql::Conflict&) {
        if (attempt == kWriteAttempts) throw_conflicts();
        wait_before_retry(attempt);
      }
    }
  }
  [[noreturn]] void throw_conflicts() const;
  static void wait_before_retry(int attempt);
};

}  // namespace doseplan

#endif  // DOSEPLAN_SRC_TRACKER_STORE_HPP_
