// kubectl's cells for every kind the cluster view shows, in the states worth telling apart
// (services of each type, ingresses with many hosts, events of both APIs, cordoned nodes), and
// time cells that move on from sinceOf() to what a fresh computation gives.
#include "kubeobjectcases.h"
#include "kubernetes/kubecolumns.h"

#include <QTest>

using namespace launchdeck::kube;
using namespace launchdeck::test;

class TestKubeColumnCells final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachKindsCells_data();
    void eachKindsCells();
    void timeCellsMoveOn();
};

void TestKubeColumnCells::eachKindsCells_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("object");
    QTest::addColumn<QStringList>("cells");
    const auto add = [](const char* name, const QString& kind, const QString& object,
                        const QStringList& cells) {
        QTest::newRow(name) << kind << object << cells;
    };
    const QString meta = uR"("metadata":{"name":"x","creationTimestamp":"%CREATED%"})"_qs;
    add("deployment", u"Deployment"_qs,
        u"{%1,\"spec\":{\"replicas\":3},\"status\":{\"replicas\":3,\"readyReplicas\":2,"
        u"\"updatedReplicas\":1,\"availableReplicas\":2}}"_qs.arg(meta),
        {u"x"_qs, u"2/3"_qs, u"1"_qs, u"2"_qs, u"3d"_qs});
    add("deployment-new", u"Deployment"_qs, u"{%1,\"spec\":{}}"_qs.arg(meta),
        {u"x"_qs, u"0/1"_qs, u"0"_qs, u"0"_qs, u"3d"_qs});
    add("statefulset", u"StatefulSet"_qs,
        u"{%1,\"spec\":{\"replicas\":2},\"status\":{\"readyReplicas\":2}}"_qs.arg(meta),
        {u"x"_qs, u"2/2"_qs, u"3d"_qs});
    add("daemonset", u"DaemonSet"_qs,
        uR"({%1,"spec":{"template":{"spec":{"nodeSelector":{"zone":"b","os":"linux"}}}},
"status":{"desiredNumberScheduled":4,"currentNumberScheduled":3,"numberReady":2,
"updatedNumberScheduled":1,"numberAvailable":2}})"_qs.arg(meta),
        {u"x"_qs, u"4"_qs, u"3"_qs, u"2"_qs, u"1"_qs, u"2"_qs, u"os=linux,zone=b"_qs, u"3d"_qs});
    add("replicaset", u"ReplicaSet"_qs,
        u"{%1,\"spec\":{\"replicas\":2},\"status\":{\"replicas\":2,\"readyReplicas\":1}}"_qs.arg(
            meta),
        {u"x"_qs, u"2"_qs, u"2"_qs, u"1"_qs, u"3d"_qs});
    add("service-clusterip", u"Service"_qs,
        uR"({%1,"spec":{"type":"ClusterIP","clusterIP":"10.0.0.7","clusterIPs":["10.0.0.7"],
"ports":[{"port":80,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]}})"_qs.arg(meta),
        {u"x"_qs, u"ClusterIP"_qs, u"10.0.0.7"_qs, u"<none>"_qs, u"80/TCP,53/UDP"_qs, u"3d"_qs});
    add("service-nodeport", u"Service"_qs,
        uR"({%1,"spec":{"type":"NodePort","clusterIPs":["10.0.0.8"],"externalIPs":["1.2.3.4"],
"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"}]}})"_qs.arg(meta),
        {u"x"_qs, u"NodePort"_qs, u"10.0.0.8"_qs, u"1.2.3.4"_qs, u"80:30080/TCP"_qs, u"3d"_qs});
    add("service-lb-pending", u"Service"_qs,
        uR"({%1,"spec":{"type":"LoadBalancer","clusterIPs":["10.0.0.9"],
"ports":[{"port":443,"nodePort":31443,"protocol":"TCP"}]}})"_qs.arg(meta),
        {u"x"_qs, u"LoadBalancer"_qs, u"10.0.0.9"_qs, u"<pending>"_qs, u"443:31443/TCP"_qs,
         u"3d"_qs});
    add("service-lb-long", u"Service"_qs,
        uR"({%1,"spec":{"type":"LoadBalancer","clusterIP":"None","ports":[]},
"status":{"loadBalancer":{"ingress":[{"hostname":"lb.example.com"},{"ip":"203.0.113.9"}]}}})"_qs
            .arg(meta),
        {u"x"_qs, u"LoadBalancer"_qs, u"None"_qs, u"203.0.113.9,l..."_qs, u"<none>"_qs, u"3d"_qs});
    add("service-externalname", u"Service"_qs,
        uR"({%1,"spec":{"type":"ExternalName","externalName":"db.example.com"}})"_qs.arg(meta),
        {u"x"_qs, u"ExternalName"_qs, u"<none>"_qs, u"db.example.com"_qs, u"<none>"_qs, u"3d"_qs});
    add("ingress", u"Ingress"_qs,
        uR"({%1,"spec":{"ingressClassName":"nginx","tls":[{"hosts":["a.example"]}],"rules":[
{"host":"a.example"},{"host":"b.example"},{},{"host":"c.example"},{"host":"d.example"}]},
"status":{"loadBalancer":{"ingress":[{"ip":"10.1.1.1"}]}}})"_qs.arg(meta),
        {u"x"_qs, u"nginx"_qs, u"a.example,b.example,c.example + 2 more..."_qs, u"10.1.1.1"_qs,
         u"80, 443"_qs, u"3d"_qs});
    add("ingress-bare", u"Ingress"_qs, uR"({%1,"spec":{"rules":[{}]}})"_qs.arg(meta),
        {u"x"_qs, u"<none>"_qs, u"*"_qs, QString(), u"80"_qs, u"3d"_qs});
    add("configmap", u"ConfigMap"_qs,
        uR"({%1,"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}})"_qs.arg(meta),
        {u"x"_qs, u"3"_qs, u"3d"_qs});
    add("secret", u"Secret"_qs,
        uR"({%1,"type":"kubernetes.io/tls","data":{"tls.crt":"","tls.key":""}})"_qs.arg(meta),
        {u"x"_qs, u"kubernetes.io/tls"_qs, u"2"_qs, u"3d"_qs});
    add("event-repeated", u"Event"_qs,
        uR"({%1,"type":"Warning","reason":"BackOff","message":" Back-off restarting \n",
"involvedObject":{"kind":"Pod","name":"web-1"},"firstTimestamp":"%AGO:7200%",
"lastTimestamp":"%AGO:125%","count":9})"_qs.arg(meta),
        {u"2m5s"_qs, u"Warning"_qs, u"BackOff"_qs, u"pod/web-1"_qs, u"Back-off restarting"_qs});
    add("event-new-api", u"Event"_qs, uR"({%1,"type":"Normal","reason":"Scheduled","message":"ok",
"involvedObject":{"kind":"Node"},"eventTime":"%AGO:30%"})"_qs.arg(meta),
        {u"30s"_qs, u"Normal"_qs, u"Scheduled"_qs, u"node"_qs, u"ok"_qs});
    add("event-series", u"Event"_qs,
        uR"({%1,"type":"Normal","reason":"Pulled","message":"m","involvedObject":{"kind":"Pod",
"name":"p"},"eventTime":"%AGO:9000%","series":{"count":4,"lastObservedTime":"%AGO:60%"}})"_qs.arg(
            meta),
        {u"60s"_qs, u"Normal"_qs, u"Pulled"_qs, u"pod/p"_qs, u"m"_qs});
    add("node", u"Node"_qs, uR"({"metadata":{"name":"x","creationTimestamp":"%CREATED%","labels":{
"node-role.kubernetes.io/worker":"","node-role.kubernetes.io/control-plane":"","kubernetes.io/role":"edge"}},
"spec":{"unschedulable":true},"status":{"conditions":[{"type":"MemoryPressure","status":"False"},
{"type":"Ready","status":"False"}],"nodeInfo":{"kubeletVersion":"v1.31.0"}}})"_qs,
        {u"x"_qs, u"NotReady,SchedulingDisabled"_qs, u"control-plane,edge,worker"_qs, u"3d"_qs,
         u"v1.31.0"_qs});
    add("node-unknown", u"Node"_qs, uR"({%1,"status":{}})"_qs.arg(meta),
        {u"x"_qs, u"Unknown"_qs, u"<none>"_qs, u"3d"_qs, QString()});
    add("namespace", u"Namespace"_qs, uR"({%1,"status":{"phase":"Terminating"}})"_qs.arg(meta),
        {u"x"_qs, u"Terminating"_qs, u"3d"_qs});
    add("no-timestamp", u"ConfigMap"_qs, uR"({"metadata":{"name":"x"}})"_qs,
        {u"x"_qs, u"0"_qs, u"<unknown>"_qs});
}

