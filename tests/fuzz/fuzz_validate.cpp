// libFuzzer entry for the whole offline validation: the same bytes checked as a plain YAML
// file, a workspace, a template, a pipeline and a Compose file, at the strictest level.
#include "validation/validator.h"

#include <QCoreApplication>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] void fail(const char* what, const launchdeck::Diagnostic& diagnostic)
{
    std::fprintf(stderr, "fuzz_validate: %s: %s\n", what,
                 qPrintable(launchdeck::formatDiagnostic(diagnostic)));
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    // Some checks reach Qt facilities that expect an application object, as the CLI has one.
    static QCoreApplication application(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::array names = {
        QStringLiteral("fuzz.yaml"),           QStringLiteral("launchdeck.yaml"),
        QStringLiteral("templates/fuzz.yaml"), QStringLiteral("pipelines/fuzz.yaml"),
        QStringLiteral("docker-compose.yaml"),
    };
    const QByteArray text(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));

    for (const QString& name : names) {
        const launchdeck::Diagnostics diagnostics =
            launchdeck::validateText(name, text, launchdeck::ValidationLevel::Strict);
        for (const launchdeck::Diagnostic& diagnostic : diagnostics) {
            if (diagnostic.line < 0 || diagnostic.column < 0)
                fail("finding has a negative position", diagnostic);
            if (diagnostic.rule.isEmpty() || diagnostic.message.isEmpty())
                fail("finding has no rule or no message", diagnostic);
        }
    }
    return 0;
}
