"""Reads deploy/Dockerfile into what the tests check: each stage's base image and apt packages, and
the runtime stage's user, port, entrypoint, config path and copied files. No container engine needed."""

import json
import re
import shlex


class Stage:
    def __init__(self, image, name):
        self.image, self.name = image, name
        self.packages = []   # from `apt-get install` lines
        self.copies = []     # (source, destination, from_stage)
        self.uid = self.gid = None
        self.exposed_port = None
        self.entrypoint = []
        self.cmd = []

    @property
    def config_path(self):
        """The config file the image runs with: the last argument of ENTRYPOINT + CMD."""
        return (self.entrypoint + self.cmd)[-1]


class Dockerfile:
    def __init__(self, stages):
        self.stages = stages
        self.runtime = stages[-1]
        self.build = stages[0]


def instructions(text):
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            yield word.upper(), rest.strip()


def apt_packages(run):
    packages = []
    for command in re.split(r"&&|;", run):
        words = shlex.split(command)
        if words[:2] == ["apt-get", "install"]:
            packages += [w for w in words[2:] if not w.startswith("-")]
    return packages


def parse(path):
    stages = []
    with open(path) as f:
        text = f.read()
    for instruction, args in instructions(text):
        if instruction == "FROM":
            words = args.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(words[0], name))
            continue
        if not stages:
            continue  # an ARG before the first FROM (the base image's name) belongs to no stage
        stage = stages[-1]
        if instruction == "RUN":
            stage.packages += apt_packages(args)
        elif instruction == "COPY":
            words = args.split()
            origin = next((w.split("=", 1)[1] for w in words if w.startswith("--from=")), None)
            files = [w for w in words if not w.startswith("--")]
            stage.copies.append((files[0], files[-1], origin))
        elif instruction == "USER":
            uid, _, gid = args.partition(":")
            stage.uid, stage.gid = int(uid), int(gid or uid)
        elif instruction == "EXPOSE":
            stage.exposed_port = int(args.split("/")[0])
        elif instruction == "ENTRYPOINT":
            stage.entrypoint = json.loads(args)
        elif instruction == "CMD":
            stage.cmd = json.loads(args)
    return Dockerfile(stages)
