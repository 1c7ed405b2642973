#!/usr/bin/env python3
# Generates the C++ tables of Kubernetes object structure and API lifecycles from the TypeScript
# definitions of the npm package kubernetes-types, so no field list is ever typed by hand.
"""Usage: generate_kube_schema.py NODE_MODULES PACKAGE_LOCK LIFECYCLE_TABLE OUTPUT.cpp

NODE_MODULES is the folder `npm ci` filled from PACKAGE_LOCK (services/kubeschema): the newest
kubernetes-types, which the schema is made from, and older releases installed under aliases
(kubernetes-types-1.25), which every row of LIFECYCLE_TABLE is checked against.
"""

import json
import os
import re
import sys

SCHEMA_PACKAGE = "kubernetes-types"

# Kinds with a literal apiVersion and kind that are no resource of their own: subresources
# (pods/eviction, deployments/scale, serviceaccounts/token) and discovery documents. An API
# server answers `no matches for kind` when one is sent as an object.
NOT_RESOURCES = {"Scale", "Eviction", "TokenRequest", "APIGroup", "APIVersions", "Status"}

# TypeScript has one `number`; the Kubernetes OpenAPI document says which are float64
# (format: double). These are the only ones in the built-in API, all in CRD schemas.
FLOAT_FIELDS = {
    ("apiextensions/v1", "JSONSchemaProps", "maximum"),
    ("apiextensions/v1", "JSONSchemaProps", "minimum"),
    ("apiextensions/v1", "JSONSchemaProps", "multipleOf"),
}

# Aliases of string that the API reads in a format of their own.
SPECIAL_ALIASES = {
    ("api/resource", "Quantity"): "Quantity",
    ("meta/v1", "Time"): "DateTime",
    ("meta/v1", "MicroTime"): "DateTime",
}

# Fields the Kubernetes OpenAPI document has and kubernetes-types leaves out: names that are no
# TypeScript identifiers (x-kubernetes-*), and properties whose description holds "*/" ('*/*'
# in a list of resources), which ends the doc comment early and loses that property and the
# next. Found by comparing the types with the models of python3-kubernetes 1.22; the rule of
# NamedRuleWithOperations is the same embedded Rule. A field the types come to have is left be.
_STRINGS = ("list", ("name", "string"))
_RULE = [("resources", _STRINGS, False), ("scope", ("name", "string"), False)]
MISSING_FIELDS = {
    ("admissionregistration/v1", "RuleWithOperations"): _RULE,
    ("admissionregistration/v1", "NamedRuleWithOperations"): _RULE,
    ("admissionregistration/v1beta1", "NamedRuleWithOperations"): _RULE,
    ("admissionregistration/v1alpha1", "NamedRuleWithOperations"): _RULE,
    ("authorization/v1", "ResourceRule"): [("resources", _STRINGS, False), ("verbs", _STRINGS, True)],
    ("apiextensions/v1", "JSONSchemaProps"): [
        ("x-kubernetes-embedded-resource", ("name", "boolean"), False),
        ("x-kubernetes-int-or-string", ("name", "boolean"), False),
        ("x-kubernetes-list-map-keys", _STRINGS, False),
        ("x-kubernetes-list-type", ("name", "string"), False),
        ("x-kubernetes-map-type", ("name", "string"), False),
        ("x-kubernetes-preserve-unknown-fields", ("name", "boolean"), False),
        ("x-kubernetes-validations", ("list", ("name", "ValidationRule")), False),
    ],
}

# The OpenAPI document marks some fields required that the API server defaults when they are
# left out; their descriptions say so.
DEFAULTED = re.compile(r"\b[Dd]efaults to\b|\bit defaults to\b")

TOKEN = re.compile(
    r'\s+|(?P<doc>/\*.*?\*/)|//[^\n]*|(?P<string>"(?:[^"\\]|\\.)*")|(?P<name>[A-Za-z_$][\w$]*)'
    r"|(?P<punct>[{}\[\]<>():;?|,=.*])",
    re.DOTALL,
)


def fail(message):
    raise SystemExit(f"generate_kube_schema: {message}")


