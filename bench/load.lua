-- wrk script: requests read from a file, one a line: METHOD <tab> PATH <tab> COOKIE <tab> BODY.
-- Threads take disjoint, interleaved slices of the file (so each quiz submission is sent once),
-- wrapping round when it runs out. done() prints one line of JSON for bench/run.py.
local threads, counter = {}, 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  nthreads = tonumber(args[2])
  requests = {}
  for line in io.lines(args[1]) do
    local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    local headers = {Cookie = cookie}
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    else
      body = nil
    end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  index = id
end

function request()
  local r = requests[index]
  index = index + nthreads
  if index > #requests then
    index = ((index - 1) % #requests) + 1
  end
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
