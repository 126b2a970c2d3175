"""Archive uploads checked before anything unpacks them (an .xlsx file is a zip).

A zip bomb is a small file whose entries inflate to gigabytes; openpyxl would try to read them. The
zip's central directory declares each entry's uncompressed size, so the totals are checked from the
directory alone, without inflating a byte. A directory that lies does not help an attacker: zipfile
never returns more than the declared size of an entry (and then fails its CRC check).
"""
from __future__ import annotations

import io
import posixpath
import zipfile

#: Far above any roster or question bank a branch uploads (a 5,000-row sheet is a few MB unpacked).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 2000
#: Deflate rarely beats 1:100 on real spreadsheets; bombs reach 1:1000 and more.
MAX_RATIO = 200


class UnsafeArchive(ValueError):
    """The archive is refused before it is opened; the message is fit to show to the uploader."""


def check_zip(data: bytes, max_bytes: int = MAX_UNCOMPRESSED_BYTES, max_entries: int = MAX_ENTRIES) -> None:
    """Raise UnsafeArchive for a zip too big when unpacked, with too many entries, or with paths that
    leave the archive (absolute, "..", drive letters). Raises zipfile.BadZipFile for a non-zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        if len(entries) > max_entries:
            raise UnsafeArchive(f"压缩包内文件过多（{len(entries)}个），已拒绝")
        total = 0
        for entry in entries:
            name = entry.filename.replace("\\", "/")
            if name.startswith("/") or ".." in posixpath.normpath(name).split("/") or ":" in name.split("/")[0]:
                raise UnsafeArchive(f"压缩包内有不安全的路径：{entry.filename[:80]}")
            total += entry.file_size
            if total > max_bytes:
                raise UnsafeArchive("文件解压后过大，已拒绝（疑似压缩炸弹）")
            if entry.compress_size and entry.file_size > 1024 * 1024 and entry.file_size / entry.compress_size > MAX_RATIO:
                raise UnsafeArchive("文件压缩比异常，已拒绝（疑似压缩炸弹）")