def tokenize(text, path):
    """(kind, text, doc): doc is the comment just before the token, for field descriptions."""
    tokens = []
    position = 0
    doc = ""
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match:
            line = text.count("\n", 0, position) + 1
            fail(f"{path}:{line}: unexpected character {text[position]!r}")
        position = match.end()
        if match.group("doc") is not None:
            doc = match.group("doc")
        for kind in ("string", "name", "punct"):
            if match.group(kind) is not None:
                tokens.append((kind, match.group(kind), doc))
                doc = ""
    return tokens


class Parser:
    """The subset of TypeScript declaration files that kubernetes-types is written in."""

    def __init__(self, tokens, path):
        self.tokens = tokens
        self.at = 0
        self.path = path

    def peek(self, offset=0):
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "", "")

    def next(self):
        token = self.peek()
        self.at += 1
        return token

    def expect(self, value):
        token = self.next()
        if token[1] != value:
            fail(f"{self.path}: expected '{value}', found '{token[1]}'")
        return token

    def module(self):
        interfaces, aliases, imports = {}, {}, {}
        while self.peek()[0] != "end":
            word = self.next()[1]
            if word == "import":
                self.expect("{")
                while self.peek()[1] != "}":
                    name = self.next()[1]
                    local = name
                    if self.peek()[1] == "as":
                        self.next()
                        local = self.next()[1]
                    imports[local] = name
                    if self.peek()[1] == ",":
                        self.next()
                self.expect("}")
                self.expect("from")
                source = json.loads(self.next()[1])
                for local, name in list(imports.items()):
                    if isinstance(name, str):
                        imports[local] = (source, name)
                self.expect(";")
            elif word == "export" and self.peek()[1] == "interface":
                self.next()
                name = self.next()[1]
                interfaces[name] = self.members()
            elif word == "export" and self.peek()[1] in ("type", "declare"):
                if self.next()[1] == "declare":
                    self.expect("type")
                name = self.next()[1]
                self.expect("=")
                aliases[name] = self.type()
                self.expect(";")
            else:
                fail(f"{self.path}: unexpected '{word}'")
        return interfaces, aliases, imports

    def members(self):
        self.expect("{")
        fields = []
        while self.peek()[1] != "}":
            doc = self.peek()[2]
            if self.peek()[1] == "readonly" and self.peek(1)[1] not in ("?", ":"):
                self.next()
            kind, name, name_doc = self.next()
            doc = doc or name_doc
            if kind == "string":
                name = json.loads(name)
            optional = self.peek()[1] == "?"
            if optional:
                self.next()
            self.expect(":")
            required = not optional and not DEFAULTED.search(doc)
            fields.append({"json": name, "type": self.type(), "required": required})
            self.expect(";")
        self.expect("}")
        return fields

    def type(self):
        options = [self.postfix()]
        while self.peek()[1] == "|":
            self.next()
            options.append(self.postfix())
        return options[0] if len(options) == 1 else ("union", options)

    def postfix(self):
        base = self.primary()
        while self.peek()[1] == "[" and self.peek(1)[1] == "]":
            self.next()
            self.next()
            base = ("list", base)
        return base

    def primary(self):
        kind, value, _ = self.next()
        if kind == "string":
            return ("literal", json.loads(value))
        if value == "(":
            inner = self.type()
            self.expect(")")
            return inner
        if value == "{":
            # {[name: string]: T;}
            self.expect("[")
            self.next()
            self.expect(":")
            self.expect("string")
            self.expect("]")
            self.expect(":")
            value_type = self.type()
            if self.peek()[1] == ";":
                self.next()
            self.expect("}")
            return ("map", value_type)
        if value == "Array" and self.peek()[1] == "<":
            self.next()
            item = self.type()
            self.expect(">")
            return ("list", item)
        if kind == "name":
            return ("name", value)
        fail(f"{self.path}: unexpected '{value}' in a type")


