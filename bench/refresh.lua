-- wrk: one refresh-token grant per request, each with a token of its own
-- (TOKENS names the file, one token a line), client_secret_basic from AUTH.
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
local i = 0
local auth = os.getenv("AUTH")

request = function()
  i = i + 1
  local t = tokens[i] or tokens[#tokens]
  return wrk.format("POST", os.getenv("PATH_"), {
    ["Authorization"] = "Basic " .. auth,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "grant_type=refresh_token&refresh_token=" .. t)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d duration_us=%d tokens=%d\n",
    summary.requests, summary.errors.status, summary.duration, #tokens))
end
