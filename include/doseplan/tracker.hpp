// doseplan — the patient monitoring tracker: a local SQLite store of plans, recorded results and
// visits done, with due/overdue lists and educational advice from the regimen's lab rules
// (docs/tracker.md).
//
// One database holds several patients, each under a pseudonymous label. A patient is tracked
// from a plan: the plan is stored as its JSON (render_json) together with the request that made
// it, so that it can be rebuilt (for a calendar), and its visits are stored as rows.
//
// Nothing recorded is ever lost: every change is one SQLite transaction (WAL mode, a busy timeout,
// synchronous=FULL), results are only ever added (triggers refuse UPDATE and DELETE), and a bad
// input throws doseplan::Error before anything is written.
//
// The library never reads the clock and never reads the environment: `today` is always an input,
// and default_tracker_path() is given $XDG_DATA_HOME and $HOME by the caller.
#ifndef DOSEPLAN_TRACKER_HPP_
#define DOSEPLAN_TRACKER_HPP_

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doseplan/dates.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/lab_value.hpp"
#include "doseplan/plan.hpp"
#include "doseplan/regimen.hpp"
#include "doseplan/rules.hpp"

namespace doseplan {

// Version of the database schema this library writes (PRAGMA user_version). Older databases are
// migrated when opened; a newer one is refused (tracker.db_newer). Version 2 keeps each visit's
// window as columns and its items once per distinct set, so that due() filters in SQL; version 3
// adds an index of the visits not done in the order of their windows (the list of all patients);
// version 4 records with each plan the stamp of what made it (doseplan, rules version, rules hash).
// version 6 adds the calendar subscriptions' tokens (calendar_feeds).
inline constexpr int kTrackerSchemaVersion = 7;
// PRAGMA application_id of a doseplan tracker database ("DOSP").
inline constexpr std::int32_t kTrackerApplicationId = 0x444F5350;

// The default database: $XDG_DATA_HOME/doseplan/tracker.db when XDG_DATA_HOME is set to an
// absolute path, else $HOME/.local/share/doseplan/tracker.db. Pass std::getenv(...) or nullptr.
// Throws Error "tracker.no_db_path" when neither gives a place.
std::string default_tracker_path(const char* xdg_data_home, const char* home);

// Throws Error "tracker.bad_label" unless `label` is 1 to 40 letters, digits, ".", "_" or "-",
// starting with a letter or digit.
void check_patient_label(const std::string& label);

// Throws Error "input.out_of_range" (field "start") when a date of `plan`, its visits' windows
// included, can not be stored: the tracker keeps dates as YYYY-MM-DD, from 0000-01-01 to
// 9999-12-31. Tracker::start checks it; the command line checks it before creating a database.
void check_plan_dates(const Plan& plan);

// ------------------------------------------------------------------ measured values

// A value as entered (shown so) and in the test's canonical unit (the first unit of the test in
// labs.json), which advice compares.
struct Measurement {
  std::string value_entered;  // the number exactly as typed: "1.10"
  std::string unit_entered;   // the unit exactly as typed: "mg/dL"
  LabValue canonical;         // 97.24 umol/L
};

// Reads `text` ("1.1 mg/dL", "135 mmHg", "2.1 10*9/L") as a result of `test`. Creatinine goes
// through parse_creatinine and drug levels through parse_mass_concentration; other dimensions
// (counts 10*9/L = 10*3/uL, U/L, mm[Hg], g/(24.h), mass and molar concentrations with the molar
// mass of the analyte) through the tracker's own strict table. Throws Error naming `field`:
// quantity.* as the units parsers do (empty, no number, negative, missing or unknown unit),
// tracker.wrong_unit for a unit of another dimension (with the test's valid units),
// tracker.no_value for a test that has no numeric value (cbc, urinalysis, assessments),
// tracker.no_conversion for a test whose units the rules loader did not check (a unit not of the
// table, mass and molar units without a molar mass).
Measurement parse_measurement(const LabTest& test, std::string_view text,
                              std::string_view field = "value");

// "1.5 mg/dL (132.6 µmol/L)": as entered, then the canonical value when the unit differs ("150
// mmHg" alone: mmHg is mm[Hg]); in Chinese the brackets are full-width: "1.5 mg/dL（132.6
// µmol/L）". Units as people read them (display_unit(), render.hpp): µmol/L, mmHg, and a power of
// ten multiplied: "1.1×10⁹/L".
std::string describe_measurement(const Measurement& m, Lang lang = Lang::en);
// The same in both languages.
LocalizedText describe_measurement_text(const Measurement& m);

// "creatinine (umol/L, mg/dL), cyclosporine-trough (ng/mL), ..." — the tests that take a value.
std::string describe_valid_tests(const std::vector<LabTest>& labs);

// Throws Error "tracker.unknown_test" (field "test", with the tests that take a value) unless
// `test` is the id of a test of `labs`.
void check_lab_test(const std::vector<LabTest>& labs, const std::string& test);

// ------------------------------------------------------------------ requests as JSON

// The request behind a JSON plan written by render_json (`doseplan plan --format json`): its
// "request" member, read by parse_plan_request (its problems are request.* at
// "FILE:/request:/field") and planned once: the plan made must equal the file, or Error
// "tracker.plan_not_rebuilt" (an edited plan, other rules) names the first difference.
// "tracker.plan_without_request" when the plan has no "request" (written by an older doseplan);
// "tracker.not_a_plan" when the text is not a doseplan JSON plan.
PlanRequest request_from_plan_json(const RuleSet& rules, std::string_view json_text,
                                   const std::string& file);

// What a JSON plan says about its patient (Plan::checks, Plan::acknowledgements): the checks
// against the regimen's limits and the limits passed only with the user's acknowledgement.
struct PlanChecks {
  std::vector<PatientCheck> checks;
  std::vector<LocalizedText> acknowledgements;
};
// Read from a JSON plan (render_json); a plan written before plans carried them has none.
// "tracker.not_a_plan" when the text is not a doseplan JSON plan or the entries are malformed.
PlanChecks checks_of_plan_json(std::string_view json_text, const std::string& where);

// ------------------------------------------------------------------ what the store holds

struct TrackedPatient {
  std::int64_t id = 0;
  std::string label;  // pseudonymous: letters, digits, ".", "_", "-"; 1 to 40 characters
  std::string regimen_id;
  Date start{};
  Date end{};
  Date tracked_since{};  // the `today` of `start`
  // The program and the rules that made the stored plan (Plan::stamp, from the regimen's own
  // file and the shared files). Empty for a plan stored before schema 4: not recorded.
  RulesStamp stamp;
  std::string clinic;  // the clinic of the actor that started tracking ("" for none)
};

// ---- accounts and the audit log (doseplan serve with accounts; docs/deploy.md)

// What an account may do (docs/serve.md, "Roles"): an administrator everything; a clinician the
// patients of their clinic; a patient their own record (read, and their calendar feed); a carer
// one patient's record, read only.
enum class Role { admin, clinician, patient, carer };
std::string_view role_name(Role role);     // "admin", "clinician", "patient", "carer"
Role parse_role(const std::string& text);  // accounts.bad_role

inline constexpr std::int64_t kSessionSeconds =
    std::int64_t{8} * 3600;                  // a session lasts a working day
inline constexpr int kMaxLoginFailures = 5;  // failed logins of a name ...
inline constexpr std::int64_t kLoginWindowSeconds =
    std::int64_t{15} * 60;  // ... within this many seconds
inline constexpr std::size_t kMinPasswordLength = 12;

struct Account {
  std::int64_t id = 0;
  std::string name;
  Role role = Role::clinician;
  std::string clinic;   // a clinician's clinic; "" for the others
  std::string patient;  // the label of a patient's or carer's patient; "" for the others
  bool disabled = false;
  Date created_on{};
};

struct Session {
  std::string token;  // given once, by login(); the store keeps its SHA-256 only
  std::string csrf;   // the session's form token
  Account account;
  std::int64_t expires_at = 0;  // seconds since 1970, UTC
};

// `bytes` random bytes (libsodium's randombytes_buf, the system's generator) as hex: session
// tokens, and the server's per-launch key, form tokens and calendar subscription tokens.
std::string random_hex(std::size_t bytes);

// Who makes a change, as the audit log names them.
struct Actor {
  std::string name;    // an account's name, or "cli:" and the system user
  std::string clinic;  // the clinic of the patients this actor starts ("" for none)
};

struct AuditEntry {
  std::int64_t id = 0;
  std::string at;  // UTC, 2026-12-07T01:02:03Z
  std::string actor;
  // start, record, done, entered_in_error, calendar_token, calendar_revoke, view, login,
  // login_failed, logout, account_add, account_disable, account_reset
  std::string action;
  std::string patient;  // the label, "" when about no patient
  std::string detail;   // a JSON object: ids, tests, dates (what was done; no result's value)
  std::string prev_sha256;
  std::string sha256;
};

struct AuditCheck {
  std::int64_t entries = 0;
  std::string head;                   // the last entry's SHA-256 ("" when the log is empty)
  std::vector<std::string> problems;  // "entry 12: ...", in order
  bool ok() const { return problems.empty(); }
};

// Why and when a recorded result was marked entered in error (a typo, the wrong patient).
struct EnteredInError {
  Date marked_on{};    // the `today` of the marking
  std::string reason;  // one line, as a note
};

struct TrackedResult {
  std::int64_t id = 0;
  std::string label;
  std::string test;  // lab id
  Date date{};       // when the sample was taken or the reading made
  Measurement value;
  std::optional<Measurement> uln;  // upper limit of normal, as printed on the report
  std::string note;
  Date recorded_on{};  // the `today` of the record
  // Set when the result was marked entered in error (Tracker::mark_entered_in_error): it is kept
  // and shown struck out, but no baseline, advice or due list uses it.
  std::optional<EnteredInError> entered_in_error;
};

// What a visit is for: its tests and items as planned. The store keeps each distinct set once,
// and the visits read from it share their set (read-only).
struct VisitContents {
  std::vector<std::string> tests;  // lab ids, in the plan's order, once each
  std::vector<VisitItem> items;    // as planned (names, tests, reason, timing, windows)
};

// A visit as planned: what due() lists of it.
class PlannedVisit {
 public:
  std::int64_t id = 0;
  Date date{};
  int window_before = 0;  // the largest of the visit's items
  int window_after = 0;
  bool baseline = false;

