#!/usr/bin/env python3
"""Where one phase of a benchmark spends the proxy's CPU, from a JFR recording's execution samples.

A recording of bench/proxy/run.sh covers every phase; this finds them in time and reports one:

  PROXY_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/proxy.jfr,settings=profile" ROUNDS=1 bench/proxy/run.sh
  jfr print --events jdk.ExecutionSample --stack-depth 64 /tmp/proxy.jfr > /tmp/samples.txt
  python3 bench/proxy/jfr-hot.py /tmp/samples.txt                  # samples per 5 s, to find the phases
  python3 bench/proxy/jfr-hot.py /tmp/samples.txt 73 96            # the licensed phase: top frames, self and inclusive
  python3 bench/proxy/jfr-hot.py /tmp/samples.txt 73 96 org.cb4i.sdk.token.LicenseTokenVerifier.verify   # what it calls

Seconds count from the first sample. The buckets mark samples under the licensing stage (LicenseGate, ReceiptRecorder)
and under an Ed25519 verification, which tell the pass-through, licensed and fresh-signature phases apart. JFR samples
Java frames only: system calls and native code are not in them.
"""
import collections
import re
import sys


def read(path):
    samples, cur = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("jdk.ExecutionSample"):
                cur = {"frames": [], "t": None, "thread": "?"}
            elif cur is not None:
                m = re.match(r"\s+startTime = (\d+):(\d+):(\d+)\.(\d+)", line)
                if m:
                    h, mi, s, frac = m.groups()
                    cur["t"] = int(h) * 3600 + int(mi) * 60 + int(s) + int(frac) / 10 ** len(frac)
                elif "sampledThread" in line and '"' in line:
                    cur["thread"] = line.split('"')[1]
                elif line.startswith("    ") and not line.strip().startswith("]"):
                    cur["frames"].append(line.strip().split("(")[0])
                elif line.startswith("}"):
                    if cur["t"] is not None:
                        samples.append(cur)
                    cur = None
    return samples


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip())
        return 2
    samples = read(argv[1])
    if not samples:
        print("no jdk.ExecutionSample events in " + argv[1])
        return 1
    t0 = samples[0]["t"]
    if len(argv) < 4:
        buckets = collections.defaultdict(lambda: [0, 0, 0])
        for e in samples:
            b = buckets[int((e["t"] - t0) // 5) * 5]
            joined = " ".join(e["frames"])
            b[0] += 1
            b[1] += "LicenseGate" in joined or "ReceiptRecorder" in joined
            b[2] += "ed25519" in joined.lower()
        print("from s   samples   licensing   ed25519")
        for k in sorted(buckets):
            print("%6d   %7d   %9d   %7d" % (k, *buckets[k]))
        return 0
    lo, hi = float(argv[2]), float(argv[3])
    window = [e for e in samples if lo <= e["t"] - t0 < hi]
    print("%d samples from %g s to %g s; threads: %s" % (len(window), lo, hi,
          collections.Counter(e["thread"].split("-")[0] for e in window).most_common(6)))
    if len(argv) > 4:
        target = argv[4]
        callees = collections.Counter()
        for e in window:
            if target in e["frames"]:
                i = e["frames"].index(target)
                callees[e["frames"][i - 1] if i > 0 else "(self)"] += 1
        print("--- what %s spends its samples in" % target)
        for name, n in callees.most_common(25):
            print("%5d  %s" % (n, name))
        return 0
    top = collections.Counter(e["frames"][0] if e["frames"] else "?" for e in window)
    print("--- self (the frame on top)")
    for name, n in top.most_common(25):
        print("%5d  %5.1f%%  %s" % (n, 100 * n / len(window), name))
    inclusive = collections.Counter()
    for e in window:
        for name in set(f for f in e["frames"] if f.startswith("org.cb4i")):
            inclusive[name] += 1
    print("--- inclusive, cb4i's methods")
    for name, n in inclusive.most_common(30):
        print("%5d  %5.1f%%  %s" % (n, 100 * n / len(window), name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
