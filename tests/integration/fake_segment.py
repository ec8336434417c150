"""A local stand-in for Segment's HTTP Tracking API (POST /v1/batch) that
checks what Segment checks and can misbehave on demand.

Checks, per ../shared/notes/segment-protocol.md §3 (stricter where Segment
would silently drop data):
  - Authorization: Basic base64("<writeKey>:") with a known write key, else 401
  - Content-Type: application/json, else 400
  - body at most 500 KB and valid JSON with a "batch" list, else 400
  - at most 2,500 messages (Segment answers 200 and drops them), else 400
  - every message: "type", "userId" or "anonymousId", "messageId" under 100
    characters, at most 32 KB serialised, else 400
Messages of a request answered 200 are recorded in `received`.

Faults: fail_next(count, status=..., retry_after=..., hang=..., key=...)
makes the next `count` batch requests (with write key `key`, when given)
answer `status` (with Retry-After) or hang for `hang` seconds before
answering 200 unrecorded (the client has given up). `delay` slows every
batch down: it waits that long, then records and answers as usual, so a
client that gives up meanwhile sends a batch that did arrive.

Use in-process (FakeSegment(...).start(), .url is the API base for
callexa_segment_api) or as a script for benchmarks:
  python3 fake_segment.py --port 8099 --write-key KEY
with GET /stats for counts and times (first batch request, last accepted
one) and POST /control {"count":..,"status":..} for
faults ({"delay": seconds} slows down, {"reset": true} forgets all).
Standard library only.
"""

import argparse
import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BATCH_BYTES = 500 * 1024
MAX_MESSAGE_BYTES = 32 * 1024
MAX_MESSAGES = 2500


