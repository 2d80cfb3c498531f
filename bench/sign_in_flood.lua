-- wrk script: every request is a sign-in with a wrong password for an address no account has,
-- from a different client (the server trusts 127.0.0.1 as a proxy for this run, so
-- X-Forwarded-For names the client): neither the per-account nor the per-client limit stops
-- it, and every request costs a password hash.
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
function request()
  counter = counter + 1
  local n = tid * 100000000 + counter
  local client = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  local body = "email=ghost-" .. n .. "%40example.com&password=not-the-password-at-all"
  return wrk.format("POST", "/api/sign_in", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Sec-Fetch-Site"] = "same-origin",
    ["X-Forwarded-For"] = client,
  }, body)
end
