-- PUT a small JSON answer to /<prefix>/<n> with n rotating over ROWS rows and a rising seq.
local prefix = os.getenv("BENCH_PREFIX") or "/core/save"
local rows = tonumber(os.getenv("BENCH_ROWS") or "20000")
local method = os.getenv("BENCH_METHOD") or "PUT"
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  thread_id = id or 0
end

request = function()
  counter = counter + 1
  local n = ((counter * 7919 + thread_id * 104729) % rows) + 1
  local body = string.format('{"answer": "B", "seq": %d}', counter * 16 + thread_id)
  return wrk.format(method, prefix .. "/" .. n, {["Content-Type"] = "application/json"}, body)
end
