"""deploy/Dockerfile, built and run as a user meets it: scripts/build-image makes the image offline
(a debian:bookworm base from Debian's mirror, then the Dockerfile, with podman), and the image runs
as the Deployment runs it (uid 65532, read-only root, no capabilities, no new privileges): ready,
probing, scraped, its config checked inside it, stopped by SIGTERM with exit 0. Also: the image
holds the binary's ldd closure and nothing else, is at most 15 MB gzip, and carries OCI labels.

Needs podman and mmdebstrap (scripts/install-deps --test installs them). Where no container tool
can be installed the test says so loudly and is reported as skipped, never passed."""

import gzip
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import harness  # noqa: E402
import dockerfile  # noqa: E402

IMAGE = "localhost/epsitter:image-test"
GZIP_BUDGET_BYTES = 15 * 1000 * 1000
UID = 65532
# What the image holds besides the binary's shared libraries and the dynamic loader.
OTHER_FILES = {"usr/local/bin/epsitter", "etc/epsitter/sitter.yaml",
               "etc/ssl/certs/ca-certificates.crt", "etc/passwd", "etc/group", "etc/nsswitch.conf"}
LIBDIR = "usr/lib/x86_64-linux-gnu"
LOADER = "usr/lib64/ld-linux-x86-64.so.2"
# On these machines (hybrid cgroups) crun refuses to start containers, and podman's default
# limits exceed what an unprivileged container may set: run as the notes found works.
RUN_OPTIONS = ["--runtime", "runc", "--ulimit", "nproc=4096:4096"]


def podman(*args, check=True, timeout=120):
    return subprocess.run(["podman", *args], capture_output=True, text=True, check=check,
                          timeout=timeout)


def nofile_limit():
    import resource
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return ["--ulimit", f"nofile={hard}:{hard}"]


def http_get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return None, ""