  const std::vector<std::string>& tests() const { return contents_->tests; }
  const std::vector<VisitItem>& items() const { return contents_->items; }
  // Gives the visit its tests and items (a set the store read once for every visit that has it).
  void set_contents(std::shared_ptr<const VisitContents> contents);

  Date window_first() const;  // date - window_before
  Date window_last() const;   // date + window_after

 private:
  std::shared_ptr<const VisitContents> contents_ = std::make_shared<const VisitContents>();
};

// A visit as planned, and whether it was done.
struct TrackedVisit : PlannedVisit {
  bool done = false;
  std::optional<Date> done_on;
  std::string done_note;
};

// A visit not done that due() lists.
struct DueVisit {
  enum class Status : std::uint8_t { overdue, due, upcoming };
  std::string label;
  std::string regimen_id;
  PlannedVisit visit;  // not done
  Status status = Status::upcoming;
  int days =
      0;  // overdue: days past the window; due: days left in it; upcoming: days until it opens
  std::vector<std::string> tests_recorded;  // tests of the visit with a result inside its window
};

// One lab rule judged on the recorded results (educational; always ask the doctor).
struct Advice {
  enum class Status {
    reached,          // the rule's condition holds: `advice` applies
    not_reached,      // the latest result does not meet the condition
    cannot_evaluate,  // e.g. no pretreatment result for a baseline, no upper limit of normal
    no_result         // nothing recorded for the test yet
  };
  LabRule rule;
  LocalizedText test_name;
  Status status = Status::no_result;
  std::optional<TrackedResult> result;  // the result judged (the latest one that counts)
  std::optional<LabValue> baseline;     // rise_over_baseline_percent: mean, canonical unit
  std::vector<Date> baseline_dates;     // the pretreatment results averaged
  std::optional<double> change_percent;
  std::optional<Date> also_reached_on;  // the previous result of the same kind also reached it
  int readings_met = 0;  // results in a row, up to the latest judged, that meet the condition;
                         // the rule is reached when this is at least rule.readings
  std::vector<std::int64_t> not_used;  // results of the test marked entered in error (ids)
  LocalizedText condition;   // describe_condition(): "Serum creatinine ≥ 25% above baseline"
  LocalizedText detail;      // one sentence: what was compared with what
  LocalizedText source;      // cite_text(regimen, rule.from)
  LocalizedText advice;      // the rule's advice (both languages)
  LocalizedText disclaimer;  // disclaimer()
};

// Judges every lab rule of `regimen` (or only those of `only_test`) on `results` dated on or
// before `today`. The baseline of a rise rule is the mean of the results dated before `start`;
// the rule then judges the latest result dated on or after `start`. Other rules judge the latest
// result. above_uln_multiple needs the upper limit of normal recorded with the result. A rule
// with readings = n is reached only when the latest n results (on treatment, for a rise rule)
// all meet its condition; fewer are said in `detail` and the status is not_reached. Results marked
// entered in error are not judged: their ids are listed in `not_used`.
std::vector<Advice> advise(const Regimen& regimen, const std::vector<LabTest>& labs, Date start,
                           const std::vector<TrackedResult>& results, Date today,
                           const std::optional<std::string>& only_test = std::nullopt);

// What to record.
struct RecordRequest {
  std::string label;
  std::string test;                // lab id
  std::string value;               // "1.1 mg/dL"
  Date date{};                     // of the sample; not after `today`
  std::optional<std::string> uln;  // "1.2 mg/dL": upper limit of normal of the report
  std::string note;                // at most 500 characters, no control characters
  Date today{};
};

struct Recorded {
  TrackedResult result;
  std::vector<std::int64_t> same_day;  // earlier results of the same test on the same date (kept)
};

struct MarkedInError {
  TrackedResult result;         // with entered_in_error set
  bool already_marked = false;  // it was marked before; nothing was changed
};

struct MarkedDone {
  TrackedVisit visit;
  bool already_done = false;  // nothing was changed
};

// One thread at a time: the connection is opened with SQLITE_OPEN_NOMUTEX (or is one libpq
// connection), and the const functions
// use it too (each in a read transaction). A Tracker may be moved to another thread; threads that
// read at once each open their own Tracker on the file.
// Whether `db` names a PostgreSQL database (a postgresql:// or postgres:// URL), not a file.
bool is_database_url(const std::string& db);

class Tracker {
 public:
  // read_only: the connection can not write (the subcommands that only read); an older tracker
  // database is still migrated, by a second connection that may write.
  enum class Mode { open_existing, create_if_missing, read_only };

