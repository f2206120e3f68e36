"""Hostile uploads against a real `vnpos serve`: compression bombs and a trickling URL.

    python bench/bombs.py

Starts `vnpos serve` on a temporary data dir (rate limits off, loopback
allowlisted for the trickle), then prints, for each: how long the refusal took, its
message, and the server's resident memory before and after (VmRSS; VmHWM for the peak).
The builders are also used by tests/retrieval/test_loaders.py.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import docx
import httpx

_MB = 1_000_000


def docx_bomb(path: Path, *, xml_mb: int = 170) -> Path:
    """Write a real docx whose document.xml is padded to ``xml_mb`` MB of repeated XML."""
    source = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Thông cáo báo chí")
    document.save(source)
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bomb,
    ):
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename != "word/document.xml":
                bomb.writestr(item, data)
                continue
            head, tail = data.split(b"</w:body>")
            padding = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 10_000
            with bomb.open("word/document.xml", "w", force_zip64=True) as out:
                out.write(head)
                for _ in range(xml_mb * _MB // len(padding)):
                    out.write(padding)
                out.write(b"</w:body>" + tail)
    return path


def pdf_bomb(path: Path, *, inflated_mb: int = 100) -> Path:
    """Write a one-page PDF whose content stream inflates to ``inflated_mb`` MB."""
    compressor = zlib.compressobj(9)
    block = b" " * _MB
    stream = b"".join(compressor.compress(block) for _ in range(inflated_mb))
    stream += compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    path.write_bytes(pdf_file(objects))
    return path


def pdf_file(objects: list[bytes]) -> bytes:
    """Return a PDF holding ``objects`` (numbered from 1), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _memory_mb(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


class _Trickle(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        for _ in range(120):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(5)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.load_ask import free_port, vnpos, wait_ready

    trickle = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    trickle.daemon_threads = True
    threading.Thread(target=trickle.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="vnpos-bombs-") as tmp:
        root = Path(tmp)
        env = {
            **os.environ,
            "VNPOS_DATA_DIR": str(root / "data"),
            "VNPOS_ADMIN_API_KEYS": "bench",
            "VNPOS_URL_ALLOWLIST": "127.0.0.1",
            "VNPOS_URL_DEADLINE_S": "20",
            "VNPOS_RATE_LIMIT_IP_PER_MIN": "0",
        }
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = vnpos("serve", "--port", str(port), env=env, stderr=subprocess.DEVNULL)
        try:
            wait_ready(url, timeout=180)
            admin = {"Authorization": "Bearer bench"}
            docs = f"{url}/api/admin/documents"
            bombs = [
                ("docx bomb", docx_bomb(root / "bomb.docx", xml_mb=170)),
                ("pdf bomb", pdf_bomb(root / "bomb.pdf", inflated_mb=100)),
            ]
            for label, path in bombs:
                before = _memory_mb(server.pid)
                started = time.perf_counter()
                with path.open("rb") as upload:
                    response = httpx.post(
                        docs, headers=admin, files={"file": (path.name, upload)}, timeout=600
                    )
                seconds = time.perf_counter() - started
                after = _memory_mb(server.pid)
                print(
                    f"{label}: {path.stat().st_size / 1e3:.0f} kB upload -> HTTP "
                    f"{response.status_code} in {seconds:.2f} s; server RSS "
                    f"{before['VmRSS']:.0f} -> {after['VmRSS']:.0f} MB "
                    f"(+{after['VmRSS'] - before['VmRSS']:.0f} MB, peak {after['VmHWM']:.0f} MB)"
                )
                print(f"  {response.json().get('detail')}")
            started = time.perf_counter()
            slow = f"http://127.0.0.1:{trickle.server_address[1]}/slow.txt"
            response = httpx.post(docs, headers=admin, json={"url": slow}, timeout=600)
            print(
                f"trickling URL (1 byte / 5 s), deadline 20 s: HTTP {response.status_code} after "
                f"{time.perf_counter() - started:.1f} s; {response.json().get('detail')}"
            )
        finally:
            server.terminate()
            server.wait(timeout=60)
            trickle.shutdown()


if __name__ == "__main__":
    main()
