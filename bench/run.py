"""feedd's benchmarks, run on demand (make bench, or python3 bench/run.py [serve|textdump|news|
rss|scale|http|idle|roundtrip|latency]...).  Each figure is the median of several runs with the ratio to a
reference measured in the same run, since the machine is shared and noisy; every time has the
peak RSS and the page faults of the same runs beside it, since on a VM memory touched is time
spent.  BENCH_BEFORE (an older feedd) and BENCH_BEFORE_PLUGINS (its plugin folder) add that
build to every round (serve, textdump, news, rss, scale, http), alternated with the others.  Peak RSS comes from
wait4 in bench/peak.c, which starts each command: wait4 here would count this script's own
(Linux keeps a process's peak across exec)."""
import json
import os
import platform
import re
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
# an older feedd (and its plugins) measured beside FEEDD in the same rounds, for before/after
BEFORE = os.environ.get("BENCH_BEFORE")
BEFORE_ENV = dict(os.environ, FEEDD_PLUGIN_DIR=os.environ.get("BENCH_BEFORE_PLUGINS", ""))
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


class Run:
    """One run of a command: elapsed and CPU time, peak RSS, page faults.  For a shell
    pipeline the kernel sums CPU time and faults over every process it reaped and keeps the
    largest peak RSS."""

    def __init__(self, elapsed, ru):
        self.elapsed = elapsed
        self.cpu = ru.ru_utime + ru.ru_stime
        self.rss = ru.ru_maxrss / 1024  # MiB
        self.faults = ru.ru_minflt + ru.ru_majflt


def peak_launcher():
    """bench/peak.c built (once), or None without a compiler."""
    exe = os.path.join(TMP, "peak")
    if not os.path.exists(exe) and (not shutil.which("cc") or subprocess.run(
            ["cc", "-O2", "-o", exe, os.path.join(HERE, "peak.c")]).returncode != 0):
        return None
    return exe


def run_once(cmd, shell=False, env=None):
    """cmd run from bench/peak (for a peak RSS of its own) where it builds."""
    peak = peak_launcher()
    rfd, wfd = os.pipe()
    if peak:
        cmd = [peak, str(wfd)] + (["/bin/sh", "-c", cmd] if shell else list(cmd))
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, shell=shell and not peak, env=env,
                         pass_fds=(wfd,) if peak else ())
    _, status, ru = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t
    os.close(wfd)
    with os.fdopen(rfd) as f:
        own = f.read().split()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError("%s exited %d" % (cmd, p.returncode))
    r = Run(elapsed, ru)
    if own:
        r.rss = int(own[0]) / 1024
    return r


class Median:
    """The median of each figure over several runs."""

    def __init__(self, runs):
        for k in ("elapsed", "cpu", "rss", "faults"):
            setattr(self, k, statistics.median(getattr(r, k) for r in runs))

    def __str__(self):
        return "%.3f s (CPU %.3f s, peak RSS %.1f MiB, %d page faults)" % (
            self.elapsed, self.cpu, self.rss, self.faults)


def measure(cmd, shell=False, rounds=ROUNDS):
    return Median([run_once(cmd, shell) for _ in range(rounds)])


def measure_vs(args, ref, rounds=ROUNDS):
    """feedd with args, BENCH_BEFORE's feedd with the same (if set) and the shell command ref,
    alternated; returns (feedd, reference, before or None)."""
    ra, rb, rr = [], [], []
    for _ in range(rounds):
        ra.append(run_once([FEEDD] + args))
        if BEFORE:
            rb.append(run_once([BEFORE] + args, env=BEFORE_ENV))
        rr.append(run_once(ref, True))
    return Median(ra), Median(rr), Median(rb) if BEFORE else None


def vs_before(t, before):
    """What BENCH_BEFORE measured in the same rounds, and after/before."""
    if before is None:
        return ""
    return ("; before (%s) %s, after/before: CPU %.2f, peak RSS %.2f, faults %.2f"
            % (BEFORE, before, t.cpu / before.cpu, t.rss / before.rss, t.faults / before.faults))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def builds():
    """(label, feedd, environment) of each build measured: this one, and BENCH_BEFORE's."""
    return [("after", FEEDD, None)] + ([("before", BEFORE, BEFORE_ENV)] if BEFORE else [])


