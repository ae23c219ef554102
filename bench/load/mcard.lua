-- wrk script: every request is one student's widget polling
-- services/cards/mcard. Students' session cookies come from the file named by
-- the COOKIES environment variable (one per line; none: no cookie, for the
-- stand-in alone and nginx). RATE (requests per second over all connections)
-- paces each connection, for the fixed-rate runs.
local cookies = {}
local file = os.getenv("COOKIES")
if file and file ~= "" then
  for line in io.lines(file) do
    if line ~= "" then cookies[#cookies + 1] = line end
  end
end
local path = "/services/cards/mcard?fields=why_cannot_order%7Corders%7Cplanned_expiration_date%7Cwhy_cannot_revoke"
local rate = tonumber(os.getenv("RATE") or "0")
local connections = tonumber(os.getenv("CONNECTIONS") or "1")
local next_cookie = 0

function init(args)
  -- Each thread starts at a different place in the list.
  next_cookie = math.random(1, math.max(#cookies, 1))
end

function request()
  if #cookies == 0 then
    return wrk.format("GET", path)
  end
  next_cookie = next_cookie % #cookies + 1
  return wrk.format("GET", path, { Cookie = cookies[next_cookie] })
end

function delay()
  if rate > 0 then
    -- One request per connection every connections/rate seconds.
    return math.floor(connections * 1000 / rate)
  end
  return 0
end
