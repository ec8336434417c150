"""DKIM end to end (issue 21): nginx with `callexa_dkim` (a 2048-bit RSA key
and an Ed25519 key, both made here with openssl and readable by root only:
the master loads them at configuration time) sends a survey email, a test
email and a report email through a real SMTP server (aiosmtpd); Debian's
dkimpy (python3-dkim) verifies both signatures of each, as received, against
a stub DNS answer holding the records the Setup page shows; a message changed
in transit (a second Subject, a body byte) fails. `nginx -t` refuses a
1024-bit, missing, garbage or wrong-type key, naming callexa_dkim and the
file. The Setup page shows the record with a copy button (screenshots at
1280 and 390 px, axe-checked)."""

import base64
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_sync import insert_answers  # noqa: E402

import dkim  # noqa: E402  Debian's python3-dkim

SMTP = harness.SmtpSink()
KEYS = tempfile.mkdtemp(prefix="callexa-dkim-keys-")
DAY = 86400
BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))


def key_path(name):
    return os.path.join(KEYS, name)


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True,
                          timeout=60).stdout


def setUpModule():
    os.chmod(KEYS, 0o755)
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
            "-out", key_path("rsa.pem"))
    openssl("genpkey", "-algorithm", "ed25519", "-out", key_path("ed25519.pem"))
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024",
            "-out", key_path("rsa1024.pem"))
    with open(key_path("garbage.pem"), "w") as f:
        f.write("-----BEGIN PRIVATE KEY-----\nnot a key at all\n-----END PRIVATE KEY-----\n")
    for name in os.listdir(KEYS):
        os.chmod(key_path(name), 0o600)  # the workers (nobody) cannot read them
    SMTP.start()


def tearDownModule():
    SMTP.cleanup()
    shutil.rmtree(KEYS, ignore_errors=True)


def expected_records():
    """The TXT records, computed here from the key files with openssl."""
    rsa = openssl("pkey", "-in", key_path("rsa.pem"), "-pubout", "-outform", "DER")
    ed = openssl("pkey", "-in", key_path("ed25519.pem"), "-pubout", "-outform", "DER")
    return {
        "callexa._domainkey.acme.example":
            "v=DKIM1; k=rsa; p=" + base64.b64encode(rsa).decode(),
        # The raw key is the last 32 bytes of its SubjectPublicKeyInfo.
        "callexa-ed25519._domainkey.acme.example":
            "v=DKIM1; k=ed25519; p=" + base64.b64encode(ed[-32:]).decode(),
    }


