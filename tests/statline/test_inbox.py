"""StatLine downloads dropped into the inbox: landed and removed, or quarantined with the reason."""

import json

import duckdb
import pytest

from tests.statline.conftest import settings_for
from zicht.extracts.inbox import raise_for_rejections
from zicht.statline.inbox import land_statline_inbox, pending_statline_files
from zicht.synth.statline_export import write_statline_csv


@pytest.fixture
def settings(tmp_path, server):
    settings = settings_for(tmp_path / "data", server.catalog_url)
    (settings.data_dir / "inbox" / "statline").mkdir(parents=True)
    return settings


def test_a_good_download_is_loaded_and_leaves_the_inbox(settings, synthetic_dir):
    inbox = settings.data_dir / "inbox" / "statline"
    write_statline_csv("85984NED", synthetic_dir, inbox)  # named as StatLine names it
    assert len(pending_statline_files(settings)) == 1

    outcomes = land_statline_inbox(settings)

    assert [o["outcome"] for o in outcomes] == ["loaded"]
    assert pending_statline_files(settings) == []
    warehouse = duckdb.connect(str(settings.warehouse_path), read_only=True)
    assert warehouse.execute("select count(*) from raw.cbs__85984ned").fetchone()[0] == outcomes[0]["rows"]
    raise_for_rejections(outcomes)  # nothing rejected: no error


def test_a_bad_download_is_quarantined_with_file_line_and_rule(settings):
    inbox = settings.data_dir / "inbox" / "statline"
    (inbox / "85984NED.csv").write_text('"Wijken en buurten";"Onbekende kolom (aantal)"\n"GM0001";"1"\n')

    outcomes = land_statline_inbox(settings)

    assert [o["outcome"] for o in outcomes] == ["rejected"]
    quarantined = list((settings.data_dir / "quarantine" / "statline").glob("*_85984NED.csv"))
    assert len(quarantined) == 1 and pending_statline_files(settings) == []
    reason = json.loads(quarantined[0].with_name(quarantined[0].name + ".reason.json").read_text())
    assert reason["rule"] == "column_title_known" and reason["line"] == 1
    assert outcomes[0]["quarantine_path"] == str(quarantined[0])
    with pytest.raises(RuntimeError, match="85984NED.csv"):
        raise_for_rejections(outcomes)
