"""A stored document served as a download, the same for the case page and the API."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from engine.running.queries import DocumentInfo


def attachment(info: DocumentInfo, data: bytes) -> Response:
    """An attachment, never sniffed or rendered: the file name both as ASCII fallback and as
    RFC 5987 UTF-8, and a sandboxing policy in case a browser opens it anyway."""
    fallback = info.filename.encode("ascii", "replace").decode().replace('"', "_")
    fallback = fallback.replace("?", "_").replace("\\", "_")
    response = Response(data, status=200)
    response.headers["Content-Type"] = info.content_type
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(info.filename, safe='')}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
