"""deploy/ is safe in a shared cluster: no variant carries a Secret (an apply would overwrite the
user's), the NetworkPolicy admits the metrics port from the monitoring namespace only, the pod runs
restricted, and only the discovery variants reach the API server, with the pod's own token and read-
only rights."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from rendered_manifests import (  # noqa: E402  (beside this file)
    DEPLOY, REGISTRY_PLACEHOLDER, RenderedManifests, SECRET_NAME, VARIANTS, dockerfile)


class ManifestsSecurity(RenderedManifests):
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

    def test_only_the_discovery_variants_reach_the_api_server(self):
        for which in ("base", "full"):
            with self.subTest(which=which):
                kinds = {o["kind"] for o in self.objects_of(which)}
                self.assertFalse(kinds & {"ClusterRole", "ClusterRoleBinding", "Role",
                                          "RoleBinding"})
                self.assertIs(self.pod_of(which)["automountServiceAccountToken"], False)
                for text in self.one("ConfigMap", which)["data"].values():
                    self.assertNotIn("kubernetes:", text)

    def test_the_sharded_replicas_keep_their_leases_in_their_own_namespace_only(self):
        role = self.one("Role", "sharded")
        namespace = role["metadata"]["namespace"]
        self.assertEqual(role["rules"], [{
            "apiGroups": ["coordination.k8s.io"], "resources": ["leases"],
            "verbs": ["get", "list", "watch", "create", "update", "delete"]}])
        binding = self.one("RoleBinding", "sharded")
        self.assertEqual(binding["metadata"]["namespace"], namespace)
        self.assertEqual(binding["roleRef"], {"apiGroup": "rbac.authorization.k8s.io",
                                              "kind": "Role", "name": role["metadata"]["name"]})
        account = self.one("ServiceAccount", "sharded")
        self.assertEqual(binding["subjects"], [{
            "kind": "ServiceAccount", "name": account["metadata"]["name"],
            "namespace": namespace}])
        # Leases appear in no cluster-wide rule.
        cluster_role = self.one("ClusterRole", "sharded")
        self.assertNotIn("leases", [r for rule in cluster_role["rules"]
                                    for r in rule["resources"]])
        for which in ("base", "full", "discovery"):
            self.assertFalse([o for o in self.objects_of(which) if o["kind"] == "Role"])

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


if __name__ == "__main__":
    unittest.main(verbosity=2)