# serve pins the client (wrk) to one CPU and the server it measures (feedd, or nginx's one
# worker) to another, where there are two or more: on a 2-core VM, left to the scheduler, the
# two shared a core in some rounds and not in others, and a build's figures moved by 2x between
# rounds (session 8).  BENCH_PIN=0 leaves them unpinned.
PIN = os.environ.get("BENCH_PIN", "1") != "0" and len(os.sched_getaffinity(0)) >= 2
CLIENT_CPU, SERVER_CPU = sorted(os.sched_getaffinity(0))[:2] if PIN else (None, None)


def on_cpu(cpu):
    """A preexec_fn that pins the child to cpu (None: nothing)."""
    if cpu is None:
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def start_feedd(feeds, port, state=None, exe=None, env=None, cpu=None):
    state = state or tempfile.mkdtemp(dir=TMP)
    conf = os.path.join(state, "feedd.conf")
    with open(conf, "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:%d\nstate_dir = %s\n%s" % (port, state, feeds))
    return subprocess.Popen([exe or FEEDD, "-c", conf], stderr=subprocess.DEVNULL, env=env,
                            preexec_fn=on_cpu(cpu))


def children(pid):
    """A process's children's pids."""
    out = []
    for t in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/children" % (pid, t)) as f:
            out += [int(x) for x in f.read().split()]
    return out


def rss_mib(pid):
    """A running process's resident set now and at its peak (VmRSS, VmHWM), in MiB."""
    with open("/proc/%d/status" % pid) as f:
        v = dict(line.split(":", 1) for line in f if line.startswith(("VmRSS", "VmHWM")))
    return int(v["VmRSS"].split()[0]) / 1024, int(v["VmHWM"].split()[0]) / 1024


def wait_http(url, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read(), dict(r.headers)
        except Exception:
            time.sleep(0.05)
    raise RuntimeError("no answer from " + url)


def cpu_seconds(pid):
    """CPU time (user + system) of a running process and its children now."""
    total = 0
    for p in [pid] + children(pid):
        with open("/proc/%d/stat" % p) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url, headers=(), pid=None):
    """Requests per second; with pid, also (requests/s, that server's CPU microseconds a
    request): on a shared VM the rate moves with what else runs, the CPU a request costs
    less."""
    cmd = ["wrk", "-t1", "-c64", "-d5s"]
    for h in headers:
        cmd += ["-H", h]
    c0 = cpu_seconds(pid) if pid else 0
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True,
                         preexec_fn=on_cpu(CLIENT_CPU)).stdout
    m = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    rps = float(m.group(1)) if m else 0.0
    if pid is None:
        return rps
    n = re.search(r"(\d+) requests in", out)
    return rps, (cpu_seconds(pid) - c0) * 1e6 / max(1, int(n.group(1)) if n else 1)


