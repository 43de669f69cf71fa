"""Ground truth for the Python part of the XDR dev set: jedi resolves the names used on candidate
lines of a package's files, and this script reports the lines that use a definition made in ANOTHER
file of the same package, with where that definition stands.

Input (stdin, JSON): {"root": package dir, "files": [root-relative paths],
  "candidates": [[path, 0-based line], ...] in the order to try them,
  "perPackage": lines wanted, "perFile": lines per file at most}
Output (stdout, JSON): {"jedi": version, "python": version, "tried": lines resolved,
  "lines": [{path, line, column, defs: [{name, via, sites: [DefSite]}]}]}
with 0-based lines, `column` the code-point column of the first cross-file name on the line, and
DefSite as in bench/eval/metric.ts.

Resolution of one name used on a line (not a definition, not inside an import statement):
  jedi's goto(follow_imports=True) gives its definitions; when it gives none, infer() is asked, and
  only definitions of the same name are kept (a function or class, not the type of a value).
  A name with a definition in the current file is visible there and is skipped; whole modules
  (`from . import utils`) are not a definition, their members are. Kept: definitions in other files
  of the package, as ONE definition with every site jedi gives (`self.n = 0` and `self.n += 1`),
  any of which counts, as the TypeScript part does with overloads. `via` is "member" for an attribute (`x.attr`) whose definition lies inside a class,
  else "name" (a top-level definition, named directly or through its module: `utils.helper`).
"""
import json
import os
import sys

import jedi
import parso


def main():
    req = json.load(sys.stdin)
    root = os.path.realpath(req["root"])
    files = set(req["files"])
    per_package = req["perPackage"]
    per_file = req["perFile"]
    project = jedi.Project(path=os.path.dirname(root), added_sys_path=[os.path.dirname(root)])
    by_file = {}
    scripts = {}
    taken = {}
    out = []
    tried = 0

    def names_of(path):
        if path not in by_file:
            abs_path = os.path.join(root, path)
            with open(abs_path, encoding="utf-8") as fh:
                code = fh.read()
            script = jedi.Script(code, path=abs_path, project=project)
            scripts[path] = script
            lines = {}
            for n in script.get_names(all_scopes=True, definitions=False, references=True):
                tree_name = n._name.tree_name
                if tree_name is None or tree_name.search_ancestor("import_from", "import_name") is not None:
                    continue
                lines.setdefault(n.line - 1, []).append(n)
            by_file[path] = lines
        return by_file[path]

    for path, line in req["candidates"]:
        if len(out) >= per_package:
            break
        if path not in files or taken.get(path, 0) >= per_file:
            continue
        names = names_of(path).get(line)
        if not names:
            continue
        tried += 1
        here = os.path.realpath(os.path.join(root, path))
        column = None
        defs = {}
        for n in sorted(names, key=lambda x: x.column):
            found = resolve(n, here, root)
            if not found:
                continue
            column = n.column if column is None else min(column, n.column)
            sites = [site for site, _, _ in found]
            # One definition per name used, with every site jedi gives (any of them counts).
            key = "|".join("%s:%d:%d" % (s["path"], s["startLine"], s["nameLine"]) for s in sites)
            via = "member" if any(member for _, _, member in found) and is_attribute(n) else "name"
            if key in defs:
                if via == "name":
                    defs[key]["via"] = "name"
            else:
                defs[key] = {"name": found[0][1], "via": via, "sites": sites}
        if defs:
            taken[path] = taken.get(path, 0) + 1
            out.append({"path": path, "line": line, "column": column, "defs": list(defs.values())})
    json.dump({"jedi": jedi.__version__, "python": sys.version.split()[0], "tried": tried, "lines": out}, sys.stdout)


def is_attribute(n):
    """`x.attr`: the name is the attribute of a trailer."""
    tree_name = n._name.tree_name
    return tree_name.parent is not None and tree_name.parent.type == "trailer"


def resolve(n, here, root):
    """[(site, name, inside a class)] for the in-package definitions of a used name, in other files."""
    try:
        found = n.goto(follow_imports=True, follow_builtin_imports=False)
        if not found:
            found = [d for d in n.infer() if d.name == n.name]
    except Exception:  # jedi gives up on some dynamic code: no ground truth for that name
        return []
    kept = []
    for d in found:
        if d.module_path is None:
            continue
        where = os.path.realpath(str(d.module_path))
        if where == here:
            return []  # visible in the current file
        if not where.startswith(root + os.sep) or d.type == "module":
            continue
        tree_name = d._name.tree_name
        if tree_name is None:
            continue
        site, member = site_of(tree_name, os.path.relpath(where, root).replace(os.sep, "/"))
        kept.append((site, d.name, member))
    return kept


def site_of(tree_name, path):
    """Lines (0-based) of the definition a parso name belongs to, and whether it lies in a class."""
    definition = tree_name.get_definition(import_name_always=True, include_setitem=True) or tree_name
    node = definition
    kind = definition.type
    signature_end = None
    if kind in ("funcdef", "classdef"):
        colon = next(c for c in definition.children if c.type == "operator" and c.value == ":")
        signature_end = colon.start_pos[0] - 1
        if definition.parent.type == "decorated":
            node = definition.parent
    elif kind == "expr_stmt" or kind == "param":
        pass
    else:
        # for/with/import targets and the like: their statement's line
        stmt = tree_name.get_definition() or tree_name
        node = stmt
    start = node.start_pos[0] - 1
    end = node.end_pos[0] - 1
    # end_pos of a suite lies on the line after its last newline
    if node.end_pos[1] == 0 and end > start:
        end -= 1
    if signature_end is None:
        signature_end = end
    member = False
    p = definition.parent
    while p is not None:
        if p.type == "classdef":
            member = True
            break
        if p.type == "funcdef" and not (tree_name.parent.type == "trailer"):
            break
        p = p.parent
    # `self.x = ...` inside a method of a class
    if tree_name.parent is not None and tree_name.parent.type == "trailer":
        member = True
    return {
        "path": path, "nameLine": tree_name.start_pos[0] - 1, "startLine": start, "endLine": end,
        "signatureEndLine": signature_end, "kind": kind,
    }, member


if __name__ == "__main__":
    main()
