// Runs every Compose check over each document of a file and keeps what the level asks for.
#include "compose/composevalidator.h"

#include "compose/composepolicies.h"
#include "compose/composeschema.h"
#include "compose/composesemantics.h"

namespace launchdeck {

namespace {

bool wanted(const Diagnostic& finding, ValidationLevel level)
{
    switch (level) {
    case ValidationLevel::Basic:
        return finding.rule == u"compose-schema" || finding.severity == Severity::Critical;
    case ValidationLevel::Standard:
        return !isStrictOnlyComposeRule(finding.rule);
    case ValidationLevel::Strict:
        break;
    }
    return true;
}

} // namespace

void validateCompose(const YamlFile& file, ValidationLevel level, Diagnostics& out)
{
    if (!file.readable)
        return;
    for (const YamlDocument& document : file.documents) {
        if (document.root.IsNull() || !document.root.IsDefined())
            continue;
        Diagnostics found;
        checkComposeSchema(file.path, document.root, found);
        checkComposeSemantics(file.path, document.root, found);
        checkComposePolicies(file.path, document.root, found);
        sortDiagnostics(found);
        for (const Diagnostic& finding : std::as_const(found)) {
            if (wanted(finding, level))
                out.append(finding);
        }
    }
}

} // namespace launchdeck
