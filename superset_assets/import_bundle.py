"""Import a Zicht asset bundle (ZIP) into Superset, overwriting every asset it contains.

Run with Superset's own interpreter (SUPERSET_CONFIG_PATH set):
    .venvs/superset/bin/python superset_assets/import_bundle.py BUNDLE.zip --username admin

Why not `superset import-dashboards`: it overwrites only the dashboards and keeps an existing
database, dataset or chart as it was, so a changed data path or dataset would never arrive.
This uses the command behind `POST /api/v1/assets/import/`, which overwrites everything, and then
removes the datasets earlier bundles imported that the bundle no longer has (--retire).
"""

from __future__ import annotations

import argparse
import sys
from zipfile import ZipFile


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", help="ZIP with one top folder holding metadata.yaml and the assets")
    parser.add_argument("--username", default="admin", help="owner of the imported assets")
    parser.add_argument(
        "--retire",
        action="append",
        default=[],
        metavar="UUID",
        help="a dataset earlier bundles imported: removed unless a chart still reads it (repeatable)",
    )
    args = parser.parse_args()

    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset.commands.exceptions import CommandInvalidError
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.commands.importers.v1.utils import get_contents_from_bundle
        from superset.utils.core import override_user

        from superset import security_manager

        user = security_manager.find_user(username=args.username)
        if user is None:
            print(f"import failed: user {args.username!r} does not exist", file=sys.stderr)
            return 2
        with ZipFile(args.bundle) as bundle:
            contents = get_contents_from_bundle(bundle)
        with override_user(user):
            try:
                ImportAssetsCommand(contents).run()
            except CommandInvalidError as exc:
                # The validation messages say which file and field is wrong; the bare error does not.
                print(f"import failed: {exc.normalized_messages()}", file=sys.stderr)
                return 1
            print(f"imported {len(contents) - 1} assets from {args.bundle}")
            _remove_retired_datasets(args.retire)
    return 0


def _remove_retired_datasets(uuids: list[str]) -> None:
    """Datasets the dashboards no longer use leave an upgraded Superset, unless a chart (one a user
    made, say) still reads them: that one is kept and named."""
    from uuid import UUID

    from superset.commands.dataset.delete import DeleteDatasetCommand
    from superset.connectors.sqla.models import SqlaTable
    from superset.models.slice import Slice

    from superset import db

    retired = db.session.query(SqlaTable).filter(SqlaTable.uuid.in_([UUID(u) for u in uuids])).all()
    for dataset in retired:
        readers = db.session.query(Slice).filter_by(datasource_type="table", datasource_id=dataset.id).count()
        if readers:
            print(f"kept retired dataset {dataset.table_name}: {readers} chart(s) still read it")
            continue
        name = dataset.table_name
        DeleteDatasetCommand([dataset.id]).run()
        print(f"removed retired dataset {name}")


if __name__ == "__main__":
    sys.exit(main())
