"""Dependencies handed to route functions: resources owned by the app, and access checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.answering import Answerer
from bot.chat import Chats
from bot.runtime import Services
from bot.settings import Settings
from bot.store import AppStore
from bot.web.console.sessions import ConsoleSessions
from bot.web.loader import ServiceLoader
from bot.web.metrics import Metrics
from bot.web.proxies import TrustedProxies
from bot.web.security import WIDGET_KEY_HEADER, AccessDenied, AdminKeys, Caller, WidgetPolicy
from bot.web.shared_limits import Limiter, SharedLimits
from retrieval.knowledge_base import KnowledgeBase

STARTING_RETRY_S = 5
UNAVAILABLE_RETRY_S = 30


@dataclass(frozen=True)
class WebState:
    """What the app builds once and every request shares."""

    settings: Settings
    loader: ServiceLoader
    metrics: Metrics
    admin_keys: AdminKeys
    widget_policy: WidgetPolicy
    ip_limiter: Limiter
    key_limiter: Limiter
    shared_limits: SharedLimits | None
    proxies: TrustedProxies
    console_sessions: ConsoleSessions


def get_state(request: Request) -> WebState:
    """Return the app's shared state."""
    state: WebState = request.app.state.web
    return state


StateDep = Annotated[WebState, Depends(get_state)]


def get_services(state: StateDep) -> Services:
    """Return the loaded services, or answer 503 while they are still loading."""
    services = state.loader.services
    if services is not None:
        return services
    if state.loader.state == "failed":
        raise HTTPException(
            status_code=503,
            detail="The service is unavailable: it could not open its document index. "
            "The operator has the details in the server log.",
            headers={"Retry-After": str(UNAVAILABLE_RETRY_S)},
        )
    raise HTTPException(
        status_code=503,
        detail="The service is starting (loading the model and index); retry shortly.",
        headers={"Retry-After": str(STARTING_RETRY_S)},
    )


ServicesDep = Annotated[Services, Depends(get_services)]


def get_knowledge_base(services: ServicesDep) -> KnowledgeBase:
    """Return the knowledge base."""
    return services.knowledge_base


def get_store(services: ServicesDep) -> AppStore:
    """Return the store of answers, feedback and unanswered questions."""
    return services.store


def get_chats(services: ServicesDep) -> Chats:
    """Return the chats: their turns and the answer slots every channel shares."""
    return services.chats


def get_answerer(services: ServicesDep) -> Answerer:
    """Return the answerer."""
    return services.answerer


KnowledgeBaseDep = Annotated[KnowledgeBase, Depends(get_knowledge_base)]
StoreDep = Annotated[AppStore, Depends(get_store)]
AnswererDep = Annotated[Answerer, Depends(get_answerer)]
ChatsDep = Annotated[Chats, Depends(get_chats)]


def _refuse(denied: AccessDenied) -> HTTPException:
    headers = {"WWW-Authenticate": "Bearer"} if denied.status_code == 401 else None
    return HTTPException(status_code=denied.status_code, detail=denied.message, headers=headers)


_bearer = HTTPBearer(auto_error=False, description="An admin key from VNPOS_ADMIN_API_KEYS.")


def require_admin(
    state: StateDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """Refuse the request unless it carries a valid admin bearer key."""
    try:
        state.admin_keys.authorize(credentials.credentials if credentials else None)
    except AccessDenied as denied:
        raise _refuse(denied) from None


def require_local_admin(
    state: StateDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """Refuse the request unless it carries this server's local credential."""
    if not state.admin_keys.is_local(credentials.credentials if credentials else None):
        raise HTTPException(
            status_code=403,
            detail="Only local commands (with the credential in the data dir) may do this.",
        )


def get_caller(request: Request, state: StateDep) -> Caller:
    """Check the widget key against the origin, then the rate limits; return the caller."""
    key = request.headers.get(WIDGET_KEY_HEADER) or None
    origin = request.headers.get("origin")
    own_origin = f"{request.url.scheme}://{request.url.netloc}"
    try:
        state.widget_policy.check(key=key, origin=origin, own_origin=own_origin)
    except AccessDenied as denied:
        raise _refuse(denied) from None
    peer = request.client.host if request.client else "-"
    ip = state.proxies.client_ip(peer, request.headers.get("x-forwarded-for"))
    caller = Caller(key=key, origin=origin, ip=ip)
    wait = state.ip_limiter.acquire(f"ip:{caller.ip}")
    if not wait and caller.key:
        wait = state.key_limiter.acquire(f"key:{caller.key}")
    if wait:
        raise HTTPException(
            status_code=429,
            detail=f"Too many requests; retry in {wait} s.",
            headers={"Retry-After": str(wait)},
        )
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]
AdminDep = Depends(require_admin)
