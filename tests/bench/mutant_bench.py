"""Benchmark of the code judge's verdicts: buggy mutants caught and named, peers accepted.

Run: ``python -m tests.bench.mutant_bench`` (``--json`` for machine-readable output, ``-v`` to
list every verdict). Judges every entry of ``tests/bench/mutants.py`` through the whole judge
(sandbox included): each mutant must fail, and its first failing case must say what the bug
is — a message is *named* unless it is the generic "wrong values (largest absolute error …)"
or a bare "returned nan"; each peer solution must pass. Targets: every mutant caught, ≥ 90 %
of them named (over the whole corpus), every peer accepted. The held-out batch — mutants
written after the messages were tuned on the first batch, and left untuned — is reported on
its own: it estimates the share for mutants nobody has shown the judge.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from engine.judge import get_exercise, judge
from engine.sandbox import runtime_unavailable
from engine.verdict import Verdict
from tests.bench.mutants import HELD_OUT, MUTANTS, PEERS, Entry

SEED = 20240518
TARGET_NAMED = 0.90
SUMMARY_CODES = ("cases-failed", "all-cases-passed")


def first_failure(verdict: Verdict) -> tuple[str, str]:
    """The code and message a learner reads first (after "n of m cases failed")."""
    for f in verdict.feedback:
        if f.code not in SUMMARY_CODES:
            return f.code, f.message
    return "", ""


def is_named(code: str, message: str) -> bool:
    if code == "wrong-value":
        return False
    return not (code == "nonfinite" and " — " not in message)


def judge_entry(entry: Entry) -> dict[str, Any]:
    runtime = get_exercise(entry.exercise).runtime
    if runtime_unavailable(runtime):
        return {"exercise": entry.exercise, "bug": entry.bug, "skipped": True}
    verdict = judge(exercise=entry.exercise, source=entry.source, seed=SEED)
    code, message = first_failure(verdict)
    return {
        "exercise": entry.exercise,
        "bug": entry.bug,
        "status": verdict.status,
        "correct": verdict.correct,
        "code": code,
        "message": message,
        "named": not verdict.correct and is_named(code, message),
    }


def _share(rows: list[dict[str, Any]]) -> tuple[int, int, float]:
    caught = [r for r in rows if not r["correct"]]
    named = sum(r["named"] for r in caught)
    return len(caught), named, named / max(1, len(caught))


def measure() -> dict[str, Any]:
    mutants = [r for r in map(judge_entry, MUTANTS) if not r.get("skipped")]
    held = [r for r in map(judge_entry, HELD_OUT) if not r.get("skipped")]
    peers = [r for r in map(judge_entry, PEERS) if not r.get("skipped")]
    caught = [r for r in mutants if not r["correct"]]
    named = [r for r in caught if r["named"]]
    held_caught, held_named, held_share = _share(held)
    return {
        "mutants": len(mutants),
        "caught": len(caught),
        "named": len(named),
        "named_share": len(named) / max(1, len(caught)),
        "all_caught": len(caught) + held_caught,
        "all_named": len(named) + held_named,
        "all_named_share": (len(named) + held_named) / max(1, len(caught) + held_caught),
        "held_out": len(held),
        "held_out_caught": held_caught,
        "held_out_named": held_named,
        "held_out_named_share": held_share,
        "peers": len(peers),
        "peers_accepted": sum(r["correct"] for r in peers),
        "codes": dict(Counter(r["code"] for r in caught).most_common()),
        "missed": [r for r in mutants + held if r["correct"]],
        "unnamed": [r for r in caught if not r["named"]],
        "held_out_unnamed": [r for r in held if not r["correct"] and not r["named"]],
        "rejected_peers": [r for r in peers if not r["correct"]],
        "all": mutants + held + peers,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every verdict")
    args = parser.parse_args(argv)
    r = measure()
    if args.json:
        print(json.dumps({k: v for k, v in r.items() if k != "all"}, indent=2))
    else:
        print(
            f"mutants  : {r['mutants']} (numpy and torch), caught {r['caught']},"
            f" named {r['named']} = {r['named_share']:.0%} of the caught"
        )
        print(
            f"held out : {r['held_out']} mutants written after tuning, caught"
            f" {r['held_out_caught']}, named {r['held_out_named']} ="
            f" {r['held_out_named_share']:.0%} of the caught"
        )
        print(f"peers    : {r['peers_accepted']} of {r['peers']} correct peer solutions accepted")
        print(
            f"named share: {r['all_named_share']:.0%} of all {r['all_caught']} caught mutants"
            f" (held out: {r['held_out_named_share']:.0%} of {r['held_out_caught']})"
        )
        rows_by_label = (
            ("missed", r["missed"]),
            ("unnamed", r["unnamed"]),
            ("held-out unnamed", r["held_out_unnamed"]),
        )
        for label, rows in rows_by_label:
            for row in rows:
                print(f"{label:8s} : {row['exercise']}: {row['bug']} -> {row['message'][:100]}")
        for row in r["rejected_peers"]:
            print(f"rejected : {row['exercise']} peer -> {row['code']}: {row['message'][:100]}")
        if args.verbose:
            for row in r["all"]:
                print(
                    f"  {row['exercise']:28s} {row['bug'][:40]:40s} {row['code']:24s} {row['message'][:90]}"
                )
    ok = not r["missed"] and r["named_share"] >= TARGET_NAMED and r["peers_accepted"] == r["peers"]
    sys.stdout.flush()
    print("targets met" if ok else "TARGETS MISSED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