def bench_serve():
    if not shutil.which("wrk") or not shutil.which("nginx"):
        return "serve: skipped (needs wrk and nginx)"
    page = os.path.join(TMP, "page.txt")
    gen("page", page, SAMPLE, 50)
    port, nport = free_port(), free_port()
    feed = "[feed bench]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % page
    d = start_feedd(feed, port, cpu=SERVER_CPU)
    furl = "http://127.0.0.1:%d/feeds/bench.atom" % port
    body, fh = wait_http(furl)
    if BEFORE:
        bport = free_port()
        bd = start_feedd(feed, bport, exe=BEFORE, env=BEFORE_ENV, cpu=SERVER_CPU)
        burl = "http://127.0.0.1:%d/feeds/bench.atom" % bport
        _, bh = wait_http(burl)
    root = os.path.join(TMP, "www")
    os.makedirs(root, 0o755)
    with open(os.path.join(root, "bench.atom"), "wb") as f:
        f.write(body)
    os.chmod(os.path.join(root, "bench.atom"), 0o644)
    n = start_nginx(root, nport, "application/atom+xml atom;", cpu=SERVER_CPU)
    nurl = "http://127.0.0.1:%d/bench.atom" % nport
    res = {"feedd 200": [], "nginx 200": [], "feedd 304": [], "nginx 304": [],
           "before 200": [], "before 304": []}
    loads = []
    cpu = {k: [] for k in res}
    try:
        _, nh = wait_http(nurl)
        runs = [("feedd", furl, (), d.pid), ("nginx", nurl, (), n.pid),
                ("feedd", furl, ("If-None-Match: " + fh["ETag"],), d.pid),
                ("nginx", nurl, ("If-None-Match: " + nh["ETag"],), n.pid)]
        if BEFORE:
            runs.insert(1, ("before", burl, (), bd.pid))
            runs.insert(4, ("before", burl, ("If-None-Match: " + bh["ETag"],), bd.pid))
        for _ in range(ROUNDS):
            loads.append(os.getloadavg()[0])
            for who, url, hdrs, pid in runs:
                key = "%s %s" % (who, "304" if hdrs else "200")
                rps, us = wrk(url, hdrs, pid)
                res[key].append(rps)
                cpu[key].append(us)
        rss = [("feedd", rss_mib(d.pid))] + ([("before", rss_mib(bd.pid))] if BEFORE else [])
        rss += [("nginx worker", rss_mib(w)) for w in children(n.pid)]
    finally:
        d.send_signal(signal.SIGTERM)
        n.send_signal(signal.SIGQUIT)
        d.wait()
        n.wait()
        if BEFORE:
            bd.send_signal(signal.SIGTERM)
            bd.wait()
    print("#   serve, each round (req/s): %s" % "; ".join(
        "%s %s" % (k, " ".join("%.0f" % x for x in v)) for k, v in res.items() if v), flush=True)
    print("#   serve: load average (1 min) at each round: %s; %s; RSS now, peak (MiB): %s"
          % (" ".join("%.2f" % x for x in loads),
             "wrk on CPU %d, the servers on CPU %d" % (CLIENT_CPU, SERVER_CPU) if PIN
             else "unpinned", "; ".join("%s %.1f, %.1f" % (k, v[0], v[1]) for k, v in rss)),
          flush=True)
    print("#   serve, the server's CPU a request (us), each round: %s" % "; ".join(
        "%s %s" % (k, " ".join("%.1f" % x for x in v)) for k, v in cpu.items() if v), flush=True)
    mc = {k: statistics.median(v) for k, v in cpu.items() if v}
    print("#   serve, CPU a request, medians (us): %s" % ", ".join(
        "%s %.2f" % (k, v) for k, v in mc.items()), flush=True)
    m = {k: statistics.median(v) for k, v in res.items() if v}
    out = ("serve (%d-byte feed, wrk -t1 -c64 -d5s, median of %d): 200: feedd %.0f req/s, "
           "nginx %.0f, ratio %.2f; 304: feedd %.0f, nginx %.0f, ratio %.2f"
           % (len(body), ROUNDS, m["feedd 200"], m["nginx 200"], m["feedd 200"] / m["nginx 200"],
              m["feedd 304"], m["nginx 304"], m["feedd 304"] / m["nginx 304"]))
    if BEFORE:
        out += ("; before (%s): 200 %.0f req/s, ratio %.2f; 304 %.0f, ratio %.2f"
                % (BEFORE, m["before 200"], m["before 200"] / m["nginx 200"], m["before 304"],
                   m["before 304"] / m["nginx 304"]))
    return out


