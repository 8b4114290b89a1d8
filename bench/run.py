"""The performance benchmark: `make bench` (or `.venv/bin/python -m bench.run`).

1. Times `flask course check` and the rendering of the whole course in all three languages.
2. Builds a population (2,000 learners in 20 cohorts of 100, 20,000 graded quiz attempts).
3. Serves it with gunicorn on 127.0.0.1 as production does (docs/operations.md: `-w 2`, sync
   workers), with a minimal Flask route mounted in the same workers (bench/wsgi.py).
4. Drives it with wrk for a fixed time per route, at 32 connections (throughput: five rounds in
   which every route runs right after the minimal route, and the median of its ratios to those
   runs) and at 1 connection (latency): a lesson page for a signed-in learner, the course home,
   a quiz submission, the cohort dashboard of a 100-learner cohort, and the minimal route.
5. Reports requests per second, p50/p95/p99 latency, start-up time, memory per worker, errors
   (and any "database is locked" in the server's log), and writes them to docs/performance.md.

Everything listens on 127.0.0.1 only, and every load run stops by itself after its duration.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
REPORT = ROOT / "docs" / "performance.md"
BIN = Path(sys.executable).parent
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
TARGETS = {"lesson": 0.60, "quiz": 0.40}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds of load per run at 32 connections (default 3)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of runs over every route at 32 connections; the median counts (default 5)")
    parser.add_argument("--latency-duration", type=int, default=5, help="seconds per route at 1 connection (default 5)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (production: 2 on 2 cores)")
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--cohorts", type=int, default=20)
    parser.add_argument("--attempts", type=int, default=20000)
    parser.add_argument("--reuse", action="store_true", help="reuse bench/results/bench.db if it exists")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `apt-get install wrk` (make bench does it)")
    RESULTS.mkdir(parents=True, exist_ok=True)

    content = content_timings()
    print(f"course check: {content['check_s']:.2f} s; rendering the whole course (3 languages): {content['render_s']:.3f} s")
    db_path = RESULTS / "bench.db"
    population = build_population(db_path, args)
    print(f"population: {population['summary']}")

    port = free_port()
    server = Server(db_path, port, args.workers)
    try:
        server.start()
        print(f"gunicorn ready in {server.ready_s:.2f} s, first course page after {server.first_page_s:.2f} s")
        files = request_files(db_path, port, population, args)
        warm_up(port, files, args.connections)
        runs = {name: [] for name in ROUTES}
        for round_ in range(args.rounds):
            for name in COMPARED:  # each route right after a run of the minimal route: a pair
                for measured in ("minimal", name):
                    requests = files[f"quiz-round-{round_}" if measured == "quiz" else measured]
                    runs[measured].append(wrk(port, requests, args.connections, args.duration))
                    print(line(measured, runs[measured][-1]))
                    settle(port)
        latency = {}
        for name in ROUTES:
            latency[name] = wrk(port, files["quiz-latency" if name == "quiz" else name], 1, args.latency_duration)
            print(line(f"{name} @1", latency[name]))
            settle(port)
        memory = server.worker_memory()
        log = server.log()
    finally:
        server.stop()
    results = summarise(content, population, server, runs, latency, memory, log, args)
    print_report(results)
    if not args.no_report:
        write_report(results)
        print(f"written to {REPORT.relative_to(ROOT)}")


# Content


def content_timings() -> dict:
    env = {**os.environ, "COURSE_DATABASE": str(RESULTS / "check.db")}
    start = time.perf_counter()
    check = subprocess.run([str(BIN / "flask"), "--app", "app", "course", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    check_s = time.perf_counter() - start
    render = subprocess.run([sys.executable, "-m", "bench.render", str(RESULTS / "check.db")], cwd=ROOT, capture_output=True, text=True, check=True)
    render_s, pages = render.stdout.split()
    return {"check_s": check_s, "check_ok": check.returncode == 0, "check_output": check.stdout.strip().splitlines()[-3:],
            "render_s": float(render_s), "pages": int(pages)}


# Population


def build_population(db_path: Path, args) -> dict:
    from bench.population import populate
    from course import store
    from course.web import create_app

    meta = RESULTS / "population.json"
    if args.reuse and db_path.exists() and meta.exists():
        return json.loads(meta.read_text())
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    app = create_app({"DATABASE": str(db_path)})
    db = store.connection(str(db_path))
    course = app.extensions["catalog"].course
    with app.app_context():
        made = populate(db, course, args.learners, args.cohorts, args.attempts)
    counts = {t: db.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in ("users", "cohorts", "attempts", "responses", "page_visits")}  # noqa: S608
    store.close_connection()
    result = {
        "learners": made.learners, "cohorts": made.cohorts, "trainer": made.trainer_email, "seconds": made.seconds,
        "counts": counts,
        "summary": f"{len(made.learners)} learners in {len(made.cohorts)} cohorts, {made.attempts} attempts "
                   f"({counts['responses']} responses), {counts['page_visits']} page visits, made in {made.seconds:.0f} s",
    }
    meta.write_text(json.dumps(result))
    return result


# The server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as docs/operations.md runs it, on 127.0.0.1."""

    def __init__(self, db_path: Path, port: int, workers: int):
        self.port, self.workers = port, workers
        self.logfile = RESULTS / "gunicorn.log"
        self.env = {**os.environ, "COURSE_DATABASE": str(db_path), "COURSE_SECRET_KEY": "bench-" + os.urandom(8).hex()}
        self.command = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--error-logfile", str(self.logfile),
                        "bench.wsgi:app"]
        self.process = None

    def start(self) -> None:
        self.logfile.unlink(missing_ok=True)
        started = time.perf_counter()
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env)
        while get(self.port, "/_minimal/")[0] != 200:
            if self.process.poll() is not None or time.perf_counter() - started > 60:
                raise RuntimeError(f"gunicorn did not start: see {self.logfile}")
            time.sleep(0.02)
        self.ready_s = time.perf_counter() - started
        status = get(self.port, "/fr/")[0]
        self.first_page_s = time.perf_counter() - started
        assert status == 200, status

    def worker_memory(self) -> list[dict]:
        workers = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pid = int(stat.parent.name)
                status = (stat.parent / "status").read_text()
                rollup = (stat.parent / "smaps_rollup").read_text() if (stat.parent / "smaps_rollup").exists() else ""
                rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
                pss = re.search(r"Pss:\s+(\d+)", rollup)
                workers.append({"pid": pid, "rss_mb": rss, "pss_mb": int(pss.group(1)) / 1024 if pss else None})
        return workers

    def log(self) -> str:
        return self.logfile.read_text(errors="replace") if self.logfile.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def get(port: int, path: str, cookie: str = "") -> tuple[int, str, str]:
    return request(port, "GET", path, cookie)


