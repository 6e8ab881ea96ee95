// Accounts, their passwords and sessions (issue 22; contract in doseplan/tracker.hpp). Passwords
// are stored as libsodium's crypto_pwhash_str (Argon2id, the "interactive" limits: 64 MiB, 2
// passes), never in clear; a session's token is random (32 bytes) and the store keeps its
// SHA-256, so a copy of the store opens no session. Failed logins are counted in the store, so
// that the limit holds across several servers on one database.
#include <sodium.h>

#include <algorithm>

#include "doseplan/format.hpp"
#include "doseplan/provenance.hpp"
#include "tracker/store.hpp"

namespace doseplan {

using namespace detail;  // NOLINT: the tracker's own helpers (store.hpp)

namespace {

constexpr const char* kRoleNames[] = {"admin", "clinician", "patient", "carer"};

void need_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace

std::string random_hex(std::size_t bytes) {
  need_sodium();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.pop_back();
  return hex;
}

namespace {

std::string password_hash(const std::string& password) {
  need_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("out of memory while hashing a password (libsodium)");
  }
  return out;
}

void check_password(const std::string& password) {
  if (password.size() < kMinPasswordLength) {
    throw Error("accounts.weak_password", "password",
                "a password has at least " + std::to_string(kMinPasswordLength) +
                    " characters (a passphrase of a few words is easiest to remember)",
                zh(tr_both("a password has at least 12 characters (a passphrase of a few words is "
                           "easiest to remember)")));
  }
}

[[noreturn]] void unknown_account(const std::string& name) {
  throw Error("accounts.unknown", "name",
              "no account " + in_quotes(name) + " (doseplan users list shows them)");
}

[[noreturn]] void bad_login() {
  // The same words for an unknown name, a wrong password and a disabled account.
  throw Error("accounts.bad_login", "password", "the name or the password is not right",
              zh(tr_both("the name or the password is not right")));
}

}  // namespace

std::string_view role_name(Role role) {
  return kRoleNames[static_cast<int>(role)];
}

Role parse_role(const std::string& text) {
  for (int i = 0; i < 4; ++i) {
    if (text == kRoleNames[i]) return static_cast<Role>(i);
  }
  throw Error("accounts.bad_role", "role",
              "role " + in_quotes(text) + " is not one of admin, clinician, patient, carer");
}

Account Tracker::add_account(const std::string& name, Role role, const std::string& clinic,
                             const std::string& patient, const std::string& password, Date today) {
  check_label(name, "name");
  const bool one_patient = role == Role::patient || role == Role::carer;
  if (one_patient) {
    if (patient.empty()) {
      throw Error(
          "accounts.needs_patient", "patient",
          "a " + std::string(role_name(role)) + " account names its one patient: --patient LABEL");
    }
    check_label(patient, "patient");
  }
  if (role == Role::clinician) {
    if (clinic.empty()) {
      throw Error("accounts.needs_clinic", "clinic",
                  "a clinician account names its clinic: --clinic NAME (the patients it starts "
                  "belong to it, and it sees those only)");
    }
    check_label(clinic, "clinic");
  }
  check_password(password);
  const std::string hash = password_hash(password);  // slow: before the transaction
  return impl_->write([&] {
    sql::Transaction tx(*impl_->sql, sql::kWrite);
    if (impl_->sql->one("SELECT 1 FROM accounts WHERE name = ?", {name})) {
      throw Error("accounts.duplicate", "name", "an account " + in_quotes(name) + " exists");
    }
    Account a;
    a.name = name;
    a.role = role;
    a.clinic = role == Role::clinician ? clinic : "";
    a.patient = one_patient ? patient : "";
    a.created_on = today;
    const sql::Param patient_id =
        one_patient ? sql::Param(impl_->patient_id(patient)) : sql::Param(nullptr);
    a.id = impl_->sql
               ->one(
                   "INSERT INTO accounts (name, role, clinic, patient_id, password_hash, "
                   "created_on) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                   {name, std::string(role_name(role)), a.clinic, patient_id, hash,
                    format_date(today)})
               ->as_int64();
    impl_->append_audit(
        "account_add", a.patient,
        {{"account", name}, {"role", std::string(role_name(role))}, {"clinic", a.clinic}});
    tx.commit();
    return a;
  });
}

void Tracker::disable_account(const std::string& name) {
  check_label(name, "name");
  impl_->write([&] {
    sql::Transaction tx(*impl_->sql, sql::kWrite);
    const auto id = impl_->sql->one("SELECT id FROM accounts WHERE name = ?", {name});
    if (!id) unknown_account(name);
    impl_->sql->run("UPDATE accounts SET disabled = 1 WHERE id = ?", {id->as_int64()});
    impl_->sql->run("DELETE FROM sessions WHERE account_id = ?", {id->as_int64()});
    impl_->append_audit("account_disable", "", {{"account", name}});
    tx.commit();
    return 0;
  });
}

void Tracker::reset_password(const std::string& name, const std::string& password) {
  check_label(name, "name");
  check_password(password);
  const std::string hash = password_hash(password);
  impl_->write([&] {
    sql::Transaction tx(*impl_->sql, sql::kWrite);
    const auto id = impl_->sql->one("SELECT id FROM accounts WHERE name = ?", {name});
    if (!id) unknown_account(name);
    impl_->sql->run("UPDATE accounts SET password_hash = ? WHERE id = ?", {hash, id->as_int64()});
    impl_->sql->run("DELETE FROM sessions WHERE account_id = ?", {id->as_int64()});
    impl_->append_audit("account_reset", "", {{"account", name}});
    tx.commit();
    return 0;
  });
}

