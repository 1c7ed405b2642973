#!/usr/bin/env python3
# Generates the C++ tables of Kubernetes object structure from the API models that the Python
# Kubernetes client ships (Debian's python3-kubernetes), so no field list is ever typed by hand.
"""Usage: generate_kube_schema.py MODELS_DIR API_DIR OUTPUT.cpp

MODELS_DIR holds kubernetes/client/models/*.py, API_DIR kubernetes/client/api/*_api.py.
The files are read with the ast module; the kubernetes package is never imported, so any
Python 3 interpreter can run this, whichever site-packages it sees.
"""

import ast
import os
import re
import sys

# Class names carry the API version, sometimes behind a group prefix (CoreV1Event,
# EventsV1Event); what follows is the Kubernetes kind.
VERSION_PREFIX = re.compile(r"^(?:[A-Z][a-z]+)*?V\d+(?:alpha\d+|beta\d+)?(?=[A-Z])")

# The models type quantities ("500m", "1Gi") as plain strings; their descriptions are what tell
# them apart from ordinary strings. YAML writes small quantities as numbers (cpu: 1), which the
# API server accepts, so these fields accept numbers too.
QUANTITY_DESCRIPTION = re.compile(
    r"\bquantity\b|amount of (?:compute resources|local storage)"
    r"|\b(?:by resource name|named resource|resource overhead|resources of a node"
    r"|total resources|actual resources|resources and capacity|usage of the resource)\b"
    r"|value reported by the CSI driver|output format of the exposed resources",
    re.IGNORECASE,
)

# 'object' is IntOrString where the description speaks of a number or name (ports,
# maxSurge) or a percentage (minAvailable); elsewhere it is free-form JSON.
INT_OR_STRING_DESCRIPTION = re.compile(r"\bnumber\b|\bnumerical\b|\d%", re.IGNORECASE)

SCALAR_KINDS = {
    "str": "String",
    "int": "Integer",
    "float": "Float",
    "bool": "Boolean",
    "datetime": "DateTime",
    "date": "DateTime",
    "object": "Any",
}

# Collection endpoints: /api/v1/[namespaces/{namespace}/]plural or
# /apis/group/version/[namespaces/{namespace}/]plural.
COLLECTION_PATH = re.compile(
    r"^/(?:api/(?P<core>v1)|apis/(?P<group>[a-z0-9.-]+)/(?P<version>v[0-9a-z]+))"
    r"/(?:namespaces/\{namespace\}/)?(?P<plural>[a-z0-9]+)$"
)
CALL_API = re.compile(
    r"call_api\(\s*'(?P<path>[^']*)',\s*'(?P<method>[A-Z]+)',.*?response_type=(?:'(?P<type>[^']*)'|None)",
    re.DOTALL,
)


def kind_of(class_name):
    return VERSION_PREFIX.sub("", class_name, count=1)


def description_of(function):
    doc = ast.get_docstring(function) or ""
    lines = [line.strip() for line in doc.splitlines()]
    # Getter docstrings: a title line, a blank line, then the description.
    return " ".join(lines[2:3]) if len(lines) > 2 else ""


def is_required_check(statement, parameter):
    """True for `if ...client_side_validation and <parameter> is None: raise ValueError(...)`."""
    if not isinstance(statement, ast.If) or not isinstance(statement.test, ast.BoolOp):
        return False
    if not isinstance(statement.test.op, ast.And) or len(statement.test.values) != 2:
        return False
    flag, comparison = statement.test.values
    if not (isinstance(flag, ast.Attribute) and flag.attr == "client_side_validation"):
        return False
    if not (
        isinstance(comparison, ast.Compare)
        and isinstance(comparison.left, ast.Name)
        and comparison.left.id == parameter
        and len(comparison.ops) == 1
        and isinstance(comparison.ops[0], ast.Is)
        and isinstance(comparison.comparators[0], ast.Constant)
        and comparison.comparators[0].value is None
    ):
        return False
    return any(
        isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and isinstance(node.exc.func, ast.Name)
        and node.exc.func.id == "ValueError"
        for node in statement.body
    )


