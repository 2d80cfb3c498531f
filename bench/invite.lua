-- wrk script: every request sends a new email invitation as the signed-in admin.
local cookie = os.getenv("ONBOARD_COOKIE")
local prefix = os.getenv("ONBOARD_BENCH_PREFIX") or "bench"
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
function request()
  counter = counter + 1
  local body = "email=" .. prefix .. "-" .. tid .. "-" .. counter .. "%40example.com&role=employee"
  return wrk.format("POST", "/api/send_invitation", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["Sec-Fetch-Site"] = "same-origin",
  }, body)
end
