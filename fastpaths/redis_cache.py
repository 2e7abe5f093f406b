"""Django's Redis cache, keeping one client per connection pool.

Django builds a new `redis.Redis` client for every cache call; redis-py's client
constructor is a visible share of a `get` on a page (sessions, throttles, cached lists).
A client holds no connection of its own (it borrows one from the pool per command), so
one per pool serves every thread and request of the process.
"""

import logging

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

logger = logging.getLogger(__name__)


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write: bool = False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient


class DegradingRedisCache(RedisCache):
    """The shared cache, read around while Redis cannot be reached.

    Redis is a cache here, never the record: a read that cannot reach it is a miss, a
    write is skipped, both with a logged warning, so throttles allow, cached lists are
    built from the database and the request is served. What must not be skipped (ending
    a session) uses the strict `RedisCache` under its own alias.
    """

    def get(self, key, default=None, version=None):
        return _degrading(
            lambda: super(DegradingRedisCache, self).get(key, default, version), default
        )

    def get_many(self, keys, version=None):
        return _degrading(lambda: super(DegradingRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return _degrading(lambda: super(DegradingRedisCache, self).has_key(key, version), False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return _degrading(
            lambda: super(DegradingRedisCache, self).add(key, value, timeout, version), False
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        _degrading(lambda: super(DegradingRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return _degrading(
            lambda: super(DegradingRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return _degrading(
            lambda: super(DegradingRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None):
        return _degrading(lambda: super(DegradingRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        _degrading(lambda: super(DegradingRedisCache, self).delete_many(keys, version), None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except CACHE_UNREACHABLE as error:
            _warn(error)
            raise ValueError(f"Key {key!r} not found: the cache is unreachable.") from error


CACHE_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _degrading(call, fallback):
    try:
        return call()
    except CACHE_UNREACHABLE as error:
        _warn(error)
        return fallback


def _warn(error: Exception) -> None:
    logger.warning("Cache unreachable (%s); served without it.", error)
