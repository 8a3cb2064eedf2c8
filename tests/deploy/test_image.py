"""deploy/Dockerfile's assumptions, tested without a container engine: the stages are what the
Dockerfile says, every shared library the binary loads comes from a package the runtime stage
installs (or from the base image's required set), and the binary runs as the image's uid, without
capabilities, on a read-only root filesystem."""

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import harness  # noqa: E402
import dockerfile  # noqa: E402

DOCKERFILE = os.path.join(ROOT, "deploy", "Dockerfile")
# Linked only into the AddressSanitizer build that the test suite also runs; never in the image.
SANITIZER_RUNTIMES = re.compile(r"/lib(asan|ubsan|lsan|tsan)\.so")
# Only for the test-only packages of scripts/install-deps that the image's build does not need.
def installed_packages():
    """{name: {"required": bool, "depends": [[alternatives]], "provides": [names]}} from dpkg."""
    fields = "${Package}\t${Essential}\t${Priority}\t${Provides}\t${Pre-Depends}\t${Depends}\t${Status}\n"
    out = subprocess.run(["dpkg-query", "-W", "-f", fields], capture_output=True, text=True,
                         check=True).stdout
    names = lambda text: [re.sub(r"[\s(].*|:.*", "", w.strip()) for w in text.split(",") if w.strip()]  # noqa: E731,E501
    packages = {}
    for line in out.splitlines():
        name, essential, priority, provides, pre_depends, depends, status = line.split("\t")
        if not status.endswith(" installed"):
            continue
        groups = [[re.sub(r"[\s(].*|:.*", "", alt.strip()) for alt in group.split("|")]
                  for group in (pre_depends + "," + depends).split(",") if group.strip()]
        packages[name] = {"required": essential == "yes" or priority == "required",
                          "depends": groups, "provides": names(provides)}
    return packages


def closure(roots, packages):
    """Every installed package that installing `roots` brings along (first installed alternative)."""
    providers = {}
    for name, info in packages.items():
        for virtual in info["provides"]:
            providers.setdefault(virtual, name)
    resolve = lambda n: n if n in packages else providers.get(n)  # noqa: E731
    seen, todo = set(), list(roots)
    while todo:
        name = resolve(todo.pop())
        if name is None or name in seen:
            continue
        seen.add(name)
        for group in packages[name]["depends"]:
            chosen = next((resolve(alt) for alt in group if resolve(alt)), None)
            if chosen:
                todo.append(chosen)
    return seen


def package_of(path):
    """The Debian package that ships a library, trying the path as loaded and as resolved."""
    real = os.path.realpath(path)
    candidates = [path, real]
    for p in (path, real):
        candidates.append(p[4:] if p.startswith("/usr/") else "/usr" + p)
    for candidate in candidates:
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":")[0].strip()
    return None


def linked_libraries(binary):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    return sorted({m.group(1) for m in re.finditer(r"=> (/\S+)", out)})


