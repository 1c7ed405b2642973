// Internal pieces of the workspace parser shared by its translation units.
#pragma once

#include "core/yamlmapreader.h"
#include "workspace/workspace.h"

namespace launchdeck::workspace_detail {

Application parseApplication(const QString& name, const YAML::Node& node, const QString& path,
                             Diagnostics& out);

// "5%" or "0.05" as a fraction; reports at the node.
std::optional<double> readFraction(YamlMapReader& reader, const char* key);

// Checks what one part of the file says about another: targets, pipelines, analyses,
// dashboards, notifications.
void checkReferences(const Workspace& workspace, const YAML::Node& root, const QString& path,
                     Diagnostics& out);

// monitoringparser.cpp: what Prometheus and Alertmanager need from the file.

// yaml-cpp keeps no scalar's style, so the text being parsed is kept at hand while the
// workspace is read (one scope per parse, on the parsing thread) to place findings inside one.
class SourceTextScope final
{
public:
    explicit SourceTextScope(const QByteArray& text);
    ~SourceTextScope();
    SourceTextScope(const SourceTextScope&) = delete;
    SourceTextScope& operator=(const SourceTextScope&) = delete;

private:
    const QByteArray* m_previous;
};

// A column inside a scalar's text (1-based) as a column of the file, when the file shows that
// text as written on the scalar's first line (plain, or quoted without escapes before it);
// else, as for a block scalar or a folded line, the scalar's own column.
int columnInScalar(const YAML::Node& node, int columnInText);

// `prometheus:` or `alertmanager:` of an environment: a URL, or {url, auth, tls} with TLS files
// made absolute against the folder of the workspace file. A bad URL is reported and left out.
MonitoringServer readMonitoringServer(YamlMapReader& reader, const char* key, const QString& owner);
// An http:// or https:// URL with a host and no password in it; reports at `node` naming
// `what` but never the URL itself, which may carry a token.
bool checkHttpUrl(YamlMapReader& reader, const YAML::Node& node, const QString& text,
                  const QString& what);
// The name of a secret: letters, digits and _, not starting with a digit.
bool isSecretName(const QString& name);
// A condition ("result > 0.05") checked by AnalysisCondition; a bad one is reported at the
// character where it stops making sense.
std::optional<QString> readCondition(YamlMapReader& reader, const char* key, const QString& owner,
                                     bool required = false);
// A PromQL query: required and not blank.
QString readQuery(YamlMapReader& reader, const char* key, const QString& owner);
// `for:` of a trigger or rule: a duration, zero when absent.
std::chrono::milliseconds readHoldFor(YamlMapReader& reader);
QList<PromTrigger> readPromTriggers(YamlMapReader& triggers, const QString& app);
QStringList readAlertNames(YamlMapReader& triggers, const QString& app);

// dashboardparser.cpp: the workspace's `dashboards:` and `notifications:`.
QList<Dashboard> readDashboards(YamlMapReader& reader);
Notifications readNotifications(YamlMapReader& reader);

} // namespace launchdeck::workspace_detail
