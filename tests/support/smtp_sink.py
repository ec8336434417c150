"""An SMTP server for tests and benchmarks: Debian's aiosmtpd with a handler
that keeps every message and can be told to refuse.

    PYTHONPATH=tests/support /usr/bin/python3 -m aiosmtpd -n \
        -l 127.0.0.1:2525 -c smtp_sink.Sink OUTDIR [count-only]

In OUTDIR:
  <n>.eml       each accepted message, byte for byte as received (after
                the SMTP dot-unstuffing), numbered from 1; written to a
                temporary name and renamed, so a reader never sees half
  <n>.json      its envelope: {"mail_from", "rcpt_tos", "peer_port"}
  sessions.log  one line "EHLO|HELO <name> <client port>" per greeting; the
                distinct client ports count the connections

With count-only (for benchmarks, where writing two files per message would
make the sink the slowest part), no .eml or .json is written; instead
  received.log  one line "<n> <unix time>" per accepted message, the time
                in microseconds, appended in one write

Refusals, by the local part of an address (so a test picks the outcome
through the recipient it sends to):
  bounce@...        RCPT TO  550 5.1.1 (permanent: the address bounced)
  tempfail@...      RCPT TO  451 4.3.0 (temporary)
  datareject@...    after the message: 554 5.7.1 (permanent)
  senderreject@...  as MAIL FROM: 553 5.7.1 (the sender is refused)
  busy@...          RCPT TO  421 4.3.2 (the server is shutting down)
  drop@...          after RCPT TO the connection is closed without an answer
  stall@...         DATA is answered only after STALL_SECONDS (default 30)
"""

import asyncio
import itertools
import json
import os
import time

STALL_SECONDS = float(os.environ.get("STALL_SECONDS", "30"))


def _local_part(address):
    return address.rpartition("@")[0].lower()


class Sink:
    def __init__(self, directory, count_only=False):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.numbers = itertools.count(1)
        self.received = None
        if count_only:
            self.received = os.open(os.path.join(directory, "received.log"),
                                    os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) == 1:
            return cls(args[0])
        if len(args) == 2 and args[1] == "count-only":
            return cls(args[0], count_only=True)
        parser.error("smtp_sink.Sink takes the output directory and optionally "
                     "count-only")

    def _log_greeting(self, verb, session, hostname):
        with open(os.path.join(self.directory, "sessions.log"), "a") as log:
            log.write(f"{verb} {hostname} {session.peer[1]}\n")

    def _write(self, name, content):
        path = os.path.join(self.directory, name)
        with open(path + ".tmp", "wb") as f:
            f.write(content)
        os.rename(path + ".tmp", path)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self._log_greeting("EHLO", session, hostname)
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        self._log_greeting("HELO", session, hostname)
        return f"250 {server.hostname}"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if _local_part(address) == "senderreject":
            return "553 5.7.1 Sender address not allowed"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = _local_part(address)
        if local == "bounce":
            return "550 5.1.1 No such user here"
        if local == "tempfail":
            return "451 4.3.0 Try again later"
        if local == "busy":
            return "421 4.3.2 Service shutting down, closing transmission channel"
        if local == "drop":
            server.transport.close()
            return "250 OK"  # never reaches the client
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(_local_part(r) == "datareject" for r in envelope.rcpt_tos):
            return "554 5.7.1 Message rejected as spam"
        if any(_local_part(r) == "stall" for r in envelope.rcpt_tos):
            await asyncio.sleep(STALL_SECONDS)
            return "451 4.3.0 Too late"
        number = next(self.numbers)
        if self.received is not None:
            os.write(self.received, f"{number} {time.time():.6f}\n".encode())
            return f"250 2.0.0 OK queued as {number}"
        self._write(f"{number}.json", json.dumps({
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "peer_port": session.peer[1],
        }).encode())
        self._write(f"{number}.eml", envelope.original_content)
        return f"250 2.0.0 OK queued as {number}"
