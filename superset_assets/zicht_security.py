"""Zicht's security manager for Superset (CUSTOM_SECURITY_MANAGER): locked accounts and scoped cache keys.

- An account that failed to log in `ZICHT_SUPERSET_LOGIN_FAILURES` times in a row is refused, even
  with the right password, until `ZICHT_SUPERSET_LOCKOUT_SECONDS` have passed since its last failed
  attempt. The count is Flask-AppBuilder's own `fail_login_count` (reset by a good login) and the
  time of the last failure is kept in the account's `changed_on`, both in the metadata database, so
  every gunicorn worker and every login route (the form and the REST API) shares them.
- Every chart-data cache key carries the user's row scope (row_scope.py) beside the row-level
  security clauses Superset already puts there: a result cached for one region's file is never
  served to a user of another scope, even if two scopes had the same clauses.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta

import row_scope
from superset.security import SupersetSecurityManager
from superset.utils.core import get_username

log = logging.getLogger(__name__)


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    number = int(value)
    if number < 1:
        raise RuntimeError(f"{name} must be a positive whole number, not {value!r}")
    return number


LOGIN_FAILURES = _setting("ZICHT_SUPERSET_LOGIN_FAILURES", 5)
LOCKOUT = timedelta(seconds=_setting("ZICHT_SUPERSET_LOCKOUT_SECONDS", 900))


class ZichtSecurityManager(SupersetSecurityManager):
    def _locked_out(self, user) -> bool:
        if (user.fail_login_count or 0) < LOGIN_FAILURES:
            return False
        last_failure = user.changed_on or datetime.min
        return datetime.now() - last_failure < LOCKOUT

    def auth_user_db(self, username, password):
        user = None
        if username:
            user = self.find_user(username=username) or self.find_user(email=username)
        if user is not None and self._locked_out(user):
            log.warning(
                "login refused for %r: locked after %s failed attempts", username, user.fail_login_count
            )
            return None
        authenticated = super().auth_user_db(username, password)
        if authenticated is None and user is not None:
            user.changed_on = datetime.now()  # the time of the last failed attempt
            self.update_user(user)
        return authenticated

    def get_rls_cache_key(self, datasource) -> list[str]:
        return [
            *super().get_rls_cache_key(datasource),
            f"zicht_scope:{row_scope.cache_scope(get_username(), self)}",
        ]
