// `doseplan batch` (batch.hpp): JSON Lines in, JSON Lines out, in input order.
//
// Three roles share one queue of lines in flight, under one mutex: the reader (a thread of its
// own) reads lines and numbers them; `jobs` workers each take the next line not yet taken and
// plan it; the writer (the calling thread) writes the lines at the front of the queue as soon as
// they are planned. At most kLinesPerJob × jobs lines are in flight, so memory stays bounded
// whatever the input size, and a line is written as soon as it and the lines before it are done
// (a slow producer on a pipe sees its answers one by one).
#include "doseplan/batch.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "doseplan/plan.hpp"
#include "doseplan/render.hpp"
#include "doseplan/request.hpp"

namespace doseplan {
namespace {

constexpr std::size_t kLinesPerJob = 8;

// The output line (with its '\n') for input line `n`; `ok` says whether it holds a plan.
std::string answer(const RuleSet& rules, const PlanRequest& base, int n, std::string line,
                   bool& ok) {
  if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF files
  const std::string name = "line " + std::to_string(n);
  try {
    if (line.find_first_not_of(" \t") == std::string::npos) {
      throw Error("request.empty_line", name, "the line is empty; expected a plan request",
                  zh_detail("Line {n} is empty: each line holds one plan request.",
                            {{"n", std::to_string(n)}}));
    }
    const Plan plan = make_plan(rules, parse_plan_request(line, name, base));
    std::string json = render_json(plan, -1);  // one line, ending in '\n'
    json.pop_back();
    ok = true;
    return "{\"line\":" + std::to_string(n) + ",\"ok\":true,\"plan\":" + json + "}\n";
  } catch (const Error& e) {
    nlohmann::ordered_json errors = nlohmann::ordered_json::array();
    for (const Problem& p : e.problems()) {
      nlohmann::ordered_json error = {{"id", p.id}, {"where", p.where}, {"message", p.message}};
      if (!p.message_zh.empty()) error["message_zh"] = p.message_zh;
      errors.push_back(std::move(error));
    }
    ok = false;
    return nlohmann::ordered_json{{"line", n}, {"ok", false}, {"errors", errors}}.dump() + "\n";
  }
}

// One input line on its way through.
struct Item {
  int n = 0;
  std::string line;    // as read; moved out by the worker that takes it
  std::string answer;  // the output line, once planned
  bool planned = false;
  bool ok = false;
};

}  // namespace

BatchSummary run_batch(const RuleSet& rules, std::istream& in, std::ostream& out, bool explain,
                       int jobs) {
  if (jobs < 1) jobs = 1;
  PlanRequest base;
  base.explain = explain;
  const std::size_t window = kLinesPerJob * static_cast<std::size_t>(jobs);

  std::mutex m;
  std::condition_variable changed;  // any change of the state below wakes every waiter
  std::deque<Item> items;           // lines read and not yet written, in input order
  std::size_t next = 0;             // the index in `items` of the next line to plan
  bool input_done = false;
  std::exception_ptr failure;  // an unexpected exception of a reader or worker (not an Error)

  const auto fail = [&](std::exception_ptr e) {
    const std::lock_guard<std::mutex> lock(m);
    if (!failure) failure = std::move(e);
    changed.notify_all();
  };
  const auto reader = [&] {
    try {
      std::string line;
      for (int n = 1;; ++n) {
        {
          std::unique_lock<std::mutex> lock(m);
          changed.wait(lock, [&] { return items.size() < window || failure; });
          if (failure) return;
        }
        const bool got = static_cast<bool>(std::getline(in, line));
        const std::lock_guard<std::mutex> lock(m);
        if (!got) {
          input_done = true;
        } else {
          items.push_back(Item{n, std::move(line)});
        }
        changed.notify_all();
        if (!got) return;
      }
    } catch (...) {
      fail(std::current_exception());
    }
  };
  const auto worker = [&] {
    try {
      std::unique_lock<std::mutex> lock(m);
      for (;;) {
        changed.wait(lock, [&] { return next < items.size() || input_done || failure; });
        if (failure || (next == items.size() && input_done)) return;
        // A reference into a deque stays valid while other items are added or removed.
        Item& item = items[next++];
        std::string line = std::move(item.line);
        const int n = item.n;
        lock.unlock();
        bool ok = false;
        std::string text = answer(rules, base, n, std::move(line), ok);
        lock.lock();
        item.answer = std::move(text);
        item.ok = ok;
        item.planned = true;
        changed.notify_all();
      }
    } catch (...) {
      fail(std::current_exception());
    }
  };

  std::vector<std::thread> threads;
  threads.emplace_back(reader);
  for (int i = 0; i < jobs; ++i) threads.emplace_back(worker);

  // The writer: the planned lines at the front, in order.
  BatchSummary summary;
  {
    std::unique_lock<std::mutex> lock(m);
    for (;;) {
      changed.wait(lock, [&] {
        return failure || (!items.empty() && items.front().planned) ||
               (items.empty() && input_done);
      });
      if (failure || items.empty()) break;
      Item item = std::move(items.front());
      items.pop_front();
      --next;
      changed.notify_all();
      lock.unlock();
      out.write(item.answer.data(), static_cast<std::streamsize>(item.answer.size()));
      ++summary.lines;
      ++(item.ok ? summary.plans : summary.errors);
      lock.lock();
    }
  }
  for (std::thread& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
  return summary;
}

}  // namespace doseplan
