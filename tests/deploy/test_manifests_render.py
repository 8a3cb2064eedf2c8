"""deploy/ renders with Debian's kubectl 1.20 (and a newer kubectl, when there is one, to the same
objects), every variant holds the objects it should, every object validates against its schema (and
the validator is shown to reject a broken one), and images name a registry and a pull policy."""

import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from rendered_manifests import (  # noqa: E402  (beside this file)
    DEPLOY, HERE, KUBECTL, NODE, OTHER_KUBECTL, REGISTRY_PLACEHOLDER, ROOT, RenderedManifests,
    VARIANTS, run)


class ManifestsRender(RenderedManifests):
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
                                            "Deployment", "NetworkPolicy", "NetworkPolicy",
                                            "PodDisruptionBudget", "PrometheusRule", "Role",
                                            "RoleBinding", "Service", "ServiceAccount",
                                            "ServiceMonitor"])

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

    def test_images_name_a_registry_and_a_pull_policy(self):
        for which, _ in VARIANTS:
            pod = self.pod_of(which)
            for container in pod["containers"] + pod["initContainers"]:
                with self.subTest(which=which, container=container["name"]):
                    self.assertRegex(container["image"],
                                     "^" + re.escape(REGISTRY_PLACEHOLDER) + r":\d+\.\d+\.\d+$")
                    self.assertEqual(container["imagePullPolicy"], "IfNotPresent")


if __name__ == "__main__":
    unittest.main(verbosity=2)