def read_package(folder):
    """module ("apps/v1") -> (interfaces, aliases, imports), imports resolved to modules."""
    modules = {}
    for directory, _, files in os.walk(folder):
        for file_name in sorted(files):
            if not file_name.endswith(".d.ts"):
                continue
            path = os.path.join(directory, file_name)
            module = os.path.relpath(path, folder)[: -len(".d.ts")].replace(os.sep, "/")
            with open(path, encoding="utf-8") as handle:
                parsed = Parser(tokenize(handle.read(), path), path).module()
            interfaces, aliases, imports = parsed
            resolved = {}
            for local, (source, name) in imports.items():
                target = os.path.normpath(os.path.join(os.path.dirname(module), source))
                resolved[local] = (target.replace(os.sep, "/"), name)
            modules[module] = (interfaces, aliases, resolved)
    if not modules:
        fail(f"no TypeScript definitions in {folder}")
    return modules


def add_missing_fields(modules):
    for (module, name), fields in MISSING_FIELDS.items():
        if module not in modules or name not in modules[module][0]:
            fail(f"{module} has no {name} any more: review MISSING_FIELDS")
        present = {field["json"] for field in modules[module][0][name]}
        for json_name, field_type, required in fields:
            if json_name not in present:
                modules[module][0][name].append(
                    {"json": json_name, "type": field_type, "required": required}
                )


def literal_of(fields, name):
    for field in fields:
        if field["json"] == name and field["type"][0] == "literal":
            return field["type"][1]
    return None


def served_kinds(modules):
    """(apiVersion, kind) -> (module, interface) for every resource the types describe."""
    kinds = {}
    for module, (interfaces, _, _) in modules.items():
        for name, fields in interfaces.items():
            api_version, kind = literal_of(fields, "apiVersion"), literal_of(fields, "kind")
            if api_version and kind and kind not in NOT_RESOURCES:
                kinds[(api_version, kind)] = (module, name)
    return kinds


class Tables:
    def __init__(self, modules):
        self.modules = modules
        self.models = []  # (module, name)
        self.model_index = {}
        self.fields = {}  # model index -> fields
        self.type_refs = []  # (kind, target)
        self.type_ref_index = {}

    def type_ref(self, kind, target=0):
        key = (kind, target)
        if key not in self.type_ref_index:
            self.type_ref_index[key] = len(self.type_refs)
            self.type_refs.append(key)
        return self.type_ref_index[key]

    def lookup(self, module, name):
        """What `name` means in `module`: ("interface"|"alias", module, name)."""
        interfaces, aliases, imports = self.modules[module]
        if name in interfaces:
            return ("interface", module, name)
        if name in aliases:
            return ("alias", module, name)
        if name in imports:
            target_module, target_name = imports[name]
            if target_module not in self.modules:
                fail(f"{module} imports {target_name} from a missing module {target_module}")
            return self.lookup(target_module, target_name)
        fail(f"unknown type '{name}' in {module}")

    def model(self, module, name):
        key = (module, name)
        if key not in self.model_index:
            self.model_index[key] = len(self.models)
            self.models.append(key)
            fields = self.modules[module][0][name]
            self.fields[self.model_index[key]] = [
                {**field, "ref": self.resolve(module, field["type"], (module, name, field["json"]))}
                for field in fields
            ]
        return self.model_index[key]

    def resolve(self, module, node, where):
        kind = node[0]
        if kind == "list":
            return self.type_ref("List", self.resolve(module, node[1], where))
        if kind == "map":
            return self.type_ref("Map", self.resolve(module, node[1], where))
        if kind == "literal":
            return self.type_ref("String")
        if kind == "union":
            names = sorted(option[1] for option in node[1] if option[0] == "name")
            if len(names) == len(node[1]) and names == ["number", "string"]:
                return self.type_ref("IntOrString")
            return self.type_ref("Any")  # JSONSchemaProps | boolean and the like
        name = node[1]
        if name == "string":
            return self.type_ref("String")
        if name == "boolean":
            return self.type_ref("Boolean")
        if name == "number":
            return self.type_ref("Float" if where in FLOAT_FIELDS else "Integer")
        what, target_module, target_name = self.lookup(module, name)
        if what == "alias":
            special = SPECIAL_ALIASES.get((target_module, target_name))
            if special:
                return self.type_ref(special)
            alias = self.modules[target_module][1][target_name]
            return self.resolve(target_module, alias, where)
        if not self.modules[target_module][0][target_name]:
            return self.type_ref("Any")  # RawExtension, FieldsV1, JSON: free-form
        # The model is registered before its fields are resolved, so recursion ends.
        return self.type_ref("Model", self.model(target_module, target_name))


