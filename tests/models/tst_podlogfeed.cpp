// PodLogFeed: which values of a pod are secret (its environment, the Secrets it references),
// masking before LogModel sees a line, each line tagged with its pod as the step, numbers per
// pod, the server's times, and overlong lines cut into continuations.
#include "logmodel.h"
#include "podlogfeed.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QTest>

using namespace launchdeck;
using launchdeck::kube::PodLogLine;

namespace {

QJsonObject json(const QByteArray& text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad JSON in the test: %s", qPrintable(error.errorString()));
    return document.object();
}

const QByteArray kPod = R"({
  "apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "web-1", "namespace": "shop"},
  "spec": {
    "initContainers": [{"name": "migrate", "env": [{"name": "MIGRATION_TOKEN", "value": "mig-token-77"}]}],
    "containers": [
      {"name": "app", "env": [
        {"name": "DB_PASSWORD", "value": "hunter2-db"},
        {"name": "API_KEY", "value": "abc"},
        {"name": "GREETING", "value": "hello world"},
        {"name": "SESSION_SECRET", "valueFrom": {"secretKeyRef": {"name": "session", "key": "value"}}}
      ],
       "envFrom": [{"secretRef": {"name": "payments"}}, {"configMapRef": {"name": "settings"}}]},
      {"name": "sidecar"}
    ],
    "volumes": [
      {"name": "certs", "secret": {"secretName": "tls"}},
      {"name": "bundle", "projected": {"sources": [{"secret": {"name": "bundle"}}]}},
      {"name": "scratch", "emptyDir": {}}
    ]
  }
})";

QJsonObject secret(const QString& name, const QString& nameSpace, const QVariantMap& values)
{
    QJsonObject data;
    for (auto it = values.begin(); it != values.end(); ++it)
        data.insert(it.key(), QString::fromLatin1(it.value().toString().toUtf8().toBase64()));
    return QJsonObject{
        {u"kind"_qs, u"Secret"_qs},
        {u"metadata"_qs, QJsonObject{{u"name"_qs, name}, {u"namespace"_qs, nameSpace}}},
        {u"data"_qs, data},
    };
}

PodLogLine line(const QString& pod, const QString& text, qint64 ms = 0)
{
    PodLogLine result;
    result.pod = pod;
    result.container = QStringLiteral("app");
    result.text = text;
    if (ms > 0) {
        result.time = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
        result.timeText = result.time.toString(Qt::ISODateWithMs);
    }
    return result;
}

} // namespace

class TestPodLogFeed final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsSecretValuesOfThePod();
    void takesValuesOfReferencedSecretsOnly();
    void namesContainersAndSecrets();
    void masksBeforeTheModelSeesALine();
    void tagsEachLineWithItsPod();
    void cutsOverlongLines();
};

void TestPodLogFeed::findsSecretValuesOfThePod()
{
    const QStringList values = PodLogFeed::secretValues(json(kPod));
    QVERIFY2(values.contains(u"hunter2-db"_qs), qPrintable(values.join(u", ")));
    QVERIFY(values.contains(u"mig-token-77"_qs));
    // Too short to be worth blanking everywhere, and not a secret by its name.
    QVERIFY(!values.contains(u"abc"_qs));
    QVERIFY(!values.contains(u"hello world"_qs));
    // Without the Secrets, the referenced values are not known.
    QCOMPARE(values.size(), 2);
}

void TestPodLogFeed::takesValuesOfReferencedSecretsOnly()
{
    const QList<QJsonObject> secrets = {
        secret(u"session"_qs, u"shop"_qs, {{u"value"_qs, u"s3ss10n-k3y"_qs}}),
        secret(u"payments"_qs, u"shop"_qs,
               {{u"STRIPE"_qs, u"sk_live_123456"_qs}, {u"PORT"_qs, u"8443"_qs}}),
        secret(u"tls"_qs, u"shop"_qs,
               {{u"tls.key"_qs, u"-----BEGIN KEY-----\nMIIEvQIBADANBg\n-----END KEY-----"_qs}}),
        secret(u"bundle"_qs, u"shop"_qs, {{u"ca"_qs, u"bundle-ca-data"_qs}}),
        // Not referenced by the pod, or another namespace's: not masked.
        secret(u"unrelated"_qs, u"shop"_qs, {{u"x"_qs, u"not-this-one"_qs}}),
        secret(u"session"_qs, u"other"_qs, {{u"value"_qs, u"other-namespace"_qs}}),
    };
    const QStringList values = PodLogFeed::secretValues(json(kPod), secrets);
    for (const QString& expected :
         {u"hunter2-db"_qs, u"mig-token-77"_qs, u"s3ss10n-k3y"_qs, u"sk_live_123456"_qs, u"8443"_qs,
          u"-----BEGIN KEY-----\nMIIEvQIBADANBg\n-----END KEY-----"_qs, u"bundle-ca-data"_qs})
        QVERIFY2(values.contains(expected), qPrintable(expected));
    QVERIFY(!values.contains(u"not-this-one"_qs));
    QVERIFY(!values.contains(u"other-namespace"_qs));
}