  // Opens the database at `path` and migrates it to kTrackerSchemaVersion. `path` is an SQLite
  // file, or a PostgreSQL database named by a postgresql:// (or postgres://) URL without a password
  // (tracker.bad_db_url): libpq takes it from ~/.pgpass, $PGPASSFILE or $PGPASSWORD. On
  // PostgreSQL, create_if_missing gives an empty database (made by its administrator) the schema;
  // the other modes refuse one (tracker.no_db); a server that can not be reached is
  // tracker.db_unavailable, in every call. What follows is said of files. create_if_missing
  // makes a missing store whole in a private file beside it (mode 0600; for the default path,
  // its directories with 0700) and only then gives it its name, so `path` never exists empty or
  // half made; a store it made and then failed to fill (a full disk) is removed. It alone accepts
  // an existing empty file (one an earlier doseplan created): a start racing this one creates
  // the schema once, under an immediate transaction. Every mode refuses a file owned by another
  // user (tracker.unsafe_owner) or with any permission for group or others (tracker.unsafe_mode).
  // read_only reads a store on a full or read-only disk as a file that does not change.
  // Errors: tracker.no_db (no file, open_existing, read_only), tracker.db_open,
  // tracker.unsafe_owner, tracker.unsafe_mode, tracker.not_tracker_db, tracker.db_newer,
  // tracker.db_busy, tracker.disk_full, tracker.read_only, tracker.db_error.
  Tracker(const std::string& path, Mode mode, bool create_directory = false);
  ~Tracker();
  Tracker(Tracker&&) noexcept;
  Tracker& operator=(Tracker&&) noexcept;

