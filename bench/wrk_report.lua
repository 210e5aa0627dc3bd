-- wrk -s bench/wrk_report.lua: one JSON line with the percentiles bench/http.py reads
-- (wrk's --latency table has no p95). Latencies are in microseconds; printed in ms.
done = function(summary, latency, requests)
  local parts = {}
  for _, q in ipairs({50, 75, 90, 95, 99}) do
    parts[#parts + 1] = string.format('"p%d": %.3f', q, latency:percentile(q) / 1000)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "non2xx": %d, "errors": %d, %s}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    table.concat(parts, ", ")))
end
