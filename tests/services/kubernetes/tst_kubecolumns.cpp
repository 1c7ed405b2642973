// kubectl's columns: each kind's cells for objects in the states a cluster shows (pods waiting,
// crashing, completed, terminating, initialising), checked against the real kubectl where it
// computes them itself (`kubectl get`'s own columns; `kubectl events`, which reckons LAST SEEN
// with the same HumanDuration), and the duration boundaries.
#include "fakes/kubeapiserver.h"
#include "kubeobjectcases.h"
#include "kubernetes/kubecolumns.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;
using namespace launchdeck::kube;
using namespace launchdeck::test;

namespace {

struct KubectlRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

// kubectl's table: cells cut at the header's column starts (its tabwriter aligns them, and
// a cell may be empty or hold single spaces).
QList<QStringList> parseTable(const QString& text)
{
    QList<QStringList> rows;
    const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
    if (lines.isEmpty())
        return rows;
    QList<qsizetype> starts;
    static const QRegularExpression header(u"\\S+( \\S+)*"_qs);
    for (auto it = header.globalMatch(lines.first()); it.hasNext();)
        starts.append(it.next().capturedStart());
    for (const QString& line : lines) {
        QStringList cells;
        for (qsizetype i = 0; i < starts.size(); ++i) {
            const qsizetype end = i + 1 < starts.size() ? starts.at(i + 1) : line.size();
            cells.append(line.mid(starts.at(i), end - starts.at(i)).trimmed());
        }
        rows.append(cells);
    }
    return rows;
}

} // namespace

class TestKubeColumns final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void humanDurationBoundaries_data();
    void humanDurationBoundaries();
    void podStatusReasoning();
    void kubectlGetAgreesForEveryKind();
    void kubectlEventsAgreeOnLastSeen();

private:
    KubectlRun kubectl(const QStringList& arguments);
    void create(const QString& path, const QJsonObject& object);
    QJsonObject fetch(const QString& path);
    // Every cell of `expected` for the seconds kubectl may have read its clock at.
    QStringList acceptable(const QString& kind, const QJsonObject& object, int column,
                           const QDateTime& from, const QDateTime& to);

    KubeApiServer m_server;
    QTemporaryDir m_home;
    QString m_kubectl;
};

void TestKubeColumns::initTestCase()
{
    QVERIFY(kNow.isValid());
    m_kubectl = QStandardPaths::findExecutable(u"kubectl"_qs);
    if (m_kubectl.isEmpty())
        QFAIL("kubectl is not on PATH; the columns are checked against it");
    QVERIFY(m_home.isValid());
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    create(u"/api/v1/namespaces"_qs,
           json(uR"({"metadata":{"name":"columns"},"status":{"phase":"Active"}})"_qs));
}

void TestKubeColumns::humanDurationBoundaries_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    const qint64 hour = 3600;
    const qint64 day = 24 * hour;
    const QList<std::pair<qint64, QString>> cases{
        {-2, u"<invalid>"_qs},
        {-1, u"0s"_qs},
        {0, u"0s"_qs},
        {119, u"119s"_qs},
        {120, u"2m"_qs},
        {121, u"2m1s"_qs},
        {599, u"9m59s"_qs},
        {600, u"10m"_qs},
        {3 * hour - 1, u"179m"_qs},
        {3 * hour, u"3h"_qs},
        {3 * hour + 60, u"3h1m"_qs},
        {8 * hour - 1, u"7h59m"_qs},
        {8 * hour, u"8h"_qs},
        {48 * hour - 1, u"47h"_qs},
        {2 * day, u"2d"_qs},
        {2 * day + hour, u"2d1h"_qs},
        {8 * day - 1, u"7d23h"_qs},
        {8 * day, u"8d"_qs},
        {730 * day - 1, u"729d"_qs},
        {730 * day, u"2y"_qs},
        {731 * day, u"2y1d"_qs},
        {8 * 365 * day - 1, u"7y364d"_qs},
        {8 * 365 * day, u"8y"_qs},
        {3653 * day, u"10y"_qs},
    };
    for (const auto& [seconds, text] : cases)
        QTest::addRow("%lld", seconds) << seconds << text;
}

void TestKubeColumns::humanDurationBoundaries()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(humanDuration(seconds), text);
}

