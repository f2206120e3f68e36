"""Readers' questions are kept for VNPOS_RETENTION_DAYS, then purged, once a day."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.telegram.persistence import ChatStateStore

if TYPE_CHECKING:
    from bot.runtime import Services

log = logging.getLogger(__name__)

DAY_S = 24 * 3600
# The first purge of a start opens its own database connections; a minute after the
# service is ready, it no longer competes with the first readers' answers.
FIRST_PURGE_AFTER_S = 60


def purge_once(services: Services, retention_days: int) -> int:
    """Delete stored answers, and Telegram chat state idle, beyond the retention."""
    removed = services.store.purge(older_than_days=retention_days)
    if removed:
        log.info("purged %d answers older than %d days", removed, retention_days)
    chats = ChatStateStore(services.settings.app_database_url)
    try:
        idle = chats.purge(older_than_days=retention_days)
    finally:
        chats.close()
    if idle:
        log.info("forgot %d Telegram chats and users idle for %d days", idle, retention_days)
    return removed


async def purge_daily(loaded: Callable[[], Services | None], retention_days: int) -> None:
    """Purge soon after the services are loaded, then every day; 0 days keeps everything."""
    if retention_days <= 0:
        return
    services = await asyncio.to_thread(loaded)
    await asyncio.sleep(FIRST_PURGE_AFTER_S)
    while services is not None:
        try:
            await asyncio.to_thread(purge_once, services, retention_days)
        except Exception:
            log.exception("the daily purge of old answers failed")
        await asyncio.sleep(DAY_S)