def textdump_on(kind, what):
    dump = os.path.join(TMP, kind + "64.txt")
    gen(kind, dump, 64 * 1024 * 1024)
    size = os.path.getsize(dump)
    t, ref, before = measure_vs(["convert", "-p", "textdump", dump], "wc -w < %s" % dump)
    os.unlink(dump)
    return ("textdump (%d MiB of %s, median of %d): feedd %s, %.0f MB/s, peak RSS %.2f x the "
            "input; wc -w on the same file %s; elapsed feedd/wc %.2f%s"
            % (size >> 20, what, ROUNDS, t, size / t.elapsed / 1e6, t.rss * 1048576 / size, ref,
               t.elapsed / ref.elapsed, vs_before(t, before)))


def bench_textdump():
    return textdump_on("dump", "distinct ASCII teasers")


def bench_news():
    return textdump_on("news", "news text: articles, curly quotes, dashes, accented names")


def bench_rss():
    if not shutil.which("sfeed") or not shutil.which("sfeed_atom"):
        return "rss: skipped (needs sfeed)"
    rss = os.path.join(TMP, "rss20k.xml")
    gen("rss", rss, 20000)
    size = os.path.getsize(rss)
    t, ref, before = measure_vs(["convert", "-p", "feed", rss],
                                "sfeed < %s | sfeed_atom > /dev/null" % rss)
    return ("rss (20,000 items, %d KiB, median of %d): feedd %s, peak RSS = input + %.1f MiB; "
            "sfeed | sfeed_atom %s (two processes at once); elapsed sfeed/feedd %.2f, "
            "CPU feedd/sfeed %.2f%s"
            % (size >> 10, ROUNDS, t, t.rss - size / 1048576, ref, ref.elapsed / t.elapsed,
               t.cpu / ref.cpu, vs_before(t, before)))


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


def count_samples(text, prefix, suffix=""):
    """How many samples of a per-feed metric in /metrics text are non-zero."""
    return sum(1 for line in text.splitlines() if line.startswith(prefix) and
               line.rpartition(" ")[0].endswith(suffix) and line.rpartition(" ")[2] != "0")


def run_daemon_until(feeds, port, done, limit=120, state=None, exe=None, env=None):
    """Starts feedd on feeds, polls /metrics until done(metrics text) is true; returns the
    seconds that took (None past limit), the daemon's peak RSS (MiB), page faults and CPU."""
    t0 = time.perf_counter()
    d = start_feedd(feeds, port, state, exe, env)
    url = "http://127.0.0.1:%d/metrics" % port
    done_at = None
    try:
        while time.perf_counter() - t0 < limit:
            try:
                with urllib.request.urlopen(url, timeout=10) as r:
                    if done(r.read().decode()):
                        done_at = time.perf_counter() - t0
                        break
            except Exception:
                pass
            time.sleep(0.25)
    finally:
        own = peak_rss(d.pid)  # the daemon's own: wait4's would count reaped workers too
        kids = children_rss(d.pid)
        d.send_signal(signal.SIGTERM)
        _, _, ru = os.wait4(d.pid, 0)
    print("#   daemon process peak RSS %d MiB; its %d workers' peak RSS %s MiB" %
          (own, len(kids), "+".join(str(k) for k in kids) or "0"), flush=True)
    return done_at, own, ru.ru_minflt + ru.ru_majflt, ru.ru_utime + ru.ru_stime


def children_rss(pid):
    """Peak RSS (MiB) of each live child of pid."""
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                st = f.read()
            if int(st[st.rindex(")") + 2:].split()[1]) == pid:
                out.append(peak_rss(int(p)))
        except (OSError, ValueError):
            pass
    return out


def all_served(n):
    return lambda m: count_samples(m, "feedd_feed_entries{") >= n


def fmt_round(what, r):
    t, rss, faults, cpu = r
    return ("%s %s (CPU %.1f s, workers included; daemon process peak RSS %.0f MiB, "
            "%d page faults)" % (what, "%.1f s" % t if t else "NOT within the limit", cpu, rss, faults))


