"""The first hour of a semester, on this machine: many signed-in students
polling services/cards/mcard through usos-gateway (in front of usos-sim in
OAuth mode), beside the same load through nginx as a plain reverse proxy in
front of usos-sim, and usos-sim alone. All three in one run, traffic only to
127.0.0.1, every run bounded in time. Writes target/bench/load.md.

Run through scripts/bench (or scripts/bench-load for this part alone)."""

import http.client
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "server")
# Enough students that none of them meets the gateway's own limit (2 requests
# a second each) even at saturation: the figures are of answers, not of 429s.
SESSIONS = int(os.environ.get("LOAD_SESSIONS", "24000"))
DURATION = os.environ.get("LOAD_SECONDS", "15")
FIXED_RATE = 1030
CONNECTIONS = 64
PORTS = {"gateway": 18180, "oauth_sim": 18181, "sim": 18182, "nginx": 18183}
work = tempfile.mkdtemp(prefix="mlg-load-")
children = []


def start(args, **kw):
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    children.append(child)
    return child


def wait_for(port, path):
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", path)
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing answers on {port}")


def cpu_s(pids):
    """CPU time (user + system) the processes have used so far, in seconds."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def sign_in(conn_gw, conn_sim):
    """One student's whole sign-in; returns the session cookie."""
    conn_gw.request("GET", "/auth/login?return=/")
    r = conn_gw.getresponse()
    r.read()
    signin_cookie = r.getheader("set-cookie").split(";")[0]
    authorize = urllib.parse.urlparse(r.getheader("location"))
    token = urllib.parse.parse_qs(authorize.query)["oauth_token"][0]
    conn_sim.request("POST", "/services/oauth/authorize", body=f"oauth_token={token}",
                     headers={"content-type": "application/x-www-form-urlencoded"})
    r = conn_sim.getresponse()
    r.read()
    callback = urllib.parse.urlparse(r.getheader("location"))
    conn_gw.request("GET", f"{callback.path}?{callback.query}", headers={"cookie": signin_cookie})
    r = conn_gw.getresponse()
    r.read()
    for name, value in r.getheaders():
        if name.lower() == "set-cookie" and value.startswith("mlg_session="):
            return value.split(";")[0]
    raise SystemExit("sign-in gave no session")


def wrk(url, cookies=None, rate=0):
    env = dict(os.environ, COOKIES=cookies or "", RATE=str(rate), CONNECTIONS=str(CONNECTIONS))
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "--timeout", "5s",
         "-s", os.path.join(ROOT, "bench", "load", "mcard.lua"), url],
        env=env, capture_output=True, text=True, check=True).stdout
    def ms(label):
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "errors": errors.group(0) if errors else ""}


