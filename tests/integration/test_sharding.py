"""Sharding across replicas: three epsitter processes with SHARD_COUNT=3 on one config of 300
targets probe every target exactly once between them; with SHARD_COUNT=4 about a quarter of the
targets move, all of them to the new replica. Targets cost nothing: a refused loopback port and a
long POLL_INTERVAL."""

import contextlib
import json
import os
import socket
import tempfile
import unittest

import harness
from harness import Epsitter, refused_port, run_epsitter

COUNT = "sitter_request_time_count"
TARGETS = 300


def config():
    port = refused_port()
    return harness.config_yaml({f"target-{i:03d}": {"url": f"http://127.0.0.1:{port}/{i}"}
                                for i in range(TARGETS)})


def held(sitter):
    return {dict(labels)["name"] for name, labels in sitter.metrics() if name == COUNT}


def run_shards(text, count):
    """{shard index: names of the targets that replica probes}, every replica started at once."""
    with contextlib.ExitStack() as stack:
        sitters = [stack.enter_context(Epsitter(text, env={"POLL_INTERVAL": "3600",
                                                           "SHARD_COUNT": str(count),
                                                           "SHARD_INDEX": str(index)}))
                   for index in range(count)]
        shards = {}
        for index, sitter in enumerate(sitters):
            names = held(sitter)
            shards[index] = names
            metrics = sitter.metrics()
            info = [dict(labels) for name, labels in metrics if name == "sitter_build_info"]
            assert len(info) == 1 and info[0]["shard"] == str(index), info
            assert info[0]["shard_count"] == str(count), info
            assert sitter.value("sitter_shard_targets") == len(names)
            status, _, body = sitter.get("/api/v1/shard")
            assert status == 200 and json.loads(body) == {
                "mode": "static", "shard": index, "shard_count": count,
                "shard_targets": len(names)}, body
            assert sitter.value("sitter_discovery_targets", source="file") == TARGETS
        return shards


class Sharding(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.text = config()
        cls.three = run_shards(cls.text, 3)

    def test_three_replicas_probe_every_target_exactly_once(self):
        every = [name for names in self.three.values() for name in names]
        self.assertEqual(len(every), TARGETS)
        self.assertEqual(set(every), {f"target-{i:03d}" for i in range(TARGETS)})
        for index, names in self.three.items():
            # A fair share each: 100 expected; rendezvous hashing is close to that.
            self.assertGreater(len(names), 60, f"shard {index}")
            self.assertLess(len(names), 140, f"shard {index}")

    def test_a_fourth_replica_takes_about_a_quarter_from_the_others(self):
        four = run_shards(self.text, 4)
        every = [name for names in four.values() for name in names]
        self.assertEqual(sorted(every), sorted(f"target-{i:03d}" for i in range(TARGETS)))
        before = {name: index for index, names in self.three.items() for name in names}
        moved = {name for index, names in four.items() for name in names if before[name] != index}
        # About 1/4 (75 of 300); all moved to the new replica, none between the old three.
        self.assertGreater(len(moved), 0.15 * TARGETS)
        self.assertLess(len(moved), 0.35 * TARGETS)
        self.assertEqual(moved, four[3])
        print(f"\nSHARD_COUNT 3 -> 4: {len(moved)} of {TARGETS} targets moved "
              f"({len(moved) / TARGETS:.1%}); shards of 3: "
              f"{[len(self.three[i]) for i in range(3)]}, of 4: {[len(four[i]) for i in range(4)]}")

    def test_a_bad_shard_setting_refuses_to_start(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "sitter.yaml")
            with open(path, "w") as f:
                f.write(self.text)
            result = run_epsitter([path], env={"SHARD_COUNT": "3", "SHARD_INDEX": "3"})
            self.assertEqual(result.returncode, 2)
            self.assertIn('SHARD_INDEX="3": expected an integer from 0 to 2', result.stderr)
            # Without SHARD_INDEX the host name must end in -N, as a StatefulSet pod's does.
            if socket.gethostname().rsplit("-", 1)[-1].isdigit():
                return  # this machine's name would be taken as the index
            result = run_epsitter([path], env={"SHARD_COUNT": "3"})
            self.assertEqual(result.returncode, 2)
            self.assertIn("SHARD_INDEX is not set and the host name", result.stderr)

if __name__ == "__main__":
    harness.main()