void TestKubeColumns::podStatusReasoning()
{
    QCOMPARE(columnsOf(u"Pod"_qs),
             (QStringList{u"NAME"_qs, u"READY"_qs, u"STATUS"_qs, u"RESTARTS"_qs, u"AGE"_qs}));
    for (const PodCase& c : podCases()) {
        const QStringList row =
            rowOf(u"Pod"_qs, json(pod(c.name, c.spec, c.status, c.metadata)), kNow);
        QCOMPARE(row, QStringList{c.name} + c.cells + QStringList{u"3d"_qs});
    }
}

KubectlRun TestKubeColumns::kubectl(const QStringList& arguments)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_qs, m_home.path()); // no discovery cache or settings from elsewhere
    process.setProcessEnvironment(env);
    process.start(m_kubectl, arguments + QStringList{u"--kubeconfig"_qs, m_server.kubeconfigPath(),
                                                     u"--context"_qs, u"cert"_qs});
    KubectlRun run;
    if (!process.waitForStarted(10'000))
        return run;
    if (!process.waitForFinished(60'000))
        process.kill();
    else if (process.exitStatus() == QProcess::NormalExit)
        run.exitCode = process.exitCode();
    process.waitForFinished(5000);
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

void TestKubeColumns::create(const QString& path, const QJsonObject& object)
{
    const KubeAnswer answer = m_server.request("POST", path, QJsonDocument(object).toJson());
    QVERIFY2(answer.status == 201, qPrintable(path + u": "_qs + QString::fromUtf8(answer.body)));
}

QJsonObject TestKubeColumns::fetch(const QString& path)
{
    const KubeAnswer answer = m_server.request("GET", path);
    if (answer.status != 200)
        qWarning("GET %s: %ld %s", qPrintable(path), answer.status, answer.body.constData());
    return QJsonDocument::fromJson(answer.body).object();
}

QStringList TestKubeColumns::acceptable(const QString& kind, const QJsonObject& object, int column,
                                        const QDateTime& from, const QDateTime& to)
{
    QStringList cells;
    for (QDateTime at = from.addSecs(-1); at <= to.addSecs(1); at = at.addSecs(1)) {
        const QStringList row = rowOf(kind, object, at);
        if (column < row.size() && !cells.contains(row.at(column)))
            cells.append(row.at(column));
    }
    return cells;
}

void TestKubeColumns::kubectlGetAgreesForEveryKind()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString ns = u"/namespaces/columns/"_qs;
    const QString meta = uR"("metadata":{"name":"%1","labels":{"app":"web"}})"_qs;
    const auto make = [&](const QString& path, const QString& name, const QString& body) {
        create(path, json(u"{%1,%2}"_qs.arg(meta.arg(name), body), now));
    };
    make(u"/apis/apps/v1"_qs + ns + u"deployments"_qs, u"web"_qs,
         uR"("spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{}},
"status":{"replicas":3,"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2})"_qs);
    make(u"/apis/apps/v1"_qs + ns + u"statefulsets"_qs, u"db"_qs,
         uR"("spec":{"replicas":2},"status":{"replicas":2,"readyReplicas":1})"_qs);
    make(u"/apis/apps/v1"_qs + ns + u"daemonsets"_qs, u"shipper"_qs,
         uR"("spec":{"template":{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"}}}},
"status":{"desiredNumberScheduled":1,"currentNumberScheduled":1,"numberReady":1,
"updatedNumberScheduled":1,"numberAvailable":1})"_qs);
    make(u"/apis/apps/v1"_qs + ns + u"replicasets"_qs, u"web-5d8f"_qs,
         uR"("spec":{"replicas":3},"status":{"replicas":3,"readyReplicas":2})"_qs);
    make(u"/api/v1"_qs + ns + u"services"_qs, u"web"_qs,
         uR"("spec":{"type":"NodePort","clusterIPs":["10.96.0.10"],
"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"}]})"_qs);
    make(u"/apis/networking.k8s.io/v1"_qs + ns + u"ingresses"_qs, u"web"_qs,
         uR"("spec":{"ingressClassName":"nginx","rules":[{"host":"web.example"}]},
"status":{"loadBalancer":{"ingress":[{"ip":"10.0.0.1"}]}})"_qs);
    make(u"/api/v1"_qs + ns + u"configmaps"_qs, u"web-config"_qs, uR"("data":{"a":"1"})"_qs);
    make(u"/api/v1"_qs + ns + u"secrets"_qs, u"web-tls"_qs,
         uR"("type":"kubernetes.io/tls","data":{"tls.crt":"","tls.key":""})"_qs);
    make(u"/api/v1"_qs + ns + u"events"_qs, u"web.1"_qs,
         uR"("type":"Warning","reason":"BackOff","message":"Back-off","count":3,
"involvedObject":{"kind":"Pod","name":"crashloop","namespace":"columns"},
"firstTimestamp":"%AGO:3600%","lastTimestamp":"%AGO:120%")"_qs);
    make(u"/api/v1/nodes"_qs, u"columns-node"_qs,
         uR"("status":{"conditions":[{"type":"Ready","status":"True"}],
"nodeInfo":{"kubeletVersion":"v1.31.0"}})"_qs);
    for (const PodCase& c : podCases()) {
        QJsonObject object = json(pod(c.name, c.spec, c.status), now);
        create(u"/api/v1"_qs + ns + u"pods"_qs, object);
        if (c.metadata.isEmpty())
            continue;
        // The API server sets deletionTimestamp on a graceful delete, never on create: the
        // fake keeps it from an update instead.
        const QString path = u"/api/v1"_qs + ns + u"pods/"_qs + c.name;
        QJsonObject current = fetch(path);
        QJsonObject metadata = current[u"metadata"].toObject();
        metadata[u"deletionTimestamp"] = ago(10, now);
        current[u"metadata"] = metadata;
        const KubeAnswer put = m_server.request("PUT", path, QJsonDocument(current).toJson());
        QVERIFY2(put.status == 200, put.body.constData());
    }

    struct Listed
    {
        QString kind;
        QString plural;
        QString path; // where one object is read, %1 for its name
    };
    const QList<Listed> kinds{
        {u"Deployment"_qs, u"deployments"_qs, u"/apis/apps/v1"_qs + ns + u"deployments/%1"_qs},
        {u"StatefulSet"_qs, u"statefulsets"_qs, u"/apis/apps/v1"_qs + ns + u"statefulsets/%1"_qs},
        {u"DaemonSet"_qs, u"daemonsets"_qs, u"/apis/apps/v1"_qs + ns + u"daemonsets/%1"_qs},
        {u"ReplicaSet"_qs, u"replicasets"_qs, u"/apis/apps/v1"_qs + ns + u"replicasets/%1"_qs},
        {u"Pod"_qs, u"pods"_qs, u"/api/v1"_qs + ns + u"pods/%1"_qs},
        {u"Service"_qs, u"services"_qs, u"/api/v1"_qs + ns + u"services/%1"_qs},
        {u"Ingress"_qs, u"ingresses"_qs,
         u"/apis/networking.k8s.io/v1"_qs + ns + u"ingresses/%1"_qs},
        {u"ConfigMap"_qs, u"configmaps"_qs, u"/api/v1"_qs + ns + u"configmaps/%1"_qs},
        {u"Secret"_qs, u"secrets"_qs, u"/api/v1"_qs + ns + u"secrets/%1"_qs},
        {u"Event"_qs, u"events"_qs, u"/api/v1"_qs + ns + u"events/%1"_qs},
        {u"Node"_qs, u"nodes"_qs, u"/api/v1/nodes/%1"_qs},
        {u"Namespace"_qs, u"namespaces"_qs, u"/api/v1/namespaces/%1"_qs},
    };
    QCOMPARE(kinds.size(), viewedKinds().size());
    for (const Listed& listed : kinds) {
        const bool namespaced = listed.path.contains(ns);
        QStringList arguments{u"get"_qs, listed.plural};
        if (namespaced)
            arguments += {u"-n"_qs, u"columns"_qs};
        const QDateTime before = QDateTime::currentDateTimeUtc();
        const KubectlRun run = kubectl(arguments);
        const QDateTime after = QDateTime::currentDateTimeUtc();
        QVERIFY2(run.exitCode == 0, qPrintable(listed.plural + u": "_qs + run.err));
        const QList<QStringList> table = parseTable(run.out);
        QVERIFY2(table.size() > 1, qPrintable(listed.plural + u": "_qs + run.out + run.err));
        const QStringList header = table.first();
        const QStringList ours = columnsOf(listed.kind);
        // kubectl prints the API server's table when the server sends one, and computes only
        // NAME and AGE itself when it does not (as the fake does not); every column it prints
        // must be one of ours with the same cells.
        const qsizetype nameColumn = header.indexOf(u"NAME"_qs);
        QVERIFY2(nameColumn >= 0, qPrintable(header.join(u'|')));
        for (qsizetype row = 1; row < table.size(); ++row) {
            const QStringList cells = table.at(row);
            const QJsonObject object = fetch(listed.path.arg(cells.at(nameColumn)));
            QVERIFY2(!object.isEmpty(), qPrintable(cells.join(u'|')));
            for (qsizetype column = 0; column < header.size(); ++column) {
                const QString& name = header.at(column);
                int ourColumn = int(ours.indexOf(name));
                QString kind = listed.kind;
                if (ourColumn < 0 && (name == u"NAME" || name == u"AGE")) {
                    kind.clear(); // kubectl's own NAME AGE table, for the Event kind too
                    ourColumn = name == u"NAME" ? 0 : 1;
                }
                QVERIFY2(ourColumn >= 0, qPrintable(listed.kind + u": no column "_qs + name));
                const QStringList expected = acceptable(kind, object, ourColumn, before, after);
                QVERIFY2(
                    expected.contains(cells.at(column)),
                    qPrintable(u"%1 %2, %3: kubectl printed \"%4\", expected one of \"%5\""_qs.arg(
                        listed.kind, cells.at(nameColumn), name, cells.at(column),
                        expected.join(u"\", \""_qs))));
            }
        }
        qInfo("%s: kubectl printed %s for %lld objects (of %s)", qPrintable(listed.kind),
              qPrintable(header.join(u' ')), qlonglong(table.size() - 1),
              qPrintable(ours.join(u' ')));
    }
}