  const std::string& path() const;
  int schema_version() const;

  // Starts tracking `label` on the plan make_plan(rules, request) builds: patient, plan (JSON and
  // request) and visits in one transaction. tracker.bad_label, tracker.duplicate_patient, and
  // every error of make_plan.
  TrackedPatient start(const RuleSet& rules, const std::string& label, const PlanRequest& request,
                       Date today);

  std::vector<TrackedPatient> patients() const;
  TrackedPatient patient(const std::string& label) const;  // tracker.unknown_patient
  std::string plan_json(const std::string& label) const;   // as stored
  PlanChecks plan_checks(const std::string& label) const;  // of the stored plan
  PlanRequest request(const std::string& label) const;     // as stored
  // The plan rebuilt from the stored request with `rules`; `changed` is set when it differs from
  // the stored plan JSON (the rules changed since tracking started).
  Plan rebuild_plan(const RuleSet& rules, const std::string& label, bool* changed = nullptr) const;

  // Validates everything, then adds the result in one transaction. tracker.bad_label,
  // tracker.future_date, tracker.bad_note, tracker.unknown_test, tracker.no_value,
  // tracker.wrong_unit, tracker.bad_uln, quantity.*, tracker.unknown_patient.
  Recorded record(const RuleSet& rules, const RecordRequest& request);

  // Marks the visit planned on `visit_date` done on `done_on`. tracker.unknown_visit,
  // tracker.future_date, tracker.bad_note, tracker.unknown_patient.
  MarkedDone mark_done(const std::string& label, Date visit_date, Date done_on,
                       const std::string& note, Date today);

