-- wrk: every request a new conversation answering shift_start_time with four slots carried.
-- Each thread numbers its own requests; its id (set in setup) keeps the conversations apart.
local counter = 0
local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"conversationId":"bench-%s-%d-%d","agentType":"SICK_CALLER","userMessage":"9am",' ..
    '"slots":{"employer_name":"Bunnings","employer_phone":"+61412345678",' ..
    '"caller_name":"Richard","shift_date":"tomorrow"}}',
    os.getenv("BENCH_RUN") or "r", thread_id, counter)
  return wrk.format("POST", "/v2/conversation/next",
    {["Content-Type"] = "application/json",
     ["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "")}, body)
end