def parse_version(text, where):
    match = re.fullmatch(r"1\.(\d+)", text)
    if not match:
        fail(f"{where}: '{text}' is not a Kubernetes release such as 1.25")
    return int(match.group(1))


def read_lifecycles(path):
    rows = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            columns = [column.strip() for column in line.split("|")]
            where = f"{path}:{number}"
            if len(columns) != 6:
                fail(f"{where}: expected 6 columns separated by '|', found {len(columns)}")
            api_version, kind, since, removed, instead, source = columns
            if not source:
                fail(f"{where}: the row names no source")
            row = {
                "since": 0 if since == "-" else parse_version(since, where),
                "removed": 0 if removed == "-" else parse_version(removed, where),
                "instead": "" if instead == "-" else instead,
                "where": where,
            }
            if row["removed"] and row["since"] >= row["removed"]:
                fail(f"{where}: removed before it was served")
            if row["removed"] and not row["instead"]:
                fail(f"{where}: a removed API needs what to use instead")
            if (api_version, kind) in rows:
                fail(f"{where}: {api_version} {kind} has a row already")
            rows[(api_version, kind)] = row
    return rows


def check_lifecycles(rows, releases, newest):
    """Every row must agree with each kubernetes-types release about what it serves."""
    described_groups = set()
    for kinds in releases.values():
        described_groups |= {api_version.rpartition("/")[0] for api_version, _ in kinds}
    problems = []
    for minor, kinds in sorted(releases.items()):
        listed = {key for key in kinds if not key[1].endswith("List")}
        for key, row in sorted(rows.items()):
            if key[0].rpartition("/")[0] not in described_groups:
                continue  # a group the types never carry (apiregistration.k8s.io)
            served = row["since"] <= minor and (not row["removed"] or minor < row["removed"])
            if served != (key in listed):
                problems.append(
                    f"{row['where']}: {key[0]} {key[1]} is {'' if served else 'not '}served in "
                    f"1.{minor} by the table, but kubernetes-types 1.{minor} "
                    f"{'lacks' if served else 'has'} it"
                )
        if minor == newest:
            for key in sorted(listed - set(rows)):
                problems.append(f"{key[0]} {key[1]} of kubernetes-types 1.{minor} has no row")
    if problems:
        fail("the API lifecycle table disagrees with kubernetes-types:\n  " + "\n  ".join(problems))


def installed_releases(node_modules, lock_path):
    """minor -> package folder, after checking node_modules holds what the lock file names."""
    with open(lock_path, encoding="utf-8") as handle:
        lock = json.load(handle)
    releases = {}
    for key, entry in lock.get("packages", {}).items():
        name = key.rpartition("node_modules/")[2]
        if not key or entry.get("name", name) != SCHEMA_PACKAGE:
            continue
        folder = os.path.join(node_modules, name)
        manifest = os.path.join(folder, "package.json")
        installed = None
        if os.path.exists(manifest):
            with open(manifest, encoding="utf-8") as handle:
                installed = json.load(handle).get("version")
        if installed != entry["version"]:
            fail(
                f"{folder} holds {installed or 'nothing'}, the lock file names "
                f"{entry['version']}: run `npm ci --prefix services/kubeschema` (or "
                "packaging/install-deps.sh)"
            )
        minor = parse_version(".".join(entry["version"].split(".")[:2]), lock_path)
        releases[minor] = (folder, name == SCHEMA_PACKAGE)
    if not any(newest for _, newest in releases.values()):
        fail(f"{lock_path} names no {SCHEMA_PACKAGE}")
    return releases