def literal_dict(class_node, name):
    for statement in class_node.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id == name
        ):
            return ast.literal_eval(statement.value)
    return None


def read_model(path):
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    module = ast.parse(source, filename=path)
    version = re.search(r"The version of the OpenAPI document: release-([0-9.]+)", source)
    for node in module.body:
        if not isinstance(node, ast.ClassDef):
            continue
        types = literal_dict(node, "openapi_types")
        names = literal_dict(node, "attribute_map")
        if types is None or names is None:
            continue
        required = set()
        descriptions = {}
        for function in node.body:
            if not isinstance(function, ast.FunctionDef) or function.name not in types:
                continue
            decorators = function.decorator_list
            if any(isinstance(d, ast.Name) and d.id == "property" for d in decorators):
                descriptions[function.name] = description_of(function)
            elif any(isinstance(d, ast.Attribute) and d.attr == "setter" for d in decorators):
                parameter = function.args.args[1].arg if len(function.args.args) > 1 else None
                if any(is_required_check(s, parameter) for s in function.body):
                    required.add(function.name)
        fields = []
        for attribute, type_string in types.items():
            fields.append(
                {
                    "json": names[attribute],
                    "type": type_string,
                    "required": attribute in required,
                    "description": descriptions.get(attribute, ""),
                }
            )
        return node.name, fields, version.group(1) if version else ""
    return None


class Tables:
    def __init__(self, models):
        self.models = models  # class name -> fields
        self.order = sorted(models)
        self.index = {name: i for i, name in enumerate(self.order)}
        self.type_refs = []  # (kind, target)
        self.type_ref_index = {}

    def type_ref(self, kind, target=0):
        key = (kind, target)
        if key not in self.type_ref_index:
            self.type_ref_index[key] = len(self.type_refs)
            self.type_refs.append(key)
        return self.type_ref_index[key]

    def resolve(self, type_string, description):
        type_string = type_string.strip()
        match = re.fullmatch(r"list\[(.*)\]", type_string)
        if match:
            return self.type_ref("List", self.resolve(match.group(1), description))
        match = re.fullmatch(r"dict\(str,\s*(.*)\)", type_string)
        if match:
            return self.type_ref("Map", self.resolve(match.group(1), description))
        if type_string == "str" and QUANTITY_DESCRIPTION.search(description):
            return self.type_ref("Quantity")
        if type_string == "object" and INT_OR_STRING_DESCRIPTION.search(description):
            return self.type_ref("IntOrString")
        if type_string in SCALAR_KINDS:
            return self.type_ref(SCALAR_KINDS[type_string])
        if type_string in self.index:
            return self.type_ref("Model", self.index[type_string])
        raise SystemExit(f"generate_kube_schema: unknown type '{type_string}'")


def read_resources(api_dir, models):
    """(apiVersion, kind) -> model class, from the collection endpoints of the API classes."""
    resources = {}
    for file_name in sorted(os.listdir(api_dir)):
        if not file_name.endswith("_api.py"):
            continue
        with open(os.path.join(api_dir, file_name), encoding="utf-8") as handle:
            source = handle.read()
        for call in CALL_API.finditer(source):
            if call.group("method") not in ("GET", "POST"):
                continue
            path_match = COLLECTION_PATH.match(call.group("path"))
            model = call.group("type")
            if not path_match or model not in models:
                continue
            json_names = {field["json"] for field in models[model]}
            if not {"apiVersion", "kind"} <= json_names:
                continue
            if path_match.group("core"):
                api_version = "v1"
            else:
                api_version = path_match.group("group") + "/" + path_match.group("version")
            resources[(api_version, kind_of(model))] = model
    return resources


def add_generic_list(models, resources):
    """v1 List is not a model of its own: it is any *List with items of any object."""
    template = models.get("V1ConfigMapList")
    if template is None:
        return
    fields = []
    for field in template:
        copy = dict(field)
        if copy["json"] == "items":
            copy["type"] = "list[object]"
        fields.append(copy)
    models["V1List"] = fields
    resources[("v1", "List")] = "V1List"