def fmt_rounds(what, runs):
    """The medians of several rounds (time, peak RSS, faults, CPU), each round's beside."""
    if len(runs) == 1:
        return fmt_round(what, runs[0])
    times = [r[0] for r in runs]
    med = (None if None in times else statistics.median(times),) + tuple(
        statistics.median(r[k] for r in runs) for k in (1, 2, 3))
    return "%s, median of %d [each: %s]" % (fmt_round(what, med), len(runs), "; ".join(
        "%s, CPU %.1f s, %.0f MiB, %d faults" % ("%.1f s" % r[0] if r[0] else "over", r[3], r[1],
                                                 r[2]) for r in runs))


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


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
    res = {label: [] for label, _, _ in builds()}
    for _ in range(int(os.environ.get("BENCH_SCALE_ROUNDS", "1"))):
        for label, exe, env in builds():
            print("#   scale, %s, load average %s" % (label, loadavg()), flush=True)
            res[label].append(run_daemon_until("".join(feeds), free_port(), all_served(n),
                                               exe=exe, env=env))
    return "scale (%d feeds, file sources): %s" % (n, "; ".join(
        "%s: %s" % (label, fmt_rounds("all served after", res[label])) for label in res))


def jobbench_figures(jb, plugins, path, rounds):
    """bench/jobbench's medians (ms) as a dict: inprocess, worker, pool, convert, entries."""
    r = subprocess.run([jb, plugins, "textdump", path, str(rounds)], capture_output=True,
                       text=True, check=True).stdout.split()
    return {r[i]: float(r[i + 1]) for i in range(0, len(r) - 1, 2)}


def bench_roundtrip():
    """A job through a worker (sent, converted, every entry read back and checked, as the
    daemon does) beside the same plugin call in-process and the whole conversion the daemon
    makes of the input (the call, the merge, Atom, RSS and JSON Feed written), by
    bench/jobbench; BENCH_BEFORE_JOBBENCH (the same bench built on an older tree) alternated
    with it, BENCH_ROUNDTRIP_RUNS runs each (medians of the runs' medians)."""
    jb = os.path.join(BUILD, "bench", "jobbench")
    if subprocess.run(["make", "-C", BUILD, "bench/jobbench"], capture_output=True).returncode:
        return "roundtrip: skipped (bench/jobbench does not build)"
    big = os.path.join(TMP, "dump15.txt")
    gen("dump", big, 15 * 1000 * 1000)
    sample = os.environ.get("BENCH_SAMPLE", "/work/shared/data/dumps/news-page-dump.txt")
    if not os.path.exists(sample):
        sample = SAMPLE
    plugins = os.environ.get("FEEDD_PLUGIN_DIR", os.path.join(BUILD, "plugins", ".libs"))
    before = os.environ.get("BENCH_BEFORE_JOBBENCH")
    bplugins = os.environ.get("BENCH_BEFORE_PLUGINS", plugins)
    runs = int(os.environ.get("BENCH_ROUNDTRIP_RUNS", "3"))
    out = []
    news = os.path.join(TMP, "news15.txt")
    gen("news", news, 15 * 1000 * 1000)
    for what, path, rounds in (("the sample dump", sample, 2001), ("15 MB of teasers", big, 7),
                               ("15 MB of news articles", news, 7)):
        res = {"after": []}
        if before:
            res["before"] = []
        for _ in range(runs):
            res["after"].append(jobbench_figures(jb, plugins, path, rounds))
            if before:
                res["before"].append(jobbench_figures(before, bplugins, path, rounds))
        for label, rs in res.items():
            m = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
            ip, cv = m["inprocess"], m["convert"]
            out.append("%s, %s (%d bytes, %d entries, %d runs): plugin call in-process %.4f ms, "
                       "whole conversion in-process (call, merge, Atom+RSS+JSON) %.4f ms; "
                       "through a worker: blocking (convert -w) %.4f ms, the pool (the "
                       "daemon's way) %.4f ms; round trip of the pool +%.4f ms = %.0f%% of the "
                       "plugin call, %.0f%% of the whole conversion%s"
                       % (what, label, os.path.getsize(path), m["entries"], len(rs), ip, cv,
                          m["worker"], m["pool"], m["pool"] - ip, (m["pool"] - ip) / ip * 100,
                          (m["pool"] - ip) / cv * 100,
                          "; a bare socketpair round trip of the input's size each way "
                          "%.4f ms" % m["floor"] if m.get("floor") else ""))
    conv = measure([FEEDD, "convert", "-p", "textdump", sample], rounds=11)
    os.unlink(big)
    os.unlink(news)
    return ("roundtrip (median): " + "; ".join(out) + "; a whole `feedd convert` of the sample "
            "%.1f ms" % (conv.elapsed * 1000))


