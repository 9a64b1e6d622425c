"""feedd's benchmarks, run on demand (make bench, or python3 bench/run.py [serve|textdump|rss|
scale|idle]...).  Each figure is the median of several runs with the ratio to a reference
measured in the same run, since the machine is shared and noisy."""
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BUILD = os.environ.get("top_builddir", TOP)
FEEDD = os.environ.get("FEEDD", os.path.join(BUILD, "feedd"))
SAMPLE = os.path.join(TOP, "tests", "data", "news-page-dump.txt")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TMP = tempfile.mkdtemp(prefix="feedd-bench-")
os.chmod(TMP, 0o755)  # nginx workers run as another user


def gen(*args):
    subprocess.run([sys.executable, os.path.join(HERE, "gen.py")] + [str(a) for a in args],
                   check=True)


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) // 1024
    return "%s, %d cores, %d MiB, Linux %s" % (cpu, os.cpu_count(), mem, platform.release())


def timed(cmd, stdin=None, stdout=subprocess.DEVNULL, shell=False):
    t = time.perf_counter()
    subprocess.run(cmd, stdin=stdin, stdout=stdout, check=True, shell=shell)
    return time.perf_counter() - t


def median_time(cmd, shell=False, rounds=ROUNDS):
    return statistics.median(timed(cmd, shell=shell) for _ in range(rounds))


