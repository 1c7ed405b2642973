// The ledger's audit details, and the check of the ledger's tables against the rows the audit
// log says they hold: column by column, with deleted and unaudited rows told apart.
#include "deploy/ledgeraudit.h"

#include "deploy/ledgerrows.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace launchdeck::ledger_audit {

using namespace detail;

namespace {

struct Stored
{
    Deployments deployments;
    QHash<QString, ConfigRow> configs;
    QStringList configOrder;
    QSet<QString> unauditedConfigs; // recorded before revision configurations were audited
};

Stored readTables(QSqlDatabase& db, LedgerVerification& counts, QString* error)
{
    Stored stored;
    QSqlQuery query(db);
    query.setForwardOnly(true);
    const auto runQuery = [&query, error](const QString& statement) {
        if (query.exec(statement))
            return true;
        *error = query.lastError().text();
        return false;
    };
    if (runQuery(
            QStringLiteral("SELECT id, application, environment, kind, from_revision, "
                           "from_image, to_revision, to_image, strategy, reason, actor, stage, "
                           "status, started_at, finished_at, duration_ms, message"
                           " FROM deployments ORDER BY started_at, rowid"))) {
        while (query.next()) {
            QList<QVariant> values;
            for (int i = 1; i <= 16; ++i)
                values.append(query.value(i));
            stored.deployments.at(query.value(0).toString()).row = deploymentRow(values);
            ++counts.deployments;
        }
    }
    if (runQuery(QStringLiteral("SELECT entity_id, status, at, detail FROM transitions"
                                " WHERE entity_type = 'deployment' ORDER BY id"))) {
        while (query.next()) {
            stored.deployments.at(query.value(0).toString())
                .transitions.append(transitionRow(query.value(1), query.value(2), query.value(3)));
            ++counts.transitions;
        }
    }
    if (runQuery(QStringLiteral("SELECT deployment_id, severity, rule, message, at"
                                " FROM deployment_validations ORDER BY id"))) {
        while (query.next()) {
            stored.deployments.at(query.value(0).toString())
                .validations.append(
                    validationRow(query.value(1), query.value(2), query.value(3), query.value(4)));
            ++counts.validations;
        }
    }
    if (runQuery(QStringLiteral("SELECT deployment_id, name, passed, metrics, at"
                                " FROM deployment_tests ORDER BY id"))) {
        while (query.next()) {
            const QVariant metrics = query.value(3).isNull()
                                         ? QVariant()
                                         : QVariant(canonicalMetrics(query.value(3).toString()));
            stored.deployments.at(query.value(0).toString())
                .tests.append(testRow(query.value(1), query.value(2), metrics, query.value(4)));
            ++counts.tests;
        }
    }
    if (runQuery(QStringLiteral("SELECT application, environment, number, image, config, "
                                "recorded_at FROM revision_configs"
                                " ORDER BY application, environment, number"))) {
        while (query.next()) {
            const QVariant config = query.value(4);
            ConfigRow row{query.value(0).toString(), query.value(1).toString(),
                          query.value(2).toLongLong(),
                          configRow(query.value(3),
                                    config.isNull() ? QVariant()
                                                    : QVariant(sha256(config.toString().toUtf8())),
                                    query.value(5))};
            const QString key = configKey(row.application, row.environment, row.number);
            stored.configOrder.append(key);
            stored.configs.insert(key, row);
            ++counts.revisionConfigs;
        }
    }
    if (runQuery(QStringLiteral("SELECT application, environment, number"
                                " FROM unaudited_revision_configs"))) {
        while (query.next())
            stored.unauditedConfigs.insert(configKey(
                query.value(0).toString(), query.value(1).toString(), query.value(2).toLongLong()));
    }
    return stored;
}

// Collects the differences of one subject's rows, worded for people.
class Report final
{
public:
    Report(QList<LedgerDiscrepancy>& out, QString deploymentId, QString subject)
        : m_out(out)
        , m_id(std::move(deploymentId))
        , m_subject(std::move(subject))
    {}

    // Column by column; `row` names the row within the subject ("transition 2"), empty for the
    // subject's own row.
    void compare(const QString& table, int position, const QString& row, const Row& audited,
                 const Row& stored)
    {
        for (qsizetype i = 0; i < audited.size() && i < stored.size(); ++i) {
            const Cell& a = audited[i];
            const Cell& s = stored[i];
            if (same(a.value, s.value))
                continue;
            const QString where =
                row.isEmpty() ? m_subject : m_subject + QStringLiteral(": ") + row;
            const QString sentence =
                a.kind == Kind::Digest
                    ? QStringLiteral("%1: column %2 differs from what the audit log recorded")
                          .arg(where, a.column)
                    : QStringLiteral("%1: column %2 is %3 in the audit log but %4 in the table")
                          .arg(where, a.column, shown(a), shown(s));
            add(table, position, a.column, shown(a), shown(s), sentence);
        }
    }

