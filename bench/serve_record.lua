-- wrk script: POST /api/v1/patients/LABEL/results, a creatinine result, each one distinct: its
-- note is "TAG-THREAD-N" and its value 40 + N/1000 umol/L; the dates go back from $DOSEPLAN_TODAY
-- over 28 days. The key from $DOSEPLAN_KEY, the patient from $DOSEPLAN_LABEL, TAG from
-- $DOSEPLAN_TAG (one per wrk process, so that two at once send different notes).
-- Used by bench/serve_pg_load.sh.
local key = os.getenv("DOSEPLAN_KEY")
local label = os.getenv("DOSEPLAN_LABEL") or "bench-01"
local tag = os.getenv("DOSEPLAN_TAG") or "w"
local y, m, d = (os.getenv("DOSEPLAN_TODAY") or "2026-12-01"):match("(%d+)-(%d+)-(%d+)")
local today = os.time({year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12})

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local n = 0
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key}
local path = "/api/v1/patients/" .. label .. "/results"

function request()
  n = n + 1
  local date = os.date("!%Y-%m-%d", today - (n % 28) * 86400)
  local body = string.format(
    '{"test": "creatinine", "value": "%.3f umol/L", "date": "%s", "note": "%s-%d-%d"}',
    40 + (n % 1000000) / 1000, date, tag, tid or 0, n)
  return wrk.format("POST", path, headers, body)
end