def needed_libraries(binary):
    """The sonames the binary loads (its ldd closure, as the loader resolves them) and the loader."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    names = {m.group(1) for m in re.finditer(r"^\s*(\S+) => /", out, re.M)}
    loader = re.search(r"^\s*(/\S*ld-linux\S*)", out, re.M).group(1)
    return names, loader


class Image(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        missing = [tool for tool in ("podman", "mmdebstrap") if shutil.which(tool) is None]
        if missing:
            message = (f"*** IMAGE NOT TESTED: {', '.join(missing)} missing; run "
                       "scripts/install-deps --test as root ***")
            print(message, file=sys.stderr)
            raise unittest.SkipTest(message)
        started = time.monotonic()
        build = subprocess.run([os.path.join(ROOT, "scripts", "build-image"), IMAGE],
                               capture_output=True, text=True, timeout=1500)
        cls.build_seconds = time.monotonic() - started
        if build.returncode != 0:
            raise AssertionError("scripts/build-image failed:\n" + build.stdout + build.stderr)
        print(f"image built in {cls.build_seconds:.0f} s", file=sys.stderr)
        cls.tmp = tempfile.mkdtemp(prefix="epsitter-image-")
        os.chmod(cls.tmp, 0o755)
        container = podman("create", IMAGE).stdout.strip()
        try:
            with open(os.path.join(cls.tmp, "rootfs.tar"), "wb") as out:
                subprocess.run(["podman", "export", container], stdout=out, check=True, timeout=120)
        finally:
            podman("rm", container, check=False)
        with tarfile.open(os.path.join(cls.tmp, "rootfs.tar")) as tar:
            cls.members = {m.name.lstrip("./"): m for m in tar.getmembers() if m.name.strip("./")}
            tar.extract("usr/local/bin/epsitter", os.path.join(cls.tmp, "rootfs"))
        cls.binary = os.path.join(cls.tmp, "rootfs", "usr/local/bin/epsitter")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_holds_the_binarys_ldd_closure_and_nothing_else(self):
        sonames, loader = needed_libraries(self.binary)
        self.assertGreater(len(sonames), 5)
        files = {name for name, m in self.members.items() if not m.isdir()}
        libraries = {name for name in files if name.startswith(LIBDIR + "/")}
        # libcrypto.so: CivetWeb dlopen()s OpenSSL by that name when the port speaks HTTPS.
        self.assertEqual({os.path.basename(name) for name in libraries},
                         sonames | {"libcrypto.so"})
        self.assertEqual(self.members[f"{LIBDIR}/libcrypto.so"].linkname, "libcrypto.so.3")
        self.assertTrue(loader.endswith(os.path.basename(LOADER)), loader)
        self.assertEqual(files - libraries, OTHER_FILES | {LOADER, "lib", "lib64"})
        for name in files - {"lib", "lib64", f"{LIBDIR}/libcrypto.so"}:
            with self.subTest(file=name):
                self.assertEqual((self.members[name].uid, self.members[name].mode & 0o022), (0, 0))
        with tarfile.open(os.path.join(self.tmp, "rootfs.tar")) as tar:
            passwd = tar.extractfile("etc/passwd").read().decode()
        self.assertRegex(passwd, rf"(?m)^\w+:x:{UID}:{UID}:")

    def test_is_small(self):
        archive = os.path.join(self.tmp, "image.tar")
        podman("save", "--quiet", "--format", "oci-archive", "-o", archive, IMAGE)
        with open(archive, "rb") as f:
            compressed = len(gzip.compress(f.read(), compresslevel=6))
        size = int(podman("image", "inspect", "--format", "{{.Size}}", IMAGE).stdout)
        print(f"image: {size / 1e6:.1f} MB, {compressed / 1e6:.1f} MB gzip "
              f"(budget {GZIP_BUDGET_BYTES / 1e6:.0f} MB gzip)", file=sys.stderr)
        self.assertLessEqual(compressed, GZIP_BUDGET_BYTES)

    def test_carries_oci_labels(self):
        labels = podman("image", "inspect", "--format", "{{json .Labels}}", IMAGE).stdout
        for key in ("source", "version", "revision"):
            self.assertRegex(labels, rf'"org\.opencontainers\.image\.{key}":"[^"]+"')
        revision = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True,
                                  text=True)
        if revision.returncode == 0:
            self.assertIn(f'"org.opencontainers.image.revision":"{revision.stdout.strip()}"',
                          labels)

    def test_the_build_stage_installs_what_scripts_install_deps_builds_with(self):
        with open(os.path.join(ROOT, "scripts", "install-deps")) as f:
            text = f.read()
        listed = re.search(r"^build_packages=\((.*?)\)", text, re.S | re.M).group(1).split()
        self.assertIn("libcaf-dev", listed)
        build = dockerfile.parse(os.path.join(ROOT, "deploy", "Dockerfile")).build
        for package in listed:
            self.assertIn(package, build.packages)

    def test_checks_a_config_inside_the_image(self):
        ok = podman("run", "--rm", *RUN_OPTIONS, *nofile_limit(), "--network", "none", IMAGE,
                    "--check-config", "/etc/epsitter/sitter.yaml", check=False)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertIn("config OK", ok.stdout + ok.stderr)
        config_dir = os.path.join(self.tmp, "broken")
        os.mkdir(config_dir, 0o755)
        with open(os.path.join(config_dir, "sitter.yaml"), "w") as f:
            f.write("urls:\n  api:\n    url: http://127.0.0.1/\n    timeout: soon\n")
        os.chmod(os.path.join(config_dir, "sitter.yaml"), 0o644)
        broken = podman("run", "--rm", *RUN_OPTIONS, *nofile_limit(), "--network", "none",
                        "-v", f"{config_dir}:/config:ro", IMAGE,
                        "--check-config", "/config/sitter.yaml", check=False)
        self.assertEqual(broken.returncode, 2, broken.stderr)
        self.assertRegex(broken.stderr, r"/config/sitter\.yaml:4.*timeout")

    def test_runs_as_the_deployment_does(self):
        config_dir = os.path.join(self.tmp, "config")
        os.mkdir(config_dir, 0o755)
        with harness.Backend() as backend:
            with open(os.path.join(config_dir, "sitter.yaml"), "w") as f:
                f.write(harness.config_yaml({"api": {"url": backend.url("/health")}}))
            os.chmod(os.path.join(config_dir, "sitter.yaml"), 0o644)
            # As deploy/base/deployment.yaml's securityContext: the image's uid, read-only root,
            # every capability dropped, no privilege escalation. Host network: the loopback backend.
            started = time.monotonic()
            container = podman(
                "run", "--detach", *RUN_OPTIONS, *nofile_limit(), "--read-only",
                "--user", f"{UID}:{UID}", "--cap-drop", "ALL",
                "--security-opt", "no-new-privileges", "--network", "host",
                "-e", "SERVER_PORT=0", "-e", "POLL_INTERVAL=0.5",
                "-v", f"{config_dir}:/config:ro", IMAGE, "/config/sitter.yaml").stdout.strip()
            try:
                logs = lambda: podman("logs", container, check=False).stderr  # noqa: E731
                port = int(harness.wait_until(
                    lambda: re.search(r'msg="listening" port=(\d+)', logs()),
                    timeout=30, message="epsitter to listen in the container").group(1))
                harness.wait_until(lambda: http_get(port, "/-/ready")[0] == 200, timeout=30,
                                   message="/-/ready")
                ready_seconds = time.monotonic() - started
                print(f"container ready {ready_seconds:.2f} s after `podman run`", file=sys.stderr)

                pid = podman("inspect", "--format", "{{.State.Pid}}", container).stdout.strip()
                with open(f"/proc/{pid}/status") as f:
                    status = f.read()
                self.assertRegex(status, rf"\nUid:\t{UID}\t{UID}\t{UID}\t{UID}\n")
                self.assertRegex(status, rf"\nGid:\t{UID}\t")
                self.assertIn("\nCapEff:\t0000000000000000\n", status)
                self.assertIn("\nNoNewPrivs:\t1\n", status)
                with open(f"/proc/{pid}/mountinfo") as f:
                    root = next(line for line in f if line.split()[4] == "/")
                self.assertIn("ro", root.split()[5].split(","), root)

                harness.wait_until(lambda: backend.seen("/health"), message="a probe")
                harness.wait_until(
                    lambda: 'name="api"' in http_get(port, "/metrics")[1]
                    and 'status="200"' in http_get(port, "/metrics")[1],
                    message="the probe counted in /metrics")
                harness.assert_promtool_accepts(self, http_get(port, "/metrics")[1])

                stopped = time.monotonic()
                podman("kill", "--signal", "TERM", container)
                code = podman("wait", container, timeout=60).stdout.strip()
                self.assertEqual(code, "0", logs())
                self.assertLess(time.monotonic() - stopped, 10)
                self.assertIn('msg="stopped"', logs())
            finally:
                podman("rm", "--force", container, check=False)


if __name__ == "__main__":
    outcome = unittest.main(verbosity=2, exit=False).result
    if outcome.skipped and outcome.wasSuccessful() and outcome.testsRun <= len(outcome.skipped):
        sys.exit(77)  # meson's SKIP: reported as skipped, not as passed
    sys.exit(0 if outcome.wasSuccessful() else 1)