def cpp_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_output(output, tables, resources, lifecycles, minor):
    lines = [
        "// Generated at build time by generate_kube_schema.py from the TypeScript definitions of",
        "// the npm package kubernetes-types and apilifecycle.txt; edit those, not this file.",
        '#include "kubeschema/kubeschemadata.h"',
        "",
        "namespace launchdeck::kubeschema::data {",
        "",
        "namespace {",
        "",
    ]
    field_lines = []
    model_lines = []
    for index, (_, name) in enumerate(tables.models):
        fields = sorted(tables.fields[index], key=lambda f: f["json"].encode("utf-8"))
        if len(fields) > 64:
            fail(f"{name} has more than 64 fields")
        required_mask = 0
        first = len(field_lines)
        for position, field in enumerate(fields):
            if field["required"]:
                required_mask |= 1 << position
            field_lines.append(f"    {{{cpp_string(field['json'])}, {field['ref']}}},")
        model_lines.append(
            f"    {{{cpp_string(name)}, {first}, {len(fields)}, 0x{required_mask:x}ull}},"
        )
    lines.append("constexpr TypeRef typeRefs[] = {")
    for kind, target in tables.type_refs:
        lines.append(f"    {{ValueKind::{kind}, {target}}},")
    lines += ["};", "", "constexpr Field fields[] = {"] + field_lines + ["};", ""]
    lines += ["constexpr Model models[] = {"] + model_lines + ["};", ""]
    def by_name(item):
        return (item[0][0].encode(), item[0][1].encode())

    lifecycle_order = sorted(lifecycles.items(), key=by_name)
    lifecycle_index = {key: index for index, (key, _) in enumerate(lifecycle_order)}
    lines.append("constexpr Resource resources[] = {")
    for (api_version, kind), type_index in sorted(resources.items(), key=by_name):
        row = lifecycle_index.get((api_version, kind))
        if row is None and kind.endswith("List"):
            row = lifecycle_index.get((api_version, kind[: -len("List")]))
        lines.append(
            f"    {{{cpp_string(api_version)}, {cpp_string(kind)}, {type_index}, "
            f"{-1 if row is None else row}}},"
        )
    lines += ["};", "", "constexpr Lifecycle lifecycles[] = {"]
    for (api_version, kind), row in lifecycle_order:
        lines.append(
            f"    {{{cpp_string(api_version)}, {cpp_string(kind)}, {row['since']}, "
            f"{row['removed']}, {cpp_string(row['instead'])}}},"
        )
    lines += [
        "};",
        "",
        "} // namespace",
        "",
        f"constinit const std::string_view kSchemaVersion = {cpp_string(f'1.{minor}')};",
        f"constinit const int kSchemaMinor = {minor};",
        "constinit const std::span<const TypeRef> kTypeRefs{typeRefs};",
        "constinit const std::span<const Field> kFields{fields};",
        "constinit const std::span<const Model> kModels{models};",
        "constinit const std::span<const Resource> kResources{resources};",
        "constinit const std::span<const Lifecycle> kLifecycles{lifecycles};",
        "",
        "} // namespace launchdeck::kubeschema::data",
    ]
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    temporary = output + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(temporary, output)


def main(argv):
    if len(argv) != 5:
        raise SystemExit(__doc__)
    node_modules, lock_path, lifecycle_path, output = argv[1:]
    releases = installed_releases(node_modules, lock_path)
    newest = next(minor for minor, (_, is_schema) in releases.items() if is_schema)
    if newest != max(releases):
        fail(f"{SCHEMA_PACKAGE} 1.{newest} is older than a release installed beside it")
    modules = read_package(releases[newest][0])
    add_missing_fields(modules)
    kinds = {
        minor: served_kinds(modules if minor == newest else read_package(folder))
        for minor, (folder, _) in releases.items()
    }
    lifecycles = read_lifecycles(lifecycle_path)
    check_lifecycles(lifecycles, kinds, newest)

    tables = Tables(modules)
    resources = {
        key: tables.type_ref("Model", tables.model(*where)) for key, where in kinds[newest].items()
    }
    # v1 List is no type of its own: kubectl reads it as any list of objects.
    config_map_list = tables.model("core/v1", "ConfigMapList")
    list_fields = [
        {**field, "ref": tables.type_ref("List", tables.type_ref("Any"))}
        if field["json"] == "items"
        else field
        for field in tables.fields[config_map_list]
    ]
    tables.models.append(("core/v1", "List"))
    tables.fields[len(tables.models) - 1] = list_fields
    resources[("v1", "List")] = tables.type_ref("Model", len(tables.models) - 1)
    write_output(output, tables, resources, lifecycles, newest)


if __name__ == "__main__":
    main(sys.argv)