class Verifier:
    """dkimpy with a stub DNS answer, and its log kept for the report."""

    def __init__(self, records):
        self.records = records
        self.asked = []
        self.log = []
        self.logger = logging.getLogger("dkimpy-%d" % id(self))
        self.logger.setLevel(logging.DEBUG)
        self.logger.propagate = False
        handler = logging.Handler()
        handler.emit = lambda record: self.log.append(record.getMessage())
        self.logger.addHandler(handler)

    def dns(self, name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        self.asked.append(name)
        return self.records.get(name.rstrip("."))

    def verify(self, raw, index):
        """Whether signature `index` verifies; why not is the last log line."""
        d = dkim.DKIM(raw, logger=self.logger)
        try:
            ok = d.verify(idx=index, dnsfunc=self.dns)
        except dkim.ValidationError as e:
            self.log.append("ValidationError: %s" % e)
            return False
        self.log.append("signature %d (%s, s=%s): %s" % (
            index, d.signature_fields.get(b"a", b"").decode(),
            d.signature_fields.get(b"s", b"").decode(),
            "verified" if ok else "does not verify"))
        return ok


def last_monday(now):
    day = now // DAY
    return (day - (day + 3) % 7) * DAY


class DkimTest(harness.NginxTestCase):
    http_extra = """
  callexa_public_url http://127.0.0.1:{port};
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp smtp://127.0.0.1:%d;
  callexa_smtp_starttls off;
  callexa_scheduler_interval 300ms;
  callexa_dkim acme.example callexa %s %s;
""" % (SMTP.port, key_path("rsa.pem"), key_path("ed25519.pem"))

    def raw_messages_to(self, address):
        """The bytes of each message the sink got for `address`."""
        out = []
        for name in sorted(os.listdir(SMTP.directory)):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(SMTP.directory, name)) as f:
                envelope = json.load(f)
            if address in envelope["rcpt_tos"]:
                with open(os.path.join(SMTP.directory, name[:-5] + ".eml"), "rb") as f:
                    out.append(f.read())
        return out

    def wait_message(self, address):
        harness.wait_until(lambda: self.raw_messages_to(address), timeout=30,
                           what="a message to " + address)
        return self.raw_messages_to(address)[0]

    def test_every_kind_of_message_verifies_and_changes_break_it(self):
        records = expected_records()
        # The Setup page's source shows exactly these records.
        info = self.nginx.admin("GET", "installation").body
        self.assertEqual({r["name"]: r["value"] for r in info["dkim"]["records"]}, records)
        self.assertEqual(info["dkim"]["domain"], "acme.example")
        self.assertEqual(info["dkim"]["from_domain"], "acme.example")
        self.assertIs(info["dkim"]["aligned"], True)
        self.assertIn("DKIM-signed for acme.example", info["mail_transport"])

        # A survey email, a test email and a report email.
        survey = self.nginx.create_survey(name="Acme", automation=True, min_delay_days=0,
                                          max_delay_days=0)
        r = self.nginx.segment(survey["api_key"], harness.identify(
            "ada@example.com", traits={"firstName": "Ada", "lastName": "Lovelace"}))
        self.assertEqual(r.status, 200, r.body)
        r = self.nginx.admin("POST", "surveys/%d/test-email" % survey["id"],
                             {"to": "owner@acme.example", "content": {}})
        self.assertEqual(r.status, 200, r.body)
        week_from = last_monday(int(time.time())) - 7 * DAY
        insert_answers(self.nginx.database, survey["id"],
                       [{"score": 9, "answered_at": week_from + DAY, "comment": "Grüße"}])
        r = self.nginx.admin("PATCH", "surveys/%d" % survey["id"],
                             {"report_frequency": "weekly",
                              "report_recipients": ["reports@acme.example"]})
        self.assertEqual(r.status, 200, r.body)
        messages = {kind: self.wait_message(address) for kind, address in
                    (("survey", "ada@example.com"), ("test", "owner@acme.example"),
                     ("report", "reports@acme.example"))}

        verifier = Verifier(records)
        for kind, raw in messages.items():
            self.assertTrue(raw.startswith(b"DKIM-Signature: v=1; a=rsa-sha256;"), kind)
            self.assertTrue(verifier.verify(raw, 0), "%s rsa: %s" % (kind, verifier.log[-3:]))
            self.assertTrue(verifier.verify(raw, 1), "%s ed25519: %s" % (kind, verifier.log[-3:]))
            # dkim.verify as a receiver calls it checks the first signature.
            self.assertTrue(dkim.verify(raw, dnsfunc=verifier.dns), kind)
            headers = raw[:raw.index(b"\r\n\r\n") + 2]
            self.assertNotIn(b" l=", headers)
            self.assertIn(b"c=relaxed/relaxed;", headers)
            for line in headers.split(b"\r\n"):
                self.assertLessEqual(len(line), 998, kind)
        print("\ndkimpy, as received:")
        for kind, raw in messages.items():
            for index in (0, 1):
                verifier.verify(raw, index)
                print("  %s email: %s" % (kind, verifier.log[-1]))
        print("  DNS asked: %s" % sorted(set(verifier.asked)))
        sig = raw[:raw.index(b"\r\nDKIM-Signature:")].decode()
        print("  the report's RSA DKIM-Signature as sent:\n    " + sig.replace("\r\n", "\n    "))

        # Changed in transit: a second Subject, then one body byte.
        for kind, raw in messages.items():
            end = raw.index(b"\r\n\r\n") + 2
            added = raw[:end] + b"Subject: You won a prize\r\n" + raw[end:]
            at = end + 2 + (len(raw) - end - 2) // 2  # a letter mid-body
            while not raw[at:at + 1].isalpha():
                at += 1
            flipped = raw[:at] + raw[at:at + 1].swapcase() + raw[at + 1:]
            for what, changed in (("second Subject", added), ("body byte", flipped)):
                for index in (0, 1):
                    self.assertFalse(verifier.verify(changed, index),
                                     "%s with a %s still verifies" % (kind, what))
                    print("  %s email, %s, signature %d: %s"
                          % (kind, what, index, verifier.log[-1]))

    def test_setup_page_shows_the_records(self):
        survey = self.nginx.create_survey(name="Setup")
        out_file = tempfile.mktemp(prefix="callexa-dkim-flow-", suffix=".json")
        self.addCleanup(lambda: os.path.exists(out_file) and os.remove(out_file))
        env = dict(os.environ, BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   ADMIN_USER=harness.ADMIN_USER, ADMIN_PASSWORD=harness.ADMIN_PASSWORD,
                   SHOT_DIR=SHOT_DIR, SURVEY_ID=str(survey["id"]), OUT_FILE=out_file,
                   SHOT_NAME="setup-dkim")
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "dkim_setup.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=180)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        with open(out_file) as f:
            shown = json.load(f)
        self.assertEqual(dict(zip(shown["names"], shown["values"])), expected_records())
        self.assertIn("Aligned with the sender’s domain acme.example", shown["text"])
        print("\nSetup page TXT records:\n  " + "\n  ".join(
            "%s TXT \"%s\"" % nv for nv in zip(shown["names"], shown["values"])))
        for width in (1280, 390):
            self.assertTrue(os.path.exists(os.path.join(SHOT_DIR, "setup-dkim-%d.png" % width)))


