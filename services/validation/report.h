// Validation reports as the command line prints them: compiler-style text or JSON.
#pragma once

#include "core/diagnostic.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace launchdeck {

struct FileReport
{
    QString path; // as shown to the user
    Diagnostics diagnostics;
    QString kind; // what it was checked as, fileKindName(); empty when not known
};

struct ReportSummary
{
    int files = 0;
    int errors = 0;   // critical and high
    int warnings = 0; // medium, low and info
};

ReportSummary summarize(const QList<FileReport>& reports);

// One finding a line, `path:line:column: severity: message [rule]`, then a summary line that
// ends with what the files were checked as: "(1 workspace, 2 pipelines, 3 Kubernetes
// manifest files)".
QString formatTextReport(const QList<FileReport>& reports);
// {"files":[{"path":…,"kind":…,"diagnostics":[{"line":…,"column":…,"severity":…,"rule":…,"message":…}]}],
//  "summary":{"files":…,"errors":…,"warnings":…}}
QByteArray formatJsonReport(const QList<FileReport>& reports);

} // namespace launchdeck