  // Marks the result `result_id` of `label` entered in error, on `today`, with `reason` (required;
  // checked as a note). The result is kept; from then on it is shown struck out and neither
  // baselines, advice nor the due list use it. A mark can not be taken back. tracker.bad_label,
  // tracker.bad_note, tracker.no_reason, tracker.unknown_result (also for a result of another
  // patient), tracker.unknown_patient.
  MarkedInError mark_entered_in_error(const std::string& label, std::int64_t result_id,
                                      const std::string& reason, Date today);

  // A calendar subscription (doseplan serve): `token`, made by the caller (16 to 128 characters
  // of [0-9A-Za-z_-], from a random source), lets a calendar program read the patient's calendar
  // without the server's key. A new token replaces the patient's old one, whose address then
  // stops working. tracker.bad_label, tracker.bad_token, tracker.unknown_patient.
  void set_calendar_token(const std::string& label, const std::string& token, Date today);
  // Deletes the patient's token (nothing when there is none). tracker.unknown_patient.
  void revoke_calendar_token(const std::string& label);
  // The patient's token, if one is set.
  std::optional<std::string> calendar_token(const std::string& label) const;
  // The label of the patient whose token this is, if any (an unknown or revoked token: none).
  std::optional<std::string> patient_of_calendar_token(const std::string& token) const;

  // ---- who acts, accounts, sessions and the audit log (docs/deploy.md; issue 22)

  // Who the changes made through this Tracker are audited as (default: "cli:" and the system
  // user). A patient started by an actor with a clinic belongs to that clinic.
  void set_actor(Actor actor);
  const Actor& actor() const;

  // A new account: `name` as a label (tracker.bad_label rules, field "name"); a patient or carer
  // account names its one patient (tracked in the store), a clinician their clinic; the password
  // is at least kMinPasswordLength characters and is stored as an Argon2id hash (libsodium
  // crypto_pwhash_str), never in clear. accounts.bad_role, accounts.needs_patient,
  // accounts.needs_clinic, accounts.weak_password, accounts.duplicate, tracker.unknown_patient.
  Account add_account(const std::string& name, Role role, const std::string& clinic,
                      const std::string& patient, const std::string& password, Date today);
  // A disabled account can not log in, and its sessions end. accounts.unknown.
  void disable_account(const std::string& name);
  // A new password; the account's sessions end. accounts.unknown, accounts.weak_password.
  void reset_password(const std::string& name, const std::string& password);
  std::vector<Account> accounts() const;  // by name
  bool has_accounts() const;              // an enabled account exists

  // A new session for `name` (a random token; the store keeps only its SHA-256), expiring
  // kSessionSeconds after `now` (seconds since 1970, UTC). The same accounts.bad_login for an
  // unknown name, a wrong password and a disabled account; accounts.rate_limited after
  // kMaxLoginFailures failures of the name within kLoginWindowSeconds. Both audited.
  Session login(const std::string& name, const std::string& password, std::int64_t now);
  // The session of `token`, if it exists, has not expired and its account is enabled.
  std::optional<Session> session(const std::string& token, std::int64_t now) const;
  void logout(const std::string& token);  // audited; nothing when the token is unknown

  // Appends "who looked at what" of patient `label` to the audit log (the server's pages and API).
  void record_view(const std::string& label, const std::string& what);
  // The audit log, oldest first: every entry, or those about patient `label`.
  std::vector<AuditEntry> audit(const std::optional<std::string>& label = std::nullopt) const;
  // Checks the hash chain: each entry's SHA-256 over the previous entry's and its own content.
  // An edited entry, or one removed from the middle, breaks it; `head` is the last hash, to be
  // noted elsewhere so that removing the last entries is seen too.
  AuditCheck verify_audit() const;

  // By date, then id; results entered in error included (entered_in_error set).
  std::vector<TrackedResult> results(const std::string& label) const;
  std::vector<TrackedVisit> visits(const std::string& label) const;  // by date

  // Visits not done that are overdue (their window ended before `today`), due (`today` is inside
  // their window) or upcoming (their window opens within `within` of `today`), of one patient or
  // of all; overdue first, then by date.
  std::vector<DueVisit> due(const std::optional<std::string>& label, Date today, Span within) const;

  // advise() on the patient's results with the regimen of their plan from `rules`.
  std::vector<Advice> advise(const RuleSet& rules, const std::string& label, Date today,
                             const std::optional<std::string>& only_test = std::nullopt) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace doseplan

#endif  // DOSEPLAN_TRACKER_HPP_
