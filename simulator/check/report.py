"""What a conformance run found: a table for the terminal, JUnit XML for CI, JSON for
tools. Each failed rule says what happened, what the flow requires (and where it says
so), what to fix, and where the journey is in the console."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict, dataclass, field
from xml.etree import ElementTree as ET

from .context import ERROR, FAIL, NOT_SEEN, PASS, Finding
from .rules import RULES

MARKS = {PASS: "pass", FAIL: "FAIL", NOT_SEEN: "not seen", ERROR: "ERROR"}


@dataclass
class Report:
    findings: list[Finding]
    wallet_url: str
    console_url: str | None
    started_at: str
    seconds: float
    time_scale: float
    config: str = ""
    taken_back: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no rule failed and no scenario broke off ("not seen" is not a failure)."""
        return all(f.verdict in (PASS, NOT_SEEN) for f in self.findings)

    def count(self, verdict: str) -> int:
        return sum(f.verdict == verdict for f in self.findings)

    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.verdict in (FAIL, ERROR)]

    # --- the terminal ---------------------------------------------------------------

    def table(self) -> str:
        rows = [(f.scenario, f.rule, MARKS[f.verdict]) for f in self.findings]
        widths = [max(len(r[i]) for r in [("scenario", "rule", "verdict"), *rows]) for i in range(3)]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        out = [line.format("scenario", "rule", "verdict"), line.format(*("-" * w for w in widths))]
        out += [line.format(*r).rstrip() for r in rows]
        out.append("")
        out.append(
            f"{self.count(PASS)} passed, {self.count(FAIL)} failed, {self.count(NOT_SEEN)} not seen, "
            f"{self.count(ERROR)} errors in {self.seconds:.1f} s (time scale {self.time_scale:g})"
        )
        for finding in self.failed():
            out += ["", *self.explain(finding)]
        seen = [f for f in self.findings if f.verdict == NOT_SEEN]
        if seen:
            out += ["", "Not seen from outside (not judged):"]
            out += [f"  {f.scenario} / {f.rule}: {f.happened}" for f in seen]
        out += ["", *self.notes] if self.notes else []
        return "\n".join(out)

    def explain(self, finding: Finding) -> list[str]:
        rule = RULES[finding.rule]
        wrap = textwrap.TextWrapper(width=100, initial_indent="    ", subsequent_indent="      ")
        lines = [f"{MARKS[finding.verdict]} {finding.scenario} / {finding.rule}"]
        lines += wrap.wrap(f"what happened: {finding.happened}")
        lines += wrap.wrap(f"the flow requires: {rule.requires}")
        lines += wrap.wrap(f"source: {'; '.join(rule.sources)}")
        if finding.verdict == FAIL:
            lines += wrap.wrap(f"fix: {rule.fix}")
        if finding.journey:
            lines.append(f"    journey: {finding.journey}")
        return lines

    # --- files ------------------------------------------------------------------------

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "startedAt": self.started_at,
            "seconds": round(self.seconds, 2),
            "timeScale": self.time_scale,
            "walletUrl": self.wallet_url,
            "consoleUrl": self.console_url,
            "config": self.config,
            "takenBack": self.taken_back,
            "counts": {v: self.count(v) for v in MARKS},
            "findings": [
                {
                    **asdict(f),
                    "requires": RULES[f.rule].requires,
                    "sources": list(RULES[f.rule].sources),
                    **({"fix": RULES[f.rule].fix} if f.verdict == FAIL else {}),
                }
                for f in self.findings
            ],
        }

    def junit(self) -> str:
        suite = ET.Element(
            "testsuite",
            name="check-merchant",
            tests=str(len(self.findings)),
            failures=str(self.count(FAIL)),
            errors=str(self.count(ERROR)),
            skipped=str(self.count(NOT_SEEN)),
            time=f"{self.seconds:.3f}",
            timestamp=self.started_at,
        )
        for finding in self.findings:
            case = ET.SubElement(suite, "testcase", classname=f"check-merchant.{finding.scenario}", name=finding.rule)
            text = "\n".join(self.explain(finding)) if finding.verdict != PASS else ""
            if finding.verdict == FAIL:
                ET.SubElement(case, "failure", message=finding.happened[:500]).text = text
            elif finding.verdict == ERROR:
                ET.SubElement(case, "error", message=finding.happened[:500]).text = text
            elif finding.verdict == NOT_SEEN:
                ET.SubElement(case, "skipped", message=f"not seen: {finding.happened[:480]}")
            else:
                ET.SubElement(case, "system-out").text = finding.happened
        ET.indent(suite)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)
