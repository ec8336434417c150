-- wrk wrapper: runs the request script named by $CALLEXA_WRK_SCRIPT (a copy of
-- ../shared/bench/identify.lua) unchanged and adds a done() hook that prints
-- one machine-readable line for tests/bench/identify_bench.sh to parse:
--
--   CALLEXA_BENCH requests=N duration_us=N status=N connect=N read=N write=N
--                 timeout=N p50_us=N p99_us=N
--
-- requests counts complete responses; status counts the responses with a
-- status above 399 (wrk's summary.errors.status); the latencies are in µs.
local script = os.getenv("CALLEXA_WRK_SCRIPT")
if script == nil or script == "" then
  error("CALLEXA_WRK_SCRIPT must name the wrk request script to run")
end
dofile(script)

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "CALLEXA_BENCH requests=%d duration_us=%d status=%d connect=%d read=%d write=%d " ..
    "timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write,
    e.timeout, latency:percentile(50), latency:percentile(99)))
end
