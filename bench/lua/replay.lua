-- Replay prepared requests (bench/client.py writes them): method TAB path TAB cookie TAB csrf TAB body.
-- Thread t of n takes lines t, t+n, t+2n, ...; BENCH_ONCE=1 sends each line once and then stops the
-- thread (first starts, first submits), otherwise the lines rotate. %SEQ% in a body becomes a client
-- seq that rises with every request (BENCH_SEQ_BASE keeps it rising across runs).
local path = os.getenv("BENCH_REQUESTS")
local once = os.getenv("BENCH_ONCE") == "1"
local seq_base = tonumber(os.getenv("BENCH_SEQ_BASE") or "0")
local threads = {}

local function finished()
  local out = io.open(os.getenv("BENCH_DONE_FILE"), "a")
  out:write("done\n")
  out:close()
end

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- Each thread has its own Lua state: the thread count comes from the environment (run.py sets it).
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  lines = {}
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == tid then
      local method, p, cookie, csrf, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(lines, {method, p, cookie, csrf, body})
    end
    i = i + 1
  end
  if #lines == 0 and not once then
    -- Fewer lines than threads: everybody replays them all.
    for line in io.lines(path) do
      local method, p, cookie, csrf, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(lines, {method, p, cookie, csrf, body})
    end
  end
  counter = 0
  answered = 0
  if once and #lines == 0 then
    finished()
  end
end

request = function()
  -- wrk calls request() once on the first thread's state to check the script, without sending it:
  -- that call must not use up a line (it would be a member who never starts).
  if tid == 0 and not verified then
    verified = true
    return wrk.format("GET", "/")
  end
  counter = counter + 1
  local item = lines[((counter - 1) % #lines) + 1]
  if once and counter > #lines then
    -- Every line is sent: stop this thread (answers still in flight are not waited for, so no filler
    -- request ever enters the latency figures) and tell run.py, which then stops wrk with SIGINT.
    if counter == #lines + 1 then
      finished()
    end
    wrk.thread:stop()
    item = {"GET", "/static/css/app.css", "", "", ""}
  end
  -- The User-Agent of the login (bench/client.py): another one would make every request rewrite the cookie.
  local headers = {["Cookie"] = item[3], ["X-CSRFToken"] = item[4], ["Accept"] = "application/json",
                   ["User-Agent"] = "studyapp-bench"}
  local body = nil
  if item[5] ~= "" then
    body = item[5]:gsub("%%SEQ%%", tostring(seq_base + counter * 64 + tid + 1))
    if body:sub(1, 1) == "{" then
      headers["Content-Type"] = "application/json"
    else
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    end
  end
  return wrk.format(item[1], item[2], headers, body)
end

-- BENCH_DELAY_MS paces each connection (a fixed offered load instead of as fast as possible).
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end
