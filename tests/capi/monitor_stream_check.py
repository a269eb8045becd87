"""Runs examples/cpp/monitor_stream on a CSV and checks its alerts against the rows.

Usage: python3 monitor_stream_check.py MONITOR_STREAM STREAM_CSV

The expected alerts are derived here from the file alone (Python's standard
library, no npscore): one case_opened per detractor row (score 0-6) with its
deadline 24 h after the response; an sla_breach for each detractor not
contacted by its deadline whose deadline the final clock (the latest time +
24 h) has passed; nps_shift windows holding the rows they claim. A row with the
score 11 must stop the program with exit status 2 and a message naming its line.
Prints one line per check and a final "N failed" line; exits 1 on a failure.
"""

import csv
import datetime as dt
import os
import subprocess
import sys
import tempfile
from collections import Counter

DAY = dt.timedelta(days=1)
failures = 0


def check(ok, what):
    global failures
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures += 1


def when(text):
    """A time of the CSV or the output (ISO 8601 UTC) as an aware datetime."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def fields(line):
    """An alert line: kind, time, slice and the name=value fields."""
    kind, time, slice_, *rest = line.split("\t")
    return kind, when(time), slice_, dict(f.split("=", 1) for f in rest)


def key(text):
    customer, time = text.split("@")
    return int(customer), when(time)


def main(program, data):
    with open(data, newline="") as f:
        rows = list(csv.DictReader(f))
    times = [when(r["time"]) for r in rows]
    detractors = [r for r in rows if int(r["score"]) <= 6]
    until = max(times) + DAY

    run = subprocess.run([program, data], capture_output=True, text=True)
    check(run.returncode == 0,
          f"exit status 0 on {os.path.basename(data)} (got {run.returncode}: {run.stderr.strip()})")
    lines = run.stdout.splitlines()
    alerts = [fields(x) for x in lines if "\t" in x]
    check(len(lines) == len(alerts) + 1 and lines[-1].startswith("Summary at "),
          "every line is an alert but the last, the summary")
    check(f" {len(rows)} responses " in lines[-1], f"the summary counts {len(rows)} responses")

    # case_opened: one per detractor, keyed by its customer and time, due 24 h later.
    opened = [a for a in alerts if a[0] == "case_opened"]
    check(len(opened) == len(detractors) and len(detractors) >= 2,
          f"{len(opened)} case_opened lines for {len(detractors)} detractor rows")
    check(Counter(key(a[3]["key"]) for a in opened) ==
          Counter((int(r["customer"]), when(r["time"])) for r in detractors),
          "the case_opened keys are the detractor rows' (customer, time)")
    check(all(a[1] == key(a[3]["key"])[1] and when(a[3]["deadline"]) == a[1] + DAY for a in opened),
          "every case_opened has time = its response's time and deadline = time + 24 h")
    check(all(a[3]["play"] == "recover" for a in opened), "every case_opened plays 'recover'")

    # sla_breach: the detractors not contacted by their deadline, once the clock is past it.
    def breaches(r):
        deadline = when(r["time"]) + DAY
        contacted = r.get("contacted", "")
        return deadline < until and (contacted == "" or when(contacted) > deadline)
    expected = Counter((int(r["customer"]), when(r["time"])) for r in detractors if breaches(r))
    late = [r for r in detractors if r.get("contacted") and when(r["contacted"]) > when(r["time"]) + DAY]
    breached = [a for a in alerts if a[0] == "sla_breach"]
    check(Counter(key(a[3]["key"]) for a in breached) == expected,
          f"{len(breached)} sla_breach lines for the {sum(expected.values())} detractors not contacted "
          f"in time ({len(late)} of them contacted late)")
    check(all(a[1] == when(a[3]["deadline"]) for a in breached), "every sla_breach is at its deadline")

    # nps_shift over all responses: the window [end - 7 days, end) holds n rows,
    # the one before previous_n, both >= 30 with p < 0.05.
    shifts = [a for a in alerts if a[0] == "nps_shift" and a[2] == "(all)"]
    check(len(shifts) >= 1, f"{len(shifts)} nps_shift lines over all responses")
    for _, end, _, f in shifts:
        n = sum(end - 7 * DAY <= t < end for t in times)
        n_previous = sum(end - 14 * DAY <= t < end - 7 * DAY for t in times)
        check(int(f["n"]) == n and int(f["previous_n"]) == n_previous and min(n, n_previous) >= 30
              and float(f["p"]) < 0.05,
              f"nps_shift at {end:%Y-%m-%d}: n={f['n']} previous_n={f['previous_n']} "
              f"(counted {n}, {n_previous}), p={f['p']}")

    # The same file from stdin gives the same output.
    with open(data, "rb") as f:
        piped = subprocess.run([program, "-"], stdin=f, capture_output=True, text=True)
    check(piped.returncode == 0 and piped.stdout == run.stdout, "stdin gives the same output")

    # The row that arrives out of order is accepted within the default bound
    # (24 h), and a bound shorter than its delay rejects it, naming its line.
    clock, out_of_order = times[0], None
    for line, t in enumerate(times, start=2):
        if out_of_order is None and clock - t > dt.timedelta(hours=1):
            out_of_order = (line, clock - t)
        clock = max(clock, t)
    check(out_of_order is not None and out_of_order[1] < DAY,
          f"the file has a row arriving late within 24 h: {out_of_order}")
    if out_of_order is not None:
        run_late = subprocess.run([program, "--lateness-hours", "1", data], capture_output=True, text=True)
        check(run_late.returncode == 2 and f":{out_of_order[0]}: " in run_late.stderr
              and "late" in run_late.stderr,
              f"--lateness-hours 1 exits 2 naming line {out_of_order[0]}: {run_late.stderr.strip()}")

    # Health periods (weekly, in Berlin) change no other alert.
    run_health = subprocess.run([program, "--health", "W", "--tz", "Europe/Berlin", data],
                                capture_output=True, text=True)
    health_lines = run_health.stdout.splitlines()
    check(run_health.returncode == 0 and "Health periods: " in health_lines[-1] and
          [x for x in health_lines if "\t" in x and not x.startswith("health_flag")] == lines[:-1],
          "--health W --tz Europe/Berlin: the same case and shift alerts, health periods summed up")

    # Four weeks of promoters, then a week of detractors: that week's health
    # period closes with an nps_drop flag, and only it.
    start = dt.datetime(2025, 1, 6, tzinfo=dt.timezone.utc)  # a Monday
    drop = "customer,score,time\n" + "".join(
        f"{50 * w + i},{10 if w < 4 else 2},"
        f"{start + dt.timedelta(days=7 * w, hours=3 * i):%Y-%m-%dT%H:%M:%SZ}\n"
        for w in range(6) for i in range(50))

    # A score of 11 on line 4: exit status 2, a message naming the line and the
    # value, and the alerts of the rows before it printed.
    bad = ("customer,score,time,slice\n"
           "1,3,2025-03-14T09:30:00Z,web\n"
           "2,10,2025-03-14T10:00:00Z,web\n"
           "3,11,2025-03-14T11:00:00Z,phone\n"
           "4,5,2025-03-14T12:00:00Z,phone\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "drop.csv")
        with open(path, "w") as f:
            f.write(drop)
        run = subprocess.run([program, "--health", "W", "--owners", "0", path], capture_output=True,
                             text=True)
        flagged = [fields(x) for x in run.stdout.splitlines() if x.startswith("health_flag\t")]
        check(run.returncode == 0 and len(flagged) == 1 and flagged[0][3]["period"] == "2025-W06" and
              flagged[0][1] == start + 5 * 7 * DAY and "nps_drop" in flagged[0][3]["flags"].split(","),
              "one health_flag, for the week of detractors 2025-W06 with nps_drop: "
              f"{[(f[3]['period'], f[3]['flags']) for f in flagged]}")
        path = os.path.join(tmp, "bad.csv")
        with open(path, "w") as f:
            f.write(bad)
        run = subprocess.run([program, path], capture_output=True, text=True)
    check(run.returncode == 2, f"a score of 11 exits with status 2 (got {run.returncode})")
    check(f"bad.csv:4:" in run.stderr and " 11" in run.stderr,
          f"the message names line 4 and the value 11: {run.stderr.strip()}")
    check(run.stdout.startswith("case_opened\t2025-03-14T09:30:00Z\tweb\tkey=1@") and
          run.stdout.count("\n") == 1, "the row before it opened its case, and nothing else ran")

    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
