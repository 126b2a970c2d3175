"""Attachments (photos and scans: sign-in sheets in the ledger, evidence in an assessment): which files are
accepted. The type is read from the content, never the name."""
from __future__ import annotations

MAX_BYTES = 10 * 1024 * 1024

#: Leading bytes of each accepted format, to its media type and file extension.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def sniff(data: bytes) -> tuple[str, str] | None:
    """(media type, extension) of an image or PDF, judged by its magic bytes; None for anything else."""
    for magic, media_type, extension in _SIGNATURES:
        if data.startswith(magic):
            return media_type, extension
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def problem(data: bytes, filename: str) -> str | None:
    """Why the file cannot be attached (Chinese, naming the file), or None."""
    name = filename or "附件"
    if not data:
        return f"“{name}”是空文件"
    if len(data) > MAX_BYTES:
        return f"“{name}”超过 {MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传"
    if sniff(data) is None:
        return f"“{name}”不是图片（JPG、PNG、GIF、WebP）或 PDF 文件"
    return None
