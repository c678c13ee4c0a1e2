"""Who may drive an app (docs/security.md): one middleware, used by every app, applies
an ``Access`` (``access.py``) in this order:

1. ``Host``: the request must name this simulator (a loopback name, the address it came
   to, or a name the person running it allowed): a page of another site whose name
   resolves here (DNS rebinding) gets 421 Misdirected Request.
2. The caller: from an address that is not loopback, the private paths (control plane,
   keys, the container's proxy, the console) need the simulator's token: ``Authorization:
   Bearer``, ``X-Sim-Token``, or the cookie that ``?sim_token=`` sets in a browser. 401.
3. State changes (POST, PUT, PATCH, DELETE) come from our own pages or from no page at
   all: another origin's ``Origin`` (or ``Sec-Fetch-Site: cross-site``) gets 403, and a
   body that is not JSON gets 415 (another site cannot send JSON without a CORS
   preflight, which no app grants).

Each app says which of its paths are private, which take other bodies (the signed API
checks its own), and how an error looks on its routes."""

from __future__ import annotations

import hmac
from collections.abc import Callable

from aiohttp import web

from .access import TOKEN_COOKIE, TOKEN_FILE, TOKEN_QUERY, Access, bare, host_name, is_loopback, origin_of
from .web import Handler, json_error

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# (request, HTTP status, code, message) -> the response in the route's own error shape.
ErrorShape = Callable[[web.Request, int, str, str], web.StreamResponse]


ACCESS = web.AppKey("access", Access)


def _local_address(request: web.Request) -> str | None:
    """The address the request came to (the socket's), which is ours whatever its name."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if isinstance(sockname, tuple) and sockname:
        return bare(str(sockname[0]))
    return None


def local_caller(request: web.Request) -> bool:
    """A caller on this machine: a loopback address, or the very address it called (the
    kernel sends a connection to one of the machine's own addresses from that address)."""
    remote = request.remote
    return is_loopback(remote) or (remote is not None and bare(remote) == _local_address(request))


def _host_allowed(request: web.Request, access: Access) -> bool:
    header = request.headers.get("Host")
    if header is None:  # HTTP/1.0 without Host: no browser, no rebinding
        return True
    name = host_name(header)
    return name is not None and (name in access.host_names or name == _local_address(request))


def shown_token(request: web.Request) -> str | None:
    """The token a request shows: a header, the cookie, or ``?sim_token=``."""
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("X-Sim-Token") or request.cookies.get(TOKEN_COOKIE) or request.query.get(TOKEN_QUERY)


def _token_ok(request: web.Request, access: Access) -> bool:
    shown = shown_token(request)
    return bool(access.token and shown) and hmac.compare_digest(shown.encode(), access.token.encode())  # type: ignore[union-attr]


def _foreign_origin(request: web.Request, access: Access) -> str | None:
    """What betrays a page of another site, or None."""
    origin = request.headers.get("Origin")
    if origin is not None:
        if origin == "null":
            return "a page with an opaque origin (null)"
        own = f"{request.scheme}://{request.headers.get('Host', request.host)}".lower()
        if origin_of(origin) not in access.origins | {own}:
            return f"a page of {origin[:100]}"
        return None
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return "a page of another site"
    return None


def _declared_not_json(request: web.Request) -> bool:
    """A body declared as something else than JSON: a form, text (what another site's
    page can post without a preflight), XML... An undeclared body (aiohttp's clients say
    application/octet-stream) is read as JSON by the route, which says if it is not."""
    ctype = request.content_type  # application/octet-stream when the header is missing
    if ctype in ("application/json", "application/octet-stream"):
        return False
    return not (ctype.startswith("application/") and ctype.endswith("+json"))


def default_error(request: web.Request, status: int, code: str, message: str) -> web.StreamResponse:
    return json_error(status, code, message)


def middleware(
    *,
    private: Callable[[web.Request], bool],
    error: ErrorShape = default_error,
    other_bodies: Callable[[web.Request], bool] = lambda request: False,
) -> Callable:
    """The middleware, for an app whose ``app[ACCESS]`` holds what it accepts (loopback
    only when unset). ``private``: the paths a non-loopback caller needs the token for;
    ``other_bodies``: the routes that check their own body and callers (no 403/415 here);
    ``error``: the app's error shape for a route."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        access = request.app.get(ACCESS) or Access()
        if not _host_allowed(request, access):
            name = (request.headers.get("Host") or "")[:100]
            return error(
                request,
                421,
                "MISDIRECTED_REQUEST",
                f"this simulator does not answer to the name {name!r}; if it is yours, start the "
                "simulator with --allowed-hosts naming it",
            )
        if private(request) and not local_caller(request) and not _token_ok(request, access):
            return error(
                request,
                401,
                "TOKEN_REQUIRED",
                "from another machine, this path needs the simulator's token (printed at start, and kept in "
                f"the data folder's {TOKEN_FILE} file): send Authorization: Bearer <token>, or open a page "
                f"once with ?{TOKEN_QUERY}=<token>",
            )
        if request.method in STATE_CHANGING and not other_bodies(request):
            foreign = _foreign_origin(request, access)
            if foreign is not None:
                return error(
                    request, 403, "FOREIGN_ORIGIN", f"refused a change sent by {foreign}: only the simulator's pages"
                )
            if request.body_exists and _declared_not_json(request):
                return error(
                    request,
                    415,
                    "JSON_ONLY",
                    f"Content-Type {request.content_type[:60]!r} is not JSON: send application/json",
                )
        response = await handler(request)
        if (
            request.method == "GET"
            and TOKEN_QUERY in request.query
            and not response.prepared
            and _token_ok(request, access)
        ):
            # A browser shown the token once keeps it for the whole host (cookies ignore
            # ports): the console and the apps' pages work from there on.
            response.set_cookie(TOKEN_COOKIE, access.token or "", httponly=True, samesite="Strict", path="/")
        return response

    return guard


def control_plane(request: web.Request) -> bool:
    """``/_sim/*`` but the health check: the paths private on every app."""
    return request.path.startswith("/_sim/") and request.path != "/_sim/health"
