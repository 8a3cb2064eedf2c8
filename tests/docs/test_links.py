"""Every relative link of README.md and docs/*.md leads somewhere: the file exists and, when the
link names a heading (#anchor), the file has that heading (GitHub's anchor spelling)."""

import os
import re
import sys
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def anchors(path):
    """GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces to
    '-', repeats numbered."""
    seen = {}
    found = set()
    in_code = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("```"):
                in_code = not in_code
            if in_code or not line.startswith("#"):
                continue
            text = line.lstrip("#").strip().lower()
            slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def documents():
    yield os.path.join(ROOT, "README.md")
    docs = os.path.join(ROOT, "docs")
    for name in sorted(os.listdir(docs)):
        if name.endswith(".md"):
            yield os.path.join(docs, name)


class Links(unittest.TestCase):
    def test_every_relative_link_resolves(self):
        broken = []
        for document in documents():
            with open(document, encoding="utf-8") as f:
                text = f.read()
            for target in LINK.findall(text):
                if re.match(r"^[a-z]+:", target):
                    continue  # http(s), mailto: not checked offline
                path, _, anchor = target.partition("#")
                resolved = os.path.normpath(os.path.join(os.path.dirname(document), path)) \
                    if path else document
                if not os.path.exists(resolved):
                    broken.append(f"{os.path.relpath(document, ROOT)}: {target} (no such file)")
                elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
                    broken.append(f"{os.path.relpath(document, ROOT)}: {target} (no such heading)")
        self.assertEqual(broken, [])

    def test_the_readme_stays_a_front_door(self):
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            self.assertLessEqual(len(f.readlines()), 250)


if __name__ == "__main__":
    unittest.main(verbosity=2, argv=sys.argv[:1])
