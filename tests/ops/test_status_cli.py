import json
from datetime import timedelta

from tests.ops.conftest import CBS_TABLES, quarantine, write_gate_run
from zicht.cli import main


def test_all_ok_exits_0_and_prints_one_line_per_finding(healthy, capsys):
    assert main(["status"]) == 0

    out = capsys.readouterr().out
    for title in ("Publication", "Quality gate", "Sources", "Quarantine"):
        assert f"\n{title}\n" in out
    assert out.rstrip().endswith("all ok")
    assert "ATTN" not in out


def test_attention_exits_1_and_shows_what(healthy, now, capsys):
    write_gate_run(healthy, "gate-bad", now - timedelta(minutes=5), failing=("region codes are unique",))
    quarantine(healthy, "kvk", "bad.csv", {"reason": "not UTF-8"})

    assert main(["status"]) == 1

    out = capsys.readouterr().out
    assert "ATTN  publication blocked: gate run gate-bad failed on region_population: region codes" in out
    assert "ATTN  kvk/bad.csv: not UTF-8" in out
    assert "3 finding(s) need attention" in out


def test_json_output_parses_and_matches_exit_code(healthy, now, capsys):
    assert main(["status", "--json"]) == 0
    healthy_report = json.loads(capsys.readouterr().out)
    assert healthy_report["needs_attention"] is False
    assert {f["area"] for f in healthy_report["findings"]} == {
        "publication",
        "quality_gate",
        "sources",
        "quarantine",
        "runs",
    }

    write_gate_run(healthy, "gate-bad", now - timedelta(minutes=5), failing=("region codes are unique",))
    assert main(["status", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["needs_attention"] is True
    assert "quality_gate:publication_blocked:publication" in {f["key"] for f in report["findings"]}


def test_unreadable_state_exits_2(settings, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ZICHT_DATA_DIR", str(tmp_path / "absent"))

    assert main(["status", "--json"]) == 2

    assert "does not exist" in json.loads(capsys.readouterr().out)["unreadable"]


def test_status_alert_records_alerts_once(settings, capsys):
    # A fresh data dir: nothing published, no gate, CBS expected but never landed.
    assert main(["status", "--alert"]) == 1
    assert main(["status", "--alert"]) == 1

    lines = (settings.data_dir / "ops" / "alerts.jsonl").read_text().splitlines()
    kinds = sorted(json.loads(line)["kind"] for line in lines)
    assert kinds == ["gate_never_ran", "publication_missing", *["source_never_landed"] * len(CBS_TABLES)]