def cpu_time(cmd, shell=False):
    """User + system time of cmd and everything it ran (a pipeline's processes summed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, shell=shell)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_cpu(cmd, shell=False, rounds=ROUNDS):
    return statistics.median(cpu_time(cmd, shell=shell) for _ in range(rounds))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start_feedd(feeds, port):
    state = tempfile.mkdtemp(dir=TMP)
    conf = os.path.join(state, "feedd.conf")
    with open(conf, "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:%d\nstate_dir = %s\n%s" % (port, state, feeds))
    return subprocess.Popen([FEEDD, "-c", conf], stderr=subprocess.DEVNULL)


def wait_http(url, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read(), dict(r.headers)
        except Exception:
            time.sleep(0.05)
    raise RuntimeError("no answer from " + url)


def wrk(url, headers=()):
    cmd = ["wrk", "-t1", "-c64", "-d5s"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    m = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    return float(m.group(1)) if m else 0.0


def bench_serve():
    if not shutil.which("wrk") or not shutil.which("nginx"):
        return "serve: skipped (needs wrk and nginx)"
    page = os.path.join(TMP, "page.txt")
    gen("page", page, SAMPLE, 50)
    port, nport = free_port(), free_port()
    d = start_feedd("[feed bench]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % page, port)
    furl = "http://127.0.0.1:%d/feeds/bench.atom" % port
    body, fh = wait_http(furl)
    root = os.path.join(TMP, "www")
    os.makedirs(root, 0o755)
    with open(os.path.join(root, "bench.atom"), "wb") as f:
        f.write(body)
    os.chmod(os.path.join(root, "bench.atom"), 0o644)
    nconf = os.path.join(TMP, "nginx.conf")
    with open(nconf, "w") as f:
        f.write("worker_processes 1; daemon off; pid %s/nginx.pid; error_log %s/nginx.err;\n"
                "events { worker_connections 4096; }\nhttp { access_log off; sendfile on;\n"
                "tcp_nopush on; keepalive_requests 1000000;\n"
                "types { application/atom+xml atom; }\n"
                "server { listen 127.0.0.1:%d; root %s; } }\n" % (TMP, TMP, nport, root))
    n = subprocess.Popen(["nginx", "-c", nconf, "-p", TMP], stderr=subprocess.DEVNULL)
    nurl = "http://127.0.0.1:%d/bench.atom" % nport
    res = {"feedd 200": [], "nginx 200": [], "feedd 304": [], "nginx 304": []}
    try:
        _, nh = wait_http(nurl)
        for _ in range(ROUNDS):
            res["feedd 200"].append(wrk(furl))
            res["nginx 200"].append(wrk(nurl))
            res["feedd 304"].append(wrk(furl, ["If-None-Match: " + fh["ETag"]]))
            res["nginx 304"].append(wrk(nurl, ["If-None-Match: " + nh["ETag"]]))
    finally:
        d.send_signal(signal.SIGTERM)
        n.send_signal(signal.SIGQUIT)
        d.wait()
        n.wait()
    m = {k: statistics.median(v) for k, v in res.items()}
    return ("serve (%d-byte feed, wrk -t1 -c64 -d5s, median of %d): 200: feedd %.0f req/s, "
            "nginx %.0f, ratio %.2f; 304: feedd %.0f, nginx %.0f, ratio %.2f"
            % (len(body), ROUNDS, m["feedd 200"], m["nginx 200"], m["feedd 200"] / m["nginx 200"],
               m["feedd 304"], m["nginx 304"], m["feedd 304"] / m["nginx 304"]))


def bench_textdump():
    dump = os.path.join(TMP, "dump64.txt")
    gen("dump", dump, 64 * 1024 * 1024)
    size = os.path.getsize(dump)
    t = median_time([FEEDD, "convert", "-p", "textdump", dump])
    ref = median_time("wc -w < %s" % dump, shell=True)
    return ("textdump (%d MiB of distinct teasers, median of %d): %.2f s, %.0f MB/s; "
            "wc -w on the same file %.2f s (%.0f MB/s), ratio feedd/wc %.2f"
            % (size >> 20, ROUNDS, t, size / t / 1e6, ref, size / ref / 1e6, ref / t))


def bench_rss():
    if not shutil.which("sfeed") or not shutil.which("sfeed_atom"):
        return "rss: skipped (needs sfeed)"
    rss = os.path.join(TMP, "rss20k.xml")
    gen("rss", rss, 20000)
    cmd = [FEEDD, "convert", "-p", "feed", rss]
    pipe = "sfeed < %s | sfeed_atom > /dev/null" % rss
    t, ref = median_time(cmd), median_time(pipe, shell=True)
    c, cref = median_cpu(cmd), median_cpu(pipe, shell=True)
    return ("rss (20,000 items, %d KiB, median of %d): elapsed: feedd %.3f s, sfeed | sfeed_atom "
            "%.3f s (two processes at once), ratio sfeed/feedd %.2f; CPU time: feedd %.3f s, "
            "sfeed + sfeed_atom %.3f s, ratio %.2f"
            % (os.path.getsize(rss) >> 10, ROUNDS, t, ref, ref / t, c, cref, cref / c))


def peak_rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) // 1024
    return 0


def cur_rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0


def bench_scale(n=10000):
    src = os.path.join(TMP, "scale")
    os.makedirs(src, exist_ok=True)
    feeds = []
    for i in range(n):
        p = os.path.join(src, "%d.txt" % i)
        with open(p, "w") as f:
            f.write("Harbour %d officials said on Tuesday that the plan to rebuild the old harbour "
                    "would go ahead despite the objections of residents who had gathered outside "
                    "the town hall for the third week in a row to demand that the council\n" % i)
        feeds.append("[feed f%d]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % (i, p))
    port = free_port()
    t0 = time.perf_counter()
    d = start_feedd("".join(feeds), port)
    url = "http://127.0.0.1:%d/healthz" % port
    done_at = None
    try:
        while time.perf_counter() - t0 < 120:
            try:
                with urllib.request.urlopen(url, timeout=10) as r:
                    j = json.loads(r.read())
                if sum(1 for v in j["feeds"].values() if v["entries"] > 0) == n:
                    done_at = time.perf_counter() - t0
                    break
            except Exception:
                pass
            time.sleep(0.2)
        peak = peak_rss(d.pid)
    finally:
        d.send_signal(signal.SIGTERM)
        d.wait()
    return ("scale (%d feeds, file sources): all served with entries after %s, peak RSS %d MiB"
            % (n, "%.1f s" % done_at if done_at else "NOT within 120 s", peak))


def library_floor():
    """RSS of a program that only loads and initialises feedd's libraries, or None."""
    exe = os.path.join(TMP, "floor")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libcurl", "libxml-2.0",
                            "libevent", "zlib"], capture_output=True, text=True)
    if flags.returncode != 0 or not shutil.which("cc"):
        return None
    if subprocess.run(["cc", "-O2", "-o", exe, os.path.join(HERE, "floor.c")] +
                      flags.stdout.split()).returncode != 0:
        return None
    out = subprocess.run([exe], capture_output=True, text=True).stdout.split()
    return int(out[0]) / 1024 if out else None


def bench_idle():
    port = free_port()
    d = start_feedd("[feed one]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % SAMPLE, port)
    wait_http("http://127.0.0.1:%d/feeds/one.atom" % port)
    time.sleep(1)
    rss = cur_rss(d.pid)
    with open("/proc/%d/smaps_rollup" % d.pid) as f:
        anon = sum(int(line.split()[1]) for line in f if line.startswith("Anonymous:")) / 1024
    d.send_signal(signal.SIGTERM)
    d.wait()
    floor = library_floor()
    return ("idle (one feed, served): RSS %.1f MiB, of it %.1f MiB private (anonymous); "
            "a program that only loads and initialises the same libraries: %s"
            % (rss, anon, "%.1f MiB" % floor if floor else "not measured (needs cc)"))


def main():
    which = sys.argv[1:] or ["serve", "textdump", "rss", "scale", "idle"]
    print("machine: " + machine())
    print("feedd: " + subprocess.run([FEEDD, "--version"], capture_output=True,
                                     text=True).stdout.strip())
    for w in which:
        print(globals()["bench_" + w](), flush=True)
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
