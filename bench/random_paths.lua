-- wrk script: a random path from a file on every request, so each request is a list nobody
-- sent just before (bench/queries.py writes the files). Usage:
--   wrk -s bench/random_paths.lua http://127.0.0.1:8765 -- bench/results/q/check5.txt
-- Without a file it requests the URL's path, like bench/report.lua. Prints one JSON summary.
wrk.headers["Accept-Encoding"] = "gzip"
wrk.headers["Accept"] = "text/html,application/json"

local paths = {}
local counter = 0

function init(args)
  if args[1] then
    for line in io.lines(args[1]) do
      if #line > 0 then paths[#paths + 1] = line end
    end
  end
  -- Each run and thread starts at its own place in the file (a warm-up run must not warm
  -- the lists the measured run sends).
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  counter = math.random(1, math.max(#paths, 1))
end

function request()
  if #paths == 0 then
    return wrk.format(nil, wrk.path)
  end
  counter = counter % #paths + 1
  return wrk.format(nil, paths[counter])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "rps": %.1f, ' ..
    '"p50_ms": %.2f, "p90_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
