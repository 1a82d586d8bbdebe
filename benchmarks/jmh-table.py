#!/usr/bin/env python3
"""Turns a JMH JSON result (-rf json) of io.cachestarter.benchmarks.hit into Markdown tables with ratios to plain."""
import json
import sys

results = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/jmh.json"))
scores = {}
for r in results:
    cls, method = r["benchmark"].split(".")[-2:]
    m = r["primaryMetric"]
    scores[(cls, method)] = (m["score"], m["scoreError"], r["threads"])

def row(cls, method, reference):
    if (cls, method) not in scores:
        return None
    score, error, threads = scores[(cls, method)]
    ref = scores.get((cls, reference), (None,))[0]
    ratio = f"{score / ref:.2f}x" if ref else "n/a"
    throughput = threads / score * 1e6
    return f"| {method} | {threads} | {score:,.1f} ± {error:,.1f} | {throughput:,.0f} | {ratio} |"

print("### Hit (µs per call per thread; ratio to hitPlain of the same thread count)\n")
print("| benchmark | threads | µs/op ± 99.9% CI | calls/s (all threads) | ÷ hitPlain |")
print("| --- | ---: | ---: | ---: | ---: |")
for cls in ("OneThread", "FourThreads"):
    for method in ("hitStarter", "hitPlain", "rawLettuceGet", "hitCaffeine"):
        line = row(cls, method, "hitPlain")
        if line:
            print(line)
print("\n### Miss path with a loader that does nothing (ratio to missPlain and to missPlainImmediateWrites)\n")
print("| benchmark | threads | µs/op ± 99.9% CI | calls/s (all threads) | ÷ missPlain | ÷ missPlainImmediateWrites |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for cls in ("OneThread", "FourThreads"):
    for method in ("missStarter", "missPlain", "missPlainImmediateWrites"):
        line = row(cls, method, "missPlain")
        if line:
            ref = scores.get((cls, "missPlainImmediateWrites"), (None,))[0]
            print(line + (f" {scores[(cls, method)][0] / ref:.2f}x |" if ref else " n/a |"))