void TestKubeColumns::kubectlEventsAgreeOnLastSeen()
{
    // One event a duration apart from now in every branch of HumanDuration.
    const QList<qint64> durations{5,
                                  119,
                                  125,
                                  599,
                                  11 * 60,
                                  3 * 3600 + 60,
                                  8 * 3600 + 120,
                                  3 * 86400 + 3600,
                                  40 * 86400,
                                  800 * 86400,
                                  3000 * 86400};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    create(u"/api/v1/namespaces"_qs,
           json(uR"({"metadata":{"name":"columns-events"},"status":{"phase":"Active"}})"_qs));
    QHash<QString, QString> paths; // involved object name -> event path
    for (qsizetype i = 0; i < durations.size(); ++i) {
        const QString name = u"target-%1"_qs.arg(i);
        const bool repeated = i % 3 == 2;
        const QString text =
            uR"({"metadata":{"name":"e%1"},"type":"%2","reason":"Reason%1","message":"event %1 said",
"involvedObject":{"kind":"Pod","name":"%3","namespace":"columns-events"},
"firstTimestamp":"%AGO:%4%"%5})"_qs
                .arg(QString::number(i), repeated ? u"Warning"_qs : u"Normal"_qs, name)
                .arg(durations.at(i) + (repeated ? 86400 : 0))
                .arg(repeated
                         ? u",\"lastTimestamp\":\"%AGO:%1%\",\"count\":4"_qs.arg(durations.at(i))
                         : QString());
        create(u"/api/v1/namespaces/columns-events/events"_qs, json(text, now));
        paths.insert(name, u"/api/v1/namespaces/columns-events/events/e%1"_qs.arg(i));
    }
    const QDateTime before = QDateTime::currentDateTimeUtc();
    const KubectlRun run = kubectl({u"events"_qs, u"-n"_qs, u"columns-events"_qs});
    const QDateTime after = QDateTime::currentDateTimeUtc();
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QList<QStringList> table = parseTable(run.out);
    QCOMPARE(table.value(0), columnsOf(u"Event"_qs));
    QCOMPARE(table.size() - 1, durations.size());
    for (qsizetype row = 1; row < table.size(); ++row) {
        const QStringList cells = table.at(row);
        const QString target = cells.at(3).section(u'/', 1);
        const QJsonObject object = fetch(paths.value(target));
        QVERIFY2(!object.isEmpty(), qPrintable(cells.join(u'|')));
        // kubectl events adds " (x4 over 1d)" to a repeated event's LAST SEEN.
        const QString lastSeen = cells.at(0).section(u" (x"_qs, 0, 0);
        const QStringList expected = acceptable(u"Event"_qs, object, 0, before, after);
        QVERIFY2(expected.contains(lastSeen),
                 qPrintable(u"%1: kubectl printed \"%2\", expected one of \"%3\""_qs.arg(
                     target, cells.at(0), expected.join(u"\", \""_qs))));
        const QStringList ours = rowOf(u"Event"_qs, object, after);
        QCOMPARE(cells.mid(1, 2), ours.mid(1, 2));
        // kubectl events writes the kind as it is (Pod/x), kubectl get events lower-cased.
        QCOMPARE(cells.at(3).toLower(), ours.at(3));
        QCOMPARE(cells.at(4), ours.at(4));
    }
}

QTEST_GUILESS_MAIN(TestKubeColumns)
#include "tst_kubecolumns.moc"
