"""Sessions kept in the database and read through the shared cache (Redis).

Every signed-in page reads its session; from the cache that is one lookup instead of a
query. The database stays the record. A cache that cannot be reached is read around (the
row is read instead, and not cached), and a session leaves the cache before its row: if the
cache cannot be told, the logout fails rather than leave a copy behind that would let the
session in again once the cache answers.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    def load(self) -> dict:
        try:
            data = self._cache.get(self.cache_key)
            reachable = True
        except Exception:  # an invalid key, or a cache that does not answer
            data, reachable = None, False
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        if reachable:
            try:
                self._cache.set(
                    self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date)
                )
            except Exception:
                logger.warning("Could not cache session; it is read from the database.")
        return data

    def exists(self, session_key: str) -> bool:
        # The row decides; a copy in the cache never outlives it (see delete).
        return super(CachedDBStore, self).exists(session_key)

    def save(self, must_create: bool = False) -> None:
        super(CachedDBStore, self).save(must_create)
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:
            # An older copy must not be read instead of what was just saved.
            try:
                self._cache.delete(self.cache_key)
            except Exception:
                # Unreachable for writes is unreachable for reads: the row is read while
                # it lasts, and the copy expires with the session it copied.
                logger.warning("Could not drop the cached session; the cache is unreachable.")
            logger.warning("Could not cache session; it is read from the database.")

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._cache.delete(self.cache_key_prefix + session_key)  # first: see the docstring
        super(CachedDBStore, self).delete(session_key)

    def cycle_key(self) -> None:
        """A new key at login, as Django's, that still logs in while the cache is down.

        The old key's row is deleted; its cached copy too, or left to expire while the
        cache cannot be reached. That copy holds the session from before the login (an
        anonymous one, or a login still held at its second factor), so a copy coming back
        with the cache grants nothing the new session does not.
        """
        data = self._session
        key = self.session_key
        self.create()
        self._session_cache = data
        if key:
            try:
                self._cache.delete(self.cache_key_prefix + key)
            except Exception:
                logger.warning("Could not drop the session cached before login; it expires.")
            super(CachedDBStore, self).delete(key)
