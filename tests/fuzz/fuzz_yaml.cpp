// libFuzzer entry for the safe YAML loader alone: any bytes must come back as a tree or as
// findings, never as a crash, a hang or a finding without a place and a reason.
#include "core/yamlsource.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] void fail(const char* what, const launchdeck::Diagnostic& diagnostic)
{
    std::fprintf(stderr, "fuzz_yaml: %s: %s\n", what,
                 qPrintable(launchdeck::formatDiagnostic(diagnostic)));
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QString name = QStringLiteral("fuzz.yaml");
    const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));

    launchdeck::Diagnostics diagnostics;
    const launchdeck::YamlFile file = launchdeck::parseYaml(name, bytes, diagnostics);

    bool anyError = false;
    for (const launchdeck::Diagnostic& diagnostic : diagnostics) {
        if (diagnostic.path != name)
            fail("finding names another file", diagnostic);
        if (diagnostic.line < 0 || diagnostic.column < 0)
            fail("finding has a negative position", diagnostic);
        if (diagnostic.rule.isEmpty() || diagnostic.message.isEmpty())
            fail("finding has no rule or no message", diagnostic);
        anyError = anyError || launchdeck::isError(diagnostic.severity);
    }
    if (!file.readable && !anyError) {
        std::fprintf(stderr, "fuzz_yaml: the input was rejected without an error finding\n");
        std::abort();
    }
    return 0;
}
