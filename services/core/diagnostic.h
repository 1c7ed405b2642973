// Findings about a file: what is wrong, where, how bad, and which rule said so.
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace launchdeck {

// Ordered from most to least severe, so that `a < b` means "a is worse than b".
enum class Severity { Critical, High, Medium, Low, Info };

QString severityName(Severity severity);
std::optional<Severity> severityFromName(QStringView name);

// Critical and high findings are errors; the rest are warnings.
constexpr bool isError(Severity severity)
{
    return severity <= Severity::High;
}

struct Diagnostic
{
    QString path;
    int line = 0;   // 1-based; 0 when the finding concerns the whole file
    int column = 0; // 1-based; 0 when unknown
    Severity severity = Severity::High;
    QString rule;    // stable identifier, e.g. "yaml-syntax", "unknown-field", "latest-tag"
    QString message; // one sentence, naming the offending thing

    friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

using Diagnostics = QList<Diagnostic>;

// Sorts by path, line, column, then severity, so reports are stable across runs.
void sortDiagnostics(Diagnostics& diagnostics);

// "path:line:column: severity: message [rule]" as compilers print it.
QString formatDiagnostic(const Diagnostic& diagnostic);

} // namespace launchdeck

Q_DECLARE_METATYPE(launchdeck::Diagnostic)
Q_DECLARE_METATYPE(launchdeck::Diagnostics)

namespace launchdeck {

// How thoroughly an environment's files are checked, and what blocks a deploy there.
//  basic:    YAML, schemas and critical policies; only critical findings block.
//  standard: + semantic checks and the default policy set; critical findings block.
//  strict:   + every policy check; critical and high findings block.
enum class ValidationLevel { Basic, Standard, Strict };

QString validationLevelName(ValidationLevel level);
std::optional<ValidationLevel> validationLevelFromName(QStringView name);
bool blocksDeploy(Severity severity, ValidationLevel level);

} // namespace launchdeck