class FakeSegment:
    def __init__(self, write_keys, host="127.0.0.1", port=0):
        self.write_keys = set(write_keys)
        self.lock = threading.Lock()
        self.received = []      # accepted messages, in order
        self.requests = []      # (status, write key, message count) per batch request
        self.content_types = set()
        self.user_agents = set()
        self.faults = []        # pending fault dicts, one per request
        self.delay = 0.0        # seconds before each batch is recorded
        self.first_request_at = None   # time.time() of the first batch request
        self.last_accepted_at = None   # and of the last one recorded as 200
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer((host, port), self._handler_class())
        self.server.daemon_threads = True
        self.thread = None

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return "http://%s:%d/v1" % (host, port)

    def start(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, count, status=500, retry_after=None, hang=None, key=None):
        with self.lock:
            for _ in range(count):
                self.faults.append({"status": status, "retry_after": retry_after,
                                    "hang": hang, "key": key})

    def _take_fault(self, key):
        """The first pending fault for write key `key`; call with the lock."""
        for i, f in enumerate(self.faults):
            if f["key"] is None or f["key"] == key:
                return self.faults.pop(i)
        return None

    def reset(self):
        with self.lock:
            self.received.clear()
            self.requests.clear()
            self.faults.clear()
            self.delay = 0.0
            self.first_request_at = self.last_accepted_at = None

    def snapshot(self):
        """(received messages, request log) copies."""
        with self.lock:
            return list(self.received), list(self.requests)

    def by_message_id(self):
        """messageId -> list of the accepted copies."""
        out = {}
        for m in self.snapshot()[0]:
            out.setdefault(m["messageId"], []).append(m)
        return out

    def stats(self):
        with self.lock:
            ids = {m["messageId"] for m in self.received}
            return {"messages": len(self.received), "unique_messages": len(ids),
                    "requests": len(self.requests),
                    "accepted_requests": sum(1 for r in self.requests if r[0] == 200),
                    "first_request_at": self.first_request_at,
                    "last_accepted_at": self.last_accepted_at}

    # -- the checks --------------------------------------------------------

    def check(self, headers, body):
        """(status, answer, write key, messages) for one /v1/batch request."""
        auth = headers.get("Authorization", "")
        key = None
        if auth.startswith("Basic "):
            try:
                user, sep, _ = base64.b64decode(auth[6:], validate=True).decode().partition(":")
                if sep:
                    key = user
            except (ValueError, UnicodeDecodeError):
                key = None
        if key not in self.write_keys:
            return 401, {"code": "unauthorized", "message": "invalid write key"}, key, []
        ctype = headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            return 400, {"message": "Content-Type must be application/json"}, key, []
        if len(body) > MAX_BATCH_BYTES:
            return 400, {"message": "batch over 500 KB"}, key, []
        try:
            doc = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            return 400, {"message": "invalid JSON: %s" % e}, key, []
        batch = doc.get("batch") if isinstance(doc, dict) else None
        if not isinstance(batch, list):
            return 400, {"message": "batch must be a list"}, key, []
        if len(batch) > MAX_MESSAGES:
            return 400, {"message": "more than 2500 messages"}, key, []
        for i, m in enumerate(batch):
            problem = self.check_message(m)
            if problem:
                return 400, {"message": "batch[%d]: %s" % (i, problem)}, key, []
        return 200, {"success": True}, key, batch

    @staticmethod
    def check_message(m):
        if not isinstance(m, dict):
            return "not an object"
        if not m.get("type"):
            return "type is required"
        if not m.get("userId") and not m.get("anonymousId"):
            return "no_user_anon_id"
        mid = m.get("messageId")
        if not isinstance(mid, str) or not mid or len(mid) >= 100:
            return "messageId must be a string under 100 characters"
        size = len(json.dumps(m, ensure_ascii=False, separators=(",", ":")).encode())
        if size > MAX_MESSAGE_BYTES:
            return "message over 32 KB (%d bytes)" % size
        return None

    # -- HTTP --------------------------------------------------------------

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, status, obj, extra_headers=()):
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in extra_headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/stats":
                    return self._answer(200, fake.stats())
                return self._answer(404, {"message": "not found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path == "/control":
                    spec = json.loads(body or b"{}")
                    if spec.get("reset"):
                        fake.reset()
                    if "delay" in spec:
                        fake.delay = float(spec["delay"])
                    fake.fail_next(int(spec.get("count", 0)), spec.get("status", 500),
                                   spec.get("retry_after"), spec.get("hang"))
                    return self._answer(200, {"success": True})
                if self.path != "/v1/batch":
                    return self._answer(404, {"message": "not found"})
                with fake.lock:
                    if fake.first_request_at is None:
                        fake.first_request_at = time.time()
                status, answer, key, batch = fake.check(self.headers, body)
                with fake.lock:
                    fault = fake._take_fault(key) if status == 200 else None
                    fake.content_types.add(self.headers.get("Content-Type", ""))
                    fake.user_agents.add(self.headers.get("User-Agent", ""))
                    delay = fake.delay
                if fault is not None:
                    if fault["hang"]:
                        fake.stopping.wait(fault["hang"])
                        status, answer, batch = 200, {"success": True}, []
                        with fake.lock:
                            fake.requests.append(("hang", key, 0))
                        try:
                            return self._answer(status, answer)
                        except OSError:
                            return None
                    status, batch = fault["status"], []
                    answer = {"message": "injected %d" % status}
                if delay:
                    fake.stopping.wait(delay)
                with fake.lock:
                    fake.requests.append((status, key, len(batch)))
                    fake.received.extend(batch)
                    if status == 200:
                        fake.last_accepted_at = time.time()
                headers = []
                if fault is not None and fault.get("retry_after") is not None:
                    headers.append(("Retry-After", str(fault["retry_after"])))
                try:
                    self._answer(status, answer, headers)
                except OSError:
                    pass  # the client gave up (a delay, a quitting worker)

        return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--write-key", action="append", required=True)
    args = p.parse_args()
    fake = FakeSegment(args.write_key, port=args.port).start()
    print(fake.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