def cpp_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_output(output, tables, resources, version):
    lines = [
        "// Generated at build time by generate_kube_schema.py from the Kubernetes API models of",
        "// python3-kubernetes; edit the generator, not this file.",
        '#include "kubeschema/kubeschemadata.h"',
        "",
        "namespace launchdeck::kubeschema::data {",
        "",
        "namespace {",
        "",
    ]
    field_lines = []
    model_lines = []
    for name in tables.order:
        fields = sorted(tables.models[name], key=lambda f: f["json"].encode("utf-8"))
        if len(fields) > 64:
            raise SystemExit(f"generate_kube_schema: {name} has more than 64 fields")
        required_mask = 0
        first = len(field_lines)
        for position, field in enumerate(fields):
            type_index = tables.resolve(field["type"], field["description"])
            if field["required"]:
                required_mask |= 1 << position
            field_lines.append(f"    {{{cpp_string(field['json'])}, {type_index}}},")
        model_lines.append(
            f"    {{{cpp_string(kind_of(name))}, {first}, {len(fields)}, 0x{required_mask:x}ull}},"
        )
    lines.append("constexpr TypeRef typeRefs[] = {")
    type_ref_count = len(tables.type_refs)
    for kind, target in tables.type_refs:
        lines.append(f"    {{ValueKind::{kind}, {target}}},")
    lines.append("};")
    lines.append("")
    lines.append("constexpr Field fields[] = {")
    lines.extend(field_lines)
    lines.append("};")
    lines.append("")
    lines.append("constexpr Model models[] = {")
    lines.extend(model_lines)
    lines.append("};")
    lines.append("")
    ordered = sorted(resources.items(), key=lambda item: (item[0][0].encode(), item[0][1].encode()))
    lines.append("constexpr Resource resources[] = {")
    for (api_version, kind), model in ordered:
        model_type = tables.type_ref("Model", tables.index[model])
        lines.append(f"    {{{cpp_string(api_version)}, {cpp_string(kind)}, {model_type}}},")
    lines.append("};")
    lines.append("")
    lines.append("} // namespace")
    lines.append("")
    lines.append(f"constinit const std::string_view kSchemaVersion = {cpp_string(version)};")
    lines.append("constinit const std::span<const TypeRef> kTypeRefs{typeRefs};")
    lines.append("constinit const std::span<const Field> kFields{fields};")
    lines.append("constinit const std::span<const Model> kModels{models};")
    lines.append("constinit const std::span<const Resource> kResources{resources};")
    lines.append("")
    lines.append("} // namespace launchdeck::kubeschema::data")
    text = "\n".join(lines) + "\n"
    # Every type the resources name was registered before the type table was written.
    if len(tables.type_refs) != type_ref_count:
        raise SystemExit("generate_kube_schema: internal error, type table grew late")
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    temporary = output + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, output)


def main(argv):
    if len(argv) != 4:
        raise SystemExit(__doc__)
    models_dir, api_dir, output = argv[1:]
    models = {}
    versions = set()
    for file_name in sorted(os.listdir(models_dir)):
        if not file_name.endswith(".py") or file_name == "__init__.py":
            continue
        model = read_model(os.path.join(models_dir, file_name))
        if model:
            name, fields, version = model
            models[name] = fields
            if version:
                versions.add(version)
    if not models:
        raise SystemExit(f"generate_kube_schema: no models found in {models_dir}")
    resources = read_resources(api_dir, models)
    if not resources:
        raise SystemExit(f"generate_kube_schema: no API resources found in {api_dir}")
    add_generic_list(models, resources)
    tables = Tables(models)
    # Resolve resource model refs first so that the type table is complete when written.
    for model in resources.values():
        tables.type_ref("Model", tables.index[model])
    write_output(output, tables, resources, ",".join(sorted(versions)))


if __name__ == "__main__":
    main(sys.argv)
