// `doseplan users add|disable|reset|list` and `doseplan audit verify|show` (issue 22): the
// accounts of `doseplan serve` and its audit log, kept in the tracker's store (docs/deploy.md).
// A password is never an argument (the process list and the shell's history would show it): it is
// typed at a prompt without echo, twice, or read as the first line of standard input.
#include "cli/users_cli.hpp"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/track/track_common.hpp"
#include "doseplan/tracker.hpp"

namespace doseplan::cli {

namespace {

struct UsersState {
  track::Common c;
  std::string name, role, clinic, patient, head;
  CLI::App* users = nullptr;
  CLI::App* add = nullptr;
  CLI::App* disable = nullptr;
  CLI::App* reset = nullptr;
  CLI::App* list = nullptr;
  CLI::App* audit = nullptr;
  CLI::App* verify = nullptr;
  CLI::App* show = nullptr;
};

// One line typed without echo (a terminal) or read from standard input (a script).
std::string read_line(const std::string& prompt, bool tty) {
  std::string line;
  if (!tty) {
    std::getline(std::cin, line);
    return line;
  }
  std::cerr << prompt << std::flush;
  termios old{};
  ::tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::getline(std::cin, line);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  return line;
}

std::string new_password(const std::string& name) {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  const std::string password = read_line("New password for " + name + ": ", tty);
  if (tty && read_line("The same again: ", tty) != password) {
    throw Error("accounts.password_mismatch", "password",
                "the two passwords typed differ; nothing was changed");
  }
  return password;
}

int run_users(const UsersState& s) {
  if (s.list->parsed()) {
    const Tracker t = track::open_db(s.c, Tracker::Mode::read_only);
    for (const Account& a : t.accounts()) {
      std::cout << a.name << "  " << role_name(a.role)
                << (a.clinic.empty() ? "" : "  clinic " + a.clinic)
                << (a.patient.empty() ? "" : "  patient " + a.patient)
                << (a.disabled ? "  (disabled)" : "") << "  since " << format_date(a.created_on)
                << "\n";
    }
    return 0;
  }
  track::need(s.name, "name", "--name nurse.a");
  if (s.add->parsed()) {
    track::need(s.role, "role", "--role clinician");
    const Role role = parse_role(s.role);
    const Date today = track::today_of(s.c);
    // The first account of a new clinic may come before any patient: the store is made.
    Tracker t = track::open_db(s.c, Tracker::Mode::create_if_missing);
    const std::string password = new_password(s.name);
    const Account a = t.add_account(s.name, role, s.clinic, s.patient, password, today);
    std::cout << "Account " << a.name << " (" << role_name(a.role) << ") added.\n";
    return 0;
  }
  Tracker t = track::open_db(s.c, Tracker::Mode::open_existing);
  if (s.disable->parsed()) {
    t.disable_account(s.name);
    std::cout << "Account " << s.name << " disabled; its sessions ended.\n";
  } else {
    t.reset_password(s.name, new_password(s.name));
    std::cout << "Password of " << s.name << " changed; its sessions ended.\n";
  }
  return 0;
}

int run_audit(const UsersState& s) {
  const Tracker t = track::open_db(s.c, Tracker::Mode::read_only);
  if (s.show->parsed()) {
    const std::optional<std::string> label =
        s.patient.empty() ? std::nullopt : std::optional<std::string>(s.patient);
    for (const AuditEntry& e : t.audit(label)) {
      std::cout << e.id << "  " << e.at << "  " << e.actor << "  " << e.action
                << (e.patient.empty() ? "" : "  " + e.patient) << "  " << e.detail << "\n";
    }
    return 0;
  }
  AuditCheck check = t.verify_audit();
  if (!s.head.empty()) {
    // A head noted before must still be an entry of the chain: else entries were removed from
    // its end (the chain that is left is whole, and only this tells).
    const std::vector<AuditEntry> all = t.audit();
    const bool found = std::any_of(all.begin(), all.end(),
                                   [&](const AuditEntry& e) { return e.sha256 == s.head; });
    if (!found) {
      check.problems.push_back("the head noted before (--head " + s.head.substr(0, 16) +
                               "...) is no longer in the log: entries were removed from its end");
    }
  }
  for (const std::string& p : check.problems) std::cout << "BROKEN  " << p << "\n";
  std::cout << "audit log: " << check.entries << " entries; "
            << (check.ok() ? "the chain is whole" : "the chain is BROKEN (above)") << "\n";
  if (!check.head.empty()) {
    std::cout << "head: " << check.head
              << "\n(note it elsewhere: a later verify that does not reach it means entries "
                 "were removed from the end)\n";
  }
  return check.ok() ? 0 : kExitAuditBroken;
}

}  // namespace

std::function<std::optional<int>()> add_users_commands(CLI::App& app) {
  auto s = std::make_shared<UsersState>();
  s->users = app.add_subcommand("users", "Accounts of doseplan serve: add, disable, reset, list");
  s->users->require_subcommand(1);
  s->add = s->users->add_subcommand("add", "Add an account (the password is asked for)");
  s->disable = s->users->add_subcommand("disable", "Disable an account and end its sessions");
  s->reset = s->users->add_subcommand("reset", "Set a new password and end the sessions");
  s->list = s->users->add_subcommand("list", "List the accounts");
  s->audit = app.add_subcommand("audit", "The audit log of the tracker's store: verify, show");
  s->audit->require_subcommand(1);
  s->verify = s->audit->add_subcommand("verify", "Check the hash chain of the audit log");
  s->show = s->audit->add_subcommand("show", "Print the audit log (of one patient: --patient)");
  for (CLI::App* sub : {s->add, s->disable, s->reset, s->list, s->verify, s->show}) {
    sub->add_option("--db", s->c.db,
                    "Tracker database: a file or postgresql://USER@HOST:PORT/DB (default: as "
                    "for doseplan track)");
  }
  for (CLI::App* sub : {s->add, s->disable, s->reset}) {
    sub->add_option("--name", s->name, "Account name: 1 to 40 letters, digits, '.', '_', '-'");
  }
  s->add->add_option("--role", s->role, "admin, clinician, patient or carer");
  s->add->add_option("--clinic", s->clinic, "A clinician's clinic");
  s->add->add_option("--patient", s->patient, "A patient's or carer's patient (label)");
  s->add->add_option("--today", s->c.today, "The date taken as today, YYYY-MM-DD");
  s->show->add_option("--patient", s->patient, "Only the entries about this patient (label)");
  s->verify->add_option("--head", s->head,
                        "A head printed by an earlier verify: it must still be in the log");
  return [s]() -> std::optional<int> {
    if (s->users->parsed()) return run_users(*s);
    if (s->audit->parsed()) return run_audit(*s);
    return std::nullopt;
  };
}

}  // namespace doseplan::cli
