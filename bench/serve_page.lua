-- wrk script: POST /plan, the plan page a clinician's form makes (62 kg, cyclosporine-itp), with
-- the server's cookie ($DOSEPLAN_KEY) and the form's token ($DOSEPLAN_CSRF). bench/serve_load.sh.
wrk.method = "POST"
wrk.body = "csrf=" .. os.getenv("DOSEPLAN_CSRF") ..
  "&lang=en&regimen=cyclosporine-itp&weight=62&weight_unit=kg&start=2026-12-01"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "doseplan_key=" .. os.getenv("DOSEPLAN_KEY")
