// One load run with autocannon: node load.mjs '<json>' where json is
// {url, method, body, connections, duration (seconds)}. Prints one line of
// JSON: requests/s, latency percentiles (ms), errors, timeouts, non-2xx.
import autocannon from "autocannon";

const cfg = JSON.parse(process.argv[2]);
const result = await autocannon({
  url: cfg.url,
  method: cfg.method || "GET",
  body: cfg.body,
  headers: cfg.body ? { "content-type": "application/json" } : {},
  connections: cfg.connections,
  pipelining: 1,
  duration: cfg.duration,
  timeout: cfg.timeout || 20,
});
console.log(JSON.stringify({
  requests: result.requests.total,
  rps: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  max: result.latency.max,
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx,
  seconds: result.duration,
}));
