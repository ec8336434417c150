"""The README's real-server configuration ("Install on a real server") is
loaded as written, with only its machine-specific parts moved into a
temporary prefix (paths, the TLS listener, the user): `nginx -t` accepts it,
nginx serves with it, and its limit_req rules answer 429 to a client that
floods the survey pages while Segment's destination stays unlimited."""

import os
import re
import subprocess
import unittest

import harness

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")


def readme_config():
    """The first ```nginx block after the "Install on a real server" heading."""
    with open(README) as f:
        text = f.read()
    section = text[text.index("## Install on a real server"):]
    return re.search(r"```nginx\n(.*?)```", section, re.S).group(1)


class ReadmeConfigTest(unittest.TestCase):
    def setUp(self):
        # Only used for its prefix, htpasswd and free port; the
        # configuration below is the README's.
        self.nginx = harness.CallexaNginx()
        self.addCleanup(self.nginx.cleanup)
        prefix = self.nginx.prefix
        creds = os.path.join(prefix, "smtp.credentials")
        with open(creds, "w") as f:
            f.write("user:secret\n")
        os.chmod(creds, 0o644)
        dkim_key = os.path.join(prefix, "dkim.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                        "rsa_keygen_bits:2048", "-out", dkim_key],
                       check=True, capture_output=True, timeout=60)
        conf = readme_config()
        user = "user nobody nogroup;" if harness.running_as_root() else ""
        replacements = [
            ("load_module modules/ngx_http_callexa_module.so;",
             "load_module %s;\ndaemon off;\npid %s/nginx.pid;\nerror_log %s/error.log info;"
             % (self.nginx.module, prefix, prefix)),
            ("user www-data;", user),
            ("worker_processes auto;", "worker_processes 2;"),
            ("/var/lib/callexa/", self.nginx.data_dir + "/"),
            ("/etc/nginx/callexa.htpasswd", os.path.join(prefix, "htpasswd")),
            ("/etc/nginx/callexa-smtp.credentials", creds),
            ("/etc/nginx/callexa-dkim.pem", dkim_key),
            ("listen 443 ssl http2;", "listen 127.0.0.1:%d;" % self.nginx.port),
            ("listen 80;", "listen 127.0.0.1:%d;" % harness.free_port()),
        ]
        for old, new in replacements:
            self.assertIn(old, conf)
            conf = conf.replace(old, new)
        conf = re.sub(r"\n\s*ssl_certificate(_key)? [^\n]*;", "", conf)
        # The harness knows the workers are ready when /noop answers.
        conf = conf.replace("location = /segment {",
                            "location = /noop { return 204; }\n        location = /segment {", 1)
        os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
        conf = conf.replace("http {", "http {\n    client_body_temp_path %s/tmp/body;"
                            "\n    proxy_temp_path %s/tmp/proxy;" % (prefix, prefix), 1)
        self.conf_path = os.path.join(prefix, "readme.conf")
        with open(self.conf_path, "w") as f:
            f.write(conf)

    def test_readme_config_loads_and_limits_survey_pages(self):
        check = subprocess.run(["nginx", "-t", "-p", self.nginx.prefix, "-c", self.conf_path],
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(check.returncode, 0, check.stderr)
        self.nginx.conf_path = self.conf_path
        self.nginx.start()
        answers = [self.nginx.http("GET", "/s/not-a-token") for _ in range(60)]
        statuses = [r.status for r in answers]
        self.assertIn(404, statuses)   # the first ones reach the module
        self.assertIn(429, statuses)   # then the limit answers
        self.assertNotIn(500, statuses)
        # in JSON, as the module's own refusals
        limited = answers[statuses.index(429)]
        self.assertEqual(limited.headers["content-type"], "application/json")
        self.assertIn("too many requests", limited.body["message"])
        # Segment's destination is not limited: every delivery is answered
        # by the module (401 for a wrong key), none by limit_req.
        statuses = [self.nginx.segment("wrong-key", harness.identify("a@example.com")).status
                    for _ in range(60)]
        self.assertEqual(set(statuses), {401})
        self.nginx.stop()
        self.assertEqual(self.nginx.serious_log_lines(), [])


if __name__ == "__main__":
    unittest.main()