namespace {

constexpr const char* kAccountColumns =
    "a.id, a.name, a.role, a.clinic, coalesce(p.label, ''), a.disabled, a.created_on";

Account read_account(const sql::Rows& row, int at) {
  Account a;
  a.id = row.int64(at);
  a.name = stored_text(row.text(at + 1), "accounts.name", a.id);
  a.role = parse_role(row.text(at + 2));
  a.clinic = stored_text(row.text(at + 3), "accounts.clinic", a.id);
  a.patient = stored_text(row.text(at + 4), "patients.label", a.id);
  a.disabled = row.int64(at + 5) != 0;
  a.created_on = date_of(row.text(at + 6), "accounts.created_on", a.id);
  return a;
}

}  // namespace

std::vector<Account> Tracker::accounts() const {
  return impl_->guarded([&] {
    const std::unique_ptr<sql::Rows> st = impl_->sql->query(
        std::string("SELECT ") + kAccountColumns +
        " FROM accounts a LEFT JOIN patients p ON p.id = a.patient_id ORDER BY a.name");
    std::vector<Account> out;
    while (st->next()) out.push_back(read_account(*st, 0));
    return out;
  });
}

bool Tracker::has_accounts() const {
  return impl_->guarded(
      [&] { return impl_->sql->one("SELECT 1 FROM accounts WHERE disabled = 0").has_value(); });
}

namespace {

// The account of a login, as the store holds it.
struct Stored {
  std::int64_t id = 0;
  std::string hash;
  bool disabled = true;
};

}  // namespace

Session Tracker::login(const std::string& name, const std::string& password, std::int64_t now) {
  // Read, then verify outside any transaction (Argon2id is slow on purpose), then write.
  const auto read = impl_->guarded([&] {
    const std::int64_t n =
        impl_->sql
            ->one("SELECT count(*) FROM login_failures WHERE name = ? AND at > ?",
                  {name, now - kLoginWindowSeconds})
            ->as_int64();
    std::optional<Stored> f;
    const std::unique_ptr<sql::Rows> st = impl_->sql->query(
        "SELECT id, password_hash, disabled FROM accounts WHERE name = ?", {name});
    if (st->next()) f = Stored{st->int64(0), st->text(1), st->int64(2) != 0};
    return std::pair(n, f);
  });
  const std::int64_t failures = read.first;
  const std::optional<Stored>& found = read.second;
  const auto audited = [&](const char* action, const json& detail, const auto& also) {
    impl_->as_actor(name, [&] {
      impl_->write([&] {
        sql::Transaction tx(*impl_->sql, sql::kWrite);
        also();
        impl_->append_audit(action, "", detail);
        tx.commit();
        return 0;
      });
    });
  };
  if (failures >= kMaxLoginFailures) {
    audited("login_failed", {{"rate_limited", true}}, [] {});
    throw Error("accounts.rate_limited", "name",
                std::to_string(kMaxLoginFailures) + " failed logins of this name within " +
                    std::to_string(kLoginWindowSeconds / 60) +
                    " minutes: wait a quarter of an hour, or ask an administrator to reset the "
                    "password",
                zh(tr_both("too many failed logins of this name: wait a quarter of an hour, or ask "
                           "an administrator to reset the password")));
  }
  need_sodium();
  bool ok = false;
  if (found) {
    ok = crypto_pwhash_str_verify(found->hash.c_str(), password.data(), password.size()) == 0 &&
         !found->disabled;
  } else {
    password_hash(password);  // as long as a verification: an unknown name is not told apart
  }
  if (!ok) {
    audited("login_failed", json::object(), [&] {
      impl_->sql->run("INSERT INTO login_failures (name, at) VALUES (?, ?)", {name, now});
    });
    bad_login();
  }
  Session s;
  s.token = random_hex(32);
  s.csrf = random_hex(16);
  s.expires_at = now + kSessionSeconds;
  audited("login", json::object(), [&] {
    impl_->sql->run("DELETE FROM sessions WHERE expires_at <= ?", {now});
    impl_->sql->run("DELETE FROM login_failures WHERE name = ? OR at <= ?",
                    {name, now - kLoginWindowSeconds});
    impl_->sql->run(
        "INSERT INTO sessions (token_sha256, account_id, csrf, created_at, expires_at) VALUES (?, "
        "?, ?, ?, ?)",
        {sha256_hex(s.token), found->id, s.csrf, now, s.expires_at});
  });
  s.account = session(s.token, now).value().account;
  return s;
}

std::optional<Session> Tracker::session(const std::string& token, std::int64_t now) const {
  return impl_->guarded([&]() -> std::optional<Session> {
    const std::unique_ptr<sql::Rows> st = impl_->sql->query(
        std::string("SELECT s.csrf, s.expires_at, ") + kAccountColumns +
            " FROM sessions s JOIN accounts a ON a.id = s.account_id LEFT JOIN patients p ON p.id "
            "= a.patient_id WHERE s.token_sha256 = ? AND s.expires_at > ? AND a.disabled = 0",
        {sha256_hex(token), now});
    if (!st->next()) return std::nullopt;
    Session s;
    s.token = token;
    s.csrf = st->text(0);
    s.expires_at = st->int64(1);
    s.account = read_account(*st, 2);
    return s;
  });
}

void Tracker::logout(const std::string& token) {
  impl_->write([&] {
    sql::Transaction tx(*impl_->sql, sql::kWrite);
    const auto name = impl_->sql->one(
        "SELECT a.name FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE "
        "s.token_sha256 = ?",
        {sha256_hex(token)});
    if (!name) return 0;
    impl_->sql->run("DELETE FROM sessions WHERE token_sha256 = ?", {sha256_hex(token)});
    impl_->as_actor(name->text, [&] { impl_->append_audit("logout", "", json::object()); });
    tx.commit();
    return 0;
  });
}

}  // namespace doseplan
