"""`make docs`: the dbt documentation (lineage from source to dashboard) and the Great Expectations
Data Docs, built into data/docs/ and served together on 127.0.0.1."""

from __future__ import annotations

import functools
import shutil
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from zicht.settings import Settings, get_settings
from zicht.transform import DBT_PROJECT_DIR, run_dbt

DOCS_PORT = 8081
DBT_DOC_FILES = ("index.html", "manifest.json", "catalog.json")

INDEX = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Zicht — documentatie</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Zicht — documentatie</h1>
<ul>
<li><a href="dbt/index.html">dbt: modellen, bronnen, tests en lineage tot het dashboard</a></li>
<li><a href="quality/index.html">Great Expectations Data Docs: de kwaliteitspoort</a>{quality_note}</li>
</ul>
</body></html>
"""


def build_docs(settings: Settings | None = None) -> Path:
    settings = settings or get_settings()
    site = settings.data_dir / "docs"
    shutil.rmtree(site, ignore_errors=True)
    (site / "dbt").mkdir(parents=True)
    run_dbt("docs", "generate", settings=settings)
    for name in DBT_DOC_FILES:
        shutil.copyfile(DBT_PROJECT_DIR / "target" / name, site / "dbt" / name)
    data_docs = settings.quality_dir / "data_docs"
    quality_note = ""
    if (data_docs / "index.html").exists():
        shutil.copytree(data_docs, site / "quality")
    else:
        quality_note = " (nog niet gebouwd: de poort heeft nog niet gedraaid)"
    (site / "index.html").write_text(INDEX.format(quality_note=quality_note), encoding="utf-8")
    return site


def serve_docs(site: Path, port: int = DOCS_PORT) -> None:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    with ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"documentation on http://127.0.0.1:{port}/ (Ctrl-C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
