"""Writes a config directory the way the kubelet mounts a ConfigMap volume, and updates it the way
the kubelet does: a new timestamped directory, then an atomic rename of the `..data` symlink.

    dir/sitter.yaml -> ..data/sitter.yaml
    dir/..data      -> ..2026_01_01_00_00_00.000000001
"""

import itertools
import os
import shutil

_versions = itertools.count(1)


def _new_version_dir(directory, files):
    name = f"..2026_01_01_00_00_00.{next(_versions):09d}"
    os.mkdir(os.path.join(directory, name))
    for file_name, text in files.items():
        with open(os.path.join(directory, name, file_name), "w") as f:
            f.write(text)
    return name


def create(directory, files):
    """Lays out `files` ({name: text}) as a ConfigMap volume in `directory` (which must not hold them)."""
    version = _new_version_dir(directory, files)
    os.symlink(version, os.path.join(directory, "..data"))
    for file_name in files:
        os.symlink(os.path.join("..data", file_name), os.path.join(directory, file_name))


def update(directory, files):
    """Swaps in new content atomically; the old version directory is removed afterwards."""
    data = os.path.join(directory, "..data")
    old = os.readlink(data)
    version = _new_version_dir(directory, files)
    temporary = os.path.join(directory, "..data_tmp")
    os.symlink(version, temporary)
    os.rename(temporary, data)
    shutil.rmtree(os.path.join(directory, old))
