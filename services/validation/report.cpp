// Formatting validation reports for people and for machines.
#include "validation/report.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace launchdeck {

ReportSummary summarize(const QList<FileReport>& reports)
{
    ReportSummary summary;
    summary.files = static_cast<int>(reports.size());
    for (const FileReport& report : reports) {
        for (const Diagnostic& d : report.diagnostics)
            ++(isError(d.severity) ? summary.errors : summary.warnings);
    }
    return summary;
}

QString formatTextReport(const QList<FileReport>& reports)
{
    QString text;
    for (const FileReport& report : reports) {
        for (Diagnostic d : report.diagnostics) {
            d.path = report.path;
            text += formatDiagnostic(d) + u'\n';
        }
    }
    const ReportSummary summary = summarize(reports);
    text +=
        QStringLiteral("%1 %2 checked: %3 %4, %5 %6\n")
            .arg(summary.files)
            .arg(summary.files == 1 ? QStringLiteral("file") : QStringLiteral("files"))
            .arg(summary.errors)
            .arg(summary.errors == 1 ? QStringLiteral("error") : QStringLiteral("errors"))
            .arg(summary.warnings)
            .arg(summary.warnings == 1 ? QStringLiteral("warning") : QStringLiteral("warnings"));
    return text;
}

QByteArray formatJsonReport(const QList<FileReport>& reports)
{
    QJsonArray files;
    for (const FileReport& report : reports) {
        QJsonArray diagnostics;
        for (const Diagnostic& d : report.diagnostics) {
            diagnostics.append(QJsonObject{{QStringLiteral("line"), d.line},
                                           {QStringLiteral("column"), d.column},
                                           {QStringLiteral("severity"), severityName(d.severity)},
                                           {QStringLiteral("rule"), d.rule},
                                           {QStringLiteral("message"), d.message}});
        }
        files.append(QJsonObject{{QStringLiteral("path"), report.path},
                                 {QStringLiteral("diagnostics"), diagnostics}});
    }
    const ReportSummary summary = summarize(reports);
    const QJsonObject root{
        {QStringLiteral("files"), files},
        {QStringLiteral("summary"), QJsonObject{{QStringLiteral("files"), summary.files},
                                                {QStringLiteral("errors"), summary.errors},
                                                {QStringLiteral("warnings"), summary.warnings}}}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace launchdeck
