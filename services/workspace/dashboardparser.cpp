// Reading the workspace's `dashboards:` (PromQL panels for Live Metrics) and `notifications:`
// (webhook, desktop, and local threshold rules).
#include "workspace/workspaceparser.h"

#include "core/yamlsource.h"

#include <QRegularExpression>
#include <QSet>

namespace launchdeck::workspace_detail {

namespace {

const QStringList kUnits = {QStringLiteral("bytes"), QStringLiteral("seconds"),
                            QStringLiteral("percent"), QStringLiteral("req/s")};
// What Live Metrics fills in from the selection; the README lists the same names.
const QStringList kVariables = {QStringLiteral("app"),      QStringLiteral("env"),
                                QStringLiteral("revision"), QStringLiteral("namespace"),
                                QStringLiteral("pod"),      QStringLiteral("container")};

// `$name` and `${name}` that Live Metrics would leave as written. `$1` and `${1}` are
// label_replace's groups and stay PromQL's.
void checkVariables(YamlMapReader& reader, const YAML::Node& node, const QString& query,
                    const QString& what)
{
    static const QRegularExpression variable(
        QStringLiteral("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)\\}|([A-Za-z_][A-Za-z0-9_]*))"));
    for (auto it = variable.globalMatch(query); it.hasNext();) {
        const auto match = it.next();
        const QString name = match.hasCaptured(1) ? match.captured(1) : match.captured(2);
        if (kVariables.contains(name))
            continue;
        Diagnostic finding = diagnosticAt(
            reader.path(), node, Severity::Low, QStringLiteral("unknown-variable"),
            QStringLiteral("%1 uses $%2, which Live Metrics does not fill in (it knows $%3)")
                .arg(what, name, kVariables.join(QStringLiteral(", $"))));
        finding.column = columnInScalar(node, int(match.capturedStart() + 1));
        reader.diagnostics().append(finding);
    }
}

// "{{code}} on {{instance}}": every {{ closes, and holds a label name.
void checkLegend(YamlMapReader& reader, const YAML::Node& node, const QString& legend,
                 const QString& what)
{
    static const QRegularExpression labelName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    qsizetype from = 0;
    for (;;) {
        const qsizetype open = legend.indexOf(u"{{", from);
        if (open < 0)
            return;
        const qsizetype close = legend.indexOf(u"}}", open + 2);
        const QString label =
            close < 0 ? QString() : legend.mid(open + 2, close - open - 2).trimmed();
        if (close < 0 || !labelName.match(label).hasMatch()) {
            Diagnostic finding = diagnosticAt(
                reader.path(), node, Severity::Medium, QStringLiteral("bad-legend"),
                close < 0 ? QStringLiteral("%1 opens {{ without closing it").arg(what)
                          : QStringLiteral("%1 has '{{%2}}', which is not a label name")
                                .arg(what, legend.mid(open + 2, close - open - 2)));
            finding.column = columnInScalar(node, int(open + 1));
            reader.diagnostics().append(finding);
            return;
        }
        from = close + 2;
    }
}

std::optional<DashboardPanel> readPanel(const YAML::Node& node, const QString& dashboard, int index,
                                        const QString& path, Diagnostics& out)
{
    DashboardPanel panel;
    panel.line = yamlLine(node);
    YamlMapReader reader(
        node, path, QStringLiteral("panel %1 of dashboard '%2'").arg(index).arg(dashboard), out);
    if (!reader.isMap())
        return std::nullopt;
    const YAML::Node titleNode = reader.take("title");
    panel.title = reader.string("title", true).value_or(QString());
    if (titleNode.IsDefined() && titleNode.IsScalar() && panel.title.trimmed().isEmpty()) {
        reader.error(titleNode, QStringLiteral("bad-value"),
                     QStringLiteral("panel %1 of dashboard '%2' has an empty title")
                         .arg(index)
                         .arg(dashboard));
    }
    const QString what =
        panel.title.trimmed().isEmpty()
            ? QStringLiteral("panel %1 of dashboard '%2'").arg(index).arg(dashboard)
            : QStringLiteral("panel '%1' of dashboard '%2'").arg(panel.title, dashboard);
    const YAML::Node queryNode = reader.take("query");
    panel.query = readQuery(reader, "query", what);
    if (!panel.query.isEmpty())
        checkVariables(reader, queryNode, panel.query, QStringLiteral("query of ") + what);
    const YAML::Node unitNode = reader.take("unit");
    panel.unit = reader.string("unit").value_or(QString());
    if (!panel.unit.isEmpty() && !kUnits.contains(panel.unit)) {
        const QString guess = closestMatch(panel.unit, kUnits);
        reader.error(unitNode, QStringLiteral("bad-value"),
                     QStringLiteral("unit of %1 must be one of %2 (or \"\" for plain numbers), "
                                    "not '%3'%4")
                         .arg(what, kUnits.join(QStringLiteral(", ")), panel.unit,
                              guess.isEmpty()
                                  ? QString()
                                  : QStringLiteral(" (did you mean '%1'?)").arg(guess)));
        panel.unit.clear();
    }
    const YAML::Node legendNode = reader.take("legend");
    panel.legend = reader.string("legend").value_or(QString());
    checkLegend(reader, legendNode, panel.legend, QStringLiteral("legend of ") + what);
    reader.finish();
    return panel;
}

std::optional<Dashboard> readDashboard(const YAML::Node& node, int index, QSet<QString>& names,
                                       const QString& path, Diagnostics& out)
{
    Dashboard dashboard;
    dashboard.line = yamlLine(node);
    YamlMapReader reader(node, path, QStringLiteral("dashboard %1").arg(index), out);
    if (!reader.isMap())
        return std::nullopt;
    const YAML::Node nameNode = reader.take("name");
    dashboard.name = reader.string("name", true).value_or(QString());
    if (nameNode.IsDefined() && nameNode.IsScalar() && dashboard.name.trimmed().isEmpty()) {
        reader.error(nameNode, QStringLiteral("bad-value"),
                     QStringLiteral("dashboard %1 has an empty name").arg(index));
    } else if (!dashboard.name.isEmpty() && names.contains(dashboard.name)) {
        reader.error(nameNode, QStringLiteral("duplicate-name"),
                     QStringLiteral("dashboard '%1' is defined twice").arg(dashboard.name));
    }
    names.insert(dashboard.name);
    const QString shownName = dashboard.name.isEmpty() ? QString::number(index) : dashboard.name;
    // Whether these names exist is checkReferences' to say: it knows the whole workspace.
    dashboard.applications = reader.stringList("applications");
    dashboard.environments = reader.stringList("environments");
    const YAML::Node panels = reader.require("panels");
    if (panels.IsDefined() && (!panels.IsSequence() || panels.size() == 0)) {
        reader.error(panels, QStringLiteral("wrong-type"),
                     QStringLiteral("panels of dashboard '%1' must be a list of {title, query, "
                                    "unit, legend} with at least one panel")
                         .arg(shownName));
    } else if (panels.IsDefined()) {
        int panelIndex = 0;
        for (const YAML::Node& item : panels) {
            if (auto panel = readPanel(item, shownName, ++panelIndex, path, out))
                dashboard.panels.append(*panel);
        }
    }
    reader.finish();
    return dashboard;
}

std::optional<ThresholdRule> readRule(const YAML::Node& node, int index, QSet<QString>& names,
                                      const QString& path, Diagnostics& out)
{
    ThresholdRule rule;
    rule.line = yamlLine(node);
    YamlMapReader reader(node, path, QStringLiteral("rule %1 of notifications").arg(index), out);
    if (!reader.isMap())
        return std::nullopt;
    const YAML::Node nameNode = reader.take("name");
    rule.name = reader.string("name", true).value_or(QString());
    if (nameNode.IsDefined() && nameNode.IsScalar() && rule.name.trimmed().isEmpty()) {
        reader.error(nameNode, QStringLiteral("bad-value"),
                     QStringLiteral("rule %1 of notifications has an empty name").arg(index));
    } else if (!rule.name.isEmpty() && names.contains(rule.name)) {
        reader.error(nameNode, QStringLiteral("duplicate-name"),
                     QStringLiteral("rule '%1' of notifications is defined twice").arg(rule.name));
    }
    names.insert(rule.name);
    const QString what = rule.name.isEmpty() ? QStringLiteral("rule %1").arg(index)
                                             : QStringLiteral("rule '%1'").arg(rule.name);
    rule.environment = reader.string("environment", true).value_or(QString());
    rule.query = readQuery(reader, "query", what);
    rule.condition = readCondition(reader, "condition", what, true).value_or(QString());
    rule.holdFor = readHoldFor(reader);
    reader.finish();
    return rule;
}

} // namespace

QList<Dashboard> readDashboards(YamlMapReader& reader)
{
    QList<Dashboard> dashboards;
    const YAML::Node node = reader.take("dashboards");
    if (!node.IsDefined())
        return dashboards;
    if (!node.IsSequence()) {
        reader.error(node, QStringLiteral("wrong-type"),
                     QStringLiteral("dashboards must be a list of {name, applications, "
                                    "environments, panels}"));
        return dashboards;
    }
    QSet<QString> names;
    int index = 0;
    for (const YAML::Node& item : node) {
        if (auto dashboard =
                readDashboard(item, ++index, names, reader.path(), reader.diagnostics()))
            dashboards.append(*dashboard);
    }
    return dashboards;
}

Notifications readNotifications(YamlMapReader& reader)
{
    Notifications notifications;
    const YAML::Node node = reader.take("notifications");
    if (!node.IsDefined())
        return notifications;
    notifications.line = yamlLine(node);
    YamlMapReader r(node, reader.path(), QStringLiteral("notifications"), reader.diagnostics());
    if (!r.isMap())
        return notifications;
    const YAML::Node webhookNode = r.take("webhook");
    const YAML::Node secretNode = r.take("webhook_secret");
    const auto webhook = r.string("webhook");
    const auto secret = r.string("webhook_secret");
    if (webhook && secret) {
        r.error(secretNode, QStringLiteral("bad-webhook"),
                QStringLiteral("notifications take webhook or webhook_secret, not both"));
    } else if (webhook) {
        if (checkHttpUrl(r, webhookNode, *webhook, QStringLiteral("webhook of notifications")))
            notifications.webhook = *webhook;
    } else if (secret) {
        if (isSecretName(*secret)) {
            notifications.webhookSecret = *secret;
        } else {
            r.error(secretNode, QStringLiteral("bad-name"),
                    QStringLiteral("webhook_secret of notifications must name a secret (letters, "
                                   "digits and _, e.g. SLACK_WEBHOOK); put the URL itself in the "
                                   "keyring or the environment"));
        }
    }
    notifications.desktop = r.boolean("desktop").value_or(true);
    notifications.environments = r.stringList("environments");
    if (const YAML::Node rules = r.take("rules"); rules.IsDefined()) {
        if (!rules.IsSequence()) {
            r.error(rules, QStringLiteral("wrong-type"),
                    QStringLiteral("rules of notifications must be a list of {name, environment, "
                                   "query, condition, for}"));
        } else {
            QSet<QString> names;
            int index = 0;
            for (const YAML::Node& item : rules) {
                if (auto rule = readRule(item, ++index, names, r.path(), r.diagnostics()))
                    notifications.rules.append(*rule);
            }
        }
    }
    r.finish();
    return notifications;
}

} // namespace launchdeck::workspace_detail
