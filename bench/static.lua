-- wrk: the same request every time (METHOD, PATH, BODY, AUTH header from the env).
wrk.method = os.getenv("METHOD")
wrk.path = os.getenv("PATH_")
local body = os.getenv("BODY")
if body ~= nil and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
wrk.headers["Authorization"] = os.getenv("AUTHZ")

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d duration_us=%d tokens=0\n",
    summary.requests, summary.errors.status, summary.duration))
end
