"""The health report as a few lines for a terminal: one line per finding, grouped by area."""

from __future__ import annotations

from zicht.ops.report import AREA_TITLES, HealthReport, Severity

MARKS = {Severity.OK: "ok  ", Severity.ATTENTION: "ATTN"}


def render_status(report: HealthReport) -> str:
    lines = [f"Zicht status {report.checked_at:%Y-%m-%d %H:%M} UTC  data: {report.data_dir}"]
    if report.unreadable:
        lines.append(f"CANNOT READ STATE: {report.unreadable}")
        return "\n".join(lines)
    for area, title in AREA_TITLES.items():
        findings = report.in_area(area)
        if not findings:
            continue
        lines.append(title)
        lines.extend(f"  {MARKS[f.severity]}  {f.message}" for f in findings)
    count = len(report.attention)
    lines.append(f"{count} finding(s) need attention" if count else "all ok")
    return "\n".join(lines)
