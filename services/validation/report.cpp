// Formatting validation reports for people and for machines.
#include "validation/report.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include <algorithm>
#include <utility>

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

namespace {

QString kindsChecked(const QList<FileReport>& reports)
{
    // In the order a workspace is laid out; "unknown" (not read to the end) is said by the
    // findings already.
    static const std::pair<const char16_t*, std::pair<const char*, const char*>> kKinds[] = {
        {u"workspace", {"workspace file", "workspace files"}},
        {u"pipeline", {"pipeline", "pipelines"}},
        {u"template", {"template", "templates"}},
        {u"compose", {"Compose file", "Compose files"}},
        {u"kubernetes", {"Kubernetes manifest file", "Kubernetes manifest files"}},
        {u"yaml", {"other YAML file", "other YAML files"}}};
    QStringList parts;
    for (const auto& [kind, names] : kKinds) {
        // An explicit capture: clang before 16 cannot capture a structured binding.
        const auto count = std::count_if(
            reports.begin(), reports.end(),
            [wanted = QStringView(kind)](const FileReport& r) { return r.kind == wanted; });
        if (count > 0) {
            parts.append(QStringLiteral("%1 %2").arg(count).arg(
                QLatin1String(count == 1 ? names.first : names.second)));
        }
    }
    return parts.isEmpty() ? QString() : u" (" + parts.join(QStringLiteral(", ")) + u')';
}

} // namespace

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
    text += QStringLiteral("%1 %2 checked: %3 %4, %5 %6%7\n")
                .arg(summary.files)
                .arg(summary.files == 1 ? QStringLiteral("file") : QStringLiteral("files"))
                .arg(summary.errors)
                .arg(summary.errors == 1 ? QStringLiteral("error") : QStringLiteral("errors"))
                .arg(summary.warnings)
                .arg(summary.warnings == 1 ? QStringLiteral("warning") : QStringLiteral("warnings"))
                .arg(kindsChecked(reports));
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
                                 {QStringLiteral("kind"), report.kind},
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