class Image(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.image = dockerfile.parse(DOCKERFILE)
        cls.binary = os.path.abspath(harness.EPSITTER_BIN)
        cls.packages = installed_packages()
        cls.required = [name for name, info in cls.packages.items() if info["required"]]
        cls.allowed = closure(cls.image.runtime.packages + cls.required, cls.packages)

    def assert_from_runtime_packages(self, libraries):
        libraries = [lib for lib in libraries if not SANITIZER_RUNTIMES.search(lib)]
        self.assertGreater(len(libraries), 5)
        for library in libraries:
            with self.subTest(library=library):
                package = package_of(library)
                self.assertIsNotNone(package, f"no Debian package ships {library}")
                package = package.split(",")[0]
                self.assertIn(package, self.allowed,
                              f"{library} comes from {package}, which the runtime stage of "
                              f"deploy/Dockerfile does not install")

    def test_the_stages_are_bookworm_build_and_slim_runtime(self):
        build, runtime = self.image.build, self.image.runtime
        self.assertEqual(len(self.image.stages), 2)
        self.assertEqual(build.image, "debian:bookworm")
        self.assertEqual(runtime.image, "debian:bookworm-slim")
        self.assertEqual(runtime.exposed_port, 8989)
        self.assertGreater(runtime.uid, 0)
        self.assertGreater(runtime.gid, 0)
        self.assertEqual(runtime.config_path, "/etc/epsitter/sitter.yaml")
        self.assertIn((("/build/src/epsitter", runtime.entrypoint[0], build.name)), runtime.copies)
        self.assertIn(("deploy/example-config.yaml", runtime.config_path, None), runtime.copies)
        self.assertEqual([p for p in runtime.packages if p.endswith("-dev")], [])

    def test_the_build_stage_installs_what_scripts_install_deps_builds_with(self):
        with open(os.path.join(ROOT, "scripts", "install-deps")) as f:
            text = f.read()
        listed = re.search(r"^build_packages=\((.*?)\)", text, re.S | re.M).group(1).split()
        self.assertIn("libcaf-dev", listed)
        for package in listed:
            self.assertIn(package, self.image.build.packages)

    def test_every_linked_library_comes_from_a_runtime_package(self):
        self.assert_from_runtime_packages(linked_libraries(self.binary))

    def test_a_library_outside_the_runtime_packages_is_caught(self):
        # Proves the check can fail: without libcurl4 in the list, libcurl's own file is refused.
        without = closure([p for p in self.image.runtime.packages if p != "libcurl4"]
                          + self.required, self.packages)
        curl = next(lib for lib in linked_libraries(self.binary) if "libcurl" in lib)
        self.assertNotIn(package_of(curl), without)

    def test_runs_as_the_image_uid_without_capabilities_on_a_read_only_root(self):
        runtime = self.image.runtime
        with tempfile.TemporaryDirectory(prefix="epsitter-image-") as tmp, \
                harness.Backend() as backend:
            os.chmod(tmp, 0o755)
            binary = os.path.join(tmp, "epsitter")
            shutil.copy2(self.binary, binary)
            os.chmod(binary, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
            config = os.path.join(tmp, "sitter.yaml")
            with open(config, "w") as f:
                f.write(harness.config_yaml({"api": {"url": backend.url("/health")}}))
            os.chmod(config, 0o644)
            # A private mount namespace whose root is remounted read-only, then the image's
            # uid:gid with no capabilities and no way to gain privileges, as the Deployment sets.
            script = ("mount --make-rprivate / && mount -o remount,bind,ro / && "
                      f"exec setpriv --reuid={runtime.uid} --regid={runtime.gid} --clear-groups "
                      "--no-new-privs --inh-caps=-all --bounding-set=-all -- \"$0\" \"$@\"")
            env = dict(os.environ, SERVER_PORT="0", POLL_INTERVAL="0.3")
            process = subprocess.Popen(["unshare", "--mount", "sh", "-c", script, binary, config],
                                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       text=True)
            lines = []
            reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
            reader.start()
            try:
                log = lambda: "".join(lines)  # noqa: E731
                port = int(harness.wait_until(
                    lambda: re.search(r'msg="listening" port=(\d+)', log())
                    or (process.poll() is not None and self.fail("exited:\n" + log())),
                    timeout=30, message="epsitter to listen").group(1))

                with open(f"/proc/{process.pid}/status") as f:
                    status = f.read()
                uid = str(runtime.uid)
                self.assertRegex(status, rf"\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\n")
                self.assertRegex(status, rf"\nGid:\t{runtime.gid}\t")
                self.assertIn("\nCapEff:\t0000000000000000\n", status)
                self.assertIn("\nNoNewPrivs:\t1\n", status)
                with open(f"/proc/{process.pid}/mountinfo") as f:
                    root = next(line for line in f if line.split()[4] == "/")
                self.assertIn("ro", root.split()[5].split(","), root)

                def get(path, method="GET", headers=None):
                    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                                     method=method, headers=headers or {})
                    try:
                        with urllib.request.urlopen(request, timeout=10) as response:
                            return response.status, response.read().decode()
                    except urllib.error.HTTPError as error:
                        return error.code, error.read().decode()

                self.assertEqual(get("/-/ready")[0], 200)
                self.assertEqual(get("/-/healthy")[0], 200)
                harness.wait_until(lambda: backend.seen("/health"), message="a probe")
                harness.wait_until(lambda: 'status="200"' in get("/metrics")[1],
                                   message="the probe counted")
                self.assertEqual(get("/-/reload", method="POST",
                                     headers={"X-Epsitter-Reload": "1"})[0], 200)
                # Every shared object the running process has mapped, dlopen()ed ones included.
                with open(f"/proc/{process.pid}/maps") as f:
                    mapped = {line.split()[-1] for line in f if re.search(r"\.so[.\d]*$", line)}
                started = time.monotonic()
                process.send_signal(signal.SIGTERM)
                self.assertEqual(process.wait(timeout=30), 0, log())
                self.assertLess(time.monotonic() - started, 10)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
            reader.join(timeout=5)
            process.stderr.close()
            text = "".join(lines)
            for marker in harness.SANITIZER_MARKERS:
                self.assertNotIn(marker, text)
            self.assert_from_runtime_packages(sorted(mapped))


if __name__ == "__main__":
    unittest.main(verbosity=2)