try:
    secret = secrets.token_hex(24)
    with open(os.path.join(work, "consumer-secret"), "w") as f:
        f.write(secret)
    with open(os.path.join(work, "session-key"), "wb") as f:
        f.write(secrets.token_bytes(64))
    sim_args = ["--pending-ms", "3600000", "--processing-ms", "3600000", "--control"]
    oauth_sim = start([os.path.join(BIN, "usos-sim"), "--addr", f"127.0.0.1:{PORTS['oauth_sim']}",
                       "--oauth", f"load:{secret}", *sim_args])
    plain_sim = start([os.path.join(BIN, "usos-sim"), "--addr", f"127.0.0.1:{PORTS['sim']}", *sim_args])
    gateway = start([os.path.join(BIN, "usos-gateway"), "--listen", f"127.0.0.1:{PORTS['gateway']}",
                     "--usos-api", f"http://127.0.0.1:{PORTS['oauth_sim']}/",
                     "--consumer-key", "load", "--consumer-secret-file", os.path.join(work, "consumer-secret"),
                     "--session-key-file", os.path.join(work, "session-key"),
                     "--public-url", f"http://127.0.0.1:{PORTS['gateway']}/"],
                    env=dict(os.environ, USOS_GATEWAY_LOG="warn"))
    with open(os.path.join(work, "nginx.conf"), "w") as f:
        f.write(f"""
worker_processes auto;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {work}/nginx-body;
  proxy_temp_path {work}/nginx-proxy;
  fastcgi_temp_path {work}/nginx-fastcgi;
  uwsgi_temp_path {work}/nginx-uwsgi;
  scgi_temp_path {work}/nginx-scgi;
  upstream usos {{ server 127.0.0.1:{PORTS['sim']}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{PORTS['nginx']};
    location / {{
      proxy_pass http://usos;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}
}}
""")
    nginx = start(["nginx", "-c", os.path.join(work, "nginx.conf")])
    wait_for(PORTS["oauth_sim"], "/_sim/state")
    wait_for(PORTS["sim"], "/_sim/state")
    wait_for(PORTS["gateway"], "/healthz")
    wait_for(PORTS["nginx"], "/_sim/state")
    # Every student holds an order on its way, as during the first hour.
    for port in (PORTS["oauth_sim"], PORTS["sim"]):
        c = http.client.HTTPConnection("127.0.0.1", port)
        c.request("POST", "/_sim/reset", body='{"profile": "eligible"}')
        c.getresponse().read()
    c = http.client.HTTPConnection("127.0.0.1", PORTS["sim"])
    c.request("POST", "/services/cards/make_mcard_order", body="")
    c.getresponse().read()

    print(f"load: signing in {SESSIONS} students through the gateway", flush=True)
    started = time.time()
    gw = http.client.HTTPConnection("127.0.0.1", PORTS["gateway"])
    sim = http.client.HTTPConnection("127.0.0.1", PORTS["oauth_sim"])
    cookies = [sign_in(gw, sim) for _ in range(SESSIONS)]
    signin_s = time.time() - started
    cookie_file = os.path.join(work, "cookies")
    with open(cookie_file, "w") as f:
        f.write("\n".join(cookies) + "\n")
    # One order on the gateway's side too.
    gw.request("POST", "/services/cards/make_mcard_order", body="", headers={"cookie": cookies[0]})
    gw.getresponse().read()
    rss_rest = rss_kb(gateway.pid)

    def nginx_pids():
        children = subprocess.run(["pgrep", "-P", str(nginx.pid)], capture_output=True, text=True).stdout.split()
        return [nginx.pid, *map(int, children)]

    # Each set-up: its address, its cookies, and its processes: (proxy, upstream).
    targets = {
        "usos-gateway → usos-sim (OAuth)": (f"http://127.0.0.1:{PORTS['gateway']}", cookie_file,
                                            lambda: [gateway.pid], lambda: [oauth_sim.pid]),
        "nginx → usos-sim": (f"http://127.0.0.1:{PORTS['nginx']}", None, nginx_pids, lambda: [plain_sim.pid]),
        "usos-sim alone": (f"http://127.0.0.1:{PORTS['sim']}", None, lambda: [], lambda: [plain_sim.pid]),
    }
    cpu = {}
    results = {}
    rss_load = 0
    for name, (url, cookie, proxy, upstream) in targets.items():
        print(f"load: {name}: saturation, then {FIXED_RATE} req/s", flush=True)
        wrk(url, cookie, 0)  # warm-up, discarded
        peak = [0]
        sampling = threading.Event()
        if name.startswith("usos-gateway"):
            sampling.set()
            def sample():
                while sampling.is_set():
                    peak[0] = max(peak[0], rss_kb(gateway.pid))
                    time.sleep(0.1)
            sampler = threading.Thread(target=sample)
            sampler.start()
        proxy_before, upstream_before = cpu_s(proxy()), cpu_s(upstream())
        saturated = wrk(url, cookie, 0)
        requests = saturated["rps"] * float(DURATION)
        cpu[name] = ((cpu_s(proxy()) - proxy_before) / requests * 1e6,
                     (cpu_s(upstream()) - upstream_before) / requests * 1e6)
        if sampling.is_set():
            sampling.clear()
            sampler.join()
            rss_load = peak[0]
        fixed = wrk(url, cookie, FIXED_RATE)
        results[name] = (saturated, fixed)

    gw_sat, gw_fixed = results["usos-gateway → usos-sim (OAuth)"]
    ng_sat, _ = results["nginx → usos-sim"]
    _, sim_fixed = results["usos-sim alone"]
    added_p99 = gw_fixed["p99"] - sim_fixed["p99"]
    share = gw_sat["rps"] / ng_sat["rps"]
    cpu_model = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                               capture_output=True, text=True).stdout.strip()
    cpu_rows = "\n".join(f"| {name} | {p:.1f} | {u:.1f} |" for name, (p, u) in cpu.items())
    rows = "\n".join(
        f"| {name} | {sat['rps']:.0f} | {fixed['rps']:.0f} | {fixed['p50']:.2f} | {fixed['p99']:.2f} | {sat['non2xx'] + fixed['non2xx']} |"
        for name, (sat, fixed) in results.items())
    report = f"""## Load, measured: the gateway, nginx and usos-sim

`bench/load/load.py` (run by `scripts/bench`; `scripts/bench-load` alone): wrk
({CONNECTIONS} connections, 2 threads, {DURATION} s a run, after a discarded
warm-up run) sends `services/cards/mcard` polls to each of three set-ups on
this machine ({os.cpu_count()} cores, {cpu_model}), all built with the `server` profile:
usos-gateway in front of usos-sim in OAuth mode ({SESSIONS} students signed in
through the real OAuth round trip, their session cookies taken in turn, every
call signed by the gateway and its signature checked by the stand-in), nginx
as a plain reverse proxy (keep-alive to the upstream) in front of usos-sim,
and usos-sim alone. "At 1,030 req/s": each connection paced to one request
every {CONNECTIONS}/1,030 s by wrk's `delay()` (wrk has no fixed-rate mode;
the achieved rate is shown). wrk, the servers and the stand-in share the two
cores, so every figure here is lower than on a real server, and noisy by a few
per cent from run to run.

| set-up | req/s at saturation | req/s achieved at the fixed rate | p50 ms at 1,030 req/s | p99 ms at 1,030 req/s | answers other than 200 (should be 0) |
| --- | ---: | ---: | ---: | ---: | ---: |
{rows}

| target | figure | met? |
| --- | --- | --- |
| the gateway adds ≤ 2 ms at p99 over usos-sim alone, at 1,030 req/s | {added_p99:+.2f} ms ({gw_fixed['p99']:.2f} vs {sim_fixed['p99']:.2f}) | {"yes" if added_p99 <= 2 else "no"} |
| at saturation the gateway reaches ≥ 75 % of nginx's throughput | {share * 100:.0f} % ({gw_sat['rps']:.0f} vs {ng_sat['rps']:.0f} req/s) | {"yes" if share >= 0.75 else "no"} |

Where the CPU goes at saturation (user + system time from \`/proc\`, divided
by the requests answered; the rest of the two cores is wrk's):

| set-up | proxy µs CPU per request | upstream (usos-sim) µs CPU per request |
| --- | ---: | ---: |
{cpu_rows}

The gateway's resident memory (VmRSS): {rss_rest / 1024:.1f} MB at rest with
{SESSIONS} students signed in (sessions live in their cookies, not in the
gateway; what grows with students is the rate limiter's table), and at most
{rss_load / 1024:.1f} MB under the saturation run (sampled every 0.1 s).
Signing in the {SESSIONS} students through the three-legged OAuth round trip
took {signin_s:.1f} s, one at a time.
"""
    os.makedirs(os.path.join(ROOT, "target", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "target", "bench", "load.md"), "w") as f:
        f.write(report)
    print(report)
finally:
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
    shutil.rmtree(work, ignore_errors=True)