class DkimMisalignedTest(harness.NginxTestCase):
    """A DKIM domain unrelated to the sender's: the Setup page warns."""

    http_extra = """
  callexa_public_url http://127.0.0.1:{port};
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp smtp://127.0.0.1:%d;
  callexa_smtp_starttls off;
  callexa_dkim mailer.example.net callexa %s;
""" % (SMTP.port, key_path("rsa.pem"))

    def test_setup_page_warns(self):
        info = self.nginx.admin("GET", "installation").body
        self.assertIs(info["dkim"]["aligned"], False)
        self.assertEqual(len(info["dkim"]["records"]), 1)
        survey = self.nginx.create_survey(name="Setup")
        out_file = tempfile.mktemp(prefix="callexa-dkim-flow-", suffix=".json")
        self.addCleanup(lambda: os.path.exists(out_file) and os.remove(out_file))
        env = dict(os.environ, BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   ADMIN_USER=harness.ADMIN_USER, ADMIN_PASSWORD=harness.ADMIN_PASSWORD,
                   SHOT_DIR=SHOT_DIR, SURVEY_ID=str(survey["id"]), OUT_FILE=out_file,
                   SHOT_NAME="setup-dkim-misaligned")
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "dkim_setup.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=180)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        with open(out_file) as f:
            shown = json.load(f)
        self.assertIn("Not aligned: emails come from @acme.example but are signed for "
                      "mailer.example.net", shown["text"])


class NoDkimTest(harness.NginxTestCase):
    """Without callexa_dkim the Setup page says how to turn it on."""

    http_extra = """
  callexa_public_url http://127.0.0.1:{port};
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp smtp://127.0.0.1:%d;
  callexa_smtp_starttls off;
""" % SMTP.port

    def test_setup_page_says_how_to_sign(self):
        self.assertIsNone(self.nginx.admin("GET", "installation").body["dkim"])
        survey = self.nginx.create_survey(name="Setup")
        out_file = tempfile.mktemp(prefix="callexa-dkim-flow-", suffix=".json")
        self.addCleanup(lambda: os.path.exists(out_file) and os.remove(out_file))
        env = dict(os.environ, BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   ADMIN_USER=harness.ADMIN_USER, ADMIN_PASSWORD=harness.ADMIN_PASSWORD,
                   SHOT_DIR=SHOT_DIR, SURVEY_ID=str(survey["id"]), OUT_FILE=out_file,
                   SHOT_NAME="setup-dkim-off", EXPECT_RECORDS="0")
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "dkim_setup.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=180)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        with open(out_file) as f:
            self.assertIn("Emails go out without a DKIM signature", json.load(f)["text"])


class DkimConfigTest(unittest.TestCase):
    """`nginx -t` refuses bad keys with an [emerg] naming the directive and
    the file; nothing starts."""

    def test_bad_keys_are_refused(self):
        n = harness.CallexaNginx()
        self.addCleanup(n.cleanup)
        cases = [
            (key_path("rsa1024.pem"), "", "is a 1024-bit RSA key; DKIM needs 2048 bits"),
            (key_path("missing.pem"), "", "cannot be read: No such file or directory"),
            (key_path("garbage.pem"), "", "is not an unencrypted PEM private key"),
            (key_path("ed25519.pem"), "", "is not an RSA private key"),
            (key_path("rsa.pem"), key_path("rsa.pem"), "is not an Ed25519 private key"),
        ]
        for rsa, ed, problem in cases:
            bad = rsa if not ed else ed
            code, output = n.check_config(http_extra="callexa_dkim acme.example s1 %s %s;"
                                          % (rsa, ed))
            self.assertNotEqual(code, 0, output)
            self.assertIn("[emerg]", output)
            self.assertIn('callexa_dkim: the key file "%s" %s' % (bad, problem), output)
            self.assertNotIn("BEGIN", output)
        for snippet, problem in (
                ("callexa_dkim acme.example s1;", "invalid number of arguments"),
                ("callexa_dkim bad_domain s1 %s;" % key_path("rsa.pem"),
                 'callexa_dkim: invalid domain "bad_domain"'),
                ("callexa_dkim a.example s1 %s;\n  callexa_dkim a.example s2 %s;"
                 % (key_path("rsa.pem"), key_path("rsa.pem")), "is duplicate")):
            code, output = n.check_config(http_extra=snippet)
            self.assertNotEqual(code, 0, output)
            self.assertIn(problem, output)


if __name__ == "__main__":
    unittest.main()
