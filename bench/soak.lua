-- wrk script for bench/soak: a mix of page views and writes by many signed-in members.
--   70 % reads (half anonymous, half as a member), 15 % new answers, 15 % helpful-vote toggles.
-- Every answer text is unique, so bench/soak_check.py can find each one the server confirmed.
local cfg = dofile(os.getenv("SOAK_CONFIG"))
local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(tid * 7919 + os.time())
  n = 0
  answers_confirmed = 0
  answer_ids = ""
  votes_confirmed = 0
  s2xx, s3xx, s4xx, s429, s5xx = 0, 0, 0, 0, 0
end

local function pick(list) return list[math.random(#list)] end

local function member_cookie()
  return cfg.session_cookie .. "=" .. pick(cfg.cookies) .. "; " .. cfg.csrf_cookie .. "=" .. cfg.csrf_secret
end

function request()
  n = n + 1
  local r = math.random()
  if r < 0.35 then
    return wrk.format("GET", pick(cfg.reads))
  elseif r < 0.70 then
    return wrk.format("GET", pick(cfg.reads), {["Cookie"] = member_cookie()})
  end
  local headers = {["Cookie"] = member_cookie(), ["Content-Type"] = "application/x-www-form-urlencoded"}
  local body = "csrfmiddlewaretoken=" .. cfg.csrf_secret
  if r < 0.85 then
    body = body .. "&body=Soak-antwoord+" .. tid .. "-" .. n .. "+" .. math.random(1e9) .. "%3A+zo+doen+wij+het."
    return wrk.format("POST", pick(cfg.answer_urls), headers, body)
  end
  return wrk.format("POST", pick(cfg.vote_urls), headers, body)
end

function response(status, headers, body)
  if status >= 500 then s5xx = s5xx + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status >= 300 then
    s3xx = s3xx + 1
    local location = headers["Location"] or headers["location"] or ""
    if location:find("#antwoord-", 1, true) then
      if location:find(cfg.vote_marker, 1, true) then votes_confirmed = votes_confirmed + 1
      else
        answers_confirmed = answers_confirmed + 1
        answer_ids = answer_ids .. (location:match("#antwoord%-(%d+)") or "?") .. ","
      end
    end
  else s2xx = s2xx + 1 end
end

function done(summary, latency, requests)
  local totals = {answers_confirmed = 0, votes_confirmed = 0, s2xx = 0, s3xx = 0, s4xx = 0, s429 = 0, s5xx = 0}
  local ids = ""
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do totals[key] = totals[key] + (thread:get(key) or 0) end
    ids = ids .. (thread:get("answer_ids") or "")
  end
  io.write("SOAKIDS " .. ids .. "\n")
  io.write(string.format(
    'SOAKJSON {"requests": %d, "duration_s": %.1f, "rps": %.1f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, ' ..
    '"max_ms": %.1f, "answers_confirmed": %d, "votes_confirmed": %d, "s2xx": %d, "s3xx": %d, "s4xx": %d, ' ..
    '"s429": %d, "s5xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    totals.answers_confirmed, totals.votes_confirmed, totals.s2xx, totals.s3xx, totals.s4xx, totals.s429,
    totals.s5xx, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