    void missing(const QString& table, int position, const QString& row)
    {
        add(table, position, {}, row, {},
            QStringLiteral("%1: %2 is in the audit log but not in the table: it was deleted")
                .arg(m_subject, row));
    }

    void unaudited(const QString& table, int position, const QString& row)
    {
        add(table, position, {}, {}, row,
            QStringLiteral("%1: %2 is in the table but not in the audit log: it was added "
                           "without an audit row")
                .arg(m_subject, row));
    }

    // Two ordered lists of one deployment's rows. Equal lengths are compared row by row; where
    // rows were deleted or added, the longer side's rows are taken out at the first difference.
    void compareLists(const QString& table, const QString& noun, const QList<Row>& audited,
                      const QList<Row>& stored)
    {
        qsizetype a = 0;
        qsizetype s = 0;
        while (a < audited.size() || s < stored.size()) {
            const qsizetype auditedLeft = audited.size() - a;
            const qsizetype storedLeft = stored.size() - s;
            if (auditedLeft > 0 && storedLeft > 0 &&
                (auditedLeft == storedLeft || same(audited[a], stored[s]))) {
                compare(table, int(s + 1), noun + u' ' + QString::number(s + 1), audited[a],
                        stored[s]);
                ++a;
                ++s;
            } else if (auditedLeft > storedLeft) {
                missing(table, int(a + 1), describe(noun, a, audited[a]));
                ++a;
            } else {
                unaudited(table, int(s + 1), describe(noun, s, stored[s]));
                ++s;
            }
        }
    }

private:
    void add(const QString& table, int position, const QString& column, const QString& audited,
             const QString& stored, const QString& sentence)
    {
        m_out.append({m_id, m_subject, table, position, column, audited, stored, sentence});
    }

    // "transition 3 (DEPLOYING at 2026-03-02T09:00:01.000Z)": the row's name and time.
    static QString describe(const QString& noun, qsizetype index, const Row& row)
    {
        return QStringLiteral("%1 %2 (%3 at %4)")
            .arg(noun)
            .arg(index + 1)
            .arg(shown(row.constFirst()), shown(row.constLast()));
    }

    QList<LedgerDiscrepancy>& m_out;
    QString m_id;
    QString m_subject;
};

// "deploy web to production, started 2026-03-02T09:00:00.000Z"
QString describeDeployment(const Row& row)
{
    const auto value = [&row](QStringView column) {
        const auto cell = std::find_if(row.cbegin(), row.cend(),
                                       [column](const Cell& c) { return c.column == column; });
        return cell != row.cend() ? shown(*cell) : QString();
    };
    return QStringLiteral("%1 %2 to %3, started %4")
        .arg(value(u"kind"), value(u"application"), value(u"environment"), value(u"started_at"));
}

void compareDeployments(const Deployments& audited, const Deployments& stored,
                        QList<LedgerDiscrepancy>& out)
{
    QStringList ids = audited.order;
    for (const QString& id : stored.order) {
        if (!audited.byId.contains(id))
            ids.append(id);
    }
    const DeploymentRows none;
    for (const QString& id : std::as_const(ids)) {
        const auto auditedIt = audited.byId.constFind(id);
        const auto storedIt = stored.byId.constFind(id);
        const DeploymentRows& a = auditedIt != audited.byId.cend() ? *auditedIt : none;
        const DeploymentRows& s = storedIt != stored.byId.cend() ? *storedIt : none;
        Report report(out, id, QStringLiteral("deployment ") + id);
        const QString table = QStringLiteral("deployments");
        if (a.row && s.row) {
            report.compare(table, 0, {}, *a.row, *s.row);
        } else if (a.row) {
            report.missing(table, 0,
                           QStringLiteral("its row (%1)").arg(describeDeployment(*a.row)));
            // Its other rows went with it: the one sentence says it all.
            if (s.transitions.isEmpty() && s.validations.isEmpty() && s.tests.isEmpty())
                continue;
        } else if (s.row) {
            report.unaudited(table, 0,
                             QStringLiteral("its row (%1)").arg(describeDeployment(*s.row)));
        }
        report.compareLists(QStringLiteral("transitions"), QStringLiteral("transition"),
                            a.transitions, s.transitions);
        report.compareLists(QStringLiteral("deployment_validations"),
                            QStringLiteral("validation result"), a.validations, s.validations);
        report.compareLists(QStringLiteral("deployment_tests"), QStringLiteral("test result"),
                            a.tests, s.tests);
    }
}

void compareConfigs(const Recorded& recorded, const Stored& stored, LedgerVerification& result)
{
    const auto subjectOf = [](const ConfigRow& row) {
        return QStringLiteral("revision configuration %1/%2 r%3")
            .arg(row.application, row.environment)
            .arg(row.number);
    };
    const QString table = QStringLiteral("revision_configs");
    for (const QString& key : stored.configOrder) {
        const ConfigRow& row = *stored.configs.constFind(key);
        Report report(result.discrepancies, {}, subjectOf(row));
        if (const auto audited = recorded.configs.constFind(key);
            audited != recorded.configs.cend())
            report.compare(table, 0, {}, audited->cells, row.cells);
        else if (stored.unauditedConfigs.contains(key))
            result.notCovered.append(subjectOf(row) + QStringLiteral(" (recorded before Launchdeck "
                                                                     "audited revision "
                                                                     "configurations)"));
        else
            report.unaudited(table, 0, QStringLiteral("its row"));
    }
    QStringList deleted;
    for (auto it = recorded.configs.cbegin(); it != recorded.configs.cend(); ++it) {
        if (!stored.configs.contains(it.key()))
            deleted.append(it.key());
    }
    deleted.sort();
    for (const QString& key : std::as_const(deleted)) {
        const ConfigRow& row = *recorded.configs.constFind(key);
        Report(result.discrepancies, {}, subjectOf(row))
            .missing(table, 0, QStringLiteral("its row (image %1)").arg(shown(row.cells[0])));
    }
}

} // namespace