def latency_run(feeds, port, seconds, change=None, exe=None, env=None):
    """Latencies (ms, sorted) of GET /feeds/small.atom one after another for seconds; with
    change=(path, offset), six digits at that offset of the file change every second.  Also
    the daemon process's CPU (ms a second), peak RSS (MiB) and page faults, its own."""
    d = start_feedd(feeds, port, exe=exe, env=env)
    lat = []
    try:
        wait_http("http://127.0.0.1:%d/feeds/small.atom" % port)
        wait_http("http://127.0.0.1:%d/feeds/small.atom" % port)
        if "[feed big]" in feeds:
            wait_http("http://127.0.0.1:%d/feeds/big.atom" % port, 120)
        cpu0, t0 = own_cpu(d.pid), time.time()
        end, edits = time.time() + seconds, 0
        while time.time() < end:
            if change and time.time() - t0 >= edits:
                edits += 1
                fd = os.open(change[0], os.O_WRONLY)
                os.pwrite(fd, b"%06d" % (edits % 1000000), change[1])
                os.close(fd)
            t = time.perf_counter()
            with urllib.request.urlopen("http://127.0.0.1:%d/feeds/small.atom" % port,
                                        timeout=30) as r:
                r.read()
            lat.append((time.perf_counter() - t) * 1000)
            time.sleep(0.005)
        cpu = (own_cpu(d.pid) - cpu0) / (time.time() - t0) * 1000
        with open("/proc/%d/status" % d.pid) as f:
            hwm = int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) / 1024
        with open("/proc/%d/stat" % d.pid) as f:
            st = f.read()
        fields = st[st.rindex(")") + 2:].split()
        faults = int(fields[7]) + int(fields[9])
    finally:
        d.send_signal(signal.SIGTERM)
        d.wait()
    return sorted(lat), cpu, hwm, faults