def request(port: int, method: str, path: str, cookie: str = "", body: str | None = None) -> tuple[int, str, str]:
    """(status, body, the session cookie after the response)."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("session="):
                cookie = header.split(";", 1)[0]
        connection.close()
        return response.status, text, cookie
    except OSError:
        return 0, "", cookie


def sign_in(port: int, email: str, password: str) -> str:
    _, page, cookie = get(port, "/fr/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    status, _, cookie = request(port, "POST", "/fr/signin", cookie, urlencode({"csrf_token": token, "email": email, "password": password}))
    assert status == 302, f"sign-in of {email}: HTTP {status}"
    return cookie


# Requests


def request_files(db_path: Path, port: int, population: dict, args) -> dict[str, Path]:
    """One file of requests per route, in the format of bench/load.lua."""
    from bench.population import PASSWORD, form_fields, right_responses
    from course import store
    from course.web import create_app

    app = create_app({"DATABASE": str(db_path)})
    course = app.extensions["catalog"].course
    db = store.connection(str(db_path))
    # The load comes from learners outside the first cohort, so their new attempts leave the cohort
    # whose dashboard is measured as the population made it; from many of them (20 per connection),
    # so no learner gathers an unlikely pile of attempts during the run.
    per_cohort = args.learners // args.cohorts
    learners = population["learners"][per_cohort: per_cohort + 20 * args.connections]
    emails = {row["id"]: row["email"] for row in db.query("SELECT id, email FROM users")}
    cookies = {user: sign_in(port, emails[user], PASSWORD) for user in learners}
    trainer = sign_in(port, population["trainer"], PASSWORD)
    rng = random.Random(7)
    slugs = [slug for slug in course.slugs if course.module(slug, "fr")]
    quiz_slug = next(slug for slug in slugs if course.quiz(slug, "fr"))
    quiz = course.quiz(quiz_slug, "fr")
    tokens = {}
    for user in learners:
        _, page, cookies[user] = get(port, f"/fr/quizzes/{quiz_slug}", cookies[user])
        tokens[user] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def write(name: str, lines: list[str]) -> Path:
        path = RESULTS / f"requests-{name}.txt"
        path.write_text("\n".join(lines) + "\n")
        return path

    pages = [f"/fr/modules/{slug}/{page.id}" for slug in slugs for page in course.module(slug, "fr").pages]
    lesson = [f"GET\t{rng.choice(pages)}\t{cookies[rng.choice(learners)]}\t" for _ in range(20000)]

    def submissions(count: int) -> list[str]:
        lines = []
        responses = right_responses(quiz)
        store_db = store.connection(str(db_path))
        for n in range(count):
            user = learners[n % len(learners)]
            seed = rng.getrandbits(31)
            attempt = store.start_attempt(store_db, user, quiz_slug, "fr", quiz.version, seed)
            body = urlencode([("csrf_token", tokens[user]), ("attempt", str(attempt)), *form_fields(quiz, seed, responses)])
            lines.append(f"POST\t/fr/quizzes/{quiz_slug}\t{cookies[user]}\t{body}")
        return lines

    files = {
        "minimal": write("minimal", ["GET\t/_minimal/\t\t"]),
        "lesson": write("lesson", lesson),
        "home": write("home", [f"GET\t/fr/\t{cookies[user]}\t" for user in learners]),
        # More submissions than can be sent in a run, a file for each round: each is sent once.
        **{f"quiz-round-{n}": write(f"quiz-round-{n}", submissions(args.duration * 2500)) for n in range(args.rounds)},
        "quiz-latency": write("quiz-latency", submissions(args.latency_duration * 1500)),
        "dashboard": write("dashboard", [f"GET\t/fr/trainer/cohorts/{population['cohorts'][0]}/\t{trainer}\t"]),
    }
    store.close_connection()
    assert get(port, f"/fr/trainer/cohorts/{population['cohorts'][0]}/", trainer)[0] == 200, "the trainer cannot see the dashboard"
    return files


def warm_up(port: int, files: dict[str, Path], connections: int) -> None:
    """Load both workers' content and caches, and let the writes of the population reach the disk,
    before anything is measured: otherwise the first route measured (the minimal one) pays for them
    and every ratio to it looks better than it is."""
    os.sync()
    for name in ("minimal", "lesson", "home", "dashboard"):
        wrk(port, files[name], connections, 2)
        settle(port)


def settle(port: int) -> None:
    """Wait until requests left queued by a load run are served, so the next run starts clean."""
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        get(port, "/_minimal/")
        if time.perf_counter() - start < 0.005:
            return
        time.sleep(0.1)


def wrk(port: int, requests_file: Path, connections: int, seconds: int) -> dict:
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(ROOT / "bench" / "load.lua"),
               f"http://127.0.0.1:{port}", "--", str(requests_file), str(threads)]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    result = json.loads(next(line for line in output.splitlines() if line.startswith("BENCH ")).removeprefix("BENCH "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    result["connections"] = connections
    return result


def line(name: str, run: dict) -> str:
    return (f"  {name:16} {run['rps']:8.0f} req/s   p50 {run['p50_us'] / 1000:6.1f} ms   p95 {run['p95_us'] / 1000:6.1f} ms   "
            f"p99 {run['p99_us'] / 1000:6.1f} ms   errors {run['errors']}")


# Report


def machine() -> dict:
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    versions = {}
    for package in ("flask", "werkzeug", "gunicorn", "sqlite-utils", "markdown-it-py"):
        from importlib.metadata import version

        versions[package] = version(package)
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {
        "cpu": cpu.group(1).strip() if cpu else platform.processor(), "cores": os.cpu_count(),
        "memory_gb": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "versions": versions, "wrk": wrk_version, "commit": commit, "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def summarise(content, population, server, runs, latency, memory, log, args) -> dict:
    """Each route is compared with the minimal route's run just before it, and the median of those
    ratios counts; its throughput and latencies at 32 connections are those of its median run.

    On a shared machine the minimal route swings both ways: it is bound by how soon the machine
    wakes the worker and wrk, not by the processor, and measured 1,354 to 3,805 req/s among runs a
    few seconds apart. The ratio to its best run followed its luckiest moment: the same code's quiz
    submissions measured 0.34, 0.40 and 0.46 of it in three benchmarks, and 0.42, 0.42 and 0.41 as
    the median of ratios to the run just before, which shared their conditions (docs/performance.md,
    seventh round)."""
    middle = {name: sorted(route_runs, key=lambda run: run["rps"])[len(route_runs) // 2] for name, route_runs in runs.items()}
    pairs = {name: [run["rps"] / ceiling["rps"] for ceiling, run in zip(runs["minimal"][n::len(COMPARED)], runs[name], strict=True)]
             for n, name in enumerate(COMPARED)}
    return {
        "machine": machine(), "content": content, "population": population, "args": vars(args),
        "startup": {"ready_s": server.ready_s, "first_page_s": server.first_page_s},
        "runs": runs, "median": middle, "latency": latency, "pairs": pairs,
        "ratios": {name: statistics.median(pairs[name]) for name in COMPARED},
        "quiz_errors": sum(run["errors"] for run in runs["quiz"]) + latency["quiz"]["errors"],
        "memory": memory, "locked": log.count("database is locked"), "tracebacks": log.count("Traceback"),
    }


COMPARED = ("lesson", "home", "quiz", "dashboard")
ROUTES = {
    "minimal": "minimal Flask route (`/_minimal/`, same workers)",
    "lesson": "lesson page, signed-in learner",
    "home": "course home, signed-in learner",
    "quiz": "quiz submission (graded, stored)",
    "dashboard": "cohort dashboard, 100 learners",
}


def verdicts(r: dict) -> list[tuple[str, str, bool]]:
    memory = max(w["rss_mb"] for w in r["memory"]) if r["memory"] else float("inf")
    return [
        ("lesson page ≥ 60 % of the minimal route", f"{r['ratios']['lesson']:.0%}", r["ratios"]["lesson"] >= TARGETS["lesson"]),
        ("quiz submission ≥ 40 % of the minimal route", f"{r['ratios']['quiz']:.0%}", r["ratios"]["quiz"] >= TARGETS["quiz"]),
        (f"no 'database is locked' and no error at {r['args']['connections']} learners submitting",
         f"{r['locked']} locked, {r['quiz_errors']} errors, {r['tracebacks']} tracebacks",
         r["locked"] == 0 and r["quiz_errors"] == 0 and r["tracebacks"] == 0),
        ("cohort dashboard p95 < 50 ms (one trainer)", f"{r['latency']['dashboard']['p95_us'] / 1000:.1f} ms",
         r["latency"]["dashboard"]["p95_us"] < 50_000),
        ("resident memory < 80 MB per worker", f"{memory:.0f} MB", memory < 80),
        ("whole course rendered in 3 languages < 1 s", f"{r['content']['render_s']:.2f} s", r["content"]["render_s"] < 1),
    ]


def markdown(r: dict) -> str:
    m = r["machine"]
    out = [
        f"Run on {m['date']} at commit `{m['commit']}`, on {m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB), {m['os']}; "
        f"Python {m['python']}, SQLite {m['sqlite']}, " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + f", wrk {m['wrk']}. "
        "wrk runs on the same cores as the server.",
        "",
        f"Population: {r['population']['summary']}. Server: `gunicorn -w {r['args']['workers']}` (sync workers) on 127.0.0.1, "
        f"production configuration. Load: wrk at {r['args']['connections']} connections (2 threads), {r['args']['rounds']} rounds; "
        f"in each, every route runs {r['args']['duration']} s right after {r['args']['duration']} s of the minimal route. A route's "
        "ratio is the median of its ratios to the minimal run just before it (each is listed); its req/s and latencies at "
        f"{r['args']['connections']} are its median run's. Then {r['args']['latency_duration']} s per route at 1 connection.",
        "",
        f"| route | req/s at {r['args']['connections']}, median | every run | ratio to minimal (every pair) | p50 | p95 | p99 | errors "
        "| p50 at 1 | p95 at 1 | p99 at 1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ROUTES:
        run, one = r["median"][name], r["latency"][name]
        ratio = "1.00" if name == "minimal" else f"{r['ratios'][name]:.2f} ({', '.join(f'{x:.2f}' for x in r['pairs'][name])})"
        every = ", ".join(f"{each['rps']:.0f}" for each in r["runs"][name])
        errors = sum(each["errors"] for each in r["runs"][name])
        out.append(f"| {ROUTES[name]} | {run['rps']:.0f} | {every} | {ratio} | {run['p50_us'] / 1000:.1f} ms | "
                   f"{run['p95_us'] / 1000:.1f} ms | {run['p99_us'] / 1000:.1f} ms | {errors} | {one['p50_us'] / 1000:.1f} ms | "
                   f"{one['p95_us'] / 1000:.1f} ms | {one['p99_us'] / 1000:.1f} ms |")
    workers = ", ".join(f"{w['rss_mb']:.0f} MB" + (f" (PSS {w['pss_mb']:.0f} MB)" if w["pss_mb"] else "") for w in r["memory"])
    out += [
        "",
        f"- Start-up: gunicorn answering after {r['startup']['ready_s']:.2f} s; first course page (content loaded) after "
        f"{r['startup']['first_page_s']:.2f} s.",
        f"- Resident memory per worker after the load: {workers}.",
        f"- `flask course check` over the whole course: {r['content']['check_s']:.2f} s (a new process, imports included); "
        f"rendering the whole course, {r['content']['pages']} pages in 3 languages: {r['content']['render_s']:.3f} s (median of 3).",
        f"- Server log: {r['locked']} \"database is locked\", {r['tracebacks']} tracebacks.",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    out += [f"| {target} | {value} | {'yes' if met else '**no**'} |" for target, value, met in verdicts(r)]
    return "\n".join(out)


def print_report(r: dict) -> None:
    print()
    print(markdown(r))


def write_report(r: dict) -> None:
    block = f"{START}\n{markdown(r)}\n{END}"
    text = REPORT.read_text() if REPORT.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.DOTALL)
    REPORT.write_text(text)
    (RESULTS / "results.json").write_text(json.dumps(r, indent=1, default=str))


if __name__ == "__main__":
    main()
