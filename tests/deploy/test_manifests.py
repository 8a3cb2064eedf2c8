"""deploy/ as a platform engineer applies it: `kubectl kustomize` renders the base and the
Prometheus Operator overlay, every object validates against the Kubernetes and Prometheus Operator
schemas (npm kubernetes-models, installed here on first use), the objects fit together (restricted
security context, probes on the operating endpoints, named ports, selectors), the ConfigMap's config
passes `epsitter --check-config`, and the alert rules pass promtool's checks and unit tests."""

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEPLOY = os.path.join(ROOT, "deploy")
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import harness  # noqa: E402  (the binary and the runner of its commands)
import dockerfile  # noqa: E402,F401  (beside this file)

KUBECTL = shutil.which("kubectl")
NODE = shutil.which("node")
NPM = shutil.which("npm")
PROMTOOL = harness.PROMTOOL or shutil.which("promtool")


def ensure_node_modules():
    """npm ci into tests/deploy/node_modules (gitignored), again only when the lock file changes."""
    lock = os.path.join(HERE, "package-lock.json")
    with open(lock, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    stamp = os.path.join(HERE, "node_modules", ".epsitter-lock-sha256")
    if os.path.exists(stamp):
        with open(stamp) as f:
            if f.read() == digest:
                return
    subprocess.run([NPM, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE,
                   check=True, timeout=600)
    with open(stamp, "w") as f:
        f.write(digest)


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)


class Manifests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        missing = [name for name, path in (("kubectl", KUBECTL), ("node", NODE), ("npm", NPM),
                                           ("promtool", PROMTOOL)) if not path]
        if missing:
            raise AssertionError(f"missing tools: {missing}")
        ensure_node_modules()
        cls.tmp = tempfile.TemporaryDirectory(prefix="epsitter-deploy-")
        cls.rendered = {}
        cls.objects = {}
        for name, directory in (("base", DEPLOY),
                                ("full", os.path.join(DEPLOY, "with-prometheus-operator"))):
            result = run([KUBECTL, "kustomize", directory])
            if result.returncode != 0:
                raise AssertionError(f"kubectl kustomize {directory}:\n{result.stderr}")
            path = os.path.join(cls.tmp.name, f"{name}.yaml")
            with open(path, "w") as f:
                f.write(result.stdout)
            cls.rendered[name] = path
            objects_json = os.path.join(cls.tmp.name, f"{name}.json")
            validated = run([NODE, os.path.join(HERE, "validate.mjs"), path, objects_json])
            objects = []
            if os.path.exists(objects_json):
                with open(objects_json) as f:
                    objects = json.load(f)
            cls.objects[name] = {"validation": validated, "list": objects}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def objects_of(self, which="full"):
        return self.objects[which]["list"]

    def one(self, kind, which="full"):
        found = [o for o in self.objects_of(which) if o["kind"] == kind]
        self.assertEqual(len(found), 1, f"one {kind} expected")
        return found[0]

    def test_both_render_with_the_expected_objects(self):
        kinds = lambda which: sorted(o["kind"] for o in self.objects_of(which))  # noqa: E731
        self.assertEqual(kinds("base"), ["ConfigMap", "Deployment", "Secret", "Service",
                                         "ServiceAccount"])
        self.assertEqual(kinds("full"), ["ConfigMap", "Deployment", "PrometheusRule", "Secret",
                                         "Service", "ServiceAccount", "ServiceMonitor"])

    def test_every_object_validates_against_its_schema(self):
        for which in ("base", "full"):
            with self.subTest(which=which):
                result = self.objects[which]["validation"]
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                self.assertEqual(result.stdout.count("valid: "), len(self.objects_of(which)))

    def test_the_validator_rejects_a_broken_object(self):
        # Proves the schema check is live: a string replicas and a port name as a number fail.
        with open(self.rendered["full"]) as f:
            text = f.read()
        broken = text.replace("replicas: 1", "replicas: one").replace("port: 8989", "port: metrics")
        self.assertNotEqual(broken, text)
        path = os.path.join(self.tmp.name, "broken.yaml")
        with open(path, "w") as f:
            f.write(broken)
        result = run([NODE, os.path.join(HERE, "validate.mjs"), path])
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("spec/replicas must be integer", result.stdout)
        self.assertIn("port must be integer", result.stdout)

    def test_the_deployment_runs_restricted_with_probes_on_the_operating_endpoints(self):
        deployment = self.one("Deployment")
        pod = deployment["spec"]["template"]["spec"]
        image = dockerfile.parse(os.path.join(DEPLOY, "Dockerfile")).runtime
        self.assertIs(pod["automountServiceAccountToken"], False)
        self.assertEqual(pod["serviceAccountName"], self.one("ServiceAccount")["metadata"]["name"])
        self.assertIs(self.one("ServiceAccount")["automountServiceAccountToken"], False)
        self.assertIs(pod["securityContext"]["runAsNonRoot"], True)
        self.assertEqual(pod["securityContext"]["runAsUser"], image.uid)
        self.assertEqual(pod["securityContext"]["seccompProfile"], {"type": "RuntimeDefault"})
        self.assertGreaterEqual(pod["terminationGracePeriodSeconds"], 10)
        containers = pod["containers"] + pod.get("initContainers", [])
        for container in containers:
            with self.subTest(container=container["name"]):
                context = container["securityContext"]
                self.assertIs(context["allowPrivilegeEscalation"], False)
                self.assertIs(context["readOnlyRootFilesystem"], True)
                self.assertIs(context["runAsNonRoot"], True)
                self.assertEqual(context["capabilities"]["drop"], ["ALL"])
                self.assertEqual(context["seccompProfile"], {"type": "RuntimeDefault"})
                for kind in ("requests", "limits"):
                    self.assertIn("cpu", container["resources"][kind])
                    self.assertIn("memory", container["resources"][kind])
                self.assertTrue(container["image"].startswith("epsitter:"))

        main = next(c for c in pod["containers"] if c["name"] == "epsitter")
        self.assertEqual(main["args"], [image.config_path])
        port = next(p for p in main["ports"] if p["name"] == "metrics")
        self.assertEqual(port["containerPort"], image.exposed_port)
        env = {e["name"]: e.get("value") for e in main.get("env", [])}
        self.assertEqual(int(env["SERVER_PORT"]), image.exposed_port)
        self.assertEqual(main["livenessProbe"]["httpGet"], {"path": "/-/healthy", "port": "metrics"})
        self.assertEqual(main["readinessProbe"]["httpGet"], {"path": "/-/ready", "port": "metrics"})

        check = next(c for c in pod["initContainers"] if c["name"] == "check-config")
        self.assertEqual(check["args"], ["--check-config", image.config_path])

        # The ConfigMap is mounted as a directory (a subPath mount would never see updates) at
        # the path the image reads; the Secret is mounted read-only beside it.
        volumes = {v["name"]: v for v in pod["volumes"]}
        mounts = {m["mountPath"]: m for m in main["volumeMounts"]}
        config_mount = mounts[os.path.dirname(image.config_path)]
        self.assertNotIn("subPath", config_mount)
        self.assertIs(config_mount["readOnly"], True)
        self.assertEqual(volumes[config_mount["name"]]["configMap"]["name"],
                         self.one("ConfigMap")["metadata"]["name"])
        self.assertIn(os.path.basename(image.config_path), self.one("ConfigMap")["data"])
        secret_volume = next(v for v in pod["volumes"] if "secret" in v)
        self.assertEqual(secret_volume["secret"]["secretName"],
                         self.one("Secret")["metadata"]["name"])
        secret_mount = next(m for m in main["volumeMounts"] if m["name"] == secret_volume["name"])
        self.assertIs(secret_mount["readOnly"], True)

    def test_the_configmap_keeps_a_fixed_name_so_updates_reload_in_place(self):
        self.assertEqual(self.one("ConfigMap")["metadata"]["name"], "epsitter-config")

    def test_service_and_servicemonitor_meet_on_the_named_port(self):
        deployment = self.one("Deployment")
        service = self.one("Service")
        monitor = self.one("ServiceMonitor")
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        for key, value in service["spec"]["selector"].items():
            self.assertEqual(pod_labels.get(key), value)
        port = next(p for p in service["spec"]["ports"] if p["name"] == "metrics")
        self.assertEqual(port["targetPort"], "metrics")
        for key, value in monitor["spec"]["selector"]["matchLabels"].items():
            self.assertEqual(service["metadata"]["labels"].get(key), value)
        self.assertEqual([e["port"] for e in monitor["spec"]["endpoints"]], ["metrics"])
        self.assertEqual(monitor["spec"]["endpoints"][0]["path"], "/metrics")

    def secret_mount(self):
        """(mount path, {file name: content}) of the Secret as the init container sees it."""
        pod = self.one("Deployment")["spec"]["template"]["spec"]
        volume = next(v for v in pod["volumes"] if "secret" in v)
        check = next(c for c in pod["initContainers"] if c["name"] == "check-config")
        mount = next(m for m in check["volumeMounts"] if m["name"] == volume["name"])
        secret = self.one("Secret")
        self.assertEqual(secret["metadata"]["name"], volume["secret"]["secretName"])
        files = dict(secret.get("stringData", {}))
        for key, value in secret.get("data", {}).items():
            files[key] = base64.b64decode(value).decode()
        return mount["mountPath"], files

    def check_config_in_pod_layout(self, config_path, secret_files):
        """--check-config with the Secret's files at their in-pod path: a private mount namespace
        puts a tmpfs over /run (/var/run), so nothing on this machine changes."""
        mount_path, files = self.secret_mount()
        if not mount_path.startswith(("/var/run/", "/run/")):
            self.fail(f"the test mounts a tmpfs over /run only; the Secret is at {mount_path}")
        source = tempfile.mkdtemp(dir=self.tmp.name)
        for key in secret_files:
            with open(os.path.join(source, key), "w") as f:
                f.write(files[key])
        target = mount_path.replace("/var/run/", "/run/", 1)
        script = ('mount -t tmpfs tmpfs /run && mkdir -p "$4" && cp -R "$1"/. "$4"/ && '
                  'exec "$2" --check-config "$3"')
        return run(["unshare", "--mount", "sh", "-c", script, "sh", source, harness.EPSITTER_BIN,
                    config_path, target])

    def test_the_configmap_config_passes_check_config(self):
        if os.geteuid() != 0:
            self.skipTest("needs root for a private mount namespace (CI runs as root)")
        _, secret_files = self.secret_mount()
        for name, text in self.one("ConfigMap")["data"].items():
            with self.subTest(file=name):
                path = os.path.join(self.tmp.name, name)
                with open(path, "w") as f:
                    f.write(text)
                result = self.check_config_in_pod_layout(path, secret_files)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("config OK", result.stdout)
                # The example really reads the Secret: without its files the check fails, naming
                # the field and never the password.
                result = self.check_config_in_pod_layout(path, {})
                self.assertEqual(result.returncode, 2, result.stdout)
                self.assertIn("auth_pass_file", result.stderr)
                for value in secret_files.values():
                    self.assertNotIn(value, result.stderr)
        # The config baked into the image as its default, too.
        result = harness.run_epsitter(["--check-config",
                                       os.path.join(DEPLOY, "example-config.yaml")])
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_the_alert_rules_pass_promtool_check_and_unit_tests(self):
        rule = self.one("PrometheusRule")
        alerts = {r["alert"] for g in rule["spec"]["groups"] for r in g["rules"] if "alert" in r}
        for required in ("EpsitterTargetDown", "EpsitterTargetErrorRatioHigh",
                         "EpsitterCertificateExpiringSoon"):
            self.assertIn(required, alerts)
        expressions = " ".join(r["expr"] for g in rule["spec"]["groups"] for r in g["rules"])
        self.assertIn("sitter_tls_cert_expiry_timestamp_seconds", expressions)
        self.assertTrue(re.search(r"14 \* 24 \* 3600", expressions))

        directory = os.path.join(self.tmp.name, "rules")
        os.mkdir(directory)
        with open(os.path.join(directory, "rules.json"), "w") as f:
            json.dump({"groups": rule["spec"]["groups"]}, f)
        shutil.copy(os.path.join(HERE, "rules_test.yaml"), directory)
        checked = run([PROMTOOL, "check", "rules", "rules.json"], cwd=directory)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        tested = run([PROMTOOL, "test", "rules", "rules_test.yaml"], cwd=directory)
        self.assertEqual(tested.returncode, 0, tested.stdout + tested.stderr)
        self.assertIn("SUCCESS", tested.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