def own_cpu(pid):
    """CPU seconds of pid's own threads (its workers' are not counted)."""
    with open("/proc/%d/stat" % pid) as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_latency(seconds=15):
    """A small feed's latency, idle and while a 15 MB textdump source (news text) converts (a
    file source is converted at every fetch: every second here)."""
    big = os.path.join(TMP, "big15.txt")
    gen("news", big, 15 * 1000 * 1000)  # articles: the heavier kind for textdump
    small = "[feed small]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % SAMPLE
    busy = small + "[feed big]\nplugin = textdump\nsource = %s\ninterval = 1s\n" % big
    with open(big, "rb") as f:  # an ASCII word in the first article, edited in place
        at = re.compile(rb"[a-z]{6}").search(f.read(4096), 200).start()
    out = []
    rounds = int(os.environ.get("BENCH_LATENCY_ROUNDS", "1"))
    for what, feeds, change in (
            ("idle", small, None),
            ("while the 15 MB source converts every second", busy, None),
            ("while it also changes every second, every entry kept (max_entries 100000: 14,566 "
             "entries, a 20 MB Atom feed and an 18 MB state written, gzipped and saved at each "
             "change)", busy + "max_entries = 100000\n", (big, at))):
        for r in range(rounds):  # the builds alternate within each round
            for label, exe, env in builds():
                lat, cpu, hwm, faults = latency_run(feeds, free_port(), seconds, change, exe,
                                                    env)
                out.append("%s, %s, round %d: %d requests, p50 %.1f ms, p99 %.1f ms, worst "
                           "%.1f ms, the daemon process busy %.0f ms a second, peak RSS %.1f "
                           "MiB, %d page faults (load %s)"
                           % (what, label, r + 1, len(lat), lat[len(lat) // 2],
                              lat[len(lat) * 99 // 100], lat[-1], cpu, hwm, faults, loadavg()))
    os.unlink(big)
    return "latency (small feed): " + "; ".join(out)


def start_nginx(root, port, types="application/rss+xml xml;", cpu=None):
    nconf = os.path.join(TMP, "nginx-%d.conf" % port)
    with open(nconf, "w") as f:
        f.write("worker_processes 1; daemon off; pid %s/nginx-%d.pid; error_log %s/nginx.err;\n"
                "events { worker_connections 4096; }\nhttp { access_log off; sendfile on;\n"
                "tcp_nopush on; keepalive_requests 1000000;\n"
                "types { %s }\n"
                "server { listen 127.0.0.1:%d; root %s; } }\n" % (TMP, port, TMP, types, port,
                                                                root))
    n = subprocess.Popen(["nginx", "-c", nconf, "-p", TMP], stderr=subprocess.DEVNULL,
                         preexec_fn=on_cpu(cpu))
    end = time.time() + 10
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return n
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not start")


def bench_http(n=10000):
    """n RSS feeds of 10 items each from a loopback nginx, then a restart: the same feeds again,
    every answer a 304 (the validators are in the state files)."""
    if not shutil.which("nginx"):
        return "http: skipped (needs nginx)"
    root = os.path.join(TMP, "origin")
    os.makedirs(root, 0o755, exist_ok=True)
    for i in range(n):
        with open(os.path.join(root, "%d.xml" % i), "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                    "<title>Feed %d</title><link>https://example.org/%d/</link>"
                    "<description>d</description>\n" % (i, i))
            for j in range(10):
                f.write("<item><title>Item %d.%d</title><link>https://example.org/%d/%d</link>"
                        "<guid>https://example.org/%d/%d</guid><pubDate>Tue, 01 Dec 2026 08:%02d:"
                        "00 GMT</pubDate><description>The harbour council voted on item %d of "
                        "feed %d.</description></item>\n" % (i, j, i, j, i, j, j, j, i))
            f.write("</channel></rss>\n")
        os.chmod(os.path.join(root, "%d.xml" % i), 0o644)
    nport, port = free_port(), free_port()
    ng = start_nginx(root, nport)
    feeds = "".join("[feed f%d]\nplugin = feed\nsource = http://127.0.0.1:%d/%d.xml\n"
                    "interval = 1h\n" % (i, nport, i) for i in range(n))
    first = {label: [] for label, _, _ in builds()}
    again = {label: [] for label, _, _ in builds()}
    try:
        for _ in range(int(os.environ.get("BENCH_SCALE_ROUNDS", "1"))):
            for label, exe, env in builds():
                state = tempfile.mkdtemp(dir=TMP)
                print("#   http, %s, load average %s" % (label, loadavg()), flush=True)
                first[label].append(run_daemon_until(feeds, port, all_served(n), state=state,
                                                     exe=exe, env=env))
                again[label].append(run_daemon_until(feeds, port, lambda m: count_samples(
                    m, "feedd_feed_fetches_total{", 'result="not_modified"}') >= n,
                    state=state, exe=exe, env=env))
                shutil.rmtree(state, ignore_errors=True)
    finally:
        ng.send_signal(signal.SIGQUIT)
        ng.wait()
    return ("http (%d RSS feeds of 10 items from a loopback nginx, one host): %s"
            % (n, "; ".join("%s: %s; restart, every fetch a 304: %s" % (
                label, fmt_rounds("all served after", first[label]),
                fmt_rounds("all fetched after", again[label])) for label in first)))


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
    which = sys.argv[1:] or ["serve", "textdump", "news", "rss", "scale", "http", "idle",
                             "roundtrip", "latency"]
    print("machine: " + machine())
    print("feedd: " + subprocess.run([FEEDD, "--version"], capture_output=True,
                                     text=True).stdout.strip())
    for w in which:
        print(globals()["bench_" + w](), flush=True)
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
