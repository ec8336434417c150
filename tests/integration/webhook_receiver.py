"""A local webhook endpoint for the integration tests: records every POST
(path, headers, body, whether its Standard Webhooks signature verifies with
the secret registered for its path) and answers as told, per path:

    r = WebhookReceiver(); r.start()
    r.secrets["/std"] = "whsec_..."            # verify this path's signatures
    r.plan("/flaky", [500])                    # the next answers, then 200
    r.plan("/limited", [(429, {"Retry-After": "1"})])
    r.plan("/slow", ["hang"])                  # holds the request (r.release())
    r.plan("/moved", ["redirect"])             # 302 to /elsewhere
    r.plan("/big", ["huge"])                   # 200 with a 5 MB body
    r.wait_for("/std", 2)                      # the deliveries, once there

Standard Webhooks (https://www.standardwebhooks.com): webhook-signature is
"v1,<base64 HMAC-SHA256 of '{webhook-id}.{webhook-timestamp}.{body}'>"
keyed with the base64-decoded part of the secret after "whsec_"; several
space-separated signatures may be given."""

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time


def sign(secret, msg_id, timestamp, body):
    key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
    mac = hmac.new(key, b"%s.%s.%s" % (msg_id.encode(), str(timestamp).encode(), body),
                   hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def verify(secret, headers, body):
    """Whether the request's signature verifies with `secret`."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    given = headers.get("webhook-signature")
    if not (msg_id and timestamp and given):
        return False
    want = sign(secret, msg_id, timestamp, body)
    return any(hmac.compare_digest(want, s) for s in given.split(" "))


class Delivery:
    def __init__(self, path, headers, body, verified, answered):
        self.path = path
        self.headers = headers  # lower-case names
        self.body = body
        self.verified = verified
        self.answered = answered  # the status this attempt got
        self.at = time.time()

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "Delivery(%s %s %s)" % (self.path, self.headers.get("webhook-id"),
                                       self.answered)


class WebhookReceiver:
    def __init__(self):
        self.secrets = {}
        self.deliveries = []
        self._plans = {}
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server = None

    @property
    def port(self):
        return self._server.server_address[1]

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def plan(self, path, answers):
        with self._lock:
            self._plans[path] = list(answers)

    def release(self):
        """Lets every held ("hang") request answer 200."""
        self._released.set()

    def received(self, path):
        with self._lock:
            return [d for d in self.deliveries if d.path == path]

    def wait_for(self, path, count, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.received(path)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError("%d deliveries to %s, wanted %d: %r" % (
            len(self.received(path)), path, count, self.received(path)))

    def _next_answer(self, path):
        with self._lock:
            plan = self._plans.get(path)
            return plan.pop(0) if plan else 200

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                secret = receiver.secrets.get(self.path)
                verified = verify(secret, headers, body) if secret else None
                answer = receiver._next_answer(self.path)
                status, extra, payload = 200, {}, b"ok"
                if answer == "hang":
                    delivery = Delivery(self.path, headers, body, verified, "hang")
                    with receiver._lock:
                        receiver.deliveries.append(delivery)
                    receiver._released.wait(60)
                    status = 200
                elif answer == "redirect":
                    status, extra = 302, {"Location": receiver.url("/elsewhere")}
                elif answer == "huge":
                    payload = b"x" * (5 * 1024 * 1024)
                elif isinstance(answer, tuple):
                    status, extra = answer
                else:
                    status = answer
                if answer != "hang":
                    with receiver._lock:
                        receiver.deliveries.append(
                            Delivery(self.path, headers, body, verified, status))
                try:
                    self.send_response(status)
                    for k, v in extra.items():
                        self.send_header(k, v)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up or died

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
