"""Sharding by Kubernetes Leases (SHARD_MODE=lease): three real epsitter processes against the
fake API server and one loopback target server that counts the hits on each target's path. Every
target is probed by exactly one replica; a replica killed loses its targets to the survivors
within its lease duration and a renewal; one stopped cleanly deletes its Lease and its targets
move at once; a fourth replica takes about a quarter; a partition from the API server makes each
replica stop probing once its own Lease would have expired, and report not-ready, until the API
server answers again."""

import contextlib
import json
import time
import unittest

import harness
from fake_kube import cluster_for
from harness import Backend, Epsitter, wait_until

TARGETS = 30
NAMESPACE = "monitoring"
TARGET_NAMES = [f"target-{i:02d}" for i in range(TARGETS)]
REQUEST_COUNT = "sitter_request_time_count"


def held(sitter):
    """The names of the targets `sitter` probes now (those with a probe series)."""
    return {dict(labels)["name"] for name, labels in sitter.metrics() if name == REQUEST_COUNT}


class LeaseMembership(unittest.TestCase):
    def setUp(self):
        self.kube, self.token_file = cluster_for(self)
        self.backend = Backend().__enter__()
        self.addCleanup(self.backend.__exit__, None, None, None)
        urls = {name: {"url": self.backend.url(f"/{name}")} for name in TARGET_NAMES}
        self.text = (f"kubernetes:\n  api_url: {self.kube.url}\n  token_file: {self.token_file}\n"
                     + harness.config_yaml(urls))
        self.stack = contextlib.ExitStack()
        self.addCleanup(self.stack.close)

    def replica(self, name, lease_seconds):
        env = {"SHARD_MODE": "lease", "HOSTNAME": name, "POD_NAMESPACE": NAMESPACE,
               "SHARD_LEASE_SECONDS": str(lease_seconds), "POLL_INTERVAL": "1",
               "no_proxy": "", "NO_PROXY": "", "http_proxy": "", "HTTP_PROXY": ""}
        return self.stack.enter_context(Epsitter(self.text, env=env))

    def replicas(self, names, lease_seconds):
        sitters = {name: self.replica(name, lease_seconds) for name in names}
        self.wait_shared(sitters)
        return sitters

    def owners(self, sitters):
        """{target: [replicas probing it]} as their /metrics say."""
        found = {name: [] for name in TARGET_NAMES}
        for replica, sitter in sitters.items():
            for target in held(sitter):
                found[target].append(replica)
        return found

    def wait_shared(self, sitters, timeout=30):
        """Waits until every replica sees all of them and each target has exactly one owner;
        returns {target: owner}."""
        def shared():
            for sitter in sitters.values():
                if sitter.value("sitter_shard_members") != len(sitters):
                    return None
            owners = self.owners(sitters)
            if any(len(o) != 1 for o in owners.values()):
                return None
            if sum(s.value("sitter_shard_targets") for s in sitters.values()) != TARGETS:
                return None
            return {target: o[0] for target, o in owners.items()}
        return wait_until(shared, timeout=timeout, interval=0.2,
                          message="every target owned by exactly one replica")

    def hits_since(self, start):
        """{target: times of its hits at or after `start` (time.monotonic())}."""
        hits = {name: [] for name in TARGET_NAMES}
        for seen in self.backend.seen():
            name = seen.path.lstrip("/")
            if name in hits and seen.at >= start:
                hits[name].append(seen.at)
        return hits

    def takeover(self, targets, start, timeout):
        """Seconds from `start` until each of `targets` has been probed again (the slowest)."""
        def all_hit():
            hits = self.hits_since(start)
            if all(hits[t] for t in targets):
                return max(min(hits[t]) for t in targets) - start
            return None
        return wait_until(all_hit, timeout=timeout, interval=0.1,
                          message="the targets to be probed again")

    def test_every_target_is_probed_by_exactly_one_replica_per_round(self):
        sitters = self.replicas(["sitter-a", "sitter-b", "sitter-c"], lease_seconds=15)
        shares = {name: sitter.value("sitter_shard_targets") for name, sitter in sitters.items()}
        self.assertEqual(sum(shares.values()), TARGETS)
        for share in shares.values():
            self.assertGreater(share, 0)
        # Each target is probed once a second: about 5 hits in 5 s; two owners would make ~10.
        start = time.monotonic()
        time.sleep(5)
        hits = self.hits_since(start)
        for name in TARGET_NAMES:
            self.assertGreaterEqual(len(hits[name]), 3, name)
            self.assertLessEqual(len(hits[name]), 7, name)
        leases = self.kube.leases(NAMESPACE)
        self.assertEqual(set(leases), set(sitters))
        lease = leases["sitter-a"]
        self.assertEqual(lease["metadata"]["labels"]["epsitter.io/shard-group"], "epsitter")
        self.assertEqual(lease["spec"]["holderIdentity"], "sitter-a")
        self.assertEqual(lease["spec"]["leaseDurationSeconds"], 15)
        harness.assert_promtool_accepts(self, sitters["sitter-a"].scrape())
        for sitter in sitters.values():
            self.assertEqual(sitter.value("sitter_shard_membership", state="member"), 1)
            self.assertGreaterEqual(sitter.value("sitter_shard_changes_total"), 1)
            status, _, _ = sitter.get("/-/ready")
            self.assertEqual(status, 200)
        # The JSON API names the live members.
        status, _, body = sitters["sitter-b"].get("/api/v1/shard")
        self.assertEqual(status, 200)
        shard = json.loads(body)
        self.assertEqual(shard["mode"], "lease")
        self.assertEqual(shard["self"], "sitter-b")
        self.assertEqual(shard["state"], "member")
        self.assertEqual(shard["members"], ["sitter-a", "sitter-b", "sitter-c"])
        self.assertEqual(shard["shard_targets"], shares["sitter-b"])
        # And the status page says it in a line.
        status, _, page = sitters["sitter-b"].get("/")
        self.assertEqual(status, 200)
        self.assertIn("lease group epsitter: sitter-b member, 3 live members: sitter-a, sitter-b, "
                      f"sitter-c; probes {int(shares['sitter-b'])} targets", page)
        print(f"\nshares of {TARGETS} targets: {shares}")

    def test_a_killed_replica_loses_its_targets_within_its_lease_and_a_renewal(self):
        lease = 3
        sitters = self.replicas(["sitter-a", "sitter-b", "sitter-c"], lease_seconds=lease)
        owners = self.wait_shared(sitters)
        victim = [t for t, o in owners.items() if o == "sitter-c"]
        start = time.monotonic()
        sitters["sitter-c"].process.kill()
        sitters["sitter-c"].process.wait()
        survivors = {n: s for n, s in sitters.items() if n != "sitter-c"}
        # Lease (3 s) + renewal (1 s) + a list (1 s) + a round (1 s), and room for a slow machine.
        took = self.takeover(victim, start, timeout=6 * lease + 10)
        after = self.wait_shared(survivors)
        self.assertEqual(set(after), set(TARGET_NAMES))
        print(f"\nSIGKILL: {len(victim)} targets of the killed replica probed again by the "
              f"survivors {took:.1f} s after the kill (lease {lease} s, renewal every 1 s)")
        # Not before the killed replica's Lease could have run out (it was renewed < 1 s ago), and
        # within the lease, a renewal, a list and a round (6 s) with room for a slow machine.
        self.assertGreater(took, lease - 1.5)
        self.assertLess(took, 2 * lease + 4)

    def test_a_replica_stopped_cleanly_deletes_its_lease_and_its_targets_move_at_once(self):
        lease = 15
        sitters = self.replicas(["sitter-a", "sitter-b", "sitter-c"], lease_seconds=lease)
        owners = self.wait_shared(sitters)
        leaving = [t for t, o in owners.items() if o == "sitter-b"]
        start = time.monotonic()
        self.assertEqual(sitters["sitter-b"].stop(), 0)
        self.assertNotIn("sitter-b", self.kube.leases(NAMESPACE))
        self.assertIn("shard lease deleted", sitters["sitter-b"].log())
        took = self.takeover(leaving, start, timeout=lease)
        print(f"\nSIGTERM: {len(leaving)} targets moved {took:.1f} s after the signal "
              f"(lease {lease} s)")
        # Well under the lease duration: the Lease was deleted, not left to expire.
        self.assertLess(took, lease / 2)
        self.wait_shared({n: s for n, s in sitters.items() if n != "sitter-b"})

    def test_a_fourth_replica_takes_about_a_quarter_from_the_others(self):
        sitters = self.replicas(["sitter-a", "sitter-b", "sitter-c"], lease_seconds=15)
        before = self.wait_shared(sitters)
        sitters["sitter-d"] = self.replica("sitter-d", 15)
        after = self.wait_shared(sitters)
        moved = {t for t in TARGET_NAMES if before[t] != after[t]}
        self.assertEqual(moved, {t for t, o in after.items() if o == "sitter-d"},
                         "targets moved only to the new replica")
        print(f"\na fourth replica: {len(moved)} of {TARGETS} targets moved "
              f"({len(moved) / TARGETS:.0%}), all to it")
        self.assertGreaterEqual(len(moved), 0.15 * TARGETS)
        self.assertLessEqual(len(moved), 0.35 * TARGETS)

    def test_cut_off_from_the_api_server_replicas_stop_at_their_lease_end_then_rejoin(self):
        lease = 3
        sitters = self.replicas(["sitter-a", "sitter-b", "sitter-c"], lease_seconds=lease)
        start = time.monotonic()
        self.kube.unreachable()
        # Each keeps probing what it owned until its own Lease would have expired, then stops
        # and reports not-ready.
        def all_lost():
            return all(s.get("/-/ready")[0] == 503 for s in sitters.values())
        wait_until(all_lost, timeout=6 * lease + 10, interval=0.2, message="not-ready everywhere")
        lost_after = time.monotonic() - start
        probed_meanwhile = self.hits_since(start)
        self.assertGreaterEqual(sum(1 for h in probed_meanwhile.values() if h), TARGETS * 2 // 3,
                                "probing went on while the leases were current")
        for sitter in sitters.values():
            self.assertEqual(sitter.value("sitter_shard_membership", state="lost"), 1)
            self.assertEqual(sitter.value("sitter_shard_targets"), 0)
            self.assertIn("shard lease expired", sitter.log())
        # Nothing is probed any more (a probe already in flight may still land).
        time.sleep(1.5)
        quiet = time.monotonic()
        time.sleep(2)
        self.assertEqual(sum(len(h) for h in self.hits_since(quiet).values()), 0)
        print(f"\npartition: every replica stopped probing and went not-ready "
              f"{lost_after:.1f} s after the API server stopped answering (lease {lease} s)")
        self.kube.reachable()
        wait_until(lambda: all(s.get("/-/ready")[0] == 200 for s in sitters.values()),
                   timeout=30, interval=0.2, message="ready again")
        self.wait_shared(sitters)


    def test_a_lease_changed_behind_its_back_or_left_by_a_restart_is_taken_over(self):
        sitters = self.replicas(["sitter-a"], lease_seconds=15)
        kube = self.kube
        # Someone else wrote the Lease: the replica's next update carries a stale resourceVersion,
        # gets 409, reads the Lease again and renews it.
        lease = kube.leases(NAMESPACE)["sitter-a"]
        lease["spec"]["holderIdentity"] = "someone-else"
        before = len(kube.seen("leases"))
        kube.put("leases", lease)
        changed = int(kube.leases(NAMESPACE)["sitter-a"]["metadata"]["resourceVersion"])
        def renewed():
            now = kube.leases(NAMESPACE)["sitter-a"]
            return (int(now["metadata"]["resourceVersion"]) > changed
                    and now["spec"]["holderIdentity"] == "sitter-a")
        wait_until(renewed, timeout=20, interval=0.2, message="the Lease renewed after a conflict")
        # It read the Lease again (GET of the item, where it otherwise only updates and lists).
        self.assertTrue([r for r in kube.seen("leases")[before:]
                         if r.method == "GET" and r.path.endswith("/leases/sitter-a")])
        self.assertEqual(sitters["sitter-a"].get("/-/ready")[0], 200)
        # A new process of the same pod name finds its Lease there (409 on create) and takes it
        # over at once rather than wait for it to expire.
        sitters["sitter-a"].process.kill()
        sitters["sitter-a"].process.wait()
        again = self.replica("sitter-a", 15)
        wait_until(lambda: again.get("/-/ready")[0] == 200, timeout=30, interval=0.2,
                   message="the restarted replica ready")
        self.assertEqual(again.value("sitter_shard_targets"), TARGETS)
        self.assertNotIn("cannot renew the shard lease", again.log())
        self.assertEqual(list(kube.leases(NAMESPACE)), ["sitter-a"])

if __name__ == "__main__":
    unittest.main()
