-- wrk script: POST /api/v1/plan, one ITP request (62 kg), with the server's key from $DOSEPLAN_KEY.
-- Used by bench/serve_load.sh.
wrk.method = "POST"
wrk.body = '{"regimen": "cyclosporine-itp", "weight": "62 kg", "start": "2026-12-01"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DOSEPLAN_KEY")
