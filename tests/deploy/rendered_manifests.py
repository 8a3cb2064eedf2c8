"""deploy/ rendered as a platform engineer renders it, for the test_manifests_*.py files: Debian's
kubectl (the kubernetes-client package, 1.20, whose built-in kustomize is v2.0.3 and knows no
`components`; scripts/install-deps --test installs it, or unpacks it under
/usr/local/lib/epsitter/kubernetes-client where another package owns /usr/bin/kubectl) renders the
base, the Prometheus Operator overlay, the Kubernetes discovery overlay and the sharded Deployment
overlay, and every object is validated against the Kubernetes and Prometheus Operator schemas (npm
kubernetes-models, installed here on first use). RenderedManifests renders once per test class."""

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

# Debian's kubectl: $DEBIAN_KUBECTL, /usr/bin/kubectl when the kubernetes-client package owns it,
# else where scripts/install-deps unpacks that package.
DEBIAN_KUBECTL_UNPACKED = "/usr/local/lib/epsitter/kubernetes-client/usr/bin/kubectl"


def find_debian_kubectl():
    if os.environ.get("DEBIAN_KUBECTL"):
        return os.environ["DEBIAN_KUBECTL"]
    owner = subprocess.run(["dpkg-query", "-S", "/usr/bin/kubectl"], capture_output=True,
                           text=True).stdout
    if owner.startswith("kubernetes-client:"):
        return "/usr/bin/kubectl"
    return DEBIAN_KUBECTL_UNPACKED if os.access(DEBIAN_KUBECTL_UNPACKED, os.X_OK) else None


KUBECTL = find_debian_kubectl()
# Any other kubectl on PATH (a newer one, with kustomize v5): it must render the same objects.
OTHER_KUBECTL = shutil.which("kubectl")
VARIANTS = (("base", DEPLOY),
            ("full", os.path.join(DEPLOY, "with-prometheus-operator")),
            ("discovery", os.path.join(DEPLOY, "with-kubernetes-discovery")),
            ("sharded", os.path.join(DEPLOY, "sharded")))
# The Secret the docs tell users to create (`kubectl create secret generic epsitter-credentials
# --from-file=api-password=...`): its files as the pod sees them.
SECRET_NAME = "epsitter-credentials"
SECRET_FILES = {"api-password": "s3cret-for-the-test"}
REGISTRY_PLACEHOLDER = "registry.example.com/epsitter"
RUNBOOK = os.path.join(ROOT, "docs", "runbook.md")
# --check-config resolves the API server's address as it would in a pod.
IN_POD_ENV = {"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"}
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


class RenderedManifests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        missing = [name for name, path in (("Debian's kubectl (scripts/install-deps --test)",
                                            KUBECTL), ("node", NODE), ("npm", NPM),
                                           ("promtool", PROMTOOL)) if not path]
        if missing:
            raise AssertionError(f"missing tools: {missing}")
        version = run([KUBECTL, "version", "--client"])
        cls.kubectl_version = version.stdout + version.stderr
        ensure_node_modules()
        cls.tmp = tempfile.TemporaryDirectory(prefix="epsitter-deploy-")
        cls.rendered = {}
        cls.objects = {}
        for name, directory in VARIANTS:
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

    def workload(self, which):
        """The variant's Deployment, or its StatefulSet when sharded."""
        found = [o for o in self.objects_of(which) if o["kind"] in ("Deployment", "StatefulSet")]
        self.assertEqual(len(found), 1, f"one workload expected in {which}")
        return found[0]

    def pod_of(self, which):
        workload = [o for o in self.objects_of(which) if o["kind"] in ("Deployment", "StatefulSet")]
        self.assertEqual(len(workload), 1)
        return workload[0]["spec"]["template"]["spec"]

    def secret_mount_path(self, which="full"):
        """Where the init container sees the user's Secret."""
        pod = self.workload(which)["spec"]["template"]["spec"]
        volume = next(v for v in pod["volumes"] if "secret" in v)
        self.assertEqual(volume["secret"]["secretName"], SECRET_NAME)
        check = next(c for c in pod["initContainers"] if c["name"] == "check-config")
        mount = next(m for m in check["volumeMounts"] if m["name"] == volume["name"])
        return mount["mountPath"]

    def check_config_in_pod_layout(self, config_path, secret_files, which="full"):
        """--check-config with the Secret's files at their in-pod path: a private mount namespace
        puts a tmpfs over /run (/var/run), so nothing on this machine changes."""
        mount_path = self.secret_mount_path(which)
        if not mount_path.startswith(("/var/run/", "/run/")):
            self.fail(f"the test mounts a tmpfs over /run only; the Secret is at {mount_path}")
        source = tempfile.mkdtemp(dir=self.tmp.name)
        for key, value in secret_files.items():
            with open(os.path.join(source, key), "w") as f:
                f.write(value)
        target = mount_path.replace("/var/run/", "/run/", 1)
        script = ('mount -t tmpfs tmpfs /run && mkdir -p "$4" && cp -R "$1"/. "$4"/ && '
                  'exec "$2" --check-config "$3"')
        return run(["unshare", "--mount", "sh", "-c", script, "sh", source, harness.EPSITTER_BIN,
                    config_path, target], env=dict(os.environ, **IN_POD_ENV))
