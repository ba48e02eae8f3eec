-- wrk script of bench/harness.py: one session per connection, GET or autosave POST, and a
-- machine-readable summary line.
--
-- Run with one thread per connection (wrk -t N -c N): a thread's Lua state holds one
-- session, so connection i sends session i mod (number of sessions).
-- Environment:
--   BENCH_SESSIONS  a file with one "cookie-header<TAB>csrf-token<TAB>revision" line per session
--                   (empty: requests carry no cookie)
--   BENCH_PATH      the path (and query) to request
--   BENCH_BODY      a form-encoded body: requests are POSTs of it plus "&revision=N", with the
--                   session's CSRF token as X-CSRFToken; N follows the "revision" of each JSON
--                   answer (autosave). Unset: GETs.
--   BENCH_ACCEPT_ENCODING  sent as Accept-Encoding (as browsers send "gzip, deflate, br, zstd");
--                   unset: none, and the server answers uncompressed.

local path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY")
local accept_encoding = os.getenv("BENCH_ACCEPT_ENCODING")
local sessions = {}
for line in io.lines(os.getenv("BENCH_SESSIONS")) do
   local cookie, csrf, revision = line:match("^([^\t]*)\t([^\t]*)\t(%d+)$")
   if cookie then
      sessions[#sessions + 1] = { cookie, csrf, revision }
   end
end

local threads = 0

function setup(thread)
   threads = threads + 1
   if #sessions > 0 then
      local s = sessions[(threads - 1) % #sessions + 1]
      thread:set("cookie", s[1])
      thread:set("csrf", s[2])
      thread:set("revision", s[3])
   end
end

local fixed = nil
local headers = {}

function init(args)
   if cookie then
      headers["Cookie"] = cookie
   end
   if accept_encoding then
      headers["Accept-Encoding"] = accept_encoding
   end
   if body then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["X-CSRFToken"] = csrf
   else
      fixed = wrk.format("GET", path, headers)
   end
end

function request()
   if fixed then
      return fixed
   end
   return wrk.format("POST", path, headers, body .. "&revision=" .. (revision or "0"))
end

if body then
   function response(status, resp_headers, resp_body)
      local seen = resp_body and resp_body:match('"revision":(%d+)')
      if seen then
         revision = seen
      end
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d "
         .. "p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
      summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
