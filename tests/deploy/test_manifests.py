"""deploy/ as a platform engineer applies it: Debian's kubectl (the kubernetes-client package,
1.20, whose built-in kustomize is v2.0.3 and knows no `components`; scripts/install-deps --test
installs it, or unpacks it under /usr/local/lib/epsitter/kubernetes-client where another package
owns /usr/bin/kubectl) renders the base, the Prometheus Operator overlay, the Kubernetes discovery
overlay, the sharded StatefulSet overlay and every other kustomization under deploy/; a newer
kubectl on PATH, when there is one, renders the same objects. No variant carries a Secret (an
apply would overwrite the user's); every object validates against the Kubernetes and Prometheus Operator
schemas (npm kubernetes-models, installed here on first use), the objects fit together (restricted
security context, probes on the operating endpoints, named ports, selectors), the ConfigMap's config
passes `epsitter --check-config`, and the alert rules pass promtool's checks and unit tests."""

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


class Manifests(unittest.TestCase):
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

    def test_the_renderer_is_debians_kubectl_1_20(self):
        # kustomize v2.0.3 inside: no `components`, no directories under `resources`.
        self.assertIn('GitVersion:"v1.20.', self.kubectl_version)

    def test_every_kustomization_under_deploy_renders_with_debians_kubectl(self):
        found = []
        for directory, _, files in os.walk(DEPLOY):
            if "kustomization.yaml" in files:
                found.append(directory)
                with self.subTest(directory=os.path.relpath(directory, ROOT)):
                    with open(os.path.join(directory, "kustomization.yaml")) as f:
                        self.assertNotRegex(f.read(), r"(?m)^(kind: Component|components:)")
                    result = run([KUBECTL, "kustomize", directory])
                    self.assertEqual(result.returncode, 0, result.stderr)
                    self.assertNotIn("kind: Secret", result.stdout)
                    # kustomize v2.0.3 leaves an empty object behind a `$patch: delete`.
                    for document in result.stdout.split("\n---\n"):
                        self.assertIn("\nkind: ", "\n" + document)
        self.assertGreaterEqual(len(found), 7)

    def test_a_newer_kubectl_renders_the_same_objects(self):
        if not OTHER_KUBECTL or os.path.realpath(OTHER_KUBECTL) == os.path.realpath(KUBECTL):
            self.skipTest("no other kubectl on PATH")
        for which, directory in VARIANTS:
            with self.subTest(which=which):
                result = run([OTHER_KUBECTL, "kustomize", directory])
                self.assertEqual(result.returncode, 0, result.stderr)
                path = os.path.join(self.tmp.name, f"{which}-other.yaml")
                with open(path, "w") as f:
                    f.write(result.stdout)
                objects_json = os.path.join(self.tmp.name, f"{which}-other.json")
                validated = run([NODE, os.path.join(HERE, "validate.mjs"), path, objects_json])
                self.assertEqual(validated.returncode, 0, validated.stdout)
                with open(objects_json) as f:
                    other = json.load(f)

                def normal(objects):
                    # kustomize v2.0.3 writes an empty `annotations: {}` on generated ConfigMaps.
                    objects = json.loads(json.dumps(objects))
                    for o in objects:
                        if o["metadata"].get("annotations") == {}:
                            del o["metadata"]["annotations"]
                    return sorted(objects, key=lambda o: (o["kind"], o["metadata"]["name"]))
                self.assertEqual(normal(other), normal(self.objects_of(which)))

    def objects_of(self, which="full"):
        return self.objects[which]["list"]

    def one(self, kind, which="full"):
        found = [o for o in self.objects_of(which) if o["kind"] == kind]
        self.assertEqual(len(found), 1, f"one {kind} expected")
        return found[0]

    def test_every_variant_renders_with_the_expected_objects(self):
        kinds = lambda which: sorted(o["kind"] for o in self.objects_of(which))  # noqa: E731
        self.assertEqual(kinds("base"), ["ConfigMap", "Deployment", "NetworkPolicy", "Service",
                                         "ServiceAccount"])
        self.assertEqual(kinds("full"), ["ConfigMap", "Deployment", "NetworkPolicy",
                                         "PrometheusRule", "Service", "ServiceAccount",
                                         "ServiceMonitor"])
        self.assertEqual(kinds("discovery"), ["ClusterRole", "ClusterRoleBinding", "ConfigMap",
                                              "Deployment", "NetworkPolicy", "NetworkPolicy",
                                              "Service", "ServiceAccount"])
        self.assertEqual(kinds("sharded"), ["ClusterRole", "ClusterRoleBinding", "ConfigMap",
                                            "NetworkPolicy", "NetworkPolicy",
                                            "PodDisruptionBudget", "PrometheusRule", "Service",
                                            "Service", "ServiceAccount", "ServiceMonitor",
                                            "StatefulSet"])

    def test_no_variant_carries_a_secret_and_the_pod_takes_the_users_as_optional(self):
        for which, _ in VARIANTS:
            with self.subTest(which=which):
                self.assertFalse([o for o in self.objects_of(which) if o["kind"] == "Secret"])
                pod = self.pod_of(which)
                volume = next(v for v in pod["volumes"] if "secret" in v)
                self.assertEqual(volume["secret"]["secretName"], SECRET_NAME)
                # The example config reads no secret file: the pod starts before the user
                # creates the Secret.
                self.assertIs(volume["secret"]["optional"], True)
                for container in pod["containers"] + pod["initContainers"]:
                    mount = next(m for m in container["volumeMounts"]
                                 if m["name"] == volume["name"])
                    self.assertIs(mount["readOnly"], True)

    def test_images_name_a_registry_and_a_pull_policy(self):
        for which, _ in VARIANTS:
            pod = self.pod_of(which)
            for container in pod["containers"] + pod["initContainers"]:
                with self.subTest(which=which, container=container["name"]):
                    self.assertRegex(container["image"],
                                     "^" + re.escape(REGISTRY_PLACEHOLDER) + r":\d+\.\d+\.\d+$")
                    self.assertEqual(container["imagePullPolicy"], "IfNotPresent")

    def test_the_network_policy_admits_the_monitoring_namespace_dns_and_probes(self):
        for which, _ in VARIANTS:
            with self.subTest(which=which):
                policies = {o["metadata"]["name"]: o for o in self.objects_of(which)
                            if o["kind"] == "NetworkPolicy"}
                policy = policies["epsitter"]["spec"]
                pod_labels = self.workload(which)["spec"]["template"]["metadata"]["labels"]
                for p in policies.values():
                    for key, value in p["spec"]["podSelector"]["matchLabels"].items():
                        self.assertEqual(pod_labels.get(key), value)
                self.assertEqual(sorted(policy["policyTypes"]), ["Egress", "Ingress"])
                # Ingress: the metrics port only, from the monitoring namespace only.
                self.assertEqual(policy["ingress"], [{
                    "from": [{"namespaceSelector": {"matchLabels": {
                        "kubernetes.io/metadata.name": "monitoring"}}}],
                    "ports": [{"port": "metrics", "protocol": "TCP"}]}])
                container_ports = {p["name"] for c in self.pod_of(which)["containers"]
                                   for p in c["ports"]}
                self.assertIn("metrics", container_ports)
                # Egress: DNS to kube-dns over UDP and TCP, probes to anywhere over TCP.
                dns, probes = policy["egress"]
                self.assertEqual(dns["to"], [{
                    "namespaceSelector": {"matchLabels": {
                        "kubernetes.io/metadata.name": "kube-system"}},
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}])
                self.assertEqual(sorted((p["port"], p["protocol"]) for p in dns["ports"]),
                                 [(53, "TCP"), (53, "UDP")])
                self.assertEqual(probes, {"ports": [{"protocol": "TCP"}]})
                # Discovery keeps the API server reachable however the probe rule is narrowed.
                discovers = any(o["kind"] == "ClusterRole" for o in self.objects_of(which))
                self.assertEqual("epsitter-apiserver" in policies, discovers)
                if discovers:
                    api = policies["epsitter-apiserver"]["spec"]
                    self.assertEqual(api["policyTypes"], ["Egress"])
                    self.assertEqual(sorted(p["port"] for p in api["egress"][0]["ports"]),
                                     [443, 6443])

    def test_the_shards_spread_over_nodes_and_a_drain_takes_one_at_a_time(self):
        statefulset = self.one("StatefulSet", "sharded")
        pod = statefulset["spec"]["template"]["spec"]
        labels = statefulset["spec"]["template"]["metadata"]["labels"]
        self.assertEqual(pod["topologySpreadConstraints"], [{
            "maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "epsitter"}}}])
        budget = self.one("PodDisruptionBudget", "sharded")
        self.assertEqual(budget["apiVersion"], "policy/v1")
        self.assertEqual(budget["spec"]["maxUnavailable"], 1)
        for key, value in budget["spec"]["selector"]["matchLabels"].items():
            self.assertEqual(labels.get(key), value)
        for which in ("base", "full", "discovery"):
            self.assertFalse([o for o in self.objects_of(which)
                              if o["kind"] == "PodDisruptionBudget"])

    def test_every_object_validates_against_its_schema(self):
        for which, _ in VARIANTS:
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
                self.assertTrue(container["image"].startswith(REGISTRY_PLACEHOLDER + ":"))

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
        self.assertEqual(secret_volume["secret"]["secretName"], SECRET_NAME)
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
        # epsitter's own `namespace` label (the target's) must not become `exported_namespace`.
        self.assertIs(monitor["spec"]["endpoints"][0].get("honorLabels"), True)

    def workload(self, which):
        """The variant's Deployment, or its StatefulSet when sharded."""
        found = [o for o in self.objects_of(which) if o["kind"] in ("Deployment", "StatefulSet")]
        self.assertEqual(len(found), 1, f"one workload expected in {which}")
        return found[0]

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

    def test_the_configmap_config_passes_check_config(self):
        if os.geteuid() != 0:
            self.skipTest("needs root for a private mount namespace (CI runs as root)")
        for which, _ in VARIANTS:
            for name, text in self.one("ConfigMap", which)["data"].items():
                with self.subTest(which=which, file=name):
                    path = os.path.join(self.tmp.name, f"{which}-{name}")
                    with open(path, "w") as f:
                        f.write(text)
                    # As the pod starts before the user made the Secret: nothing mounted.
                    result = self.check_config_in_pod_layout(path, {}, which)
                    self.assertEqual(result.returncode, 0, result.stderr)
                    self.assertIn("config OK", result.stdout)

    def test_the_commented_secret_example_reads_the_secret_the_docs_create(self):
        if os.geteuid() != 0:
            self.skipTest("needs root for a private mount namespace (CI runs as root)")
        with open(os.path.join(DEPLOY, "base", "sitter.yaml")) as f:
            text = f.read()
        # The example target, commented out in the shipped config, uncommented as a user would.
        example = re.search(r"(?m)^  # self_healthy_with_auth:\n(?:  #   .*\n)+", text)
        self.assertIsNotNone(example)
        uncommented = re.sub(r"(?m)^  # ", "  ", example.group(0))
        path = os.path.join(self.tmp.name, "with-secret.yaml")
        with open(path, "w") as f:
            f.write(text + uncommented)
        # The docs' `kubectl create secret generic` command names the Secret and key it reads.
        with open(os.path.join(ROOT, "docs", "deploy.md")) as f:
            docs = f.read()
        key = re.search(r"auth_pass_file: /var/run/secrets/epsitter/(\S+)", uncommented).group(1)
        self.assertIn(f"kubectl create secret generic {SECRET_NAME}", docs)
        self.assertIn(f"--from-file={key}=", docs)
        result = self.check_config_in_pod_layout(path, SECRET_FILES, "base")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("config OK", result.stdout)
        # Without the Secret the check fails, naming the field and never the password.
        result = self.check_config_in_pod_layout(path, {}, "base")
        self.assertEqual(result.returncode, 2, result.stdout)
        self.assertIn("auth_pass_file", result.stderr)
        self.assertNotIn(SECRET_FILES["api-password"], result.stderr)

    def test_the_config_baked_into_the_image_passes_check_config(self):
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
        self.assertIn("sitter_tls_chain_expiry_timestamp_seconds", expressions)
        self.assertTrue(re.search(r"14 \* 24 \* 3600", expressions))
        # Job-agnostic: epsitter is known by its metrics, whatever the scrape job is called.
        self.assertNotRegex(expressions, r"\bjob\s*=")
        self.assertIn("absent(sitter_build_info)", expressions)
        self.assertIn("sitter_last_probe_timestamp_seconds", expressions)
        # Every alert has a description and a runbook_url into its own section of the runbook,
        # and promtool's unit tests expect it to fire at least once.
        with open(RUNBOOK) as f:
            anchors = {re.sub(r"[^a-z0-9 -]", "", line[3:].strip().lower()).replace(" ", "-")
                       for line in f if line.startswith("## ")}
        with open(os.path.join(HERE, "rules_test.yaml")) as f:
            rules_test = f.read()
        for group in rule["spec"]["groups"]:
            for r in group["rules"]:
                with self.subTest(alert=r["alert"]):
                    annotations = r["annotations"]
                    self.assertTrue(annotations.get("description"))
                    url, _, anchor = annotations["runbook_url"].partition("#")
                    self.assertTrue(url.endswith("/runbook.md"), url)
                    self.assertEqual(anchor, r["alert"].lower())
                    self.assertIn(anchor, anchors)
                    fired = re.search(r"alertname: " + r["alert"] + r"\n\s+exp_alerts:\n\s+- ",
                                      rules_test)
                    self.assertTrue(fired, f"no promtool test expects {r['alert']} to fire")

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


    def pod_of(self, which):
        workload = [o for o in self.objects_of(which) if o["kind"] in ("Deployment", "StatefulSet")]
        self.assertEqual(len(workload), 1)
        return workload[0]["spec"]["template"]["spec"]

    def test_only_the_discovery_variants_reach_the_api_server(self):
        for which in ("base", "full"):
            with self.subTest(which=which):
                kinds = {o["kind"] for o in self.objects_of(which)}
                self.assertFalse(kinds & {"ClusterRole", "ClusterRoleBinding", "Role",
                                          "RoleBinding"})
                self.assertIs(self.pod_of(which)["automountServiceAccountToken"], False)
                for text in self.one("ConfigMap", which)["data"].values():
                    self.assertNotIn("kubernetes:", text)

    def test_discovery_reads_services_and_ingresses_with_the_pods_own_token(self):
        for which in ("discovery", "sharded"):
            with self.subTest(which=which):
                role = self.one("ClusterRole", which)
                rules = {(group, resource): sorted(rule["verbs"]) for rule in role["rules"]
                         for group in rule["apiGroups"] for resource in rule["resources"]}
                self.assertEqual(rules, {("", "services"): ["get", "list", "watch"],
                                         ("networking.k8s.io", "ingresses"):
                                             ["get", "list", "watch"]})
                binding = self.one("ClusterRoleBinding", which)
                self.assertEqual(binding["roleRef"], {"apiGroup": "rbac.authorization.k8s.io",
                                                      "kind": "ClusterRole",
                                                      "name": role["metadata"]["name"]})
                account = self.one("ServiceAccount", which)
                self.assertEqual(binding["subjects"], [{
                    "kind": "ServiceAccount", "name": account["metadata"]["name"],
                    "namespace": account["metadata"]["namespace"]}])
                pod = self.pod_of(which)
                self.assertEqual(pod["serviceAccountName"], account["metadata"]["name"])
                # The token reaches this pod only; the ServiceAccount keeps its default off.
                self.assertIs(pod["automountServiceAccountToken"], True)
                self.assertIs(account["automountServiceAccountToken"], False)
                config = next(iter(self.one("ConfigMap", which)["data"].values()))
                self.assertRegex(config, r"(?m)^kubernetes:")

    def test_the_sharded_statefulset_is_the_deployment_with_shard_count_replicas(self):
        objects = self.objects_of("sharded")
        self.assertFalse([o for o in objects if o["kind"] == "Deployment"])
        statefulset = self.one("StatefulSet", "sharded")
        spec = statefulset["spec"]
        pod = spec["template"]["spec"]
        main = next(c for c in pod["containers"] if c["name"] == "epsitter")
        env = {e["name"]: e.get("value") for e in main["env"]}
        self.assertEqual(int(env["SHARD_COUNT"]), spec["replicas"])
        self.assertGreater(spec["replicas"], 1)
        self.assertNotIn("SHARD_INDEX", env)  # from the pod's host name, epsitter-N
        self.assertEqual(spec["podManagementPolicy"], "Parallel")

        # The pod template is the discovery Deployment's, but for SHARD_COUNT and the spread.
        deployment = self.one("Deployment", "discovery")
        expected = json.loads(json.dumps(deployment["spec"]["template"]))
        actual = json.loads(json.dumps(spec["template"]))
        actual_main = next(c for c in actual["spec"]["containers"] if c["name"] == "epsitter")
        actual_main["env"] = [e for e in actual_main["env"] if e["name"] != "SHARD_COUNT"]
        del actual["spec"]["topologySpreadConstraints"]
        self.assertEqual(actual, expected)
        # And its config is the discovery overlay's.
        self.assertEqual(self.one("ConfigMap", "sharded")["data"],
                         self.one("ConfigMap", "discovery")["data"])
        self.assertEqual(spec["selector"], deployment["spec"]["selector"])

        # The governing Service is headless; the ServiceMonitor selects the base Service only
        # (one scrape per replica, not two), and that Service reaches every replica.
        services = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Service"}
        headless = services[spec["serviceName"]]
        self.assertEqual(headless["spec"]["clusterIP"], "None")
        monitor = self.one("ServiceMonitor", "sharded")
        selected = [name for name, service in services.items()
                    if all(service["metadata"].get("labels", {}).get(k) == v
                           for k, v in monitor["spec"]["selector"]["matchLabels"].items())]
        self.assertEqual(selected, ["epsitter"])
        pod_labels = spec["template"]["metadata"]["labels"]
        for service in services.values():
            for key, value in service["spec"]["selector"].items():
                self.assertEqual(pod_labels.get(key), value)


if __name__ == "__main__":
    unittest.main(verbosity=2)