void TestPodLogFeed::namesContainersAndSecrets()
{
    QCOMPARE(PodLogFeed::containerNames(json(kPod)), QStringList({u"app"_qs, u"sidecar"_qs}));
    QCOMPARE(PodLogFeed::referencedSecrets(json(kPod)),
             QStringList({u"session"_qs, u"payments"_qs, u"tls"_qs, u"bundle"_qs}));
}

void TestPodLogFeed::masksBeforeTheModelSeesALine()
{
    LogModel model;
    QAbstractItemModelTester tester(&model);
    PodLogFeed feed;
    feed.setMaskedValues(PodLogFeed::secretValues(
        json(kPod), {secret(u"tls"_qs, u"shop"_qs, {{u"k"_qs, u"line one\nline two"_qs}})}));
    model.append(feed.convert({
        line(u"web-1"_qs, u"connecting with hunter2-db to the database"_qs),
        line(u"web-1"_qs, u"key: line two"_qs),
        line(u"web-1"_qs, u"nothing secret"_qs),
    }));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.plainText(0), u"connecting with ****** to the database"_qs);
    QCOMPARE(model.plainText(1), u"key: ******"_qs);
    QCOMPARE(model.plainText(2), u"nothing secret"_qs);
    QCOMPARE(model.find(u"hunter2"_qs, 0, model.rowCount(), true), -1);
}

void TestPodLogFeed::tagsEachLineWithItsPod()
{
    LogModel model;
    QAbstractItemModelTester tester(&model);
    PodLogFeed feed;
    const qint64 t = 1'796'551'200'000;
    model.append(feed.convert({
        line(u"web-1"_qs, u"a1"_qs, t + 1),
        line(u"web-1"_qs, u"a2"_qs, t + 2),
        line(u"web-2"_qs, u"b1"_qs, t + 3),
        line(u"web-1"_qs, u"a3"_qs, t + 4),
    }));
    model.append(feed.convert({line(u"web-2"_qs, u"b2"_qs, t + 5), line(u"web-3"_qs, u"c1"_qs)}));

    QCOMPARE(model.steps(), QStringList({u"web-1"_qs, u"web-2"_qs, u"web-3"_qs}));
    const QStringList pods = {u"web-1"_qs, u"web-1"_qs, u"web-2"_qs,
                              u"web-1"_qs, u"web-2"_qs, u"web-3"_qs};
    const QList<qint64> numbers = {1, 2, 1, 3, 2, 1};
    const QList<qint64> times = {t + 1, t + 2, t + 3, t + 4, t + 5, 0};
    QCOMPARE(model.rowCount(), 6);
    for (int row = 0; row < 6; ++row) {
        const QModelIndex index = model.index(row);
        QCOMPARE(index.data(LogModel::StepRole).toString(), pods[row]);
        QCOMPARE(index.data(LogModel::NumberRole).toLongLong(), numbers[row]);
        QCOMPARE(index.data(LogModel::TimeRole).toLongLong(), times[row]);
    }
    QCOMPARE(feed.lineCount(u"web-1"_qs), 3);
    QCOMPARE(feed.lineCount(u"web-4"_qs), 0);

    // One pod's lines alone, as the view's pod filter shows them.
    model.setStepFilter(u"web-2"_qs);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.plainText(1), u"b2"_qs);

    feed.restart();
    model.setStepFilter(QString());
    model.append(feed.convert({line(u"web-1"_qs, u"again"_qs)}));
    QCOMPARE(model.index(model.rowCount() - 1).data(LogModel::NumberRole).toLongLong(), 1);
}

void TestPodLogFeed::cutsOverlongLines()
{
    PodLogFeed feed;
    const QString longLine = QString(PodLogFeed::kMaxLineBytes + 10, u'x');
    const LogBatch batch = feed.convert({line(u"web-1"_qs, longLine)});
    QCOMPARE(batch.lineCount(), 2);
    QVERIFY(!batch.isContinuation(0));
    QVERIFY(batch.isContinuation(1));
    QCOMPARE(batch.number(1), 1);
    QCOMPARE(batch.bytes(0).size() + batch.bytes(1).size(), longLine.size());
}

QTEST_GUILESS_MAIN(TestPodLogFeed)
#include "tst_podlogfeed.moc"
