// The `validate` step kind: the workspace validation as a pipeline step.
#include "validation/validatingstepengines.h"

#include "validation/validator.h"

#include <QDir>
#include <QFileInfo>

namespace launchdeck {

BuiltinOutcome ValidatingStepEngines::validate(const ValidateStep& step, const QString& workspace,
                                               BuiltinChannel& channel) const
{
    const QString target = QDir(workspace).absoluteFilePath(step.path);
    if (!QFileInfo::exists(target))
        return {RunStatus::Failed, QStringLiteral("nothing to validate at %1").arg(step.path)};
    const QStringList files = validationTargets(target);
    int blocking = 0;
    int findings = 0;
    for (const QString& file : files) {
        if (channel.cancel)
            return {RunStatus::Cancelled, QStringLiteral("cancelled")};
        Diagnostics diagnostics = validateFile(file, step.level);
        sortDiagnostics(diagnostics);
        for (Diagnostic& d : diagnostics) {
            d.path = QDir(workspace).relativeFilePath(d.path);
            channel.append(formatDiagnostic(d));
            ++findings;
            if (blocksDeploy(d.severity, step.level))
                ++blocking;
        }
    }
    channel.append(QStringLiteral("validated %1 file(s) at level %2: %3 finding(s), %4 blocking")
                       .arg(files.size())
                       .arg(validationLevelName(step.level))
                       .arg(findings)
                       .arg(blocking));
    if (blocking > 0)
        return {RunStatus::Failed, QStringLiteral("%1 blocking finding(s)").arg(blocking)};
    return {};
}

} // namespace launchdeck