void TestKubeColumnCells::eachKindsCells()
{
    QFETCH(QString, kind);
    QFETCH(QString, object);
    QFETCH(QStringList, cells);
    QVERIFY(viewedKinds().contains(kind));
    QCOMPARE(columnsOf(kind).size(), cells.size());
    QCOMPARE(rowOf(kind, json(object), kNow), cells);
}

void TestKubeColumnCells::timeCellsMoveOn()
{
    const PodCase crash = podCases().at(1);
    const QJsonObject object = json(pod(crash.name, crash.spec, crash.status));
    const QStringList row = rowOf(u"Pod"_qs, object, kNow);
    // An hour later, the cells aged from sinceOf() equal a fresh computation.
    const QDateTime later = kNow.addSecs(3600);
    for (int column : {3, 4}) {
        const QDateTime since = sinceOf(u"Pod"_qs, object, column);
        QVERIFY2(since.isValid(), qPrintable(QString::number(column)));
        QCOMPARE(agedCell(u"Pod"_qs, column, row.at(column), since.secsTo(later)),
                 rowOf(u"Pod"_qs, object, later).at(column));
    }
    QVERIFY(!sinceOf(u"Pod"_qs, object, 2).isValid());
    QVERIFY(isDurationColumn(u"Pod"_qs, 4));
    QVERIFY(isNumericColumn(u"Pod"_qs, 3));
    QVERIFY(!isNumericColumn(u"Pod"_qs, 2));
}

QTEST_GUILESS_MAIN(TestKubeColumnCells)
#include "tst_kubecolumncells.moc"