QString startedAction()
{
    return QStringLiteral("deployment.started");
}

QString stageAction()
{
    return QStringLiteral("deployment.stage");
}

QString validationAction()
{
    return QStringLiteral("deployment.validation");
}

QString testAction()
{
    return QStringLiteral("deployment.test");
}

QString finishedAction()
{
    return QStringLiteral("deployment.finished");
}

QString revisionConfigAction()
{
    return QStringLiteral("revision.config");
}

QString deploymentSubject(const QString& id)
{
    return QStringLiteral("deployment/") + id;
}

QString revisionConfigSubject(const QString& application, const QString& environment, int number)
{
    return QStringLiteral("revision/%1/%2/%3").arg(application, environment).arg(number);
}

QJsonObject startedDetails(const DeploymentStart& start)
{
    const auto revision = [](const std::optional<Revision>& r) -> QJsonValue {
        if (!r)
            return QJsonValue::Null;
        return QJsonObject{{QStringLiteral("revision"), r->number},
                           {QStringLiteral("image"), r->image}};
    };
    return {{QStringLiteral("application"), start.application},
            {QStringLiteral("environment"), start.environment},
            {QStringLiteral("kind"), deploymentKindName(start.kind)},
            {QStringLiteral("from"), revision(start.from)},
            {QStringLiteral("to"), revision(start.to)},
            {QStringLiteral("strategy"), start.strategy},
            {QStringLiteral("reason"), start.reason}};
}

QJsonObject stageDetails(DeploymentStage stage, const QString& detail)
{
    return {{QStringLiteral("stage"), deploymentStageName(stage)},
            {QStringLiteral("detail"), detail}};
}

QJsonObject validationDetails(const ValidationResult& result)
{
    return {{QStringLiteral("severity"), severityName(result.severity)},
            {QStringLiteral("rule"), result.rule},
            {QStringLiteral("message"), result.message}};
}

QJsonObject testDetails(const TestResult& result)
{
    return {{QStringLiteral("name"), result.name},
            {QStringLiteral("passed"), result.passed},
            {QStringLiteral("metrics"), result.metrics}};
}

QJsonObject finishedDetails(DeploymentStatus status, const QString& message)
{
    return {{QStringLiteral("status"), deploymentStatusName(status)},
            {QStringLiteral("message"), message}};
}

QJsonObject revisionConfigDetails(const QString& application, const QString& environment,
                                  const Revision& revision, const QString& configText)
{
    return {{QStringLiteral("application"), application},
            {QStringLiteral("environment"), environment},
            {QStringLiteral("revision"), revision.number},
            {QStringLiteral("image"), revision.image},
            {QStringLiteral("config_sha256"), sha256(configText.toUtf8())}};
}

LedgerVerification verify(QSqlDatabase& db)
{
    LedgerVerification result;
    result.chain = audit::verify(db);
    QString error;
    const Recorded recorded = replayAuditLog(db, &error);
    const Stored stored = readTables(db, result, &error);
    if (!error.isEmpty()) {
        result.discrepancies.append({{},
                                     QStringLiteral("the ledger"),
                                     {},
                                     0,
                                     {},
                                     {},
                                     {},
                                     QStringLiteral("the ledger cannot be read: %1").arg(error)});
        return result;
    }
    for (const Stray& stray : recorded.strays) {
        result.discrepancies.append(
            {stray.deploymentId,
             QStringLiteral("deployment ") + stray.deploymentId,
             QStringLiteral("audit_log"),
             0,
             {},
             {},
             {},
             QStringLiteral("deployment %1: audit row %2 (%3) names a deployment the audit log "
                            "never started")
                 .arg(stray.deploymentId)
                 .arg(stray.sequence)
                 .arg(stray.action)});
    }
    compareDeployments(recorded.deployments, stored.deployments, result.discrepancies);
    compareConfigs(recorded, stored, result);
    return result;
}

} // namespace launchdeck::ledger_audit
