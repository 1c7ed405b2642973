// Severity names and the textual form of a finding.
#include "core/diagnostic.h"

#include <algorithm>
#include <array>

namespace launchdeck {

namespace {
constexpr std::array<const char*, 5> kSeverityNames = {"critical", "high", "medium", "low", "info"};
}

QString severityName(Severity severity)
{
    return QString::fromLatin1(kSeverityNames[static_cast<size_t>(severity)]);
}

std::optional<Severity> severityFromName(QStringView name)
{
    for (size_t i = 0; i < kSeverityNames.size(); ++i) {
        if (name.compare(QLatin1String(kSeverityNames[i]), Qt::CaseInsensitive) == 0)
            return static_cast<Severity>(i);
    }
    return std::nullopt;
}

void sortDiagnostics(Diagnostics& diagnostics)
{
    std::stable_sort(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return std::tie(a.path, a.line, a.column, a.severity) <
                                std::tie(b.path, b.line, b.column, b.severity);
                     });
}

QString formatDiagnostic(const Diagnostic& d)
{
    QString where = d.path;
    if (d.line > 0) {
        where += u':' + QString::number(d.line);
        if (d.column > 0)
            where += u':' + QString::number(d.column);
    }
    QString text = where + u": " + severityName(d.severity) + u": " + d.message;
    if (!d.rule.isEmpty())
        text += u" [" + d.rule + u']';
    return text;
}

} // namespace launchdeck

namespace launchdeck {

QString validationLevelName(ValidationLevel level)
{
    switch (level) {
    case ValidationLevel::Basic:
        return QStringLiteral("basic");
    case ValidationLevel::Standard:
        return QStringLiteral("standard");
    case ValidationLevel::Strict:
        break;
    }
    return QStringLiteral("strict");
}

std::optional<ValidationLevel> validationLevelFromName(QStringView name)
{
    for (const ValidationLevel level :
         {ValidationLevel::Basic, ValidationLevel::Standard, ValidationLevel::Strict}) {
        if (name == validationLevelName(level))
            return level;
    }
    return std::nullopt;
}

bool blocksDeploy(Severity severity, ValidationLevel level)
{
    return severity == Severity::Critical ||
           (level == ValidationLevel::Strict && severity == Severity::High);
}

} // namespace launchdeck
